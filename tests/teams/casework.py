"""Steps a councillor takes in Teams, driven through the stand-in."""

import re
from typing import Any

from tests.teams.conftest import wait_for_replies
from tools.bot_connector.service import BotConnector, Member

RAISED = re.compile(r"Case \*\*(ENQ-\d{4}-\d{6})\*\* raised")

POTHOLE = {
    "contact_name": "Demelza Carne",
    "contact_email": "demelza@example.com",
    "contact_phone": "",
    "category": "roads-and-transport.potholes-and-road-defects",
    "postcode": "tr1 3ay",
    "location_description": "",
    "details": "Deep pothole outside the primary school gates",
}


def card_of(reply: dict[str, Any]) -> dict[str, Any]:
    attachments = reply.get("attachments") or []
    assert attachments, f"no card in {reply.get('text')!r}"
    assert attachments[0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachments[0]["content"]


def submit_data(card: dict[str, Any]) -> dict[str, Any]:
    """The data the card's submit button carries (action and form id)."""
    return dict(card["actions"][0]["data"])


async def ask_for_form(
    connector: BotConnector, member: Member, conversation_id: str
) -> dict[str, Any]:
    """Say "new case"; returns the card the bot answers with."""
    before = len(connector.replies(conversation_id))
    await connector.deliver(
        connector.activity("message", member, conversation_id, text="new case")
    )
    replies = await wait_for_replies(connector, conversation_id, before + 1)
    return card_of(replies[before])


def card_submit(
    connector: BotConnector,
    member: Member,
    conversation_id: str,
    card: dict[str, Any],
    **fields: str,
) -> dict[str, Any]:
    """The message activity Teams sends when the card's submit is pressed."""
    value = {**submit_data(card), **POTHOLE, **fields}
    return connector.activity("message", member, conversation_id, value=value)


async def raise_case(
    connector: BotConnector, member: Member, conversation_id: str, **fields: str
) -> str:
    """Ask for the form, submit it; returns the new case's reference."""
    card = await ask_for_form(connector, member, conversation_id)
    before = len(connector.replies(conversation_id))
    response = await connector.deliver(
        card_submit(connector, member, conversation_id, card, **fields)
    )
    assert response.status_code == 202
    replies = await wait_for_replies(connector, conversation_id, before + 1)
    found = RAISED.search(replies[before]["text"])
    assert found, replies[before]["text"]
    return found.group(1)
