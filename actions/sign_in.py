"""Things that need the resident (or councillor) to be signed in first.

Until the gateway passes a verified identity to the actions, the assistant asks
the person to sign in and says why; the reply's JSON carries
``{"sign_in": {"reason": ...}}`` for the gateway to show its sign-in button.
"""

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from actions.task_forms import latest_intent

logger = logging.getLogger(__name__)

# The intent that needs sign-in -> the reason given to the gateway (and the
# message said: `sign_in_<reason>`).
REASON_BY_INTENT = {
    "my_account": "my_account",
    "my_bin_day": "my_bin_day",
    "my_enquiries": "my_enquiries",
    "sign_in": "resident_asked",
    "raise_casework": "councillor_casework",
    "list_my_cases": "councillor_casework",
    "case_status": "councillor_casework",
}


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
        reason = REASON_BY_INTENT.get(intent, "resident_asked")

        logger.debug(
            "Sign-in asked for (%s) in conversation %s", reason, tracker.sender_id
        )
        say(
            dispatcher,
            f"sign_in_{reason}",
            custom={"sign_in": {"reason": reason, "intent": intent}},
        )
        return []
