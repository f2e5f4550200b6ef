"""The sandbox's payments, in memory, and the rules GOV.UK Pay applies to them.

A restart forgets every payment, as a sandbox may. Everything runs on one event
loop with no awaits inside a change, so each change is atomic.
"""

import hashlib
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tools.pay_sandbox.cards import CardEntry

FINISHED = frozenset({"success", "failed", "cancelled", "error"})
FAILURE_MESSAGES = {
    "P0010": "Payment method rejected",
    "P0020": "Payment expired",
    "P0030": "Payment was cancelled by the user",
    "P0040": "Payment was cancelled by the service",
    "P0050": "Payment provider returned an error",
}
# How long an Idempotency-Key is remembered. GOV.UK Pay does not document its
# own lifetime; a day is what comparable payment APIs keep.
IDEMPOTENCY_LIFETIME_SECONDS = 24 * 3600


def iso(moment: datetime) -> str:
    """GOV.UK Pay's date form: UTC with milliseconds and a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


@dataclass
class Refund:
    refund_id: str
    amount: int
    status: str
    created_at: datetime

    def as_json(self, payment_url: str) -> dict[str, Any]:
        return {
            "refund_id": self.refund_id,
            "amount": self.amount,
            "status": self.status,
            "created_date": iso(self.created_at),
            "_links": {
                "self": {
                    "href": f"{payment_url}/refunds/{self.refund_id}",
                    "method": "GET",
                },
                "payment": {"href": payment_url, "method": "GET"},
            },
        }


@dataclass
class Payment:
    payment_id: str
    charge_token: str
    body: dict[str, Any]
    created_at: datetime
    created_monotonic: float
    status: str = "created"
    code: str | None = None
    card: CardEntry | None = None
    refunds: list[Refund] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def amount(self) -> int:
        return int(self.body["amount"])

    @property
    def refunded(self) -> int:
        return sum(refund.amount for refund in self.refunds)

    @property
    def refund_available(self) -> int:
        return self.amount - self.refunded if self.status == "success" else 0

    def finish(self, status: str, code: str | None = None) -> None:
        self.status = status
        self.code = code

    def as_json(self, api_url: str, public_url: str) -> dict[str, Any]:
        url = f"{api_url}/v1/payments/{self.payment_id}"
        state: dict[str, Any] = {"status": self.status, "finished": self.finished}
        if self.code:
            state["code"] = self.code
            state["message"] = FAILURE_MESSAGES[self.code]

        links: dict[str, Any] = {
            "self": {"href": url, "method": "GET"},
            "events": {"href": f"{url}/events", "method": "GET"},
            "refunds": {"href": f"{url}/refunds", "method": "GET"},
        }
        if not self.finished:
            links["next_url"] = {
                "href": f"{public_url}/secure/{self.charge_token}",
                "method": "GET",
            }
            links["cancel"] = {"href": f"{url}/cancel", "method": "POST"}

        data: dict[str, Any] = {
            "payment_id": self.payment_id,
            "amount": self.amount,
            "description": self.body["description"],
            "reference": self.body["reference"],
            "language": self.body.get("language", "en"),
            "return_url": self.body["return_url"],
            "state": state,
            "created_date": iso(self.created_at),
            "payment_provider": "sandbox",
            "delayed_capture": False,
            "moto": False,
            "refund_summary": {
                "status": self._refund_status(),
                "amount_available": self.refund_available,
                "amount_submitted": self.refunded,
            },
            "settlement_summary": {},
            "_links": links,
        }
        for optional in ("email", "metadata"):
            if optional in self.body:
                data[optional] = self.body[optional]
        if self.card is not None:
            data["card_details"] = {
                "last_digits_card_number": self.card.last_digits,
                "first_digits_card_number": self.card.first_digits,
                "cardholder_name": self.card.cardholder_name,
                "expiry_date": self.card.expiry,
                "card_brand": self.card.brand,
            }
        return data

    def _refund_status(self) -> str:
        if self.status != "success":
            return "pending" if not self.finished else "unavailable"
        return "available" if self.refund_available > 0 else "full"


@dataclass
class IdempotencyRecord:
    fingerprint: str
    payment_id: str
    stored_at: float


@dataclass
class Store:
    """Payments by id and by charge token, and the Idempotency-Keys seen."""

    expiry_seconds: float
    payments: dict[str, Payment] = field(default_factory=dict)
    by_token: dict[str, str] = field(default_factory=dict)
    keys: dict[tuple[str, str], IdempotencyRecord] = field(default_factory=dict)
    creates: deque[float] = field(default_factory=deque)
    # Added to the clock by the test control that moves time on.
    offset_seconds: float = 0.0

    def now(self) -> float:
        """Monotonic seconds, moved on by :attr:`offset_seconds`."""
        return time.monotonic() + self.offset_seconds

    def create(self, body: dict[str, Any]) -> Payment:
        payment = Payment(
            payment_id=secrets.token_hex(13),
            charge_token=secrets.token_urlsafe(24),
            body=body,
            created_at=datetime.now(UTC),
            created_monotonic=self.now(),
        )
        self.payments[payment.payment_id] = payment
        self.by_token[payment.charge_token] = payment.payment_id
        return payment

    def replay(
        self, api_key: str, key: str, body: dict[str, Any]
    ) -> tuple[Payment | None, bool]:
        """``(payment, False)`` for a key seen with this body; ``(None, True)``
        for a key seen with another body; ``(None, False)`` for a new key."""
        self._forget_old_keys()
        record = self.keys.get((api_key, key))
        if record is None:
            return None, False
        if record.fingerprint != fingerprint(body):
            return None, True
        return self.payments[record.payment_id], False

    def remember(
        self, api_key: str, key: str, body: dict[str, Any], payment: Payment
    ) -> None:
        self.keys[(api_key, key)] = IdempotencyRecord(
            fingerprint(body), payment.payment_id, self.now()
        )

    def expired(self, payment: Payment) -> bool:
        """Expire ``payment`` if its time is up; True if this call did."""
        age = self.now() - payment.created_monotonic
        if payment.finished or age < self.expiry_seconds:
            return False
        payment.finish("failed", "P0020")
        return True

    def over_rate(self, limit: int) -> bool:
        """Count a create; True if more than ``limit`` came in the last second."""
        now = time.monotonic()
        while self.creates and now - self.creates[0] > 1.0:
            self.creates.popleft()
        self.creates.append(now)
        return len(self.creates) > limit

    def _forget_old_keys(self) -> None:
        cutoff = self.now() - IDEMPOTENCY_LIFETIME_SECONDS
        for key in [k for k, record in self.keys.items() if record.stored_at < cutoff]:
            del self.keys[key]


def fingerprint(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
