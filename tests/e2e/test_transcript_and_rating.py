"""The resident downloads the transcript and rates the chat; nobody else can."""

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_resident_downloads_the_transcript_as_text(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as browser:
        conversation_id = browser.post("/api/conversations").json()["conversation_id"]
        browser.post(
            f"/api/conversations/{conversation_id}/messages",
            json={"text": "<b>How</b> can I pay my Council Tax?"},
        )

        response = browser.get(f"/api/conversations/{conversation_id}/transcript")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "attachment" in response.headers["content-disposition"]
    assert "You: <b>How</b> can I pay my Council Tax?" in response.text
    assert "Assistant:" in response.text
    assert "Source: " in response.text


def test_transcript_and_rating_refused_to_another_browser(stack):
    with (
        httpx.Client(base_url=stack.gateway_url) as owner,
        httpx.Client(base_url=stack.gateway_url) as stranger,
    ):
        conversation_id = owner.post("/api/conversations").json()["conversation_id"]

        transcript = stranger.get(f"/api/conversations/{conversation_id}/transcript")
        rating = stranger.post(
            f"/api/conversations/{conversation_id}/rating", json={"score": 5}
        )

    assert transcript.status_code == 403
    assert rating.status_code == 403


def test_resident_rates_once_with_a_clear_answer_to_a_second_try(stack):
    with httpx.Client(base_url=stack.gateway_url) as browser:
        conversation_id = browser.post("/api/conversations").json()["conversation_id"]
        url = f"/api/conversations/{conversation_id}/rating"

        first = browser.post(url, json={"score": 4, "comment": "Quick, thanks"})
        second = browser.post(url, json={"score": 1})
        bad = browser.post(url, json={"score": 9})

    assert first.status_code == 204
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_rated"
    assert bad.status_code == 422
