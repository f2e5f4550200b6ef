"""A councillor's casework in Teams, end to end through the Bot Connector
stand-in and the gateway's real /api/messages, on SQLite and PostgreSQL."""

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.councillors import CaseworkService
from council.enquiries import EnquiryService, EnquirySource, Location, NewEnquiry
from council.enquiries.models import enquiries
from tests.teams.casework import (
    POTHOLE,
    RAISED,
    ask_for_form,
    card_submit,
    raise_case,
)
from tests.teams.conftest import PENROSE, TRELAWNY, wait_for_replies
from tests.teams.servers import Gateway
from tools.bot_connector.service import BotConnector
from webchat.teams import build_notifier


async def count_enquiries(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(
            (
                await connection.execute(select(func.count()).select_from(enquiries))
            ).scalar_one()
        )


async def test_card_submit_raises_case_for_constituent(
    gateway: Gateway, engine: AsyncEngine, connector: BotConnector, conversation_id: str
) -> None:
    card = await ask_for_form(connector, PENROSE, conversation_id)
    ids = {element.get("id") for element in card["body"]}
    assert {"contact_name", "category", "postcode", "details"} <= ids

    reference = await raise_case(connector, PENROSE, conversation_id)

    enquiry = await EnquiryService(engine).get(reference)
    assert enquiry is not None
    assert enquiry.source is EnquirySource.COUNCILLOR
    assert enquiry.contact_name == "Demelza Carne"
    assert enquiry.category == POTHOLE["category"]
    assert enquiry.location == Location(postcode="TR1 3AY")
    owner = await CaseworkService(engine, EnquiryService(engine)).owner_of(reference)
    assert owner is not None and owner.ward == "Truro Boscawen"
    typing = [
        r
        for r in connector.replies(conversation_id, typing=True)
        if r["type"] == "typing"
    ]
    assert typing, "slow work starts with a typing indicator"


async def test_my_cases_lists_only_own_open_cases(
    gateway: Gateway, engine: AsyncEngine, connector: BotConnector, conversation_id: str
) -> None:
    open_case = await raise_case(connector, PENROSE, conversation_id)
    resolved = await raise_case(connector, PENROSE, conversation_id, postcode="TR1 1XU")
    others = await raise_case(connector, TRELAWNY, conversation_id + "-trelawny")
    residents = await EnquiryService(engine).create(
        NewEnquiry(
            category=POTHOLE["category"],
            details="Reported through the web chat",
            location=Location(postcode="TR1 3AY"),
        )
    )
    await EnquiryService(engine).change_status(resolved, "resolved", by="agent:alice")

    before = len(connector.replies(conversation_id))
    await connector.deliver(
        connector.activity(
            "message", PENROSE, conversation_id, text="Can you show me my open cases?"
        )
    )
    listing = (await wait_for_replies(connector, conversation_id, before + 1))[before]

    assert "Your open cases (1)" in listing["text"]
    assert open_case in listing["text"]
    for absent in (resolved, others, residents.reference):
        assert absent not in listing["text"]


async def test_status_change_sends_proactive_message(
    gateway: Gateway, engine: AsyncEngine, connector: BotConnector, conversation_id: str
) -> None:
    reference = await raise_case(connector, PENROSE, conversation_id)
    before = len(connector.replies(conversation_id))
    await EnquiryService(engine).change_status(
        reference, "in progress", note="Highways inspector booked", by="agent:alice"
    )

    # A notifier built the way any process that changes statuses builds one.
    notifier = build_notifier(gateway.app.state.services.settings, engine)
    try:
        sent = await notifier.on_status_changed(reference)
        sent_again = await notifier.on_status_changed(reference)
    finally:
        await notifier.connector.close()

    assert (sent, sent_again) == (True, False)
    update = (await wait_for_replies(connector, conversation_id, before + 1))[before]
    assert update["text"] == (
        f"Update on your case **{reference}**: it is now **in progress** "
        "(Highways inspector booked)."
    )
    assert "replyToId" not in update
    await asyncio.sleep(0.2)
    assert len(connector.replies(conversation_id)) == before + 1


async def test_duplicate_delivery_creates_one_case(
    gateway: Gateway, engine: AsyncEngine, connector: BotConnector, conversation_id: str
) -> None:
    card = await ask_for_form(connector, PENROSE, conversation_id)
    submit = card_submit(connector, PENROSE, conversation_id, card)
    before = len(connector.replies(conversation_id))

    first, second = await asyncio.gather(
        connector.deliver(submit), connector.deliver(submit)
    )
    third = await connector.deliver(submit)

    assert sorted([first.status_code, second.status_code, third.status_code]) == [
        200,
        200,
        202,
    ]
    replies = await wait_for_replies(connector, conversation_id, before + 1)
    await asyncio.sleep(0.3)
    assert len(connector.replies(conversation_id)) == before + 1
    assert RAISED.search(replies[before]["text"])
    assert await count_enquiries(engine) == 1
