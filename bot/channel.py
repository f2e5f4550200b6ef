"""The Rasa input channel that only the webchat gateway may call.

Residents never talk to Rasa directly: the gateway owns the conversation and
forwards a resident's message only while the assistant owns the chat. Every
request must carry the gateway's signature (see :mod:`bot.signing`); anything else
gets 401. The reply is a JSON object: ``messages``, the messages the assistant
produced, and ``tracker``, what Rasa understood of the message (the latest
message's intent and entities, and the slots after the turn), with the same
fields as Rasa's tracker endpoint, so the gateway need not ask for the tracker.

Listed in ``credentials.yml`` as ``bot.channel.GatewayInput``; mounted by Rasa at
``/webhooks/gateway/webhook``.
"""

import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import action_validation, signing

logger = logging.getLogger(__name__)

# Rasa parses any text that starts with "/" as an intent with confidence 1, and
# "/inform{...}" as intent plus entities (YAMLStoryReader.unpack_regex_message,
# which strips whitespace first). A WORD JOINER is not whitespace to str.strip(),
# so prefixing it keeps typed text as text. Only button payloads that the gateway
# has checked against the buttons the assistant sent reach Rasa unprefixed.
TYPED_SLASH_GUARD = "\u2060"

MAX_TEXT_LENGTH = 5000


class GatewayInput(InputChannel):
    """Accepts resident messages signed by the webchat gateway."""

    @classmethod
    def name(cls) -> Text:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GatewayInput":
        secret = (credentials or {}).get("secret") or os.environ.get(
            "GATEWAY_RASA_SECRET", ""
        )
        if not secret:
            raise ValueError(
                "The gateway channel needs a shared secret: set GATEWAY_RASA_SECRET "
                "or 'secret' under bot.channel.GatewayInput in credentials.yml."
            )
        # Rasa loads its channels once, at start: the place for our one change
        # to how this Rasa process runs (see bot/action_validation.py).
        action_validation.install()
        return cls(secret.encode("utf-8"))

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        gateway_webhook = Blueprint("gateway_webhook", __name__)

        @gateway_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @gateway_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            header = request.headers.get(signing.HEADER)
            if not signing.verify(self.secret, request.body, header):
                logger.warning(
                    "Refused an unsigned or wrongly signed request to the gateway "
                    "channel; only the webchat gateway may call it."
                )
                return response.json({"error": "unauthorised"}, status=401)

            try:
                message = parse_request(request.body)
            except ValueError as error:
                return response.json({"error": str(error)}, status=400)

            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    message["text"],
                    collector,
                    message["sender"],
                    input_channel=self.name(),
                    metadata=message["metadata"],
                    message_id=message["message_id"],
                )
            )
            logger.debug("Answered gateway message %s", message["message_id"])
            tracker = await request.app.ctx.agent.tracker_store.retrieve_full_tracker(
                message["sender"]
            )
            return response.json(
                {"messages": collector.messages, "tracker": understood(tracker)}
            )

        return gateway_webhook


def understood(tracker: Optional[DialogueStateTracker]) -> Dict[Text, Any]:
    """The latest message's intent and entities and the current slot values.

    The same values, under the same names, as ``latest_message`` and ``slots`` in
    Rasa's ``GET /conversations/<id>/tracker``; empty when there is no tracker.
    """
    if tracker is None:
        return {}

    latest = tracker.latest_message
    return {
        "latest_message": (
            {"intent": latest.intent, "entities": latest.entities} if latest else None
        ),
        "slots": tracker.current_slot_values(),
    }


def parse_request(body: bytes) -> Dict[Text, Any]:
    """Validate the gateway's JSON body and return the message to hand to Rasa.

    Raises ``ValueError`` naming what is wrong. Typed text that would be parsed as
    an intent is neutralised here; ``kind: "button"`` marks a payload the gateway
    has already matched to a button the assistant offered.
    """
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("body is not JSON") from None

    if not isinstance(payload, dict):
        raise ValueError("body must be a JSON object")

    sender = payload.get("sender")
    text = payload.get("text")
    kind = payload.get("kind", "text")
    if not isinstance(sender, str) or not sender:
        raise ValueError("'sender' must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("'text' must be a non-empty string")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(f"'text' is longer than {MAX_TEXT_LENGTH} characters")
    if kind not in ("text", "button"):
        raise ValueError("'kind' must be 'text' or 'button'")

    if kind == "text":
        text = neutralise_typed_text(text)

    metadata = payload.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ValueError("'metadata' must be an object")

    return {
        "sender": sender,
        "text": text,
        "metadata": metadata,
        "message_id": payload.get("message_id"),
    }


def neutralise_typed_text(text: Text) -> Text:
    """Return typed text that Rasa will classify, never unpack as an intent."""
    if text.strip().startswith("/"):
        return TYPED_SLASH_GUARD + text.strip()
    return text
