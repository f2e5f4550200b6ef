"""What the bot says to whom: refusals, the form's corrections, status
questions, welcomes, invokes and the activities it ignores (SQLite)."""

import asyncio

import httpx
from sqlalchemy import func, select

from council.councillors.models import councillor_conversations
from council.database import create_engine
from council.enquiries import EnquiryService, Location, NewEnquiry
from council.enquiries.models import enquiries
from tests.teams.casework import (
    POTHOLE,
    RAISED,
    ask_for_form,
    card_of,
    card_submit,
    raise_case,
    submit_data,
)
from tests.teams.conftest import PENROSE, STRANGER, TRELAWNY, wait_for_replies
from tests.teams.servers import Gateway
from tools.bot_connector.service import BotConnector, Member
from webchat.teams import build_notifier, messages


async def say(
    connector: BotConnector, member: Member, conversation_id: str, text: str, **extra
) -> dict:
    before = len(connector.replies(conversation_id))
    response = await connector.deliver(
        connector.activity("message", member, conversation_id, text=text, **extra)
    )
    assert response.status_code == 202
    return (await wait_for_replies(connector, conversation_id, before + 1))[before]


async def rows(gateway: Gateway, table) -> int:
    engine = create_engine(gateway.app.state.services.settings.async_database_url)
    try:
        async with engine.connect() as connection:
            query = select(func.count()).select_from(table)
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def test_unknown_user_refused_politely_and_not_remembered(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    reply = await say(connector, STRANGER, conversation_id, "my cases")

    assert reply["text"] == messages.NOT_A_COUNCILLOR
    assert await rows(sqlite_gateway, councillor_conversations) == 0


async def test_casework_in_group_chat_refused(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    reply = await say(
        connector,
        PENROSE,
        conversation_id,
        "<at>Council casework</at> my cases",
        conversation_type="groupChat",
    )

    assert reply["text"] == messages.ONE_TO_ONE_ONLY


async def test_card_submit_with_gaps_shows_form_again_keeping_values(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    card = await ask_for_form(connector, PENROSE, conversation_id)
    submit = card_submit(
        connector,
        PENROSE,
        conversation_id,
        card,
        contact_email="",
        postcode="",
        details="",
    )
    await connector.deliver(submit)

    reply = (await wait_for_replies(connector, conversation_id, 2))[1]
    assert reply["text"] == (
        "Please add an email address or phone number, a postcode or where it "
        "is and the details."
    )
    again = card_of(reply)
    values = {element.get("id"): element.get("value") for element in again["body"]}
    assert values["contact_name"] == "Demelza Carne"
    assert submit_data(again)["form_id"] == submit_data(card)["form_id"]
    assert await rows(sqlite_gateway, enquiries) == 0


async def test_card_submit_bad_postcode_explains_and_shows_form_again(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    card = await ask_for_form(connector, PENROSE, conversation_id)
    await connector.deliver(
        card_submit(connector, PENROSE, conversation_id, card, postcode="TR99 ZZZ")
    )

    reply = (await wait_for_replies(connector, conversation_id, 2))[1]
    assert "postcode" in reply["text"].lower()
    assert card_of(reply)
    assert await rows(sqlite_gateway, enquiries) == 0


async def test_same_form_submitted_twice_raises_one_case(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    card = await ask_for_form(connector, PENROSE, conversation_id)
    for _press in range(2):
        # Two presses of the button are two activities with their own ids.
        await connector.deliver(card_submit(connector, PENROSE, conversation_id, card))

    replies = await wait_for_replies(connector, conversation_id, 3)
    references = {RAISED.search(reply["text"]).group(1) for reply in replies[1:]}
    assert len(references) == 1
    assert await rows(sqlite_gateway, enquiries) == 1


async def test_invoke_card_action_answers_at_once_then_raises_case(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    card = await ask_for_form(connector, PENROSE, conversation_id)
    data = {**submit_data(card), **POTHOLE}
    invoke = connector.activity(
        "invoke",
        PENROSE,
        conversation_id,
        name="adaptiveCard/action",
        value={
            "action": {"type": "Action.Execute", "verb": "raise_case", "data": data}
        },
    )

    response = await connector.deliver(invoke)

    assert response.status_code == 200
    assert response.json()["statusCode"] == 200
    reply = (await wait_for_replies(connector, conversation_id, 2))[1]
    assert RAISED.search(reply["text"])


async def test_status_of_own_case_and_not_of_others(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    mine = await raise_case(connector, PENROSE, conversation_id)
    theirs = await raise_case(connector, TRELAWNY, conversation_id + "-trelawny")

    number = int(mine.rsplit("-", 1)[1])
    own = await say(
        connector, PENROSE, conversation_id, f"any news on enq {mine[4:8]} {number}?"
    )
    other = await say(connector, PENROSE, conversation_id, f"status {theirs}")
    unknown = await say(connector, PENROSE, conversation_id, "status ENQ-2020-999999")
    which = await say(connector, PENROSE, conversation_id, "status")

    assert own["text"].startswith(f"**{mine}** (Roads, parking and travel: potholes")
    assert "is **received**" in own["text"]
    assert other["text"] == unknown["text"]
    assert theirs not in other["text"]
    assert which["text"] == messages.WHICH_CASE


async def test_conversation_update_welcomes_and_keeps_the_chat(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    update = connector.activity(
        "conversationUpdate",
        PENROSE,
        conversation_id,
        members_added=[{"id": f"28:{connector.app_id}"}],
    )

    response = await connector.deliver(update)

    assert response.status_code == 202
    reply = (await wait_for_replies(connector, conversation_id, 1))[0]
    assert reply["text"].startswith("Hello Cllr Morwenna Penrose (Truro Boscawen).")
    assert await rows(sqlite_gateway, councillor_conversations) == 1


async def test_other_activities_answered_politely_without_replies(
    sqlite_gateway: Gateway, connector: BotConnector, conversation_id: str
) -> None:
    reaction = connector.activity("messageReaction", PENROSE, conversation_id)
    invoke = connector.activity(
        "invoke", PENROSE, conversation_id, name="composeExtension/query", value={}
    )
    unknown_text = await say(connector, PENROSE, conversation_id, "sing me a song")

    reaction_response = await connector.deliver(reaction)
    invoke_response = await connector.deliver(invoke)

    assert reaction_response.status_code == 200
    assert (invoke_response.status_code, invoke_response.json()) == (200, {})
    assert unknown_text["text"] == messages.NOT_UNDERSTOOD
    await asyncio.sleep(0.3)
    assert len(connector.replies(conversation_id)) == 1


async def test_duplicate_delivery_to_two_workers_with_redis_creates_one_case(
    start_gateway,
    sqlite_url: str,
    redis_url: str,
    connector: BotConnector,
    conversation_id: str,
) -> None:
    first = start_gateway(sqlite_url, redis_url=redis_url)
    second = start_gateway(sqlite_url, redis_url=redis_url)
    card = await ask_for_form(connector, PENROSE, conversation_id)
    submit = card_submit(connector, PENROSE, conversation_id, card)

    async with httpx.AsyncClient(timeout=15, trust_env=False) as client:
        token = connector.channel_token()
        answers = await asyncio.gather(
            *(
                client.post(
                    worker.messages_url,
                    json=submit,
                    headers={"Authorization": f"Bearer {token}"},
                )
                for worker in (first, second)
            )
        )

    assert sorted(answer.status_code for answer in answers) == [200, 202]
    await wait_for_replies(connector, conversation_id, 2)
    await asyncio.sleep(0.3)
    assert len(connector.replies(conversation_id)) == 2
    assert await rows(first, enquiries) == 1


async def test_status_change_of_case_no_councillor_raised_sends_nothing(
    sqlite_gateway: Gateway, connector: BotConnector
) -> None:
    settings = sqlite_gateway.app.state.services.settings
    engine = create_engine(settings.async_database_url)
    notifier = build_notifier(settings, engine)
    try:
        enquiry = await EnquiryService(engine).create(
            NewEnquiry(
                category=POTHOLE["category"],
                details="Reported through the web chat",
                location=Location(postcode="TR1 3AY"),
            )
        )
        await EnquiryService(engine).change_status(
            enquiry.reference, "assigned", by="agent:alice"
        )
        sent = await notifier.on_status_changed(enquiry.reference)
        tokens_before = connector.token_requests
    finally:
        await notifier.connector.close()
        await engine.dispose()

    assert sent is False
    assert connector.token_requests == tokens_before
