"""Report a problem: check the form's answers, then raise the enquiry.

The form asks what kind of problem it is (a taxonomy topic), where it is (a
postcode, a UPRN or a description), what it is like, and optionally an email
address. On completion the enquiry service raises the enquiry and the resident
gets its reference and the date the council aims to deal with it by.
"""

import logging
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.enquiry_store import enquiries
from actions.messages import say
from actions.problem_categories import is_topic, topic_for_words
from actions.task_forms import (
    FinishTask,
    TaskFormValidation,
    latest_intent,
    latest_text,
)
from actions.typed_values import (
    UnusableAnswer,
    asks_the_assistant,
    declines,
    read_details,
    read_email,
    read_past_date,
    read_place,
)
from council.enquiries import EnquiryError, Location, NewEnquiry

logger = logging.getLogger(__name__)


class ValidateReportProblemForm(TaskFormValidation):
    """Checks the answers of ``report_problem_form``."""

    def name(self) -> str:
        return "validate_report_problem_form"

    async def extract_problem_category(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """When the form starts, take the kind of problem from the resident's
        words ("there's a crater on my road") if DIET found no ``problem``."""
        starting = tracker.get_slot(REQUESTED_SLOT) is None
        if not starting or tracker.get_slot("problem_category") is not None:
            return {}

        topic = topic_for_words(latest_text(tracker))
        return {"problem_category": topic} if topic else {}

    def validate_problem_category(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        answer = str(value)
        topic = answer.strip().lower() if is_topic(answer) else topic_for_words(answer)
        if topic is None:
            return self.refuse(
                "problem_category", "invalid_category", dispatcher, tracker
            )
        return self.accept("problem_category", tracker, problem_category=topic)

    def validate_location(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            if asks_the_assistant(str(value), latest_intent(tracker)):
                raise UnusableAnswer("invalid_location")
            place = read_place(str(value))
        except UnusableAnswer as problem:
            return self.refuse("location", problem.message, dispatcher, tracker)

        return self.accept(
            "location",
            tracker,
            location=place.label,
            postcode=place.postcode,
            uprn=place.uprn,
            location_description=place.description,
        )

    def validate_problem_details(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        try:
            if asks_the_assistant(str(value), latest_intent(tracker)):
                raise UnusableAnswer("invalid_details")
            details = read_details(str(value))
        except UnusableAnswer as problem:
            return self.refuse("problem_details", problem.message, dispatcher, tracker)

        return self.accept(
            "problem_details",
            tracker,
            problem_details=details,
            date_noticed=_date_mentioned(tracker),
        )

    def validate_contact_email(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        answer = str(value)
        if latest_intent(tracker) == "deny" or declines(answer):
            # An empty string, not None: the question was answered with "no".
            return self.accept("contact_email", tracker, contact_email="")

        try:
            email = read_email(answer)
        except UnusableAnswer as problem:
            return self.refuse("contact_email", problem.message, dispatcher, tracker)
        return self.accept("contact_email", tracker, contact_email=email)


class ActionSubmitProblemReport(FinishTask):
    """Raises the enquiry and gives the resident its reference."""

    required_slots = (
        "problem_category",
        "location",
        "problem_details",
        "contact_email",
    )

    def name(self) -> str:
        return "action_submit_problem_report"

    async def complete(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        report = new_enquiry(tracker)

        try:
            service = await enquiries.service()
            enquiry = await service.create(report)
        except EnquiryError as error:
            logger.warning(
                "Enquiry service refused the report from conversation %s (%s); "
                "the form's checks should match the service's",
                tracker.sender_id,
                error.code,
            )
            say(dispatcher, "report_failed")
            return []
        except (SQLAlchemyError, OSError):
            logger.exception(
                "Could not raise the enquiry for conversation %s", tracker.sender_id
            )
            say(dispatcher, "report_failed")
            return []

        say(
            dispatcher,
            "report_sent",
            reference=enquiry.reference,
            target_date=long_date(enquiry.target_date),
            custom={
                "enquiry": {
                    "reference": enquiry.reference,
                    "category": enquiry.category,
                    "target_date": enquiry.target_date.isoformat(),
                }
            },
        )
        return [SlotSet("enquiry_reference", enquiry.reference)]


def new_enquiry(tracker: Tracker) -> NewEnquiry:
    """The enquiry the completed form describes.

    The idempotency key is the conversation and this run of the task, so a
    retried action never raises a second enquiry.
    """
    details = str(tracker.get_slot("problem_details"))
    noticed = tracker.get_slot("date_noticed")
    if noticed:
        details += f"\nNoticed on {long_date(date.fromisoformat(noticed))}."

    return NewEnquiry(
        category=str(tracker.get_slot("problem_category")),
        details=details,
        location=Location(
            postcode=tracker.get_slot("postcode"),
            uprn=tracker.get_slot("uprn"),
            description=tracker.get_slot("location_description"),
        ),
        contact_name=None,
        contact_email=tracker.get_slot("contact_email") or None,
        contact_phone=None,
        source="assistant",
        conversation_id=tracker.sender_id,
        idempotency_key=f"{tracker.sender_id}:{tracker.get_slot('task_id')}",
    )


def long_date(day: date) -> str:
    """A date as residents read it: "Friday 13 March 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _date_mentioned(tracker: Tracker) -> str | None:
    """The past day the latest message mentions (a ``date`` entity), as ISO."""
    for mention in tracker.get_latest_entity_values("date"):
        try:
            return read_past_date(str(mention), date.today()).isoformat()
        except UnusableAnswer:
            continue
    return None
