"""A resident's question goes through the real gateway, Rasa, actions and search."""

import pytest

from tests.e2e.conftest import (
    frames_until,
    is_reply,
    new_conversation,
    open_socket,
    send_text,
)

pytestmark = pytest.mark.e2e

QUESTION = "How can I pay my Council Tax?"


def test_rest_answer_cites_a_council_tax_payment_article(gateway):
    conversation_id = new_conversation(gateway)

    response = gateway.post(
        f"/api/conversations/{conversation_id}/messages", json={"text": QUESTION}
    )

    assert response.status_code == 200
    messages = response.json()["messages"]
    assert messages, "the assistant said nothing"
    assert messages[0]["text"]
    topics = {t for m in messages for s in m["sources"] for t in s["topics"]}
    assert "council-tax.pay" in topics
    assert all(s["url"].startswith("https://") for m in messages for s in m["sources"])


def test_websocket_answer_cites_a_council_tax_payment_article(stack, gateway):
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as socket:
        client_id = send_text(socket, QUESTION)
        frames = frames_until(socket, is_reply)

    ack = next(f for f in frames if f["type"] == "ack")
    assert ack["client_message_id"] == client_id
    reply = frames[-1]["event"]
    assert reply["author"] == "bot"
    assert reply["reply_to"] == ack["seq"]
    assert "council-tax.pay" in {t for s in reply["sources"] for t in s["topics"]}


def test_knowledge_search_api_returns_the_payment_article_first(gateway):
    response = gateway.get("/api/knowledge/search", params={"q": QUESTION, "k": 3})

    assert response.status_code == 200
    body = response.json()
    assert body["answerable"] is True
    assert "council-tax.pay" in body["results"][0]["topics"]
    assert {"article_id", "title", "url", "score", "snippet"} <= set(body["results"][0])


def test_article_list_names_every_article_with_topics(gateway):
    response = gateway.get("/api/knowledge/articles")

    articles = response.json()
    assert len(articles) >= 30
    assert all(article["topics"] for article in articles)


def test_healthz_names_each_component_ready(gateway):
    response = gateway.get("/healthz")

    assert response.status_code == 200
    components = response.json()["components"]
    assert set(components) == {
        "rasa",
        "actions",
        "knowledge",
        "database",
        "redis",
        "rasa_tracker_store",
    }
    assert all(item["state"] == "ok" for item in components.values())


def test_api_description_is_served_and_no_page_needs_a_cdn(gateway):
    description = gateway.get("/openapi.json")

    assert description.status_code == 200
    assert "/api/conversations" in description.json()["paths"]
    assert gateway.get("/docs").status_code == 404
    assert gateway.get("/redoc").status_code == 404
