"""A resident pays a penalty charge notice from the chat, on the hosted page."""

import re
import time
from datetime import date

import httpx
import pytest

pytestmark = pytest.mark.e2e

FORM_ACTION = re.compile(r"<form method='post' action='([^']+)'")
PCN = "CO12345678"  # a sample penalty charge notice (council/payments)
REGISTRATION = "AB12 CDE"  # the vehicle that notice was issued to


def say(browser: httpx.Client, conversation_id: str, text: str) -> list[dict]:
    response = browser.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": text}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["messages"])


def log_of(stack, browser: httpx.Client, conversation_id: str) -> str:
    return browser.get(f"/api/conversations/{conversation_id}/transcript").text


def test_resident_pays_a_parking_fine_through_the_link_the_chat_sends(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as browser:
        conversation_id = browser.post("/api/conversations").json()["conversation_id"]
        say(browser, conversation_id, "I want to pay my parking fine")
        say(browser, conversation_id, PCN)
        say(browser, conversation_id, REGISTRATION)
        transcript = log_of(stack, browser, conversation_id)

        links = re.findall(r"secure payment page", transcript)
        assert links, transcript
        next_url = _next_url(stack, conversation_id)
        page = httpx.get(next_url)
        action = FORM_ACTION.search(page.text)
        assert action is not None, page.text
        paid = httpx.post(
            httpx.URL(next_url).join(action.group(1)),
            data={
                "card_number": "4444333322221111",
                "expiry_month": "12",
                "expiry_year": str(date.today().year + 3),
                "cardholder_name": "Morwenna Trevithick",
                "cvc": "123",
                "action": "pay",
            },
            follow_redirects=True,
        )
        assert "Payment received" in paid.text

        for _ in range(30):
            transcript = log_of(stack, browser, conversation_id)
            if "was successful" in transcript:
                break
            time.sleep(1)

    # The whole number, not "4444", which a random id in a link can contain.
    assert "4444333322221111" not in transcript.replace(" ", "")
    after_link = transcript.split("secure payment page", 1)[1]
    assert "£70.00" in after_link and "was successful" in after_link


def _next_url(stack, conversation_id: str) -> str:
    """The payment link from the conversation's log, as the widget would show it."""
    import json

    from websockets.sync.client import connect

    url = stack.gateway_url.replace("http", "ws", 1)
    with connect(f"{url}/ws/conversations/{conversation_id}?after=0") as socket:
        while True:
            frame = json.loads(socket.recv(timeout=10))
            link = frame.get("event", {}).get("payment_link")
            if link:
                return str(link["url"])
