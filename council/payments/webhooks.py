"""Payment webhooks: check the signature on the raw body, then read it.

GOV.UK Pay signs each notification with HMAC-SHA256 of the exact bytes it
sent, keyed with the webhook's signing secret, and sends the lowercase hex
digest in the ``Pay-Signature`` header. :func:`verify_signature` must succeed
before :func:`parse_event` looks at the body: a forged body is never parsed.
Several secrets may be accepted at once, so a secret can be rotated without
refusing notifications signed just before the change.
"""

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from council.payments.errors import InvalidWebhookError, WebhookSignatureError
from council.payments.provider import PaymentBody, ProviderPayment

SIGNATURE_HEADER = "Pay-Signature"
# A SHA-256 digest in hex is 64 characters; anything longer is refused before
# any work is done on it.
SIGNATURE_LENGTH = 64


def sign(body: bytes, secret: str) -> str:
    """The ``Pay-Signature`` value for ``body``: lowercase hex HMAC-SHA256."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(
    body: bytes, signature: str | None, secrets: Sequence[str]
) -> None:
    """Raise :class:`WebhookSignatureError` unless ``signature`` is the HMAC of
    ``body`` under one of ``secrets``; compared in constant time."""
    if not signature or len(signature) != SIGNATURE_LENGTH:
        raise WebhookSignatureError("missing or malformed Pay-Signature")

    given = signature.encode("ascii", errors="replace")
    matched = False
    for secret in secrets:
        if not secret:
            continue
        expected = sign(body, secret).encode("ascii")
        # No early exit: every secret is checked whatever the result.
        matched |= hmac.compare_digest(expected, given)
    if not matched:
        raise WebhookSignatureError("Pay-Signature does not match the body")


@dataclass(frozen=True)
class WebhookEvent:
    """One notification. ``payment`` is the resource when it is a payment."""

    message_id: str
    event_type: str
    resource_type: str
    resource_id: str
    created_at: datetime
    payment: ProviderPayment | None


class _WebhookBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    # GOV.UK Pay names the message id ``webhook_message_id``; ``id`` is accepted
    # too, as some descriptions of the format use it.
    message_id: str = Field(
        validation_alias=AliasChoices("webhook_message_id", "id"),
        min_length=1,
        max_length=100,
    )
    api_version: int | str | None = None
    created_date: datetime
    resource_id: str = Field(min_length=1, max_length=64)
    resource_type: str
    event_type: str = Field(min_length=1, max_length=64)
    resource: dict[str, Any] | None = None


def parse_event(body: bytes) -> WebhookEvent:
    """Read a notification whose signature was already verified.

    Event and resource types are compared in lower case (the provider's
    documentation shows both cases). Raises :class:`InvalidWebhookError`.
    """
    try:
        data = _WebhookBody.model_validate_json(body)
    except ValidationError as error:
        raise InvalidWebhookError(
            f"unreadable webhook: {error.error_count()} errors"
        ) from None

    resource_type = data.resource_type.lower()
    payment = None
    if resource_type == "payment" and data.resource is not None:
        try:
            payment = PaymentBody.model_validate(data.resource).to_payment()
        except ValidationError as error:
            raise InvalidWebhookError(
                f"unreadable payment in webhook: {error.error_count()} errors"
            ) from None
        if payment.payment_id != data.resource_id:
            raise InvalidWebhookError("resource_id differs from the payment's id")

    return WebhookEvent(
        message_id=data.message_id,
        event_type=data.event_type.lower(),
        resource_type=resource_type,
        resource_id=data.resource_id,
        created_at=data.created_date,
        payment=payment,
    )
