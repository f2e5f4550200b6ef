"""Things that need the resident (or councillor) to be signed in first.

When the turn carries a valid signed identity assertion from the gateway, a
resident's own affairs are answered from the single view (:mod:`actions.my_affairs`).
Otherwise the assistant asks the person to sign in and says why; the reply's JSON
carries ``{"sign_in": {"reason": ...}}`` for the gateway to show its sign-in link.
"""

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from actions.my_affairs import (
    PERSONAL_INTENTS,
    describe,
    own_view,
    verified_resident,
)
from actions.task_forms import latest_intent
from council.errors import CouncilError

logger = logging.getLogger(__name__)

# The intent that needs sign-in -> the reason given to the gateway (and the
# message said: `sign_in_<reason>`).
REASON_BY_INTENT = {
    "my_account": "my_account",
    "my_bin_day": "my_bin_day",
    "my_enquiries": "my_enquiries",
    "sign_in": "resident_asked",
    "raise_casework": "councillor_casework",
}

# Councillors' casework runs in Teams (webchat/teams), never through Rasa: on
# the website "my open cases" or "case status ENQ-..." is a resident asking
# about their own enquiries.
RESIDENT_MEANING = {"list_my_cases": "my_enquiries", "case_status": "my_enquiries"}


class ActionRequireSignIn(Action):
    """Asks the resident to sign in, naming what it is for."""

    def name(self) -> str:
        return "action_require_sign_in"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        intent = latest_intent(tracker)
        intent = RESIDENT_MEANING.get(intent, intent)
        reason = REASON_BY_INTENT.get(intent, "resident_asked")

        resident = verified_resident(tracker)
        if resident is not None and intent in PERSONAL_INTENTS:
            try:
                view = await own_view(resident)
            except CouncilError as error:
                logger.warning(
                    "No single view in conversation %s: %s",
                    tracker.sender_id,
                    error.code,
                )
            else:
                dispatcher.utter_message(text=describe(intent, view))
                return []

        logger.debug(
            "Sign-in asked for (%s) in conversation %s", reason, tracker.sender_id
        )
        say(
            dispatcher,
            f"sign_in_{reason}",
            custom={"sign_in": {"reason": reason, "intent": intent}},
        )
        return []
