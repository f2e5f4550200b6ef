"""The questions the task forms ask, one ``action_ask_<slot>`` per slot.

Rasa's form calls ``action_ask_<slot>`` each time it needs ``<slot>``. The
first and second time the question is asked (after a first unusable answer the
validation action has already said what was wrong). After two unusable answers
the question is replaced by help that explains what is needed and offers a
person or a way out, so the same question is never asked three times in a row.
Wording is in ``messages.yml``: ``ask_<slot>`` and ``help_<slot>``, or
``ask_<form>_<slot>`` where one form needs its own words.
"""

import logging
from abc import ABC, abstractmethod

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.failed_answers import HELP_AFTER, failures_for
from actions.messages import has_message, say

logger = logging.getLogger(__name__)


class AskForSlot(Action, ABC):
    """Asks for :attr:`slot`, or gives help after repeated unusable answers."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        form = tracker.active_loop_name or ""
        helping = failures_for(tracker, self.slot) >= HELP_AFTER

        kind = "help" if helping else "ask"
        specific = f"{kind}_{form}_{self.slot}"
        message = specific if has_message(specific) else f"{kind}_{self.slot}"

        logger.debug(
            "Asking for %s with %s in conversation %s",
            self.slot,
            message,
            tracker.sender_id,
        )
        say(
            dispatcher,
            message,
            custom={"form_help": {"slot": self.slot}} if helping else None,
        )
        return []


class AskProblemCategory(AskForSlot):
    slot = "problem_category"


class AskLocation(AskForSlot):
    slot = "location"


class AskProblemDetails(AskForSlot):
    slot = "problem_details"


class AskContactEmail(AskForSlot):
    slot = "contact_email"


class AskEnquiryReference(AskForSlot):
    slot = "enquiry_reference"


class AskPcnNumber(AskForSlot):
    slot = "pcn_number"


class AskVehicleRegistration(AskForSlot):
    slot = "vehicle_registration"


class AskCouncilTaxReference(AskForSlot):
    slot = "council_tax_reference"


class AskBulkyItems(AskForSlot):
    slot = "bulky_items"


class AskCollectionPostcode(AskForSlot):
    slot = "collection_postcode"
