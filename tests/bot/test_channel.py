"""The gateway-only Rasa channel: request checks and typed-text neutralising."""

import json

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.core.training_data.story_reader.yaml_story_reader import (
    YAMLStoryReader,
)
from rasa.shared.nlu.training_data.message import Message

from bot.channel import (
    TYPED_SLASH_GUARD,
    neutralise_typed_text,
    parse_request,
    understood,
)


def body(**fields):
    payload = {"sender": "c1", "text": "hello", "message_id": "c1:1"}
    payload.update(fields)
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    "typed", ["/restart", "  /restart", '/inform{"postcode": "TR1 3AY"}']
)
def test_typed_slash_text_is_never_unpacked_as_an_intent(typed):
    text = neutralise_typed_text(typed)

    unpacked = YAMLStoryReader.unpack_regex_message(Message({"text": text}))

    assert unpacked.get("intent") is None
    assert text.startswith(TYPED_SLASH_GUARD)


def test_unguarded_slash_text_would_be_unpacked_by_rasa():
    # The guard exists because of this behaviour; if Rasa ever stops unpacking
    # typed text this test tells us the guard can go.
    unpacked = YAMLStoryReader.unpack_regex_message(Message({"text": "/restart"}))

    assert unpacked.get("intent")["name"] == "restart"


def test_parse_request_keeps_ordinary_text_unchanged():
    message = parse_request(body(text="How can I pay my Council Tax?"))

    assert message["text"] == "How can I pay my Council Tax?"
    assert message["sender"] == "c1"


def test_parse_request_passes_checked_button_payloads_through():
    message = parse_request(body(text="/request_human", kind="button"))

    assert message["text"] == "/request_human"


@pytest.mark.parametrize(
    "raw, problem",
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "JSON object"),
        (body(sender=""), "sender"),
        (body(text="   "), "text"),
        (body(text="x" * 5001), "longer than"),
        (body(kind="intent"), "kind"),
        (body(metadata=[1]), "metadata"),
    ],
)
def test_parse_request_refuses_bad_bodies_naming_the_problem(raw, problem):
    with pytest.raises(ValueError, match=problem):
        parse_request(raw)


def tracker_with(*events):
    domain = Domain.from_dict(
        {
            "intents": ["ask_question"],
            "entities": ["postcode"],
            "slots": {
                "postcode": {
                    "type": "text",
                    "mappings": [{"type": "from_entity", "entity": "postcode"}],
                },
                "enquiry_reference": {"type": "text", "mappings": []},
            },
        }
    )
    return DialogueStateTracker.from_events("c1", list(events), slots=domain.slots)


def test_understood_holds_what_the_tracker_endpoint_would_show():
    tracker = tracker_with(
        UserUttered(
            "my postcode is TR1 3AY",
            intent={"name": "ask_question", "confidence": 0.91},
            entities=[
                {"entity": "postcode", "value": "TR1 3AY", "start": 15, "end": 22}
            ],
        ),
        SlotSet("postcode", "TR1 3AY"),
    )

    state = tracker.current_state(EventVerbosity.NONE)
    shown = json.loads(json.dumps(understood(tracker)))

    assert shown["latest_message"]["intent"] == state["latest_message"]["intent"]
    assert shown["latest_message"]["intent"]["name"] == "ask_question"
    assert shown["latest_message"]["entities"] == state["latest_message"]["entities"]
    assert shown["slots"] == state["slots"]
    assert shown["slots"]["postcode"] == "TR1 3AY"


def test_understood_before_any_message_and_without_a_tracker():
    tracker = tracker_with()

    state = tracker.current_state(EventVerbosity.NONE)
    shown = understood(tracker)

    assert shown["latest_message"]["intent"] == state["latest_message"]["intent"]
    assert shown["latest_message"]["entities"] == []
    assert understood(None) == {}
