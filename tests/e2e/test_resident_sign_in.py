"""A resident signs in mid-conversation; the chat carries on, now signed in."""

import sqlite3
import ssl
from contextlib import closing

import httpx
import pytest

from council import identity as assertions
from council.settings import DEVELOPMENT_SECRET
from tests.identity.flows import sign_in

pytestmark = pytest.mark.e2e

AMARA = "amara.okafor@residents.example"


def resident_browser(stack) -> httpx.Client:
    ca = stack.identity_provider().ca_file
    return httpx.Client(
        base_url=stack.gateway_url,
        verify=ssl.create_default_context(cafile=str(ca)),
        timeout=60,
    )


def test_resident_signs_in_mid_chat_and_rasa_gets_a_signed_assertion(stack):
    with resident_browser(stack) as browser:
        conversation_id = browser.post("/api/conversations").json()["conversation_id"]
        first = browser.post(
            f"/api/conversations/{conversation_id}/messages",
            json={"text": "How can I pay my Council Tax?"},
        )
        final = sign_in(
            browser,
            f"{stack.gateway_url}/auth/resident/login?conversation_id={conversation_id}",
            AMARA,
        )
        later = browser.post(
            f"/api/conversations/{conversation_id}/messages",
            json={"text": "thanks"},
        )

    assert first.status_code == 200
    assert final.status_code == 200
    assert later.status_code == 200
    tracker = httpx.get(
        f"http://127.0.0.1:{stack.rasa_port}/conversations/{conversation_id}/tracker",
        params={"token": DEVELOPMENT_SECRET},
    ).json()
    assertion = tracker["latest_message"]["metadata"]["identity_assertion"]
    resident = assertions.verify(assertion, conversation_id, secret=DEVELOPMENT_SECRET)
    assert resident.name == "Amara Okafor"
    assert "Amara" not in str(tracker["latest_message"]["metadata"]).replace(
        assertion, ""
    )
    assert noted_for(stack, conversation_id) == resident.subject


def noted_for(stack, conversation_id: str) -> str | None:
    """Whose the gateway noted the chat to be, for the subject-access export."""
    database = stack.extra_env["DATABASE_URL"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(database)) as connection:
        row = connection.execute(
            "SELECT subject FROM sv_conversations WHERE conversation_id = ?",
            (conversation_id,),
        ).fetchone()
    return None if row is None else str(row[0])


def test_resident_cannot_sign_in_to_a_chat_another_browser_started(stack):
    with resident_browser(stack) as owner, resident_browser(stack) as stranger:
        conversation_id = owner.post("/api/conversations").json()["conversation_id"]

        response = stranger.get(
            f"/auth/resident/login?conversation_id={conversation_id}"
        )

    assert response.status_code == 400


def test_own_affairs_need_sign_in_and_are_answered_after_it(stack):
    question = "what is my council tax balance"
    with resident_browser(stack) as browser:
        conversation_id = browser.post("/api/conversations").json()["conversation_id"]
        url = f"/api/conversations/{conversation_id}/messages"
        before = browser.post(url, json={"text": question}).json()["messages"]
        sign_in(
            browser,
            f"{stack.gateway_url}/auth/resident/login?conversation_id={conversation_id}",
            AMARA,
        )
        after = browser.post(url, json={"text": question}).json()["messages"]

    assert "sign in" in " ".join(m["text"] for m in before).lower()
    answer = " ".join(m["text"] for m in after)
    assert "Council Tax" in answer
    assert "sign in" not in answer.lower()
