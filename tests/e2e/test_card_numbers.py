"""A card number typed into the chat never reaches Rasa, the log or the files."""

import json

import httpx
import pytest

from council.settings import DEVELOPMENT_SECRET
from tests.e2e.conftest import (
    frames_until,
    is_reply,
    new_conversation,
    open_socket,
    send_text,
)

pytestmark = pytest.mark.e2e

CARD = "4444 3333 2222 1111"
# Any part of the number; not "4444" alone, which a random conversation id
# (the tracker's sender id) can contain.
CARD_PARTS = ("4444 3333", "3333 2222", "2222 1111", CARD.replace(" ", ""))


def shows_card(text: str) -> bool:
    return any(part in text for part in CARD_PARTS)


def test_typed_card_number_is_hidden_everywhere_and_the_resident_told(stack, gateway):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        send_text(socket, f"can i pay with my card {CARD} please")
        frames = frames_until(
            socket, lambda f: is_reply(f) and f["event"]["author"] == "bot"
        )
    with open_socket(stack, conversation_id) as socket:
        replay = frames_until(
            socket, lambda f: is_reply(f) and f["event"]["author"] == "bot"
        )
    tracker = httpx.get(
        f"http://127.0.0.1:{stack.rasa_port}/conversations/{conversation_id}/tracker",
        params={"token": DEVELOPMENT_SECRET},
    ).json()

    events = [f["event"] for f in frames + replay if f["type"] == "event"]
    assert not any(shows_card(e.get("text") or "") for e in events)
    assert any("card details" in e["text"] and e["author"] == "system" for e in events)
    assert not shows_card(str(tracker))
    # The gateway logs JSON lines (council/logs.py); the notice is one of them.
    gateway_log = (stack.var / "log" / "gateway.log").read_text(errors="replace")
    records = [json.loads(x) for x in gateway_log.splitlines() if x.startswith("{")]
    assert any(
        r["logger"] == "webchat.conversations"
        and r["message"].startswith("Card number hidden")
        for r in records
    )
    for log in (stack.var / "log").glob("*.log"):
        assert "4444333322221111" not in log.read_text(errors="replace").replace(
            " ", ""
        )


def test_rest_reply_tells_the_resident_their_card_number_was_hidden(gateway):
    conversation_id = new_conversation(gateway)

    response = gateway.post(
        f"/api/conversations/{conversation_id}/messages",
        json={"text": f"card {CARD} exp 12/30 cvv 123, can I pay my council tax"},
    )

    assert response.status_code == 200
    texts = [m["text"] for m in response.json()["messages"]]
    assert "hidden what looked like card details" in texts[0]
    assert len(texts) >= 2, "the assistant's own answer is missing"
    assert not any(shows_card(t) or "123" in t for t in texts)
