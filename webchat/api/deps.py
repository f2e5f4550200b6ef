"""Access to the gateway's long-lived services from routes."""

from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from council.enquiries import EnquiryService
from council.settings import Settings
from knowledge.search import KnowledgeSearch
from webchat.conversations import ConversationService
from webchat.identity import IdentityService
from webchat.rasa_client import RasaClient
from webchat.rate_limits import RateLimits
from webchat.state import SharedState


@dataclass
class Services:
    """Everything the gateway builds once at start and closes at stop."""

    settings: Settings
    engine: AsyncEngine
    http: httpx.AsyncClient
    state: SharedState
    rasa: RasaClient
    conversations: ConversationService
    knowledge: KnowledgeSearch
    identity: IdentityService
    enquiries: EnquiryService
    limits: RateLimits


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(services)]
