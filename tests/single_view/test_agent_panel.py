"""The agent console's single-view panel over the real agent websocket.

The gateway's agent socket, handoff and identity run under uvicorn on a real
port, in the test's own event loop, on the seeded county (SQLite and
PostgreSQL). The agent signs in with a bearer token from the local OIDC
provider. Checked: the panel comes with a chat whose resident signed in, is
audited with the agent's id, says so when the resident has not signed in,
arrives when the resident signs in during the chat, and is refused for a chat
the agent does not own.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import time
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import ClientConnection, connect

from council.database import create_engine
from council.enquiries import EnquiryService
from council.settings import Settings
from council.single_view.models import sv_people, sv_view_audit
from tests.identity.flows import bearer, mint
from tests.single_view.conftest import County
from tools.oidc_provider.process import LocalProvider
from tools.stack import free_port
from webchat import agent_socket, errors, state
from webchat.conversation_log import ConversationLog
from webchat.conversations import ConversationService
from webchat.handoff import HandoffService
from webchat.identity import IdentityService, build_identity
from webchat.identity.models import ResidentIdentity
from webchat.opening_hours import OpeningHours
from webchat.rasa_client import RasaClient
from webchat.state import SharedState

ALWAYS = OpeningHours({day: (time(0, 0), time(23, 59)) for day in range(7)})
PRIYA = "agent-priya"
TOM = "agent-tom"
CATHERINE = ResidentIdentity(
    "subject-catherine", "Catherine McDonald", "catherine.mcdonald@example.com"
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
    """What the agent socket reaches on the gateway's Services."""

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

    async def open(self, agent_id: str) -> ClientConnection:
        return await connect(
            self.url.replace("http://", "ws://") + "/ws/agent",
            additional_headers=bearer(self.token(agent_id)),
        )

    async def waiting_chat(self) -> str:
        conversations = self.services.conversations
        conversation_id = await conversations.start()
        assert conversations.handoff is not None
        await conversations.handoff.request(conversation_id, "waste", "asked")
        return conversation_id

    async def sign_in(self, conversation_id: str, resident: ResidentIdentity) -> None:
        """What the resident's sign-in callback does: link, then say so."""
        await self.services.identity.links.link(conversation_id, resident)
        await self.services.conversations.record(
            "system",
            {"text": f"You are signed in as {resident.name}.", "signed_in": True},
            conversation_id,
            kind="state",
        )


@pytest_asyncio.fixture(loop_scope="function")
async def console(
    database_url: str, county: County, provider: LocalProvider
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
    app.include_router(agent_socket.router)
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

    yield Console(f"http://127.0.0.1:{port}", services, provider)

    server.should_exit = True
    await serving
    await shared.fanout.stop()
    await http.aclose()
    await engine.dispose()


async def next_frame(
    socket: ClientConnection, wanted: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The first frame ``wanted`` accepts, within a few seconds."""

    async def read() -> dict[str, Any]:
        while True:
            frame: dict[str, Any] = json.loads(await socket.recv())
            if wanted(frame):
                return frame

    return await asyncio.wait_for(read(), 10)


def of_type(kind: str, conversation_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda frame: (
        frame.get("type") == kind and frame.get("conversation_id") == conversation_id
    )


def section(frame: dict[str, Any], section_id: str) -> dict[str, Any]:
    return next(item for item in frame["sections"] if item["id"] == section_id)


async def audit_rows(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list(
            await connection.execute(select(sv_view_audit).order_by(sv_view_audit.c.id))
        )


async def test_taking_a_signed_in_chat_sends_the_residents_single_view(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    async with await console.open(PRIYA) as socket:
        await next_frame(socket, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()
        await console.sign_in(conversation_id, CATHERINE)

        await socket.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        await next_frame(socket, of_type("transcript", conversation_id))
        panel = await next_frame(socket, of_type("single_view", conversation_id))

    assert panel["signed_in"] is True
    assert panel["resident"]["name"] == "Catherine McDonald"
    council_tax = section(panel, "council-tax")
    assert council_tax["rows"][0][0] == "99000001"
    assert council_tax["rows"][0][3] == "£417.40"
    assert council_tax["rows"][0][4] == "£208.70 on Fri 1 January 2027"
    bins = {row[0] for row in section(panel, "collections")["rows"]}
    assert bins == {"rubbish", "recycling", "food"}
    assert {"enquiries", "payments", "permits", "penalty-charges"} <= {
        item["id"] for item in panel["sections"]
    }
    rows = await audit_rows(engine)
    assert [(row.viewer_id, row.person_id, row.reason) for row in rows] == [
        (f"agent:{PRIYA}", county.catherine, f"Live chat {conversation_id}")
    ]


async def test_chat_without_sign_in_gets_a_panel_that_says_so_and_no_audit(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    async with await console.open(PRIYA) as socket:
        await next_frame(socket, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()

        await socket.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        panel = await next_frame(socket, of_type("single_view", conversation_id))

    assert panel["signed_in"] is False
    assert "has not signed in" in panel["message"]
    assert "sections" not in panel
    assert await audit_rows(engine) == []


async def test_resident_signing_in_during_the_chat_sends_the_panel(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    async with await console.open(PRIYA) as socket:
        await next_frame(socket, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()
        await socket.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        before = await next_frame(socket, of_type("single_view", conversation_id))

        await console.sign_in(conversation_id, CATHERINE)
        after = await next_frame(socket, of_type("single_view", conversation_id))

    assert before["signed_in"] is False
    assert after["signed_in"] is True
    assert section(after, "council-tax")["rows"][0][3] == "£417.40"


async def test_agent_cannot_get_the_single_view_of_a_chat_they_do_not_own(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    async with await console.open(PRIYA) as priya, await console.open(TOM) as tom:
        await next_frame(priya, lambda frame: frame.get("type") == "queues")
        await next_frame(tom, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()
        await console.sign_in(conversation_id, CATHERINE)
        await priya.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        await next_frame(priya, of_type("single_view", conversation_id))

        await tom.send(
            json.dumps({"type": "single_view", "conversation_id": conversation_id})
        )
        refused = await next_frame(
            tom,
            lambda frame: (
                frame.get("type") in ("error", "single_view")
                and frame.get("conversation_id") == conversation_id
            ),
        )

    assert refused["type"] == "error"
    assert refused["error"]["code"] == "not_your_chat"
    rows = await audit_rows(engine)
    assert [row.viewer_id for row in rows] == [f"agent:{PRIYA}"]


async def test_markup_in_a_residents_name_travels_as_plain_text(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    markup = '<img src=x onerror="alert(1)">Kate'
    async with engine.begin() as connection:
        await connection.execute(
            sv_people.update()
            .where(sv_people.c.id == county.catherine)
            .values(name=markup)
        )
    async with await console.open(PRIYA) as socket:
        await next_frame(socket, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()
        await console.sign_in(conversation_id, CATHERINE)
        await socket.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        panel = await next_frame(socket, of_type("single_view", conversation_id))

    assert panel["resident"]["name"] == markup
