"""Starting, stopping and changing tasks, and ending the chat.

A new task starts with empty slots and a new task id. "Stop", "I've changed my
mind" and "goodbye" end any form in progress, so the assistant never keeps
asking a question the resident has walked away from.
"""

import logging
import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from actions.task_forms import end_task_events

logger = logging.getLogger(__name__)


class ActionResetTask(Action):
    """Clears what the last task collected and gives the new task its id.

    Runs before every form starts; the id becomes part of the idempotency key
    of anything the task creates.
    """

    def name(self) -> str:
        return "action_reset_task"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        task_id = uuid.uuid4().hex
        logger.debug("Task %s started in conversation %s", task_id, tracker.sender_id)
        return [*end_task_events(), SlotSet("task_id", task_id)]


class ActionStopTask(Action):
    """Stops the task in progress without sending anything."""

    def name(self) -> str:
        return "action_stop_task"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        if tracker.active_loop_name:
            logger.info(
                "Resident stopped %s in conversation %s",
                tracker.active_loop_name,
                tracker.sender_id,
            )
            say(dispatcher, "task_stopped")
        else:
            say(dispatcher, "nothing_to_stop")
        return end_task_events()


class ActionChangeMind(Action):
    """Drops the task in progress and offers the main options again."""

    def name(self) -> str:
        return "action_change_mind"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        logger.info(
            "Resident changed their mind (%s) in conversation %s",
            tracker.active_loop_name or "no task",
            tracker.sender_id,
        )
        say(dispatcher, "change_mind")
        return end_task_events()


class ActionSayGoodbye(Action):
    """Says goodbye and ends any task in progress."""

    def name(self) -> str:
        return "action_say_goodbye"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        say(dispatcher, "goodbye")
        return end_task_events() if tracker.active_loop_name else []
