"""Signed HTTP calls from the gateway to the Rasa server's gateway channel."""

import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from bot import signing

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/gateway/webhook"


class RasaUnavailableError(Exception):
    """Rasa did not answer, or answered with an error."""


@dataclass(frozen=True)
class RasaReply:
    """What the assistant said to one message, and what it understood of it.

    ``understood`` is None when Rasa's answer did not say (a Rasa still running
    an older gateway channel, which answered with the bare list of messages);
    :meth:`RasaClient.understanding` then asks for the tracker instead.
    """

    messages: list[dict[str, Any]]
    understood: dict[str, Any] | None


@dataclass
class RasaClient:
    """Sends resident messages to Rasa and returns what the assistant said."""

    base_url: str
    secret: bytes
    token: str
    http: httpx.AsyncClient

    async def send(
        self,
        conversation_id: str,
        text: str,
        *,
        kind: str = "text",
        message_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> RasaReply:
        """Post one message; return Rasa's bot messages in order and what it
        understood of the message.

        Raises :class:`RasaUnavailableError` when Rasa cannot be reached or
        refuses the message; the caller keeps the resident's message either way.
        """
        body = json.dumps(
            {
                "sender": conversation_id,
                "text": text,
                "kind": kind,
                "message_id": message_id,
                "metadata": metadata or {},
            }
        ).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            signing.HEADER: signing.sign(self.secret, body),
        }

        logger.debug("Sending message %s to Rasa", message_id)
        try:
            response = await self.http.post(
                self.base_url + WEBHOOK_PATH, content=body, headers=headers
            )
        except httpx.HTTPError as error:
            raise RasaUnavailableError(f"Rasa unreachable: {error!r}") from error

        if response.status_code != 200:
            raise RasaUnavailableError(f"Rasa answered {response.status_code}")

        answer = response.json()
        if isinstance(answer, list):
            reply = RasaReply(list(answer), None)
        else:
            reply = RasaReply(
                list(answer.get("messages") or []),
                understood_from(answer.get("tracker") or {}),
            )
        logger.debug(
            "Rasa returned %d messages for %s", len(reply.messages), message_id
        )
        return reply

    async def understanding(self, conversation_id: str) -> dict[str, Any]:
        """What Rasa understood of the latest message: intent, entities, slots.

        For the agent console. Returns an empty dict when Rasa cannot say.
        """
        try:
            response = await self.http.get(
                f"{self.base_url}/conversations/{conversation_id}/tracker",
                params={"token": self.token, "include_events": "NONE"},
                timeout=5.0,
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            logger.debug("No understanding for %s: %r", conversation_id, error)
            return {}

        return understood_from(response.json())

    async def status(self) -> dict[str, Any]:
        """Rasa's ``/status``: which model is loaded. Raises on any failure."""
        response = await self.http.get(
            self.base_url + "/status", params={"token": self.token}, timeout=5.0
        )
        response.raise_for_status()
        return dict(response.json())


def understood_from(tracker: dict[str, Any]) -> dict[str, Any]:
    """The agent console's summary of a tracker's ``latest_message`` and ``slots``.

    ``tracker`` is Rasa's tracker state, or the part of it the gateway channel
    returns with each reply: the same fields either way.
    """
    latest = tracker.get("latest_message") or {}
    intent = latest.get("intent") or {}
    return {
        "intent": intent.get("name"),
        "confidence": intent.get("confidence"),
        "entities": [
            {"entity": e.get("entity"), "value": e.get("value")}
            for e in latest.get("entities") or []
        ],
        "slots": {
            name: value
            for name, value in (tracker.get("slots") or {}).items()
            if value is not None and name != "session_started_metadata"
        },
    }
