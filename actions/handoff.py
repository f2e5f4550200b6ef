"""Asking for a person: the reply that tells the gateway to queue the chat.

The reply's JSON carries ``{"handoff": {"reason": ..., "area": ...}}``; the
gateway moves the conversation to the queue for ``area`` (a service area id of
the taxonomy, or ``None`` for the general queue). Any form in progress ends: the
person who joins sees what was collected in the conversation.
"""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.messages import say
from actions.problem_categories import area_of

logger = logging.getLogger(__name__)

RESIDENT_ASKED = "resident_asked"
NOT_UNDERSTOOD = "not_understood"
FORM_NOT_COMPLETED = "form_not_completed"


class ActionRequestHuman(Action):
    """Says a person will be asked to join and requests the handoff."""

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        previous = last_bot_custom(tracker)
        handoff = {"reason": handoff_reason(previous), "area": handoff_area(tracker)}

        logger.info(
            "Handoff requested in conversation %s (reason %s, area %s)",
            tracker.sender_id,
            handoff["reason"],
            handoff["area"],
        )
        say(dispatcher, "handoff_requested", custom={"handoff": handoff})
        return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]


def last_bot_custom(tracker: Tracker) -> dict[str, Any]:
    """The JSON of the assistant's last message before the resident's latest."""
    seen_latest_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest_user:
                return {}
            seen_latest_user = True
            continue
        if seen_latest_user and event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom")
            if isinstance(custom, dict):
                return custom
    return {}


def handoff_reason(previous: dict[str, Any]) -> str:
    """Why a person is needed, judged from what the assistant said last."""
    if previous.get("answerable") is False:
        return NOT_UNDERSTOOD
    if previous.get("form_help") or previous.get("form_stopped"):
        return FORM_NOT_COMPLETED
    return RESIDENT_ASKED


def handoff_area(tracker: Tracker) -> str | None:
    """The service area the chat is about: the problem being reported, or the
    topic of the knowledge answer given last, or ``None``."""
    area = area_of(tracker.get_slot("problem_category"))
    if area is not None:
        return area

    for event in reversed(tracker.events):
        if event.get("event") != "bot":
            continue
        custom = (event.get("data") or {}).get("custom") or {}
        sources = custom.get("sources") if isinstance(custom, dict) else None
        if sources and custom.get("answerable"):
            topics = sources[0].get("topics") or []
            return area_of(topics[0]) if topics else None
    return None
