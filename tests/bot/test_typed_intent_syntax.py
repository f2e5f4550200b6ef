"""Typed intent syntax never fills a slot.

A resident who types ``/inform{"postcode": "TR1 3AY"}`` while the report form is
running must not have the JSON unpacked into entities that Rasa's slot mappings
then copy into slots. This runs the gateway channel's guard, Rasa's own
``RegexMessageHandler`` (the graph node that unpacks ``/intent{...}`` text) and
Rasa's ``action_extract_slots`` against the real domain.
"""

import asyncio
from pathlib import Path

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.channel import neutralise_typed_text

ROOT = Path(__file__).resolve().parents[2]
TYPED = '/inform{"postcode": "TR1 3AY"}'


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


def slots_set_by(text: str, domain: Domain) -> dict:
    """Slots Rasa fills from ``text`` while the report form asks for details."""
    [parsed] = RegexMessageHandler().process([Message({TEXT: text})], domain)
    intent = parsed.get(INTENT) or {"name": "typed_command", "confidence": 0.9}
    tracker = DialogueStateTracker.from_events(
        "typed-intent-syntax",
        [
            ActionExecuted("action_listen"),
            ActiveLoop("report_problem_form"),
            SlotSet("requested_slot", "problem_details"),
            ActionExecuted("action_listen"),
            UserUttered(text, intent, parsed.get(ENTITIES) or []),
        ],
        slots=domain.slots,
    )

    events = asyncio.run(
        ActionExtractSlots(None).run(
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator(domain.responses),
            tracker,
            domain,
        )
    )
    return {e.key: e.value for e in events if isinstance(e, SlotSet)}


def test_typed_inform_json_does_not_fill_the_location_slot(domain):
    slots = slots_set_by(neutralise_typed_text(TYPED), domain)

    assert "location" not in slots
    assert "postcode" not in slots


def test_unguarded_inform_json_would_fill_the_location_slot(domain):
    # Without the channel's guard Rasa unpacks the JSON and the form's entity
    # mapping copies it into `location`: the guard is what prevents that.
    slots = slots_set_by(TYPED, domain)

    assert slots["location"] == "TR1 3AY"


@pytest.mark.parametrize("typed", ["/restart", "/stop", "/inform", TYPED])
def test_typed_intent_syntax_is_not_unpacked(typed, domain):
    [parsed] = RegexMessageHandler().process(
        [Message({TEXT: neutralise_typed_text(typed)})], domain
    )

    assert parsed.get(INTENT) is None
    assert not parsed.get(ENTITIES)
