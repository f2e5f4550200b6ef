"""Figures about past chats for supervisors, read from the conversation log.

For a period of whole days (UK time), counted over the conversations that started
in it: how many there were, how many the assistant saw through on its own and how
many reached the queue for a person, handoffs by service area, the topics the
assistant answered most, the questions the knowledge could not answer (grouped,
most frequent first, so the content team knows what to write next) and the
residents' ratings.

The counting is done in the database with SQLAlchemy's portable JSON operators,
so the same queries run on SQLite and PostgreSQL. The unanswered questions are
residents' own words, which can be personal data: they are for supervisors only
and are never logged.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    exists,
    false,
    func,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from council.enquiries.categories import load_categories
from webchat.conversation_log import conversation_events, conversations
from webchat.errors import GatewayError

logger = logging.getLogger(__name__)

UK = ZoneInfo("Europe/London")
DEFAULT_DAYS = 7
MAX_DAYS = 366
TOP_TOPICS = 10
TOP_QUESTIONS = 50
SCORES = (1, 2, 3, 4, 5)

# The owners that mean a person was asked to take the chat (webchat.handoff).
WITH_PEOPLE = ("waiting", "agent")

events = conversation_events
HANDOFF_STATE = events.c.body[("handoff", "state")].as_string()
HANDOFF_AREA = events.c.body[("handoff", "area")].as_string()
HANDOFF_WHY = events.c.body[("handoff", "why")].as_string()
FIRST_TOPIC = events.c.body[("sources", 0, "topics", 0)].as_string()
ANSWERABLE = events.c.body["answerable"].as_boolean()
SCORE = events.c.body["score"].as_integer()


class InvalidPeriodError(GatewayError):
    code = "invalid_period"
    public_message = (
        "Give the dates as YYYY-MM-DD, with 'from' on or before 'to', "
        f"at most {MAX_DAYS} days apart."
    )


@dataclass(frozen=True)
class Period:
    """Whole days from ``first`` to ``last`` inclusive, in UK time."""

    first: date
    last: date

    @classmethod
    def parse(
        cls, first: str | None, last: str | None, today: date | None = None
    ) -> "Period":
        """The period asked for; by default the last seven days up to ``today``
        (the UK's today unless given).

        Raises :class:`InvalidPeriodError` for a date that is not YYYY-MM-DD, a
        start after the end, or more than :data:`MAX_DAYS` days.
        """
        today = today or datetime.now(UK).date()
        end = _parse_day(last, "to") if last else today
        start = (
            _parse_day(first, "from")
            if first
            else end - timedelta(days=DEFAULT_DAYS - 1)
        )

        if start > end:
            raise InvalidPeriodError(f"from {start} is after to {end}")
        if (end - start).days + 1 > MAX_DAYS:
            raise InvalidPeriodError(f"{(end - start).days + 1} days asked for")
        return cls(start, end)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as UTC instants: from the first midnight, to the one after."""
        start = datetime.combine(self.first, time(0), tzinfo=UK)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=UK)
        return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class Count:
    """How many of one kind: an area, a topic, a reason."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Question:
    """A question the knowledge could not answer, and how often it was asked."""

    text: str
    count: int


@dataclass(frozen=True)
class Satisfaction:
    """The residents' ratings of their chats, 1 (poor) to 5 (very good)."""

    distribution: Mapping[int, int]

    @property
    def count(self) -> int:
        return sum(self.distribution.values())

    @property
    def mean(self) -> float | None:
        if not self.count:
            return None
        total = sum(score * n for score, n in self.distribution.items())
        return round(total / self.count, 2)


@dataclass(frozen=True)
class Report:
    """Everything the supervisors' analytics page shows for one period."""

    period: Period
    conversations: int
    silent: int
    resolved_by_assistant: int
    handed_to_people: int
    no_person_available: list[Count]
    handoffs_by_area: list[Count]
    top_topics: list[Count]
    unanswered_total: int
    unanswered_distinct: int
    unanswered: list[Question]
    satisfaction: Satisfaction
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def assistant_share(self) -> float | None:
        """The part of the chats with a question that never needed a person."""
        asked = self.resolved_by_assistant + self.handed_to_people
        return round(self.resolved_by_assistant / asked, 3) if asked else None

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON for the page."""
        return {
            "period": {
                "from": self.period.first.isoformat(),
                "to": self.period.last.isoformat(),
                "time_zone": str(UK),
            },
            "generated_at": self.generated_at.isoformat(),
            "conversations": {
                "started": self.conversations,
                "without_messages": self.silent,
                "resolved_by_assistant": self.resolved_by_assistant,
                "handed_to_people": self.handed_to_people,
                "assistant_share": self.assistant_share,
            },
            "no_person_available": [c.__dict__ for c in self.no_person_available],
            "handoffs_by_area": [c.__dict__ for c in self.handoffs_by_area],
            "top_topics": [c.__dict__ for c in self.top_topics],
            "unanswered": {
                "total": self.unanswered_total,
                "distinct": self.unanswered_distinct,
                "questions": [q.__dict__ for q in self.unanswered],
            },
            "satisfaction": {
                "count": self.satisfaction.count,
                "mean": self.satisfaction.mean,
                "distribution": [
                    {"score": score, "count": self.satisfaction.distribution[score]}
                    for score in SCORES
                ],
            },
        }


# Why nobody could take a chat, in the words of webchat.handoff's outcomes.
UNAVAILABLE_LABELS = {
    "closed": "Outside opening hours",
    "no_agent": "No adviser free for the team",
    "queue_full": "Queue full",
}


@dataclass
class AnalyticsService:
    """Reads the figures for a period from the conversation log."""

    engine: AsyncEngine

    async def report(self, period: Period) -> Report:
        start, end = period.bounds()
        in_period = and_(
            conversations.c.created_at >= start, conversations.c.created_at < end
        )

        async with self.engine.connect() as connection:
            totals = (await connection.execute(_totals(in_period))).one()
            unavailable = (await connection.execute(_unavailable(in_period))).all()
            areas = (await connection.execute(_handoff_areas(in_period))).all()
            topics = (await connection.execute(_topics(in_period))).all()
            questions = (await connection.execute(_unanswered(in_period))).all()
            ratings = (await connection.execute(_ratings(in_period))).all()

        grouped = _group_questions((str(text), int(n)) for text, n in questions)
        scores = {int(score): int(n) for score, n in ratings if score in SCORES}
        report = Report(
            period=period,
            conversations=int(totals.started),
            silent=int(totals.started) - int(totals.engaged),
            resolved_by_assistant=int(totals.engaged) - int(totals.handed),
            handed_to_people=int(totals.handed),
            no_person_available=[
                Count(why or "", UNAVAILABLE_LABELS.get(why or "", "Not known"), int(n))
                for why, n in unavailable
            ],
            handoffs_by_area=[
                Count(area or "", _area_title(area), int(n)) for area, n in areas
            ],
            top_topics=[
                Count(topic, _topic_label(topic), int(n)) for topic, n in topics
            ],
            unanswered_total=sum(q.count for q in grouped),
            unanswered_distinct=len(grouped),
            unanswered=grouped[:TOP_QUESTIONS],
            satisfaction=Satisfaction({s: scores.get(s, 0) for s in SCORES}),
        )
        logger.info(
            "Analytics for %s to %s: %d conversations",
            period.first,
            period.last,
            report.conversations,
        )
        return report


def _totals(in_period: ColumnElement[bool]) -> Select[int, int, int]:
    """Started, with a resident message, and handed to a person, in one pass."""
    engaged = exists().where(
        events.c.conversation_id == conversations.c.id,
        events.c.author == "resident",
        events.c.kind == "message",
    )
    handed = exists().where(
        events.c.conversation_id == conversations.c.id,
        events.c.kind == "state",
        HANDOFF_STATE.in_(WITH_PEOPLE),
    )
    return select(
        func.count().label("started"),
        func.count(case((engaged, 1))).label("engaged"),
        func.count(case((and_(engaged, handed), 1))).label("handed"),
    ).where(in_period)


def _with_conversation() -> Any:
    """Events beside their conversation, whose start decides the period."""
    return events.join(conversations, conversations.c.id == events.c.conversation_id)


def _unavailable(in_period: ColumnElement[bool]) -> Select[Any]:
    """Requests for a person that nobody could take, by why."""
    return (
        select(HANDOFF_WHY, func.count())
        .select_from(_with_conversation())
        .where(in_period, events.c.kind == "state", HANDOFF_STATE == "unavailable")
        .group_by(HANDOFF_WHY)
        .order_by(func.count().desc(), HANDOFF_WHY)
    )


def _handoff_areas(in_period: ColumnElement[bool]) -> Select[Any]:
    """Chats queued for a person, by the team's area (a transfer counts twice)."""
    chats = func.count(distinct(events.c.conversation_id))
    return (
        select(HANDOFF_AREA, chats)
        .select_from(_with_conversation())
        .where(in_period, events.c.kind == "state", HANDOFF_STATE == "waiting")
        .group_by(HANDOFF_AREA)
        .order_by(chats.desc(), HANDOFF_AREA)
    )


def _topics(in_period: ColumnElement[bool]) -> Select[Any]:
    """Answers the assistant could give, by the topic of their best source."""
    return (
        select(FIRST_TOPIC, func.count())
        .select_from(_with_conversation())
        .where(
            in_period,
            events.c.author == "bot",
            ANSWERABLE == true(),
            FIRST_TOPIC.is_not(None),
        )
        .group_by(FIRST_TOPIC)
        .order_by(func.count().desc(), FIRST_TOPIC)
        .limit(TOP_TOPICS)
    )


def _unanswered(in_period: ColumnElement[bool]) -> Select[Any]:
    """The resident's words before each reply that could not answer, by text."""
    reply = events.alias("reply")
    question = events.alias("question")
    text = question.c.body["text"].as_string()
    return (
        select(func.min(text), func.count())
        .select_from(
            reply.join(
                question,
                and_(
                    question.c.conversation_id == reply.c.conversation_id,
                    question.c.seq == reply.c.body["reply_to"].as_integer(),
                ),
            ).join(conversations, conversations.c.id == reply.c.conversation_id)
        )
        .where(
            in_period,
            reply.c.author == "bot",
            reply.c.body["answerable"].as_boolean() == false(),
            question.c.author == "resident",
        )
        .group_by(func.lower(text))
    )


def _ratings(in_period: ColumnElement[bool]) -> Select[Any]:
    return (
        select(SCORE, func.count())
        .select_from(_with_conversation())
        .where(in_period, events.c.kind == "rating")
        .group_by(SCORE)
    )


SPACES = re.compile(r"\s+")
TRAILING = "?!. "


def _group_questions(rows: Any) -> list[Question]:
    """Merge the database's groups that differ only in case, spaces or a final
    question mark; most asked first, then alphabetically."""
    merged: dict[str, list[Any]] = {}
    for text, count in rows:
        shown = SPACES.sub(" ", text).strip()
        key = shown.casefold().rstrip(TRAILING)
        if not key:
            continue
        entry = merged.setdefault(key, [shown, 0, 0])
        # Shown as its most frequent form; on a tie the one that sorts first,
        # which puts a capital letter before a small one.
        if (-count, shown) < (-entry[2], entry[0]):
            entry[0], entry[2] = shown, count
        entry[1] += count
    questions = [Question(shown, total) for shown, total, _ in merged.values()]
    return sorted(questions, key=lambda q: (-q.count, q.text.casefold()))


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_day(value: str, name: str) -> date:
    if not DAY.fullmatch(value):
        raise InvalidPeriodError(f"{name} is not YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidPeriodError(f"{name} is no calendar date") from None


def _area_title(area: str | None) -> str:
    if not area:
        return "General enquiries"
    for category in load_categories().values():
        if category.category_id.split(".", 1)[0] == area:
            return category.area_title
    return area


def _topic_label(topic: str) -> str:
    """``waste.missed-collection`` as "Bins, rubbish and recycling: missed
    collection"."""
    area, _, name = topic.partition(".")
    words = name.replace("-", " ") or topic
    return f"{_area_title(area)}: {words}"
