"""Signed webhook deliveries from the sandbox, each on its own, with retries.

Deliveries run side by side, so one failing endpoint's retries hold up no
other message, and messages can arrive out of order, as GOV.UK Pay warns.

Each message is serialised once; the ``Pay-Signature`` header is the lowercase
hex HMAC-SHA256 of exactly those bytes with the signing secret. This is the
sandbox's own implementation, kept apart from the service's checking code, so
a mistake on one side shows up as a refused delivery in the tests.
"""

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from tools.pay_sandbox.store import iso

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    message_id: str
    event_type: str
    resource_id: str
    status_code: int | None = None
    attempts: int = 0


@dataclass
class WebhookSender:
    """Sends each message to ``url`` in a task of its own; ``url`` empty sends
    nothing. ``deliveries`` records what was sent, for the test controls."""

    url: str
    secret: str
    attempts: int = 4
    first_wait_seconds: float = 0.25
    deliveries: list[Delivery] = field(default_factory=list)
    _http: httpx.AsyncClient | None = None
    _running: set[asyncio.Task[None]] = field(default_factory=set)

    def start(self) -> None:
        if self.url:
            self._http = httpx.AsyncClient(timeout=5.0)

    async def stop(self) -> None:
        for task in self._running:
            task.cancel()
        if self._http is not None:
            await self._http.aclose()

    def send(self, event_type: str, resource: dict[str, Any]) -> None:
        """Start delivering one notification about the payment ``resource``."""
        if not self.url:
            return
        message = {
            "webhook_message_id": secrets.token_hex(13),
            "api_version": 1,
            "created_date": iso(datetime.now(UTC)),
            "resource_id": resource["payment_id"],
            "resource_type": "payment",
            "event_type": event_type,
            "resource": resource,
        }
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        delivery = Delivery(
            message["webhook_message_id"], event_type, message["resource_id"]
        )
        self.deliveries.append(delivery)
        if self._http is None:
            return
        task = asyncio.create_task(self._deliver(self._http, body, delivery))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    def sign(self, body: bytes) -> str:
        return hmac.new(self.secret.encode("utf-8"), body, hashlib.sha256).hexdigest()

    async def _deliver(
        self, http: httpx.AsyncClient, body: bytes, delivery: Delivery
    ) -> None:
        headers = {"Content-Type": "application/json", "Pay-Signature": self.sign(body)}
        wait = self.first_wait_seconds
        for attempt in range(1, self.attempts + 1):
            delivery.attempts = attempt
            try:
                response = await http.post(self.url, content=body, headers=headers)
                delivery.status_code = response.status_code
                if response.is_success:
                    logger.info(
                        "Webhook %s (%s) delivered",
                        delivery.message_id,
                        delivery.event_type,
                    )
                    return
            except httpx.HTTPError as error:
                logger.debug("Webhook %s not delivered: %r", delivery.message_id, error)
            await asyncio.sleep(wait)
            wait *= 2
        logger.warning(
            "Webhook %s (%s) gave up after %d attempts (last status %s)",
            delivery.message_id,
            delivery.event_type,
            self.attempts,
            delivery.status_code,
        )
