"""Which conversations were a signed-in resident's, kept for as long as the
transcripts are.

The gateway's own link between a chat and its verified resident lives for a
few hours (``webchat.identity.residents``); the subject-access export and the
retention job need it for as long as the transcript is kept. So the gateway
notes each sign-in here, and the single view notes each conversation it
answers in. A conversation is recorded for one resident and never changes
hands.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from council.single_view.models import sv_conversations

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ResidentConversations:
    """Records and reads ``sv_conversations``; ``engine`` must have the table."""

    engine: AsyncEngine
    clock: Callable[[], datetime] = utc_now

    async def note(self, subject: str, conversation_id: str) -> bool:
        """Record ``conversation_id`` as the resident ``subject``'s.

        Noting it again renews it. Returns False, and changes nothing, when
        the conversation is already recorded for another resident.
        """
        now = self.clock()
        async with self.engine.begin() as connection:
            held = await _holder(connection, conversation_id)
            if held is not None:
                return await _renew(connection, subject, held, conversation_id, now)

        try:
            async with self.engine.begin() as connection:
                await connection.execute(
                    insert(sv_conversations).values(
                        conversation_id=conversation_id,
                        subject=subject,
                        first_seen_at=now,
                        last_seen_at=now,
                    )
                )
        except IntegrityError:
            logger.debug("Conversation %s recorded concurrently", conversation_id)
            async with self.engine.begin() as connection:
                held = await _holder(connection, conversation_id)
                return held == subject
        return True

    async def of(self, subject: str) -> list[str]:
        """The resident's conversations, first seen first."""
        async with self.engine.connect() as connection:
            return await conversations_of(connection, subject)


async def conversations_of(connection: AsyncConnection, subject: str) -> list[str]:
    """The conversations recorded for ``subject``, first seen first."""
    found = await connection.execute(
        select(sv_conversations.c.conversation_id)
        .where(sv_conversations.c.subject == subject)
        .order_by(sv_conversations.c.first_seen_at, sv_conversations.c.conversation_id)
    )
    return list(found.scalars())


async def _holder(connection: AsyncConnection, conversation_id: str) -> str | None:
    held = await connection.execute(
        select(sv_conversations.c.subject).where(
            sv_conversations.c.conversation_id == conversation_id
        )
    )
    return held.scalar()


async def _renew(
    connection: AsyncConnection,
    subject: str,
    held: str,
    conversation_id: str,
    now: datetime,
) -> bool:
    if held != subject:
        logger.warning(
            "Conversation %s is recorded for another resident", conversation_id
        )
        return False

    await connection.execute(
        update(sv_conversations)
        .where(sv_conversations.c.conversation_id == conversation_id)
        .values(last_seen_at=now)
    )
    return True
