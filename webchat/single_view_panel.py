"""The agent console's panel about the resident of a live chat.

When an agent takes a chat, or the resident signs in while an agent has it,
the agent socket sends a ``single_view`` frame built here. The view comes from
the same :class:`~council.single_view.SingleViewService` the assistant's
actions use, found from the resident's own sign-in to that chat (never from
anything the agent typed), and every view is audited with the agent's id.

The frame carries ready-to-read text in sections of rows; the console puts it
on the page as text only. Frame shapes::

    {"type": "single_view", "conversation_id": ..., "signed_in": false,
     "message": ...}
    {"type": "single_view", "conversation_id": ..., "signed_in": true,
     "resident": {"name": ..., "as_of": ...},
     "sections": [{"id", "title", "columns": [...], "rows": [[...]], "empty"}]}
"""

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from council.errors import CouncilError
from council.payments.history import RecordedPayments
from council.payments.money import format_pence
from council.single_view import Instalment, ResidentView, SingleViewService
from webchat.api.deps import Services
from webchat.state.agents import AgentStatus

logger = logging.getLogger(__name__)

COUNCIL_TIME_ZONE = ZoneInfo("Europe/London")
NOT_SIGNED_IN = (
    "The resident has not signed in to this chat, so their council records are "
    "not shown. Ask them to sign in if you need them."
)
NOT_AVAILABLE = "The resident's council records could not be shown just now."


async def panel_frame(
    deps: Services, agent: AgentStatus, conversation_id: str
) -> dict[str, Any]:
    """The ``single_view`` frame for ``agent``'s chat ``conversation_id``.

    Raises the handoff's ``NotYourChatError`` unless the agent owns the chat
    now: nothing is read for a chat that is someone else's.
    """
    handoff = deps.conversations.handoff
    assert handoff is not None
    await handoff.require_owner(agent, conversation_id)

    frame: dict[str, Any] = {"type": "single_view", "conversation_id": conversation_id}
    token = await deps.identity.assertion_for_conversation(conversation_id)
    if token is None:
        return {**frame, "signed_in": False, "message": NOT_SIGNED_IN}

    service = SingleViewService(
        deps.engine,
        payments=RecordedPayments(deps.engine),
        threshold=deps.settings.single_view_link_threshold,
    )
    try:
        view = await service.for_agent_in_conversation(
            f"agent:{agent.agent_id}",
            token,
            conversation_id,
            secret=deps.settings.identity_assertion_secret,
        )
    except CouncilError as error:
        logger.warning(
            "No single view for conversation %s: %s", conversation_id, error.code
        )
        return {**frame, "signed_in": True, "message": NOT_AVAILABLE}

    return {**frame, "signed_in": True, **describe(view)}


def describe(view: ResidentView) -> dict[str, Any]:
    """The view as the panel's sections of text."""
    return {
        "resident": {"name": view.name, "as_of": _moment(view.as_of)},
        "sections": [
            _section(
                "council-tax",
                "Council Tax",
                ["Account", "Address", "Band", "Balance", "Next instalment"],
                [
                    [
                        account.account_ref,
                        account.address,
                        account.band,
                        format_pence(account.balance_pence),
                        _instalment(account.next_instalment),
                    ]
                    for account in view.council_tax
                ],
                "No Council Tax account is linked to the resident.",
            ),
            _section(
                "collections",
                "Next bin collections",
                ["Bin", "Next collection"],
                [
                    [
                        collection.bin_type,
                        _day(collection.on)
                        + (
                            " (moved for the bank holiday)"
                            if collection.moved_for_bank_holiday
                            else ""
                        ),
                    ]
                    for collection in view.collections
                ],
                "No collection round is known for the resident's address.",
            ),
            _section(
                "enquiries",
                "Open enquiries",
                ["Reference", "Category", "Status", "Target date"],
                [
                    [
                        enquiry.reference,
                        enquiry.category,
                        enquiry.status,
                        _day(enquiry.target_date),
                    ]
                    for enquiry in view.open_enquiries
                ],
                "The resident has no open enquiries.",
            ),
            _section(
                "payments",
                "Recent payments",
                ["Date", "For", "Amount", "Status"],
                [
                    [
                        _day(payment.created_at.astimezone(COUNCIL_TIME_ZONE).date()),
                        payment.description,
                        format_pence(payment.amount_pence),
                        payment.status,
                    ]
                    for payment in view.recent_payments
                ],
                "No recent payments.",
            ),
            _section(
                "permits",
                "Parking permits",
                ["Permit", "Zone", "Vehicle", "Valid until"],
                [
                    [
                        permit.permit_number,
                        permit.zone,
                        permit.vrm,
                        _day(permit.valid_to),
                    ]
                    for permit in view.permits
                ],
                "No current parking permits.",
            ),
            _section(
                "penalty-charges",
                "Penalty charge notices",
                ["Notice", "Vehicle", "Amount", "Status", "Pay by"],
                [
                    [
                        pcn.pcn_number,
                        pcn.vrm,
                        format_pence(pcn.amount_pence),
                        pcn.status,
                        _day(pcn.pay_by),
                    ]
                    for pcn in view.penalty_charges
                ],
                "No outstanding penalty charge notices.",
            ),
        ],
    }


def _section(
    section_id: str,
    title: str,
    columns: list[str],
    rows: list[list[str]],
    empty: str,
) -> dict[str, Any]:
    return {
        "id": section_id,
        "title": title,
        "columns": columns,
        "rows": rows,
        "empty": empty,
    }


def _instalment(instalment: Instalment | None) -> str:
    if instalment is None:
        return "None due"
    return f"{format_pence(instalment.amount_pence)} on {_day(instalment.due_on)}"


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%B %Y}"


def _moment(moment: datetime) -> str:
    local = moment.astimezone(COUNCIL_TIME_ZONE)
    return f"{_day(local.date())} at {local:%H:%M}"
