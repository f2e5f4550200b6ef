"""The retention job: ``python -m council.single_view.retention --days N``.

Removes what the council no longer needs to keep about residents:

- conversation transcripts (the gateway's ``conversation_events``) older than
  the retention period, and conversations left with no events;
- the record of which signed-in resident had a conversation, once not seen
  for the period;
- contact details (name, email, phone), the free-text details and the status
  notes of enquiries resolved or closed longer ago than the period; the
  category, location, dates and status stay for the council's statistics;
- rows of the audit log of staff views older than their own, longer period.

It leaves alone what other law governs: the silos are systems of record with
their own statutory periods, payments are financial records, and the resident
index follows the person's online account. Run it daily; it is idempotent.
"""

import argparse
import asyncio
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from council.database import create_engine, create_tables
from council.enquiries.models import enquiries, enquiry_status_changes
from council.settings import get_settings
from council.single_view.models import sv_conversations, sv_view_audit
from council.single_view.transcripts import conversation_events, conversations

logger = logging.getLogger(__name__)

REMOVED = "[removed under the council's retention policy]"
FINISHED = ("resolved", "closed")


@dataclass(frozen=True)
class RetentionReport:
    cutoff: datetime
    audit_cutoff: datetime
    dry_run: bool
    conversation_events: int
    conversations: int
    conversation_owners: int
    enquiries_anonymised: int
    audit_rows: int


async def apply_retention(
    engine: AsyncEngine,
    *,
    days: int,
    audit_days: int,
    now: datetime | None = None,
    dry_run: bool = False,
) -> RetentionReport:
    """Remove what is older than ``days`` (audit rows: ``audit_days``).

    With ``dry_run`` counts what would go and changes nothing. One transaction:
    it all goes or none of it does.
    """
    if days < 1 or audit_days < 1:
        raise ValueError("retention periods must be at least one day")
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    audit_cutoff = now - timedelta(days=audit_days)

    async with engine.begin() as connection:
        counts = await _count(connection, cutoff, audit_cutoff)
        if not dry_run:
            await _remove(connection, cutoff, audit_cutoff)

    report = RetentionReport(cutoff, audit_cutoff, dry_run, *counts)
    logger.info(
        "Retention %s: %d transcript events, %d conversations, %d conversation "
        "owners, %d enquiries anonymised, %d audit rows (cutoff %s)",
        "dry run" if dry_run else "applied",
        report.conversation_events,
        report.conversations,
        report.conversation_owners,
        report.enquiries_anonymised,
        report.audit_rows,
        cutoff.isoformat(),
    )
    return report


def _old_events(cutoff: datetime):  # type: ignore[no-untyped-def]
    return conversation_events.c.created_at < cutoff


def _empty_old_conversations(cutoff: datetime):  # type: ignore[no-untyped-def]
    """Conversations started before the cutoff with no event after it."""
    newer = exists().where(
        conversation_events.c.conversation_id == conversations.c.id,
        conversation_events.c.created_at >= cutoff,
    )
    return (conversations.c.created_at < cutoff) & ~newer


def _finished_enquiries(cutoff: datetime):  # type: ignore[no-untyped-def]
    return (
        enquiries.c.status.in_(FINISHED)
        & (enquiries.c.updated_at < cutoff)
        & (enquiries.c.details != REMOVED)
    )


async def _count(
    connection: AsyncConnection, cutoff: datetime, audit_cutoff: datetime
) -> tuple[int, int, int, int, int]:
    async def count(query) -> int:  # type: ignore[no-untyped-def]
        return int((await connection.execute(query)).scalar_one())

    return (
        await count(
            select(func.count())
            .select_from(conversation_events)
            .where(_old_events(cutoff))
        ),
        await count(
            select(func.count())
            .select_from(conversations)
            .where(_empty_old_conversations(cutoff))
        ),
        await count(
            select(func.count())
            .select_from(sv_conversations)
            .where(sv_conversations.c.last_seen_at < cutoff)
        ),
        await count(
            select(func.count())
            .select_from(enquiries)
            .where(_finished_enquiries(cutoff))
        ),
        await count(
            select(func.count())
            .select_from(sv_view_audit)
            .where(sv_view_audit.c.viewed_at < audit_cutoff)
        ),
    )


async def _remove(
    connection: AsyncConnection, cutoff: datetime, audit_cutoff: datetime
) -> None:
    await connection.execute(delete(conversation_events).where(_old_events(cutoff)))
    await connection.execute(
        delete(conversations).where(_empty_old_conversations(cutoff))
    )
    await connection.execute(
        delete(sv_conversations).where(sv_conversations.c.last_seen_at < cutoff)
    )

    finished = select(enquiries.c.id).where(_finished_enquiries(cutoff))
    await connection.execute(
        update(enquiry_status_changes)
        .where(enquiry_status_changes.c.enquiry_id.in_(finished))
        .values(note=REMOVED)
    )
    await connection.execute(
        update(enquiries)
        .where(_finished_enquiries(cutoff))
        .values(
            contact_name=None, contact_email=None, contact_phone=None, details=REMOVED
        )
    )
    await connection.execute(
        delete(sv_view_audit).where(sv_view_audit.c.viewed_at < audit_cutoff)
    )


def main(argv: Sequence[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description="Apply the data retention policy.")
    parser.add_argument("--days", type=int, default=settings.retention_days)
    parser.add_argument("--audit-days", type=int, default=settings.audit_retention_days)
    parser.add_argument("--dry-run", action="store_true")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    async def run() -> RetentionReport:
        engine = create_engine(settings.async_database_url)
        try:
            await create_tables(engine)
            return await apply_retention(
                engine,
                days=arguments.days,
                audit_days=arguments.audit_days,
                dry_run=arguments.dry_run,
            )
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    for name, value in asdict(report).items():
        print(f"{name:22} {value}")


if __name__ == "__main__":
    main()
