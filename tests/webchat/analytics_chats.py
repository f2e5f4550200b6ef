"""Chats with known outcomes, played through the real conversation services.

Each chat goes through the real ConversationService and HandoffService into the
real log. Rasa is the one part played by a script (at the HTTP transport, the
way the gateway reaches it), answering as the real assistant's actions do.
"""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from webchat.conversation_log import ConversationLog, conversations
from webchat.conversations import ConversationService
from webchat.handoff import HandoffService
from webchat.opening_hours import OpeningHours
from webchat.rasa_client import WEBHOOK_PATH, RasaClient
from webchat.state import build
from webchat.state.agents import AgentStatus

ALWAYS = OpeningHours({day: (time(0, 0), time(23, 59)) for day in range(7)})
A_WEDNESDAY_NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
SCRIPT = "<script>window.hacked=1</script> can I burn leaves?"


def source(topic: str) -> dict[str, Any]:
    return {
        "title": "An article",
        "url": "https://www.example.gov.uk/article",
        "topics": [topic],
        "section": "",
    }


def assistant_says(text: str) -> list[dict[str, Any]]:
    """What the real assistant's actions send back for each resident message."""
    lowered = text.lower()
    if "person" in lowered:
        area = "housing" if "housing" in lowered else "waste"
        return [
            {"text": "I will ask a person to join."},
            {"custom": {"handoff": {"reason": "resident_asked", "area": area}}},
        ]
    if "council tax" in lowered:
        found = {"sources": [source("council-tax.pay")], "answerable": True}
    elif "bin day" in lowered:
        found = {"sources": [source("waste.collection-day")], "answerable": True}
    else:
        found = {"sources": [], "answerable": False}
    return [{"text": "Here is what I found.", "custom": found}]


def rasa_stand_in(request: httpx.Request) -> httpx.Response:
    if request.url.path == WEBHOOK_PATH:
        text = json.loads(request.content)["text"]
        return httpx.Response(200, json=assistant_says(text))
    tracker = {
        "latest_message": {"intent": {"name": "ask_question", "confidence": 0.9}},
        "slots": {},
    }
    return httpx.Response(200, json=tracker)


@asynccontextmanager
async def conversation_service(
    engine: AsyncEngine,
) -> AsyncIterator[ConversationService]:
    """The gateway's services on ``engine``, with Alice free for the waste team."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(rasa_stand_in))
    rasa = RasaClient("http://rasa.test", b"secret", "token", http)
    service = ConversationService(ConversationLog(engine), build(""), rasa, 2000)
    service.handoff = HandoffService(service, ALWAYS, clock=lambda: A_WEDNESDAY_NOON)
    await service.state.agents.put(
        AgentStatus("alice", "Alice", "available", ["waste"], 2)
    )
    yield service
    await http.aclose()


async def say(service: ConversationService, conversation_id: str, text: str) -> None:
    accepted = await service.accept_text(conversation_id, None, text)
    await service.answer(accepted)


async def play_a_week(service: ConversationService) -> None:
    """Five chats this week and one a month ago, with known outcomes."""
    paid = await service.start()
    await say(service, paid, "How do I pay council tax?")
    await service.rate(paid, 5, None)

    handed = await service.start()
    await say(service, handed, "When is my bin day?")
    await say(service, handed, "Can I keep bees?")
    await say(service, handed, "A person please")
    alice = await service.state.agents.get("alice")
    assert alice is not None
    await service.handoff.accept(alice, handed)
    await service.rate(handed, 2, "Slow")

    unanswered = await service.start()
    await say(service, unanswered, "can i keep   BEES")
    await say(service, unanswered, SCRIPT)
    await service.rate(unanswered, 4, None)

    await service.start()  # opened, nothing typed

    nobody = await service.start()
    await say(service, nobody, "A person from housing please")

    old = await service.start()
    await say(service, old, "Can I keep bees?")
    await service.rate(old, 1, None)
    async with service.log.engine.begin() as connection:
        await connection.execute(
            update(conversations)
            .where(conversations.c.id == old)
            .values(created_at=datetime.now(UTC) - timedelta(days=30))
        )
