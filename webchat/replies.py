"""Turning what Rasa collected into the gateway's bot message events."""

from typing import Any

ALLOWED_SCHEMES = ("https://", "http://")


def bot_events_from_rasa(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one event body per assistant message, in Rasa's order.

    Rasa splits one utterance with text and a custom JSON part into two collected
    messages; the custom part (sources, handoff requests) is folded into the text
    message before it.
    """
    bodies: list[dict[str, Any]] = []
    for message in messages:
        custom = message.get("custom")
        if message.get("text"):
            bodies.append(
                {
                    "text": str(message["text"]),
                    "buttons": _buttons(message.get("buttons")),
                    "sources": [],
                }
            )
        if isinstance(custom, dict):
            if not bodies:
                bodies.append({"text": "", "buttons": [], "sources": []})
            bodies[-1]["sources"] = _sources(custom.get("sources"))
            if custom.get("answerable") is not None:
                bodies[-1]["answerable"] = bool(custom["answerable"])
            if isinstance(custom.get("sign_in"), dict):
                bodies[-1]["sign_in"] = {
                    "reason": str(custom["sign_in"].get("reason") or "")
                }
            if isinstance(custom.get("payment"), dict):
                # A request for a payment link; the gateway asks the payment
                # service, which takes the amount from the system of record.
                bodies[-1]["payment_request"] = dict(custom["payment"])
            handoff = custom.get("handoff")
            if isinstance(handoff, dict):
                bodies[-1]["handoff"] = {
                    "reason": str(handoff.get("reason") or "resident_asked"),
                    "area": str(handoff["area"]) if handoff.get("area") else None,
                }
    return bodies


def _buttons(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        return []
    return [
        {"title": str(button["title"]), "payload": str(button["payload"])}
        for button in raw
        if isinstance(button, dict) and "title" in button and "payload" in button
    ]


def _sources(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        return []
    sources = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        url = str(item.get("url", ""))
        if not url.startswith(ALLOWED_SCHEMES):
            continue
        sources.append(
            {
                "title": str(item.get("title", "")),
                "url": url,
                "topics": [str(topic) for topic in item.get("topics", [])],
                "section": str(item.get("section", "")),
            }
        )
    return sources
