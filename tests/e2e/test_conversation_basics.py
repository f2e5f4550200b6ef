"""Conversations over the real stack: small talk, fallback, redirects, sign-in.

Also holds :class:`Chat`, the resident the other ``test_conversation_*`` modules
use: it types through the REST API, presses buttons over the websocket (the only
way a button payload reaches the assistant) and reads Rasa's tracker for what
the assistant remembered and the JSON it sent the gateway.
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from council.settings import DEVELOPMENT_SECRET
from tests.e2e.conftest import new_conversation, open_socket
from tools.stack import Stack

pytestmark = pytest.mark.e2e

# After the first reply to a button press, how long to wait for more replies of
# the same turn (the gateway publishes them one after another at once).
MORE_REPLIES_SECONDS = 1.5


@dataclass
class Chat:
    """One resident's conversation with the assistant."""

    stack: Stack
    gateway: httpx.Client
    conversation_id: str = ""
    replies: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.conversation_id = self.conversation_id or new_conversation(self.gateway)

    def say(self, text: str) -> list[dict[str, Any]]:
        """Type ``text``; return the assistant's messages for this turn."""
        response = self.gateway.post(
            f"/api/conversations/{self.conversation_id}/messages", json={"text": text}
        )
        assert response.status_code == 200, response.text
        self.replies = list(response.json()["messages"])
        return self.replies

    def press(self, payload: str) -> list[dict[str, Any]]:
        """Press the offered button with ``payload``; return this turn's replies."""
        client_id = uuid.uuid4().hex
        with open_socket(self.stack, self.conversation_id) as socket:
            socket.send(
                json.dumps(
                    {
                        "type": "button",
                        "client_message_id": client_id,
                        "payload": payload,
                    }
                )
            )
            seq = None
            replies: list[dict[str, Any]] = []
            while True:
                try:
                    timeout = MORE_REPLIES_SECONDS if replies else 60.0
                    frame = json.loads(socket.recv(timeout=timeout))
                except (TimeoutError, ConnectionClosed):
                    break
                if frame.get("type") == "error":
                    raise AssertionError(f"button refused: {frame}")
                if (
                    frame.get("type") == "ack"
                    and frame["client_message_id"] == client_id
                ):
                    seq = frame["seq"]
                event = frame.get("event") or {}
                if seq is not None and event.get("reply_to") == seq:
                    replies.append(event)
        assert replies, f"no reply to the {payload} button"
        self.replies = replies
        return replies

    def texts(self) -> str:
        """The latest turn's texts, joined."""
        return "\n".join(reply["text"] for reply in self.replies)

    def payloads(self) -> set[str]:
        """The payloads of the buttons offered in the latest turn."""
        return {b["payload"] for reply in self.replies for b in reply["buttons"]}

    def tracker(self) -> dict[str, Any]:
        response = httpx.get(
            f"http://127.0.0.1:{self.stack.rasa_port}/conversations/"
            f"{self.conversation_id}/tracker",
            params={"token": DEVELOPMENT_SECRET},
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())

    def slot(self, name: str) -> Any:
        return self.tracker()["slots"].get(name)

    def active_form(self) -> str | None:
        return (self.tracker().get("active_loop") or {}).get("name")

    def custom(self) -> dict[str, Any]:
        """The JSON the assistant sent with its replies since the last message,
        merged (``sources``, ``handoff``, ``sign_in``, ``payment`` ...)."""
        merged: dict[str, Any] = {}
        for event in reversed(self.tracker()["events"]):
            if event["event"] == "user":
                break
            if event["event"] == "bot":
                custom = (event.get("data") or {}).get("custom") or {}
                merged = {**custom, **merged}
        return merged

    def intent(self) -> str:
        """The intent Rasa gave the resident's latest message."""
        events = self.tracker()["events"]
        latest = next(e for e in reversed(events) if e["event"] == "user")
        return str(latest["parse_data"]["intent"]["name"])


@pytest.fixture()
def chat(stack: Stack, gateway: httpx.Client) -> Chat:
    return Chat(stack, gateway)


def test_greeting_offers_the_next_steps(chat):
    chat.say("hiya")

    assert "council services" in chat.texts()
    assert "/report_problem" in chat.payloads()


def test_thanks_and_goodbye_get_short_replies(chat):
    chat.say("cheers, that's lovely")
    thanked = chat.texts()
    chat.say("bye for now")

    assert "welcome" in thanked
    assert "Goodbye" in chat.texts()


def test_bot_challenge_says_it_is_automated_and_offers_a_person(chat):
    chat.say("am i talking to a real person?")

    assert "automated assistant" in chat.texts()
    assert "/request_human" in chat.payloads()


def test_what_can_you_do_lists_the_tasks(chat):
    chat.say("what can you help me with")

    assert {"/report_problem", "/pay_parking_fine", "/check_enquiry"} <= chat.payloads()


def test_feedback_is_thanked(chat):
    chat.say("this chat is brilliant, well done")

    assert "Thank you for your feedback" in chat.texts()


def test_unanswerable_question_says_so_and_offers_a_report_or_a_person(chat):
    chat.say("qwzx plarb vendigo trinkets?")

    assert "could not find" in chat.texts()
    assert {"/report_problem", "/request_human"} <= chat.payloads()
    assert chat.custom()["answerable"] is False


@pytest.mark.parametrize(
    "question, redirect",
    [
        ("how do i renew my passport", "HM Passport Office"),
        ("i need to change the address on my driving licence", "DVLA"),
        ("my universal credit payment is late", "Department for Work and Pensions"),
        ("i need help with my tax code", "HMRC"),
        ("how do i register with a gp", "NHS"),
        ("my bike was stolen from outside my house", "Devon and Cornwall Police"),
    ],
)
def test_national_services_get_a_short_redirect_not_a_guess(chat, question, redirect):
    chat.say(question)

    assert redirect in chat.texts()
    assert not chat.replies[0]["sources"]


def test_chit_chat_outside_council_services_is_declined_politely(chat):
    chat.say("tell me a joke")

    assert "only help with council services" in chat.texts()


@pytest.mark.parametrize(
    "request_text, reason",
    [
        ("when is my bin day", "my_bin_day"),
        ("how much council tax do i owe", "my_account"),
        ("show me all my reports", "my_enquiries"),
        ("log me in", "resident_asked"),
        # Casework words from a resident: councillors use Teams, not the website.
        ("show me my open cases", "my_enquiries"),
        ("case status ENQ-2026-000123", "my_enquiries"),
    ],
)
def test_personal_requests_ask_the_resident_to_sign_in(chat, request_text, reason):
    chat.say(request_text)

    assert "sign in" in chat.texts()
    assert chat.custom()["sign_in"]["reason"] == reason


def test_councillor_casework_needs_a_signed_in_councillor(chat):
    chat.say("raise a case for a constituent")

    assert "councillors" in chat.texts()
    assert chat.custom()["sign_in"]["reason"] == "councillor_casework"


def test_typed_restart_outside_a_task_is_text_not_a_restart(chat):
    chat.say("hello")
    chat.say("/restart")

    events = chat.tracker()["events"]
    assert not [e for e in events if e["event"] == "restart"]
    assert any(e.get("text") == "hello" for e in events if e["event"] == "user")
    assert "plain words" in chat.texts()


def test_typed_button_payload_is_never_accepted_as_a_button(chat):
    chat.say("hello")

    with pytest.raises(AssertionError, match="button refused"):
        chat.press('/inform{"problem_category": "waste.missed-collection"}')


def test_reference_typed_on_its_own_starts_a_status_check(chat):
    chat.say("ENQ-2026-000123")

    assert chat.active_form() == "check_enquiry_form"
    assert chat.slot("enquiry_reference") == "ENQ-2026-000123"
    assert re.search(r"email address", chat.texts())


@pytest.mark.parametrize(
    "message, number",
    [
        ("i want to kill myself", "116 123"),
        ("my partner hits me", "0808 2000 247"),
        ("theres a gas leak in the street", "0800 111 999"),
        ("i have nowhere to sleep tonight", "999"),
    ],
    ids=["suicide", "domestic_abuse", "gas", "homeless_tonight"],
)
def test_someone_at_risk_gets_urgent_help_and_a_person_not_a_guess(
    chat, message, number
):
    [reply] = chat.say(message)

    assert number in reply["text"]
    assert reply["sources"][0]["url"].startswith("https://")
    assert chat.payloads() == {"/request_human"}

    chat.press("/request_human")
    assert chat.intent() == "request_human"
