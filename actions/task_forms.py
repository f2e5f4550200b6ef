"""What every task form shares: its slots, the checks on answers, the finish.

A task is one thing a resident does with the assistant (report a problem, check
an enquiry, pay). Its form collects the slots; the form's validation action,
built on :class:`TaskFormValidation`, checks each answer with
:mod:`actions.typed_values` and applies the failed-answer rule of
:mod:`actions.failed_answers`; :class:`FinishTask` acts once the form is done,
or tells the resident it stopped without sending anything.
"""

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker, utils
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.failed_answers import FAILURES_SLOT, after_failure, after_success
from actions.messages import say
from actions.typed_values import TYPED_COMMAND_MARK, is_typed_command

logger = logging.getLogger(__name__)

# Every slot a task fills; a new task starts with all of them empty.
TASK_SLOTS = (
    "problem_category",
    "location",
    "postcode",
    "uprn",
    "location_description",
    "problem_details",
    "date_noticed",
    "contact_email",
    "enquiry_reference",
    "pcn_number",
    "vehicle_registration",
    "council_tax_reference",
    "bulky_items",
    "collection_postcode",
    FAILURES_SLOT,
)


def latest_text(tracker: Tracker) -> str:
    """The resident's latest message as typed, without the channel's guard."""
    text = tracker.latest_message.get("text") or ""
    return text.replace(TYPED_COMMAND_MARK, "").strip()


def latest_intent(tracker: Tracker) -> str:
    """The name of the latest message's intent, or an empty string."""
    intent = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or "")


def value_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The value ``slot`` held before the resident's latest message, or None."""
    seen_latest_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_latest_message = True
        elif (
            seen_latest_message
            and event.get("event") == "slot"
            and event.get("name") == slot
        ):
            return event.get("value")
    return None


def end_task_events() -> list[EventType]:
    """Events that end any form in progress and forget what it collected."""
    return [
        ActiveLoop(None),
        SlotSet(REQUESTED_SLOT, None),
        *(SlotSet(slot, None) for slot in TASK_SLOTS),
    ]


class TaskFormValidation(FormValidationAction, ABC):
    """Checks a task form's answers; subclasses add ``validate_<slot>`` methods.

    Each ``validate_<slot>`` returns :meth:`accept` or :meth:`refuse`. Typed text
    that looks like intent syntax (``/inform{...}``) is refused for every slot
    before any ``validate_<slot>`` sees it: no slot is filled from it.
    """

    @abstractmethod
    def name(self) -> str:
        """``validate_<form name>``."""

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        """Run ``validate_<slot>`` for each of this form's slots that was given a
        value since the resident's latest message.

        Unlike rasa-sdk's own loop, slots emptied since then (a new task clears
        them all) are not validated: their ``None`` is not an answer.
        """
        typed_command = is_typed_command(tracker.latest_message.get("text") or "")
        form_slots = set(self.domain_slots(domain))

        updates: dict[str, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            if slot not in form_slots or value is None:
                continue

            earlier = value_before_latest_message(tracker, slot)
            if earlier is not None and tracker.get_slot(REQUESTED_SLOT) != slot:
                # A word in the answer to another question ("a foot wide" while
                # describing a pothole) must not undo an answer already given.
                updates[slot] = earlier
                tracker.slots[slot] = earlier
                continue

            if typed_command:
                result = self.refuse(slot, "typed_command", dispatcher, tracker)
            else:
                validate = getattr(self, f"validate_{slot}", None)
                result = (
                    await utils.call_potential_coroutine(
                        validate(value, dispatcher, tracker, domain)
                    )
                    if validate is not None
                    else {slot: value}
                )

            updates.update(result)
            tracker.slots.update(result)

        if typed_command:
            logger.debug(
                "Refused typed intent syntax as a form answer in conversation %s",
                tracker.sender_id,
            )
        return [SlotSet(slot, value) for slot, value in updates.items()]

    def accept(self, slot: str, tracker: Tracker, **values: Any) -> dict[str, Any]:
        """Slot updates for a usable answer: ``values`` (which must include
        ``slot``) and a clean failure count for ``slot``."""
        return {**after_success(tracker, slot), **values}

    def refuse(
        self,
        slot: str,
        problem: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        """Slot updates for an answer to ``slot`` that cannot be used.

        ``problem`` names the message that says what was wrong; it is said after
        the first such answer only (after the second, the form's question is
        replaced by help, see :mod:`actions.form_questions`). A value for a slot
        the form was not asking about (an entity in the message that started
        the task) is dropped without counting against the resident.
        """
        if tracker.get_slot(REQUESTED_SLOT) != slot:
            return {slot: None}

        updates = after_failure(tracker, slot)
        failures = updates[FAILURES_SLOT][slot]
        logger.debug(
            "Answer for %s refused (%s, failure %d) in conversation %s",
            slot,
            problem,
            failures,
            tracker.sender_id,
        )
        if failures == 1:
            say(dispatcher, problem)
        return updates


class FinishTask(Action, ABC):
    """Runs when a task's form ends: acts if every slot was filled, else says
    that nothing was sent (the form stopped after repeated unusable answers)."""

    required_slots: tuple[str, ...] = ()

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        missing = [s for s in self.required_slots if tracker.get_slot(s) is None]
        if missing:
            logger.info(
                "Task %s stopped before %s was given in conversation %s",
                self.name(),
                missing[0],
                tracker.sender_id,
            )
            say(dispatcher, "form_stopped", custom={"form_stopped": True})
            return []

        return await self.complete(dispatcher, tracker)

    @abstractmethod
    async def complete(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """Do the task with the form's slots, all filled, and tell the resident."""
