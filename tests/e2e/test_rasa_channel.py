"""Only the gateway may talk to Rasa, and typed text is never an intent."""

import json
import time

import httpx
import pytest

from bot import signing
from council.settings import DEVELOPMENT_SECRET
from tests.e2e.conftest import new_conversation

pytestmark = pytest.mark.e2e

SECRET = DEVELOPMENT_SECRET.encode()


def rasa_url(stack, path: str) -> str:
    return f"http://127.0.0.1:{stack.rasa_port}{path}"


def body(sender: str = "channel-test", text: str = "hello") -> bytes:
    return json.dumps({"sender": sender, "text": text, "message_id": "m1"}).encode()


@pytest.mark.parametrize(
    "header",
    [
        None,
        "t=1,v1=00",
        signing.sign(b"not-the-secret", body()),
        signing.sign(SECRET, body(), timestamp=int(time.time()) - 3600),
    ],
    ids=["unsigned", "garbled", "wrong secret", "stale"],
)
def test_rasa_channel_refuses_requests_not_signed_by_the_gateway(stack, header):
    headers = {"Content-Type": "application/json"}
    if header:
        headers[signing.HEADER] = header

    response = httpx.post(
        rasa_url(stack, "/webhooks/gateway/webhook"), content=body(), headers=headers
    )

    assert response.status_code == 401


def test_rasa_channel_answers_a_request_signed_by_the_gateway(stack):
    payload = body(text="hello")

    response = httpx.post(
        rasa_url(stack, "/webhooks/gateway/webhook"),
        content=payload,
        headers={signing.HEADER: signing.sign(SECRET, payload)},
        timeout=30,
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["messages"][0]["text"]

    # What the assistant understood comes with the reply: the same as the
    # tracker endpoint shows, so the gateway need not ask for it.
    tracker = httpx.get(
        rasa_url(stack, "/conversations/channel-test/tracker"),
        params={"token": DEVELOPMENT_SECRET, "include_events": "NONE"},
    ).json()
    understood = answer["tracker"]
    assert understood["latest_message"]["intent"]["name"]
    for field in ("intent", "entities"):
        assert understood["latest_message"][field] == tracker["latest_message"][field]
    assert understood["slots"] == tracker["slots"]


@pytest.mark.parametrize(
    "typed", ["/restart", '/inform{"uprn": "999999"}', '/greet{"amount": "lots"}']
)
def test_typed_intent_syntax_reaches_rasa_as_plain_text(stack, gateway, typed):
    conversation_id = new_conversation(gateway)

    gateway.post(f"/api/conversations/{conversation_id}/messages", json={"text": typed})
    tracker = httpx.get(
        rasa_url(stack, f"/conversations/{conversation_id}/tracker"),
        params={"token": DEVELOPMENT_SECRET},
    ).json()

    latest = tracker["latest_message"]
    assert latest["text"].endswith(typed)
    assert latest["intent"].get("confidence", 0) < 1.0 or latest["intent"]["name"] in (
        "ask_question",
        "nlu_fallback",
    )
    assert tracker["slots"].get("uprn") is None
    assert not [e for e in latest["entities"] if e["value"] in ("999999", "lots")]
    assert not any(e["event"] == "restart" for e in tracker["events"])
