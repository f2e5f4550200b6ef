"""The widget's websocket protocol: acks, resume, repeats and several tabs."""

import json

import pytest

from tests.e2e.conftest import (
    frames_until,
    is_reply,
    new_conversation,
    open_socket,
    send_text,
)

pytestmark = pytest.mark.e2e


def events(frames):
    return [f["event"] for f in frames if f["type"] == "event"]


def test_repeated_client_message_id_is_stored_and_answered_once(stack, gateway):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        send_text(socket, "when is bin day", client_id="same-id")
        first = frames_until(socket, is_reply)
        send_text(socket, "when is bin day", client_id="same-id")
        again = frames_until(socket, lambda f: f["type"] == "ack")

    acks = [f for f in first + again if f["type"] == "ack"]
    assert acks[0]["seq"] == acks[1]["seq"]
    history = gateway.get  # the REST transcript is not public; replay instead
    with open_socket(stack, conversation_id, after=0) as socket:
        replay = frames_until(socket, is_reply, timeout=10)
    residents = [e for e in events(replay) if e["author"] == "resident"]
    assert len(residents) == 1
    assert history is not None


def test_reconnect_with_after_replays_only_later_events_in_order(stack, gateway):
    conversation_id = new_conversation(gateway)
    with open_socket(stack, conversation_id) as socket:
        send_text(socket, "hello")
        first = events(frames_until(socket, is_reply))
    last_seen = first[0]["seq"]

    with open_socket(stack, conversation_id, after=last_seen) as socket:
        replay = events(frames_until(socket, is_reply, timeout=10))

    assert [e["seq"] for e in replay] == list(
        range(last_seen + 1, last_seen + 1 + len(replay))
    )
    assert replay[-1]["author"] == "bot"


def test_message_sent_before_a_drop_is_answered_after_resume(stack, gateway):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        send_text(socket, "How can I pay my Council Tax?")
        ack = frames_until(socket, lambda f: f["type"] == "ack")[-1]
        # The connection drops before the assistant's reply arrives.

    with open_socket(stack, conversation_id, after=ack["seq"]) as socket:
        reply = frames_until(socket, is_reply)[-1]["event"]

    assert reply["reply_to"] == ack["seq"]
    assert reply["sources"]


def test_three_tabs_show_one_history(stack, gateway):
    conversation_id = new_conversation(gateway)
    tabs = [open_socket(stack, conversation_id) for _ in range(3)]
    try:
        send_text(tabs[0], "How can I pay my Council Tax?")
        seen = [events(frames_until(tab, is_reply)) for tab in tabs]
    finally:
        for tab in tabs:
            tab.close()

    sequences = [[e["seq"] for e in tab_events] for tab_events in seen]
    assert sequences[0] == sequences[1] == sequences[2]
    assert [e["author"] for e in seen[0]] == ["resident", "bot"]


def test_events_carry_the_documented_fields(stack, gateway):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        send_text(socket, "hello")
        frames = frames_until(socket, is_reply)

    for frame in frames:
        assert frame["type"] in ("ack", "event")
        json.dumps(frame)
    for event in events(frames):
        assert {"seq", "author", "kind", "text", "at"} <= set(event)
