"""The supervisors' figures over real conversations, on SQLite and PostgreSQL.

The chats are played through the real services (see ``analytics_chats``); the
figures must match what was played exactly.
"""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.council.conftest import (  # noqa: F401 (fixtures)
    database_url,
    engine,
    postgres_server,
    postgres_session_url,
)
from tests.webchat.analytics_chats import SCRIPT, conversation_service, play_a_week
from webchat.analytics import (
    UK,
    AnalyticsService,
    InvalidPeriodError,
    Period,
    Question,
)
from webchat.conversations import ConversationService


@pytest_asyncio.fixture(loop_scope="function")
async def chats(engine: AsyncEngine) -> AsyncIterator[ConversationService]:  # noqa: F811
    async with conversation_service(engine) as service:
        yield service


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
    assert report.unanswered_distinct == 2
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
