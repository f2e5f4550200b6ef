"""The conversation's log in SQL: every message and change, in sequence order.

The log is the one source the widget, the agent console and transcripts read.
Each event has a per-conversation sequence number given by the server; a resident
message also keeps the sender's own message id, so a repeat is recognised and
never stored twice (the unique constraint holds even across gateway workers).
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    UniqueConstraint,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from council.database import metadata
from webchat.errors import UnknownConversationError
from webchat.ownership import Owner, check_handover

logger = logging.getLogger(__name__)

# Kinds of event for staff only: agents' private notes, and the routing of a
# waiting chat (offers to agents, withdrawals, escalations). Never sent to the
# resident nor put in their transcript.
STAFF_ONLY_KINDS = frozenset({"note", "routing"})

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("state", String(16), nullable=False, default="bot"),
    Column("area", String(64), nullable=True),
    Column("agent_id", String(128), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

conversation_events = Table(
    "conversation_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("author", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("client_message_id", String(64), nullable=True),
    Column("body", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("conversation_id", "seq", name="uq_event_seq"),
    UniqueConstraint(
        "conversation_id", "client_message_id", name="uq_event_client_message"
    ),
)


@dataclass(frozen=True)
class Event:
    """One entry in a conversation's log."""

    conversation_id: str
    seq: int
    author: str
    kind: str
    body: dict[str, Any]
    client_message_id: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def as_frame(self) -> dict[str, Any]:
        """The event as clients see it on the websocket and in transcripts."""
        return {
            "seq": self.seq,
            "author": self.author,
            "kind": self.kind,
            "client_message_id": self.client_message_id,
            "at": self.at.isoformat(),
            **self.body,
        }


@dataclass(frozen=True)
class Ownership:
    """Who has the conversation now: the assistant, a queue, an agent, nobody."""

    owner: Owner
    area: str | None = None
    agent_id: str | None = None


class DuplicateMessageError(Exception):
    """The sender's message id is already in this conversation's log."""


@dataclass
class ConversationLog:
    """Reads and appends conversation events in the SQL database."""

    engine: AsyncEngine

    async def create(self) -> str:
        """Start a conversation owned by the assistant; return its id."""
        conversation_id = uuid.uuid4().hex
        async with self.engine.begin() as connection:
            await connection.execute(
                insert(conversations).values(
                    id=conversation_id, state="bot", created_at=datetime.now(UTC)
                )
            )
        logger.info("Conversation %s started", conversation_id)
        return conversation_id

    async def exists(self, conversation_id: str) -> bool:
        async with self.engine.connect() as connection:
            row = await connection.execute(
                select(conversations.c.id).where(conversations.c.id == conversation_id)
            )
            return row.first() is not None

    async def ownership(self, conversation_id: str) -> Ownership:
        query = select(
            conversations.c.state, conversations.c.area, conversations.c.agent_id
        ).where(conversations.c.id == conversation_id)
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            raise UnknownConversationError(conversation_id)
        return Ownership(Owner(row.state), row.area, row.agent_id)

    async def hand_over(
        self, conversation_id: str, expected: Ownership, target: Ownership
    ) -> bool:
        """Move the conversation to ``target`` if it is still as ``expected``.

        A compare-and-set in one UPDATE, so two workers (or two agents) racing
        for one conversation cannot both win. Returns whether this call won.
        """
        check_handover(expected.owner, target.owner)

        statement = (
            update(conversations)
            .where(
                conversations.c.id == conversation_id,
                conversations.c.state == expected.owner.value,
                conversations.c.agent_id.is_(None)
                if expected.agent_id is None
                else conversations.c.agent_id == expected.agent_id,
            )
            .values(
                state=target.owner.value, area=target.area, agent_id=target.agent_id
            )
        )
        async with self.engine.begin() as connection:
            result = await connection.execute(statement)
        return bool(result.rowcount == 1)

    async def append(self, event: Event) -> Event:
        """Store ``event``; raise :class:`DuplicateMessageError` on a repeat."""
        try:
            async with self.engine.begin() as connection:
                await connection.execute(
                    insert(conversation_events).values(
                        conversation_id=event.conversation_id,
                        seq=event.seq,
                        author=event.author,
                        kind=event.kind,
                        client_message_id=event.client_message_id,
                        body=event.body,
                        created_at=event.at,
                    )
                )
        except IntegrityError as error:
            raise DuplicateMessageError(event.client_message_id) from error
        return event

    async def find_client_message(
        self, conversation_id: str, client_message_id: str
    ) -> Event | None:
        """The event already stored for this sender's message id, if any."""
        query = select(conversation_events).where(
            conversation_events.c.conversation_id == conversation_id,
            conversation_events.c.client_message_id == client_message_id,
        )
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return _event(row) if row else None

    async def events_after(
        self, conversation_id: str, after: int = 0, limit: int = 1000
    ) -> list[Event]:
        """Events with a sequence number above ``after``, oldest first."""
        query = (
            select(conversation_events)
            .where(
                conversation_events.c.conversation_id == conversation_id,
                conversation_events.c.seq > after,
            )
            .order_by(conversation_events.c.seq)
            .limit(limit)
        )
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_event(row) for row in rows]

    async def last_seq(self, conversation_id: str) -> int:
        query = select(func.max(conversation_events.c.seq)).where(
            conversation_events.c.conversation_id == conversation_id
        )
        async with self.engine.connect() as connection:
            value = (await connection.execute(query)).scalar()
        return int(value or 0)


def _event(row: Any) -> Event:
    created = row.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return Event(
        conversation_id=row.conversation_id,
        seq=row.seq,
        author=row.author,
        kind=row.kind,
        body=dict(row.body),
        client_message_id=row.client_message_id,
        at=created,
    )
