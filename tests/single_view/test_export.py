"""The subject-access export holds everything about the resident, and only
about them."""

import json

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.enquiries import EnquiryService, Location, NewEnquiry
from council.single_view.errors import ViewRefusedError
from council.single_view.export import SubjectAccessExport
from council.single_view.models import sv_view_audit
from council.single_view.service import SingleViewService
from tests.single_view.conftest import County, clock, verified
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

    export = await SubjectAccessExport(engine, clock=clock).for_resident(
        verified(conversation_id=conversation)
    )

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
    exporter = SubjectAccessExport(engine, clock=clock)

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
        await SubjectAccessExport(engine).for_person(
            county.catherine, requested_by="agent:dpo", reason=""
        )
