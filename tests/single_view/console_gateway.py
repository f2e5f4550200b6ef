"""A gateway for the console panel's tests: the real agent socket, handoff,
identity, console page and static files under uvicorn, in the test's own
event loop (so the test can queue chats and sign residents in directly).

Rasa is not involved; staff sign in through the local OIDC provider.
"""

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import time
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import ClientConnection, connect

from council.database import create_engine
from council.enquiries import EnquiryService
from council.settings import Settings
from council.single_view.conversations import ResidentConversations
from tests.identity.flows import bearer, mint
from tools.oidc_provider.process import LocalProvider
from tools.stack import free_port
from webchat import agent_socket, errors, state
from webchat.api import auth, console, staff_enquiries
from webchat.app import STATIC
from webchat.conversation_log import ConversationLog
from webchat.conversations import ConversationService
from webchat.handoff import HandoffService
from webchat.identity import IdentityService, build_identity
from webchat.identity.models import ResidentIdentity
from webchat.opening_hours import OpeningHours
from webchat.rasa_client import RasaClient
from webchat.state import SharedState

ALWAYS = OpeningHours({day: (time(0, 0), time(23, 59)) for day in range(7)})
CATHERINE = ResidentIdentity(
    "subject-catherine", "Catherine McDonald", "catherine.mcdonald@example.com"
)
OTHER_CATHERINE = ResidentIdentity(
    "subject-other-catherine", "Catherine Macdonald", "c.macdonald@example.net"
)


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProvider]:
    running = LocalProvider(port=free_port(), state_dir=tmp_path_factory.mktemp("oidc"))
    running.start()
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@dataclass
class PanelServices:
    """What the agent socket and the console routes reach on Services."""

    settings: Settings
    engine: AsyncEngine
    state: SharedState
    conversations: ConversationService
    identity: IdentityService
    enquiries: EnquiryService


@dataclass
class Console:
    url: str
    services: PanelServices
    provider: LocalProvider

    def token(self, agent_id: str) -> str:
        return mint(self.provider, oid=agent_id, sub=agent_id, name=agent_id.title())

    async def open(
        self, agent_id: str, open_chat: str | None = None
    ) -> ClientConnection:
        """The agent socket, signed in with a bearer token for ``agent_id``;
        ``open_chat`` is the chat the console has open, as on reconnecting."""
        query = f"?open={quote(open_chat)}" if open_chat else ""
        return await connect(
            self.url.replace("http://", "ws://") + "/ws/agent" + query,
            additional_headers=bearer(self.token(agent_id)),
        )

    async def waiting_chat(self) -> str:
        """A new chat, queued for a person."""
        conversations = self.services.conversations
        conversation_id = await conversations.start()
        assert conversations.handoff is not None
        await conversations.handoff.request(conversation_id, "waste", "asked")
        return conversation_id

    async def sign_in(self, conversation_id: str, resident: ResidentIdentity) -> None:
        """What the resident's sign-in callback does: link, note, then say so."""
        await self.services.identity.links.link(conversation_id, resident)
        await ResidentConversations(self.services.engine).note(
            resident.subject, conversation_id
        )
        await self.services.conversations.record(
            "system",
            {"text": f"You are signed in as {resident.name}.", "signed_in": True},
            conversation_id,
            kind="state",
        )


@asynccontextmanager
async def serve_console(
    database_url: str, provider: LocalProvider
) -> AsyncIterator[Console]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=database_url,
        redis_url="",
        identity_ca_file=provider.ca_file,
        agent_oidc_authority=provider.issuer,
        resident_oidc_authority=provider.issuer,
        session_cookie_secure=False,
    )
    engine = create_engine(settings.async_database_url)
    shared = state.build("")
    await shared.fanout.start()
    http = httpx.AsyncClient(timeout=2)
    # Nothing listens on port 9: the assistant is not part of these tests.
    rasa = RasaClient("http://127.0.0.1:9", b"secret", "token", http)
    conversations = ConversationService(
        ConversationLog(engine), shared, rasa, settings.max_message_chars
    )
    conversations.handoff = HandoffService(conversations, ALWAYS, max_queue=5)
    services = PanelServices(
        settings,
        engine,
        shared,
        conversations,
        build_identity(settings),
        EnquiryService(engine),
    )

    app = FastAPI()
    errors.install_handlers(app)
    app.include_router(auth.router)
    app.include_router(console.router)
    app.include_router(agent_socket.router)
    app.include_router(staff_enquiries.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.services = services
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "the test gateway did not start"
        await asyncio.sleep(0.02)

    try:
        yield Console(f"http://127.0.0.1:{port}", services, provider)
    finally:
        server.should_exit = True
        await serving
        await shared.fanout.stop()
        await http.aclose()
        await engine.dispose()
