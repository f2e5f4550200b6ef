"""Everything identity needs, built once with the gateway's other services."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from council import identity as assertions
from council.settings import Settings
from webchat.identity.authority import agent_authority, resident_authority
from webchat.identity.models import ResidentIdentity
from webchat.identity.residents import ResidentLinks
from webchat.identity.sessions import SessionStore
from webchat.identity.sign_in import SignIn
from webchat.identity.store import MemoryStore, RecordStore, RedisStore
from webchat.identity.tokens import TokenVerifier

logger = logging.getLogger(__name__)


@dataclass
class IdentityService:
    """Staff sign-in and sessions, resident sign-in, and token checks."""

    settings: Settings
    agents: SignIn
    residents: SignIn
    agent_tokens: TokenVerifier
    sessions: SessionStore
    links: ResidentLinks
    # Called after a resident signs in to a conversation, so the chat can say so.
    on_resident_signed_in: Callable[[str, ResidentIdentity], Awaitable[None]] | None = (
        None
    )

    @property
    def cookie_name(self) -> str:
        """``__Host-`` pins a secure cookie to this host and path / (RFC 6265bis)."""
        if self.settings.session_cookie_secure:
            return "__Host-council_session"
        return "council_session"

    async def identity_for_conversation(
        self, conversation_id: str
    ) -> ResidentIdentity | None:
        """The resident signed in to ``conversation_id``, or None if anonymous."""
        return await self.links.identity_for_conversation(conversation_id)

    async def assertion_for_conversation(self, conversation_id: str) -> str | None:
        """A fresh signed assertion for Rasa and the actions, or None if anonymous.

        Issue one per turn: it lives for at most five minutes
        (:mod:`council.identity`).
        """
        resident = await self.identity_for_conversation(conversation_id)
        if resident is None:
            return None
        return assertions.issue(
            subject=resident.subject,
            name=resident.name,
            email=resident.email,
            conversation_id=conversation_id,
            secret=self.settings.identity_assertion_secret,
        )


def build_identity(settings: Settings, redis: Redis | None = None) -> IdentityService:
    """Identity backed by Redis when the gateway has it, else in process.

    Nothing here calls the providers: discovery and keys are fetched on first
    use, so the gateway starts even when a provider is down.
    """
    records: RecordStore = RedisStore(redis) if redis is not None else MemoryStore()
    leeway = settings.token_leeway_seconds

    agents = agent_authority(settings)
    residents = resident_authority(settings)
    agent_tokens = TokenVerifier(agents, leeway)
    logger.info(
        "Identity: agents at %s, residents at %s, records in %s",
        agents.url,
        residents.url,
        "Redis" if redis is not None else "memory",
    )
    return IdentityService(
        settings=settings,
        agents=SignIn(
            agents,
            agent_tokens,
            records,
            flow_lifetime_seconds=settings.sign_in_timeout_seconds,
            cache_lifetime_seconds=settings.session_lifetime_seconds,
        ),
        residents=SignIn(
            residents,
            TokenVerifier(residents, leeway),
            records,
            flow_lifetime_seconds=settings.sign_in_timeout_seconds,
            cache_lifetime_seconds=settings.resident_link_lifetime_seconds,
        ),
        agent_tokens=agent_tokens,
        sessions=SessionStore(records, settings.session_lifetime_seconds),
        links=ResidentLinks(records, settings.resident_link_lifetime_seconds),
    )
