"""The retention job removes transcripts and personal details older than the
period and keeps everything newer."""

from datetime import timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from council.enquiries import EnquiryService, Location, NewEnquiry
from council.enquiries.models import enquiries, enquiry_status_changes
from council.single_view.models import sv_conversations, sv_view_audit
from council.single_view.retention import REMOVED, apply_retention
from webchat.conversation_log import conversation_events, conversations

NOW_DAYS = 400


async def make_history(engine: AsyncEngine) -> dict[str, str]:
    """Two conversations, one old and one recent, an old closed enquiry, a
    recent closed one, an old open one, and two audit rows."""
    from tests.single_view.conftest import NOW

    old, recent = NOW - timedelta(days=NOW_DAYS), NOW - timedelta(days=10)
    service = EnquiryService(engine)
    made = {}
    for name, when, status in (
        ("old-closed", old, "closed"),
        ("recent-closed", recent, "closed"),
        ("old-open", old, "received"),
    ):
        enquiry = await service.create(
            NewEnquiry(
                category="waste.missed-collection",
                details=f"Bin not emptied ({name})",
                location=Location(postcode="TR1 2AB"),
                contact_name="Morwenna Trevithick",
                contact_email="morwenna@example.com",
                conversation_id=f"chat-{name}",
            )
        )
        made[name] = enquiry.reference
        async with engine.begin() as connection:
            await connection.execute(
                update(enquiries)
                .where(enquiries.c.reference == enquiry.reference)
                .values(status=status, updated_at=when, created_at=when)
            )

    async with engine.begin() as connection:
        for conversation, when in (("chat-old", old), ("chat-recent", recent)):
            await connection.execute(
                insert(conversations).values(
                    id=conversation, state="closed", created_at=when
                )
            )
            await connection.execute(
                insert(conversation_events),
                [
                    {
                        "conversation_id": conversation,
                        "seq": seq,
                        "author": "resident",
                        "kind": "message",
                        "body": {"text": "My bin was missed, I'm at 4 Lemon Street"},
                        "created_at": when,
                    }
                    for seq in (1, 2)
                ],
            )
            await connection.execute(
                insert(sv_conversations).values(
                    conversation_id=conversation,
                    subject="subject-morwenna",
                    first_seen_at=when,
                    last_seen_at=when,
                )
            )
        for when in (NOW - timedelta(days=800), recent):
            await connection.execute(
                insert(sv_view_audit).values(
                    viewer_id="agent:alice",
                    viewer_role="agent",
                    person_id=1,
                    reason="Caller asked",
                    outcome="shown",
                    viewed_at=when,
                )
            )
    return made


async def test_retention_removes_older_and_keeps_newer(engine: AsyncEngine) -> None:
    from tests.single_view.conftest import NOW

    made = await make_history(engine)

    report = await apply_retention(engine, days=365, audit_days=730, now=NOW)

    async with engine.connect() as connection:
        events = {
            row.conversation_id
            for row in await connection.execute(select(conversation_events))
        }
        chats = set((await connection.execute(select(conversations.c.id))).scalars())
        owners = set(
            (
                await connection.execute(select(sv_conversations.c.conversation_id))
            ).scalars()
        )
        rows = {
            row.reference: row for row in await connection.execute(select(enquiries))
        }
        audits = (
            await connection.execute(select(func.count()).select_from(sv_view_audit))
        ).scalar()
        notes = {
            row.note
            for row in await connection.execute(
                select(enquiry_status_changes.c.note)
                .join(enquiries, enquiries.c.id == enquiry_status_changes.c.enquiry_id)
                .where(enquiries.c.reference == made["old-closed"])
            )
        }

    assert events == {"chat-recent"}
    assert chats == {"chat-recent"}
    assert owners == {"chat-recent"}
    old_closed = rows[made["old-closed"]]
    assert (old_closed.contact_name, old_closed.contact_email, old_closed.details) == (
        None,
        None,
        REMOVED,
    )
    assert old_closed.category == "waste.missed-collection"
    assert notes == {REMOVED}
    assert rows[made["recent-closed"]].contact_email == "morwenna@example.com"
    assert rows[made["old-open"]].contact_email == "morwenna@example.com"
    assert audits == 1
    assert (report.conversation_events, report.conversations) == (2, 1)
    assert (report.enquiries_anonymised, report.audit_rows) == (1, 1)


async def test_retention_dry_run_counts_and_changes_nothing(
    engine: AsyncEngine,
) -> None:
    from tests.single_view.conftest import NOW

    await make_history(engine)

    report = await apply_retention(
        engine, days=365, audit_days=730, now=NOW, dry_run=True
    )

    async with engine.connect() as connection:
        events = (
            await connection.execute(
                select(func.count()).select_from(conversation_events)
            )
        ).scalar()
    assert report.conversation_events == 2
    assert events == 4


async def test_retention_run_twice_removes_nothing_more(engine: AsyncEngine) -> None:
    from tests.single_view.conftest import NOW

    await make_history(engine)
    await apply_retention(engine, days=365, audit_days=730, now=NOW)

    again = await apply_retention(engine, days=365, audit_days=730, now=NOW)

    assert (
        again.conversation_events,
        again.conversations,
        again.conversation_owners,
        again.enquiries_anonymised,
        again.audit_rows,
    ) == (0, 0, 0, 0, 0)
