"""Check an enquiry: a resident who is not signed in gives the reference and the
email address they used, and hears where the enquiry is up to.

Whether the reference is unknown or the email does not match, the answer is the
same, so the check tells nobody about another person's enquiry.
"""

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.enquiry_store import enquiries
from actions.messages import say
from actions.problem_categories import topic_name
from actions.report_problem import long_date
from actions.task_forms import FinishTask, TaskFormValidation, latest_text
from actions.typed_values import UnusableAnswer, read_email, read_enquiry_reference

logger = logging.getLogger(__name__)


class ValidateCheckEnquiryForm(TaskFormValidation):
    """Checks the answers of ``check_enquiry_form``."""

    def name(self) -> str:
        return "validate_check_enquiry_form"

    async def extract_enquiry_reference(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """When the form starts, take the reference from the message that
        started it ("what's happening with enq 2026 1?"), so it is not asked
        for again."""
        starting = tracker.get_slot(REQUESTED_SLOT) is None
        if not starting or tracker.get_slot("enquiry_reference") is not None:
            return {}

        try:
            return {"enquiry_reference": read_enquiry_reference(latest_text(tracker))}
        except UnusableAnswer:
            return {}

    def validate_enquiry_reference(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            reference = read_enquiry_reference(str(value))
        except UnusableAnswer as problem:
            return self.refuse(
                "enquiry_reference", problem.message, dispatcher, tracker
            )
        return self.accept("enquiry_reference", tracker, enquiry_reference=reference)

    def validate_contact_email(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            email = read_email(str(value))
        except UnusableAnswer as problem:
            return self.refuse("contact_email", problem.message, dispatcher, tracker)
        return self.accept("contact_email", tracker, contact_email=email)


class ActionCheckEnquiry(FinishTask):
    """Looks the enquiry up by reference and email and says where it is up to."""

    required_slots = ("enquiry_reference", "contact_email")

    def name(self) -> str:
        return "action_check_enquiry"

    async def complete(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        reference = str(tracker.get_slot("enquiry_reference"))
        email = str(tracker.get_slot("contact_email"))

        try:
            service = await enquiries.service()
            enquiry = await service.find_for_resident(reference, email)
        except (SQLAlchemyError, OSError):
            logger.exception(
                "Could not look up an enquiry for conversation %s", tracker.sender_id
            )
            say(dispatcher, "enquiry_check_failed")
            return []

        if enquiry is None:
            say(dispatcher, "enquiry_not_found")
            return []

        values = {
            "reference": enquiry.reference,
            "category": topic_name(enquiry.category),
            "status": enquiry.status.value,
            "target_date": long_date(enquiry.target_date),
        }
        say(
            dispatcher,
            "enquiry_status" if enquiry.is_open else "enquiry_finished",
            custom={
                "enquiry": {
                    "reference": enquiry.reference,
                    "status": enquiry.status.value,
                }
            },
            **values,
        )
        return []
