"""Questions about national services: a short redirect to the right body.

The assistant never guesses an answer about a service the council does not run.
DIET marks the service a resident names (``national_service``); the words below
decide which body to point to, from that entity or, failing it, the message.
"""

import logging
import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import say
from actions.task_forms import latest_text

logger = logging.getLogger(__name__)

# (service, words) in the order they are tried; `out_of_scope_<service>` is said.
WORDS_BY_SERVICE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("passport", ("passport",)),
    (
        "driving",
        (
            "driving licen",
            "dvla",
            "v5c",
            "log book",
            "logbook",
            "tax my car",
            "car tax",
            "vehicle tax",
            "mot",
        ),
    ),
    (
        "tax",
        (
            "hmrc",
            "tax code",
            "self assessment",
            "income tax",
            "national insurance",
            "child benefit",
            "tax refund",
            "tax credit",
        ),
    ),
    (
        "benefits",
        (
            "universal credit",
            "dwp",
            "pip",
            "state pension",
            "job centre",
            "jobcentre",
            "jobseeker",
            "benefit fraud",
            "esa",
        ),
    ),
    (
        "health",
        (
            "nhs",
            "gp",
            "doctor",
            "dentist",
            "hospital",
            "a and e",
            "a&e",
            "prescription",
            "ambulance",
            "vaccin",
            "111",
        ),
    ),
    (
        "police",
        ("police", "crime", "stolen", "burglary", "broke into", "break in", "101"),
    ),
    ("immigration", ("visa", "immigration", "brp", "asylum")),
    ("national", ("ghic", "ehic", "dbs", "tv licen", "fishing licen")),
)

_PATTERNS = tuple(
    (service, re.compile("|".join(rf"\b{re.escape(word)}" for word in words)))
    for service, words in WORDS_BY_SERVICE
)


def service_for(text: str) -> str | None:
    """The national service ``text`` is about, or ``None``."""
    lowered = " ".join(text.lower().split())
    for service, pattern in _PATTERNS:
        if pattern.search(lowered):
            return service
    return None


class ActionRedirectOutOfScope(Action):
    """Points a question the council cannot answer to the body that can."""

    def name(self) -> str:
        return "action_redirect_out_of_scope"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        mentioned = " ".join(
            str(value) for value in tracker.get_latest_entity_values("national_service")
        )
        service = service_for(mentioned) or service_for(latest_text(tracker))

        logger.debug(
            "Out of scope (%s) in conversation %s",
            service or "not a national service",
            tracker.sender_id,
        )
        say(dispatcher, f"out_of_scope_{service}" if service else "out_of_scope")
        return []
