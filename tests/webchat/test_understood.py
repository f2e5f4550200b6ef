"""What the assistant understood reaches the agent console with its reply.

Rasa is played by a stand-in at the HTTP transport, as the gateway reaches it;
the conversation service and its log are real. The gateway channel returns what
Rasa understood with the reply, so a turn is one call to Rasa; a Rasa still
running the older channel answers with the bare list of messages, and the
gateway then asks for the tracker as it used to.
"""

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.council.conftest import (  # noqa: F401 (fixtures)
    database_url,
    engine,
    postgres_server,
    postgres_session_url,
)
from webchat.conversation_log import ConversationLog, Event
from webchat.conversations import ConversationService
from webchat.rasa_client import WEBHOOK_PATH, RasaClient
from webchat.state import build

MESSAGES = [{"text": "Bins in Truro go out on Tuesdays."}]

TRACKER = {
    "latest_message": {
        "intent": {"name": "ask_question", "confidence": 0.93},
        "entities": [
            {"entity": "postcode", "value": "TR1 3AY", "start": 14, "end": 21}
        ],
    },
    "slots": {
        "postcode": "TR1 3AY",
        "enquiry_reference": None,
        "session_started_metadata": {"conversation_id": "c"},
    },
}

UNDERSTOOD = {
    "intent": "ask_question",
    "confidence": 0.93,
    "entities": [{"entity": "postcode", "value": "TR1 3AY"}],
    "slots": {"postcode": "TR1 3AY"},
}


class StandIn:
    """Rasa at the HTTP transport: answers with ``reply`` and keeps the paths."""

    def __init__(self, reply: Callable[[], Any]) -> None:
        self.reply = reply
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if request.url.path == WEBHOOK_PATH:
            return httpx.Response(200, json=self.reply())
        return httpx.Response(200, json={**TRACKER, "events": None})


@pytest_asyncio.fixture(loop_scope="function")
async def log(engine: AsyncEngine) -> AsyncIterator[ConversationLog]:  # noqa: F811
    yield ConversationLog(engine)


async def say(
    log: ConversationLog, rasa: StandIn, text: str
) -> tuple[ConversationService, str, list[Event]]:
    """``text`` from a resident through the real service, Rasa being ``rasa``:
    the service, the conversation and the replies."""
    async with httpx.AsyncClient(transport=httpx.MockTransport(rasa)) as http:
        client = RasaClient("http://rasa.test", b"secret", "token", http)
        service = ConversationService(log, build(""), client, 2000)
        conversation_id = await service.start()

        accepted = await service.accept_text(conversation_id, None, text)
        replies = await service.answer(accepted)
    return service, conversation_id, replies


async def one_turn(log: ConversationLog, rasa: StandIn) -> dict[str, Any]:
    """A resident's question through the real service; the bot reply's body."""
    _, _, replies = await say(log, rasa, "bin day for TR1 3AY")

    assert [reply.author for reply in replies] == ["bot"]
    return replies[0].body


async def test_the_reply_says_what_was_understood_in_one_call(log):
    rasa = StandIn(lambda: {"messages": MESSAGES, "tracker": TRACKER})

    body = await one_turn(log, rasa)

    assert body["text"] == MESSAGES[0]["text"]
    assert body["understood"] == UNDERSTOOD
    assert rasa.paths == [WEBHOOK_PATH]


async def test_an_older_channels_list_reply_falls_back_to_the_tracker(log):
    rasa = StandIn(lambda: MESSAGES)

    body = await one_turn(log, rasa)

    assert body["understood"] == UNDERSTOOD
    assert len(rasa.paths) == 2
    assert rasa.paths[0] == WEBHOOK_PATH
    assert rasa.paths[1].endswith("/tracker")


async def test_a_message_saying_someone_is_at_risk_is_answered_without_rasa(log):
    rasa = StandIn(lambda: {"messages": MESSAGES, "tracker": TRACKER})

    service, conversation_id, [reply] = await say(
        log, rasa, "my partner hits me and I'm scared"
    )

    assert rasa.paths == []
    assert reply.author == "bot"
    assert "0808 2000 247" in reply.body["text"]
    assert reply.body["understood"]["intent"] == "urgent_help"
    pressed = await service.accept_button(conversation_id, None, "/request_human")
    assert pressed.event.body["text"] == "Speak to a person"
