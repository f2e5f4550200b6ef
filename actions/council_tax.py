"""The offer to pay Council Tax, made after the answer on how to pay.

"How can I pay my Council Tax?" is answered from the council's knowledge first;
this action then offers to start paying. Saying yes starts the Council Tax
payment form (see the rules in ``nlu/rules.yml``).
"""

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say

logger = logging.getLogger(__name__)


class ActionOfferCouncilTaxPayment(Action):
    """Asks whether the resident wants to pay their Council Tax now."""

    def name(self) -> str:
        return "action_offer_council_tax_payment"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        say(dispatcher, "offer_council_tax_payment")
        return []
