"""The supervisors' figures over real conversations, on SQLite and PostgreSQL.

Each chat is played through the real ConversationService and HandoffService into
the real log. Rasa is the one part played by a script (at the HTTP transport, the
way the gateway reaches it), answering as the real assistant's actions do.
"""

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.council.conftest import (  # noqa: F401 (fixtures)
    database_url,
    engine,
    postgres_server,
    postgres_session_url,
)
from webchat.analytics import (
    UK,
    AnalyticsService,
    InvalidPeriodError,
    Period,
    Question,
)
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


@pytest_asyncio.fixture(loop_scope="function")
async def chats(engine: AsyncEngine) -> AsyncIterator[ConversationService]:  # noqa: F811
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


async def test_a_week_of_chats_is_counted_exactly(chats, engine):  # noqa: F811
    await play_a_week(chats)
    today = datetime.now(UK).date()

    report = await AnalyticsService(engine).report(Period.parse(None, None, today))

    assert report.conversations == 5
    assert report.silent == 1
    assert report.resolved_by_assistant == 3
    assert report.handed_to_people == 1
    assert report.assistant_share == 0.75
    assert [(c.key, c.count) for c in report.no_person_available] == [("no_agent", 1)]
    assert [(c.key, c.label, c.count) for c in report.handoffs_by_area] == [
        ("waste", "Bins, rubbish and recycling", 1)
    ]
    assert [(c.key, c.count) for c in report.top_topics] == [
        ("council-tax.pay", 1),
        ("waste.collection-day", 1),
    ]
    assert report.top_topics[0].label == "Council Tax: pay"
    assert report.unanswered == [
        Question("Can I keep bees?", 2),
        Question(SCRIPT, 1),
    ]
    assert report.unanswered_total == 3
    assert dict(report.satisfaction.distribution) == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert report.satisfaction.count == 3
    assert report.satisfaction.mean == 3.67


async def test_a_period_before_the_chats_is_empty(chats, engine):  # noqa: F811
    await play_a_week(chats)
    month_ago = datetime.now(UK).date() - timedelta(days=30)
    period = Period.parse(
        (month_ago - timedelta(days=1)).isoformat(),
        (month_ago + timedelta(days=1)).isoformat(),
        datetime.now(UK).date(),
    )

    report = await AnalyticsService(engine).report(period)

    assert report.conversations == 1
    assert report.resolved_by_assistant == 1
    assert report.handed_to_people == 0
    assert report.unanswered == [Question("Can I keep bees?", 1)]
    assert report.satisfaction.mean == 1.0
    assert report.as_dict()["satisfaction"]["distribution"][0] == {
        "score": 1,
        "count": 1,
    }


async def test_no_chats_gives_zeros_and_no_mean(engine):  # noqa: F811
    report = await AnalyticsService(engine).report(
        Period.parse("2026-01-01", "2026-01-07", date(2026, 1, 7))
    )

    assert report.conversations == 0
    assert report.assistant_share is None
    assert report.satisfaction.mean is None
    assert report.unanswered == []


def test_the_default_period_is_the_last_seven_days():
    period = Period.parse(None, None, date(2026, 12, 3))

    assert (period.first, period.last) == (date(2026, 11, 27), date(2026, 12, 3))


def test_a_period_starts_and_ends_at_uk_midnight():
    start, end = Period.parse("2026-07-01", "2026-07-01", date(2026, 7, 1)).bounds()

    assert start == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("yesterday", None),
        ("2026-02-30", "2026-03-01"),
        ("2026-12-03", "2026-12-01"),
        ("2024-01-01", "2026-01-01"),
        ("2026-1-1", "2026-01-02"),
    ],
)
def test_a_bad_period_is_refused(first, last):
    with pytest.raises(InvalidPeriodError):
        Period.parse(first, last, date(2026, 12, 3))
