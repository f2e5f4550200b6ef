"""A signed-in resident's own affairs, from the council's single view.

The gateway puts a short-lived signed assertion of who is signed in into each
turn's metadata; it is verified here, for this conversation, before anything
personal is read. Without a valid one the assistant asks the resident to sign in.
"""

import logging
from typing import Any

from rasa_sdk import Tracker

from actions.enquiry_store import enquiries
from council import identity
from council.errors import CouncilError
from council.payments.history import RecordedPayments
from council.settings import get_settings
from council.single_view import ResidentView, SingleViewService

logger = logging.getLogger(__name__)

PERSONAL_INTENTS = ("my_account", "my_bin_day", "my_enquiries")


def verified_resident(tracker: Tracker) -> identity.VerifiedResident | None:
    """The resident the turn's assertion names, if it holds for this chat."""
    metadata: dict[str, Any] = tracker.latest_message.get("metadata") or {}
    token = metadata.get("identity_assertion")
    if not token:
        return None
    try:
        return identity.verify(
            token, tracker.sender_id, secret=get_settings().identity_assertion_secret
        )
    except CouncilError as error:
        logger.warning(
            "Refused an identity assertion in conversation %s: %s",
            tracker.sender_id,
            error.code,
        )
        return None


async def own_view(resident: identity.VerifiedResident) -> ResidentView:
    service = await enquiries.service()
    single_view = SingleViewService(
        service.engine, payments=RecordedPayments(service.engine)
    )
    return await single_view.for_resident(resident)


def describe(intent: str, view: ResidentView) -> str:
    """One short paragraph answering ``intent`` from the resident's own view."""
    if intent == "my_bin_day":
        return _bins(view)
    if intent == "my_enquiries":
        return _enquiries(view)
    return _council_tax(view)


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def _council_tax(view: ResidentView) -> str:
    accounts = [account for account in view.council_tax if account.is_open]
    if not accounts:
        return (
            "We do not hold a Council Tax account linked to you yet. If you pay "
            "Council Tax to us, an adviser can link your account."
        )
    account = accounts[0]
    text = f"Your Council Tax balance is {_pounds(account.balance_pence)}."
    if account.next_instalment is not None:
        text += (
            f" Your next instalment is {_pounds(account.next_instalment.amount_pence)}"
            f" on {account.next_instalment.due_on:%A %d %B}."
        )
    return text


def _bins(view: ResidentView) -> str:
    if not view.collections:
        return "We do not have a bin collection round for your address yet."
    parts = [
        f"{item.bin_type} on {item.on:%A %d %B}"
        + (" (moved for the bank holiday)" if item.moved_for_bank_holiday else "")
        for item in sorted(view.collections, key=lambda c: c.on)
    ]
    return "Your next collections: " + "; ".join(parts) + "."


def _enquiries(view: ResidentView) -> str:
    if not view.open_enquiries:
        return "You have no open enquiries with us."
    parts = [
        f"{item.reference} is {item.status}, due by {item.target_date:%d %B}"
        for item in view.open_enquiries
    ]
    return "Your open enquiries: " + "; ".join(parts) + "."
