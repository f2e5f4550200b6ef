"""What can go wrong with a payment, as errors that carry what was wrong.

Each error has a ``status`` for the gateway's one HTTP mapping and a
``public_message`` a resident or agent may read. Errors from the payment
provider keep its own code (``P0900``, ``P0191``...) in ``provider_code``, so
logs and support can look it up in the provider's documentation. No message
repeats card details, and none repeats what the resident typed.
"""

from council.errors import CouncilError


class PaymentError(CouncilError):
    """Base of the payment service's errors."""

    code = "payment_error"
    status = 400


class AmountUnclearError(PaymentError):
    """An amount a resident typed can be read more than one way, or not at all.

    ``public_message`` is the question to ask back; ``reason`` names the
    problem (``decimal_comma``, ``shorthand``, ``several_amounts``, ...).
    """

    code = "amount_unclear"
    public_message = "How much, in pounds and pence? For example £12.50."

    def __init__(self, reason: str, question: str | None = None):
        super().__init__(f"amount unclear: {reason}", public_message=question)
        self.reason = reason


class InvalidChargeRequestError(PaymentError):
    """What identifies the thing to pay is missing or malformed.

    ``field`` names the identifier, so a form can ask for that one again.
    """

    code = "invalid_charge_request"
    public_message = "Some details of what you want to pay are missing."

    def __init__(self, field: str, detail: str, *, public_message: str | None = None):
        super().__init__(f"{field}: {detail}", public_message=public_message)
        self.field = field


class UnknownBulkyItemError(InvalidChargeRequestError):
    """An item on a bulky waste list is not on the council's price list."""

    code = "unknown_bulky_item"

    def __init__(self, known: list[str]):
        names = ", ".join(known)
        super().__init__(
            "items",
            "an item is not on the price list",
            public_message=(
                "I could not match every item to our bulky waste price list. "
                f"We collect: {names}. Which of these would you like collected?"
            ),
        )
        self.known = known


class ChargeNotFoundError(PaymentError):
    """The system of record has nothing matching the details given.

    The same error whether the reference is unknown or a second detail (the
    vehicle registration) does not match, so nothing is revealed about others.
    """

    code = "charge_not_found"
    status = 404
    public_message = (
        "I could not find anything to pay with those details. Please check them "
        "and try again."
    )

    def __init__(self, kind: str):
        super().__init__(f"no {kind} matches the details given")
        self.kind = kind


class NothingToPayError(PaymentError):
    """The bill is already paid, or its balance is nothing."""

    code = "nothing_to_pay"
    status = 409
    public_message = "There is nothing left to pay on that. Thank you."

    def __init__(self, charge_key: str):
        super().__init__(f"{charge_key} has nothing outstanding")
        self.charge_key = charge_key


class PaymentNotFoundError(PaymentError):
    """No payment attempt has this id or return token."""

    code = "payment_not_found"
    status = 404
    public_message = "We could not find that payment. Please start again from the chat."


class PaymentNotRefundableError(PaymentError):
    """A refund was asked for a payment that did not succeed, or for too much."""

    code = "payment_not_refundable"
    status = 409
    public_message = "That payment cannot be refunded for that amount."


class WebhookSignatureError(PaymentError):
    """A webhook's ``Pay-Signature`` is missing or does not match its body."""

    code = "webhook_signature_invalid"
    status = 401
    public_message = "The notification's signature is not valid."


class InvalidWebhookError(PaymentError):
    """A correctly signed webhook whose body is not a notification we can read."""

    code = "webhook_invalid"
    status = 400
    public_message = "The notification could not be read."


class PaymentProviderError(PaymentError):
    """The payment provider refused a request or could not be reached.

    ``provider_code`` is the provider's own error code where it gave one and
    ``provider_status`` the HTTP status (``None`` when no answer came).
    """

    code = "payment_provider_error"
    status = 502
    public_message = (
        "The payment service could not take this payment just now. Please try "
        "again in a few minutes."
    )

    def __init__(
        self,
        detail: str,
        *,
        provider_code: str | None = None,
        provider_status: int | None = None,
        public_message: str | None = None,
    ):
        super().__init__(
            f"{detail} (status {provider_status}, code {provider_code})",
            public_message=public_message,
        )
        self.provider_code = provider_code
        self.provider_status = provider_status


class PaymentProviderUnavailableError(PaymentProviderError):
    """No usable answer after the retries: timeouts, refused connections, 5xx."""

    code = "payment_provider_unavailable"
    status = 503


class PaymentRateLimitedError(PaymentProviderUnavailableError):
    """The provider is limiting our requests (``P0900``); try again later."""

    code = "payment_rate_limited"
    public_message = (
        "The payment service is very busy right now. Please try again in a "
        "minute or two."
    )


class PaymentProviderAuthError(PaymentProviderError):
    """The provider refused our API key: a configuration fault, not the payer's."""

    code = "payment_provider_auth"


class IdempotencyKeyConflictError(PaymentProviderError):
    """The provider already used this ``Idempotency-Key`` for another payment."""

    code = "payment_idempotency_conflict"
    status = 409


class PaymentNotFoundAtProviderError(PaymentProviderError):
    """The provider has no payment with that id (``P0200``)."""

    code = "payment_not_found_at_provider"
    status = 404


class CancelRefusedError(PaymentProviderError):
    """The provider would not cancel the payment (it had finished)."""

    code = "payment_cancel_refused"
    status = 409
    public_message = "That payment has already finished, so it cannot be cancelled."


class RefundRefusedError(PaymentProviderError):
    """The provider refused the refund: not available, too much, or the amount
    available had changed (``412``, a refund made meanwhile)."""

    code = "payment_refund_refused"
    status = 409
    public_message = "That refund could not be made. Please check the payment."
