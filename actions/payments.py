"""Paying: collect and check what identifies the bill, then hand it on.

The assistant never takes card details and never decides an amount: the
council's payment page (the payment service, modelled on GOV.UK Pay) takes the
amount from the system of record and the card on its own page. The actions here
check the penalty charge notice number and registration, the Council Tax account
reference, or the bulky items and collection postcode, and then reply with a
``payment`` request in the message's JSON for the payment service to turn into
a payment link.
"""

import logging
from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from actions.task_forms import FinishTask, TaskFormValidation
from actions.typed_values import (
    UnusableAnswer,
    read_amount_pence,
    read_bulky_items,
    read_council_tax_reference,
    read_pcn_number,
    read_postcode,
    read_vehicle_registration,
)

logger = logging.getLogger(__name__)


class ValidatePcnPaymentForm(TaskFormValidation):
    """Checks the answers of ``pcn_payment_form``."""

    def name(self) -> str:
        return "validate_pcn_payment_form"

    def validate_pcn_number(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            number = read_pcn_number(str(value))
        except UnusableAnswer as problem:
            return self.refuse("pcn_number", problem.message, dispatcher, tracker)
        return self.accept("pcn_number", tracker, pcn_number=number)

    def validate_vehicle_registration(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            registration = read_vehicle_registration(str(value))
        except UnusableAnswer as problem:
            return self.refuse(
                "vehicle_registration", problem.message, dispatcher, tracker
            )
        return self.accept(
            "vehicle_registration", tracker, vehicle_registration=registration
        )


class ValidateCouncilTaxPaymentForm(TaskFormValidation):
    """Checks the answer of ``council_tax_payment_form``."""

    def name(self) -> str:
        return "validate_council_tax_payment_form"

    def validate_council_tax_reference(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            reference = read_council_tax_reference(str(value))
        except UnusableAnswer as problem:
            return self.refuse(
                "council_tax_reference", problem.message, dispatcher, tracker
            )
        return self.accept(
            "council_tax_reference", tracker, council_tax_reference=reference
        )


class ValidateBulkyWasteForm(TaskFormValidation):
    """Checks the answers of ``bulky_waste_form``."""

    def name(self) -> str:
        return "validate_bulky_waste_form"

    def validate_bulky_items(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            items = read_bulky_items(str(value))
        except UnusableAnswer as problem:
            return self.refuse("bulky_items", problem.message, dispatcher, tracker)
        return self.accept("bulky_items", tracker, bulky_items=items)

    def validate_collection_postcode(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            postcode = read_postcode(str(value))
        except UnusableAnswer as problem:
            return self.refuse(
                "collection_postcode", problem.message, dispatcher, tracker
            )
        return self.accept("collection_postcode", tracker, collection_postcode=postcode)


class RequestPayment(FinishTask):
    """Tells the resident the next step and asks the payment service for a link.

    The reply's JSON carries ``{"payment": {"kind": ..., ...}}``: what
    identifies the bill, never an amount to charge. An amount the resident
    mentioned is passed only as ``amount_mentioned_pence``, for the payment
    service to compare with the system of record.
    """

    kind: str = ""

    async def complete(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        request = {"kind": self.kind, **self.identifiers(tracker)}
        mentioned = amount_mentioned(tracker)
        if mentioned is not None:
            request["amount_mentioned_pence"] = mentioned

        logger.info(
            "Payment of kind %s requested in conversation %s",
            self.kind,
            tracker.sender_id,
        )
        say(
            dispatcher,
            f"payment_next_step_{self.kind}",
            custom={"payment": request},
            **{k: str(v) for k, v in self.shown(tracker).items()},
        )
        return []

    @abstractmethod
    def identifiers(self, tracker: Tracker) -> dict[str, Any]:
        """What identifies the bill, from the form's slots."""

    def shown(self, tracker: Tracker) -> dict[str, Any]:
        """The values the confirmation message shows the resident."""
        return self.identifiers(tracker)


class ActionRequestPcnPayment(RequestPayment):
    kind = "penalty_charge_notice"
    required_slots = ("pcn_number", "vehicle_registration")

    def name(self) -> str:
        return "action_request_pcn_payment"

    def identifiers(self, tracker: Tracker) -> dict[str, Any]:
        return {
            "pcn_number": tracker.get_slot("pcn_number"),
            "vehicle_registration": tracker.get_slot("vehicle_registration"),
        }


class ActionRequestCouncilTaxPayment(RequestPayment):
    kind = "council_tax"
    required_slots = ("council_tax_reference",)

    def name(self) -> str:
        return "action_request_council_tax_payment"

    def identifiers(self, tracker: Tracker) -> dict[str, Any]:
        return {"council_tax_reference": tracker.get_slot("council_tax_reference")}


class ActionRequestBulkyWastePayment(RequestPayment):
    kind = "bulky_waste"
    required_slots = ("bulky_items", "collection_postcode")

    def name(self) -> str:
        return "action_request_bulky_waste_payment"

    def identifiers(self, tracker: Tracker) -> dict[str, Any]:
        return {
            "items": tracker.get_slot("bulky_items"),
            "postcode": tracker.get_slot("collection_postcode"),
        }

    def shown(self, tracker: Tracker) -> dict[str, Any]:
        return {}


def amount_mentioned(tracker: Tracker) -> int | None:
    """An amount of money the resident gave while on this task, in pence.

    Looks at the ``amount`` entities of the messages since the task started;
    ``None`` unless exactly one clear amount was given.
    """
    amounts: set[int] = set()
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_reset_task":
            break
        if event.get("event") != "user":
            continue
        for entity in (event.get("parse_data") or {}).get("entities", []):
            if entity.get("entity") != "amount":
                continue
            try:
                amounts.add(read_amount_pence(str(entity.get("value"))))
            except UnusableAnswer:
                return None
    return amounts.pop() if len(amounts) == 1 else None
