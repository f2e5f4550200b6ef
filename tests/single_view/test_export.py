"""The subject-access export holds everything about the resident, and only
about them: on SQLite and PostgreSQL."""

import json
import secrets
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.enquiries import EnquiryService, Location, NewEnquiry
from council.payments.history import RecordedPayments
from council.payments.models import payment_refunds, payments
from council.single_view.conversations import ResidentConversations
from council.single_view.errors import ViewRefusedError
from council.single_view.export import SubjectAccessExport
from council.single_view.models import sv_view_audit
from council.single_view.service import SingleViewService
from tests.single_view.conftest import NOW, County, clock, verified
from webchat.conversation_log import ConversationLog, Event


async def test_export_for_resident_holds_everything_about_them(
    engine: AsyncEngine, service: SingleViewService, county: County
) -> None:
    log = ConversationLog(engine)
    conversation = await log.create()
    await log.append(
        Event(conversation, 1, "resident", "message", {"text": "When is my bin day?"})
    )
    enquiry = await EnquiryService(engine).create(
        NewEnquiry(
            category="waste.missed-collection",
            details="Recycling missed",
            location=Location(postcode="TR1 2AB"),
            contact_name="Kate McDonald",
            contact_email="catherine.mcdonald@example.com",
            conversation_id=conversation,
        )
    )
    await service.for_resident(verified(conversation_id=conversation))
    await service.for_agent("agent:alice", county.catherine, "Caller asked")

    export = await SubjectAccessExport(
        engine, RecordedPayments(engine), clock=clock
    ).for_resident(verified(conversation_id=conversation))

    text = json.dumps(export)
    assert export["person"]["email"] == "catherine.mcdonald@example.com"
    assert {(link["silo"], link["record_id"]) for link in export["links"]} >= {
        ("ctax", str(county.catherine_account)),
        ("benefits", str(county.catherine_old_claim)),
    }
    assert all(0.95 <= link["confidence"] <= 1 for link in export["links"])
    account = export["records"]["ctax"][0]
    assert account["account_ref"] == "99000001"
    assert len(account["ctax_instalments"]) == 4
    assert export["records"]["benefits"][0]["benefits_claims"][0]["claim_ref"] == (
        "BC9900001"
    )
    assert [row["reference"] for row in export["enquiries"]] == [enquiry.reference]
    assert export["enquiries"][0]["history"][0]["status"] == "received"
    assert export["conversations"][0]["conversation_id"] == conversation
    assert export["conversations"][0]["events"][0]["body"] == {
        "text": "When is my bin day?"
    }
    assert [view["viewer_id"] for view in export["views_of_your_record"]] == [
        "agent:alice"
    ]
    assert "99000002" not in text
    assert "c.macdonald@example.net" not in text.lower()


async def test_export_for_person_by_staff_is_audited(
    engine: AsyncEngine, county: County
) -> None:
    exporter = SubjectAccessExport(engine, RecordedPayments(engine), clock=clock)

    export = await exporter.for_person(
        county.other_catherine, requested_by="agent:dpo", reason="SAR-2026-0042"
    )

    async with engine.connect() as connection:
        audited = (await connection.execute(select(sv_view_audit))).all()
    assert [account["account_ref"] for account in export["records"]["ctax"]] == [
        "99000002"
    ]
    assert [(row.viewer_id, row.reason) for row in audited] == [
        ("agent:dpo", "SAR-2026-0042")
    ]


async def test_export_for_person_without_reason_is_refused(
    engine: AsyncEngine, county: County
) -> None:
    with pytest.raises(ViewRefusedError):
        await SubjectAccessExport(engine, RecordedPayments(engine)).for_person(
            county.catherine, requested_by="agent:dpo", reason=""
        )


async def add_payment(
    engine: AsyncEngine,
    *,
    reference: str,
    amount_pence: int,
    status: str,
    days_ago: int,
    email: str | None = None,
    conversation_id: str | None = None,
    description: str | None = None,
) -> int:
    """One payment attempt as the payments service stores it; returns its id."""
    at = NOW - timedelta(days=days_ago)
    finished = status in ("success", "failed", "cancelled", "error")
    async with engine.begin() as connection:
        result = await connection.execute(
            insert(payments)
            .values(
                return_token=secrets.token_hex(16),
                charge_kind="council_tax",
                charge_key=f"charge:{reference}",
                conversation_id=conversation_id or f"chat-{secrets.token_hex(4)}",
                attempt=1,
                idempotency_key=secrets.token_hex(16),
                amount_pence=amount_pence,
                reference=reference,
                description=description or f"Payment {reference}",
                language="en",
                email=email,
                provider_metadata={"account": reference},
                provider_payment_id=f"pay-{secrets.token_hex(6)}",
                next_url="https://pay.example/secure/" + secrets.token_hex(8),
                status=status,
                created_at=at,
                updated_at=at + timedelta(minutes=5),
                finished_at=at + timedelta(minutes=5) if finished else None,
            )
            .returning(payments.c.id)
        )
        return int(result.scalar_one())


def iso(days_ago: int, minutes: int = 0) -> str:
    moment: datetime = NOW - timedelta(days=days_ago) + timedelta(minutes=minutes)
    return moment.isoformat()


async def test_export_lists_every_payment_of_the_resident_and_no_one_elses(
    engine: AsyncEngine, county: County
) -> None:
    signed_in = ResidentConversations(engine, clock)
    assert await signed_in.note("subject-catherine", "chat-catherine")
    assert await signed_in.note("subject-other-catherine", "chat-other")
    council_tax = await add_payment(
        engine,
        reference="99000001",
        description="Council Tax account 99000001",
        amount_pence=20_870,
        status="success",
        days_ago=20,
    )
    async with engine.begin() as connection:
        await connection.execute(
            insert(payment_refunds).values(
                payment_id=council_tax,
                provider_refund_id="refund-1",
                amount_pence=500,
                status="success",
                requested_by="agent:priya",
                created_at=NOW - timedelta(days=10),
            )
        )
    await add_payment(
        engine,
        reference="BW-ABC123",
        description="Bulky waste collection: sofa",
        amount_pence=3_500,
        status="failed",
        days_ago=3,
        email="Catherine.McDonald@Example.com",
    )
    await add_payment(
        engine,
        reference="BW-XYZ789",
        description="Bulky waste collection: fridge",
        amount_pence=2_800,
        status="created",
        days_ago=1,
        conversation_id="chat-catherine",
    )
    await add_payment(
        engine,
        reference="99000002",
        amount_pence=12_345,
        status="success",
        days_ago=2,
        email="c.macdonald@example.net",
    )
    await add_payment(
        engine,
        reference="BW-OTHER1",
        amount_pence=4_100,
        status="success",
        days_ago=2,
        conversation_id="chat-other",
    )
    await add_payment(
        engine, reference="BW-NOBODY", amount_pence=999, status="success", days_ago=2
    )
    exporter = SubjectAccessExport(engine, RecordedPayments(engine), clock=clock)

    export = await exporter.for_resident(verified())
    other = await exporter.for_person(
        county.other_catherine, requested_by="agent:dpo", reason="SAR-2026-0043"
    )

    assert export["payments"] == [
        {
            "reference": "BW-XYZ789",
            "description": "Bulky waste collection: fridge",
            "amount_pence": 2_800,
            "status": "created",
            "created_at": iso(1),
            "updated_at": iso(1, 5),
            "finished_at": None,
            "refunds": [],
        },
        {
            "reference": "BW-ABC123",
            "description": "Bulky waste collection: sofa",
            "amount_pence": 3_500,
            "status": "failed",
            "created_at": iso(3),
            "updated_at": iso(3, 5),
            "finished_at": iso(3, 5),
            "refunds": [],
        },
        {
            "reference": "99000001",
            "description": "Council Tax account 99000001",
            "amount_pence": 20_870,
            "status": "success",
            "created_at": iso(20),
            "updated_at": iso(20, 5),
            "finished_at": iso(20, 5),
            "refunds": [
                {"amount_pence": 500, "status": "success", "created_at": iso(10)}
            ],
        },
    ]
    assert sorted(payment["reference"] for payment in other["payments"]) == [
        "99000002",
        "BW-OTHER1",
    ]
    text = json.dumps(export)
    for someone_elses in ("99000002", "BW-OTHER1", "BW-NOBODY", "pay.example"):
        assert someone_elses not in text


async def test_export_holds_a_chat_noted_at_sign_in_without_a_single_view_question(
    engine: AsyncEngine, county: County
) -> None:
    log = ConversationLog(engine)
    hers = await log.create()
    theirs = await log.create()
    await log.append(Event(hers, 1, "resident", "message", {"text": "Opening times?"}))
    await log.append(Event(theirs, 1, "resident", "message", {"text": "Not hers"}))
    signed_in = ResidentConversations(engine, clock)
    await signed_in.note("subject-catherine", hers)
    await signed_in.note("subject-other-catherine", theirs)

    export = await SubjectAccessExport(
        engine, RecordedPayments(engine), clock=clock
    ).for_resident(verified())

    assert [chat["conversation_id"] for chat in export["conversations"]] == [hers]
    assert export["conversations"][0]["events"][0]["body"] == {"text": "Opening times?"}
    assert "Not hers" not in json.dumps(export)


async def test_conversation_noted_for_one_resident_never_changes_hands(
    engine: AsyncEngine,
) -> None:
    signed_in = ResidentConversations(engine, clock)

    first = await signed_in.note("subject-catherine", "chat-1")
    again = await signed_in.note("subject-catherine", "chat-1")
    taken = await signed_in.note("subject-someone-else", "chat-1")

    assert (first, again, taken) == (True, True, False)
    assert await signed_in.of("subject-catherine") == ["chat-1"]
    assert await signed_in.of("subject-someone-else") == []
