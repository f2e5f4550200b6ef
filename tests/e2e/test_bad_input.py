"""Bad input gets a clear reply or error, and the gateway keeps serving."""

import json

import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.conftest import (
    frames_until,
    is_reply,
    new_conversation,
    open_socket,
    send_text,
)

pytestmark = pytest.mark.e2e

HUNDRED_KB = "a" * 100_000
ONE_MB = "a" * 1_000_000
TEN_MB = "a" * 10_000_000


@pytest.mark.parametrize(
    "text, status, code",
    [
        ("", 400, "empty_message"),
        ("     \n\t  ", 400, "empty_message"),
        ("\u200b\u200b", 400, "empty_message"),
        (HUNDRED_KB, 413, "message_too_long"),
        (ONE_MB, 413, "message_too_long"),
        (TEN_MB, 413, "request_too_large"),
    ],
    ids=["empty", "whitespace", "zero_width", "100kb", "1mb", "10mb"],
)
def test_rest_refuses_bad_messages_with_a_clear_error(gateway, text, status, code):
    conversation_id = new_conversation(gateway)

    response = gateway.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text}
    )

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert gateway.get("/healthz").status_code == 200


def test_rest_stops_reading_a_body_without_a_length_past_the_limit(gateway):
    conversation_id = new_conversation(gateway)
    chunks = (b"a" * 65_536 for _ in range(160))

    response = gateway.post(
        f"/api/conversations/{conversation_id}/messages",
        content=chunks,
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert gateway.get("/healthz").status_code == 200


def test_rest_refuses_a_body_without_text(gateway):
    conversation_id = new_conversation(gateway)

    response = gateway.post(f"/api/conversations/{conversation_id}/messages", json={})

    assert response.status_code == 422
    assert "text" in response.json()["error"]["message"]


def test_rest_refuses_an_unknown_conversation(gateway):
    response = gateway.post("/api/conversations/nope/messages", json={"text": "hi"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_conversation"


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty_message"),
        ("   ", "empty_message"),
        ("\u200b\u2060", "empty_message"),
        (HUNDRED_KB, "message_too_long"),
        # 1,000,000 characters: under the 1 MiB frame limit, over the text limit.
        (ONE_MB, "message_too_long"),
    ],
    ids=["empty", "whitespace", "zero_width", "100kb", "1mb"],
)
def test_websocket_refuses_bad_messages_and_keeps_the_connection(
    stack, gateway, text, code
):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        client_id = send_text(socket, text)
        error = frames_until(socket, lambda f: f["type"] == "error")[-1]
        send_text(socket, "How can I pay my Council Tax?")
        reply = frames_until(socket, is_reply)[-1]

    assert error["client_message_id"] == client_id
    assert error["error"]["code"] == code
    assert reply["event"]["sources"], "the gateway stopped answering after bad input"


@pytest.mark.parametrize("raw", ["not json", "[1,2,3]", '{"type": "dance"}'])
def test_websocket_answers_malformed_frames_with_an_error(stack, gateway, raw):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        socket.send(raw)
        frame = json.loads(socket.recv(timeout=10))

    assert frame["type"] == "error"
    assert frame["error"]["code"] == "bad_frame"


def test_websocket_for_an_unknown_conversation_is_closed_with_4404(stack):

    with pytest.raises(ConnectionClosed) as closed:
        with open_socket(stack, "no-such-conversation") as socket:
            socket.recv(timeout=10)

    assert closed.value.rcvd.code == 4404


def test_knowledge_search_refuses_a_blank_query_with_a_clear_error(gateway):
    response = gateway.get("/api/knowledge/search", params={"q": "   "})

    assert response.status_code == 400
    assert "question" in response.json()["error"]["message"].lower()


def test_a_flood_on_one_connection_is_slowed_and_nothing_accepted_is_lost(
    stack, gateway
):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        for number in range(12):
            send_text(socket, f"hello {number}", client_id=f"flood-{number}")
        answers = frames_until(
            socket,
            lambda f: (
                f["type"] in ("ack", "error")
                and f.get("client_message_id") == "flood-11"
            ),
        )

    acks = {f["client_message_id"] for f in answers if f["type"] == "ack"}
    refused = {
        f["client_message_id"]
        for f in answers
        if f["type"] == "error" and f["error"]["code"] == "rate_limited"
    }
    assert refused, "twelve messages at once were all accepted"
    assert len(acks) + len(refused) == 12
    with open_socket(stack, conversation_id) as socket:
        replay = frames_until(socket, lambda f: True, timeout=10)
        stored = []
        while True:
            try:
                frame = json.loads(socket.recv(timeout=3))
            except TimeoutError:
                break
            stored.append(frame)
    texts = [
        f["event"]["text"]
        for f in replay + stored
        if f["type"] == "event" and f["event"]["author"] == "resident"
    ]
    assert sorted(texts) == sorted(
        f"hello {n}" for n in range(12) if f"flood-{n}" in acks
    )


def test_websocket_refuses_a_binary_frame_and_keeps_the_connection(stack, gateway):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        socket.send(b"\x00\xffnot text")
        error = frames_until(socket, lambda f: f["type"] == "error")[-1]
        send_text(socket, "How can I pay my Council Tax?")
        reply = frames_until(socket, is_reply)[-1]

    assert error["error"]["code"] == "bad_frame"
    assert reply["event"]["sources"]


def test_websocket_frame_over_the_limit_closes_with_1009_and_keeps_what_was_sent(
    stack, gateway
):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        kept = send_text(socket, "When is my bin collected?")
        frames_until(socket, lambda f: f["type"] == "ack")
        with pytest.raises(ConnectionClosed) as closed:
            # The server may close while the frame is still being sent.
            send_text(socket, TEN_MB)
            while True:
                socket.recv(timeout=30)
    with open_socket(stack, conversation_id) as socket:
        replay = frames_until(socket, is_reply)

    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    residents = [
        f["event"]
        for f in replay
        if f["type"] == "event" and f["event"]["author"] == "resident"
    ]
    assert [e["client_message_id"] for e in residents] == [kept]


@pytest.mark.parametrize(
    "text, stored",
    [
        # "Café" and "Penzance" written with combining accents: stored composed.
        ("Cafe\u0301 licence in Penzance\u0301?", "Café licence in Penzancé?"),
        ("\U0001f44d\U0001f44d", "\U0001f44d\U0001f44d"),
        (
            '<script>alert("x")</script><b>bin</b> day?',
            '<script>alert("x")</script><b>bin</b> day?',
        ),
        ('/inform{"postcode": "TR1 1AA"}', '/inform{"postcode": "TR1 1AA"}'),
    ],
    ids=["decomposed", "emoji_only", "markup", "typed_intent"],
)
def test_odd_but_valid_messages_are_kept_as_text_and_answered(
    stack, gateway, text, stored
):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        client_id = send_text(socket, text)
        frames = frames_until(socket, is_reply)

    events = [f["event"] for f in frames if f["type"] == "event"]
    resident = next(e for e in events if e["client_message_id"] == client_id)
    assert resident["text"] == stored
    assert events[-1]["text"], "the resident was left without a reply"
    assert gateway.get("/healthz").status_code == 200
