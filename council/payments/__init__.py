"""Payments: send the resident to the provider's page, confirm the outcome.

Modelled on GOV.UK Pay, which UK councils use. The amount always comes from
the system of record (:mod:`council.payments.charges`); the payer types their
card on the provider's hosted page, never in the chat; outcomes are confirmed
from the payer's return and from signed webhooks. See ``docs/payments.md``.
"""

from council.payments.charges import (
    Charge,
    ChargeKind,
    ChargeRequest,
    ChargeSource,
    PriceList,
    SampleCharges,
)
from council.payments.client import PayClient
from council.payments.errors import (
    AmountUnclearError,
    CancelRefusedError,
    ChargeNotFoundError,
    IdempotencyKeyConflictError,
    InvalidChargeRequestError,
    InvalidWebhookError,
    NothingToPayError,
    PaymentError,
    PaymentNotFoundAtProviderError,
    PaymentNotFoundError,
    PaymentNotRefundableError,
    PaymentProviderAuthError,
    PaymentProviderError,
    PaymentProviderUnavailableError,
    PaymentRateLimitedError,
    RefundRefusedError,
    UnknownBulkyItemError,
    WebhookSignatureError,
)
from council.payments.factory import build_payment_service
from council.payments.money import format_pence, parse_amount
from council.payments.provider import NewPayment, ProviderPayment, ProviderRefund
from council.payments.records import (
    PaymentAttempt,
    PaymentLink,
    Refund,
    WebhookOutcome,
    WebhookResult,
)
from council.payments.service import PaymentService
from council.payments.status import FAILURE_CODES, PaymentStatus
from council.payments.webhooks import SIGNATURE_HEADER, sign, verify_signature

__all__ = [
    "FAILURE_CODES",
    "SIGNATURE_HEADER",
    "AmountUnclearError",
    "CancelRefusedError",
    "Charge",
    "ChargeKind",
    "ChargeNotFoundError",
    "ChargeRequest",
    "ChargeSource",
    "IdempotencyKeyConflictError",
    "InvalidChargeRequestError",
    "InvalidWebhookError",
    "NewPayment",
    "NothingToPayError",
    "PayClient",
    "PaymentAttempt",
    "PaymentError",
    "PaymentLink",
    "PaymentNotFoundAtProviderError",
    "PaymentNotFoundError",
    "PaymentNotRefundableError",
    "PaymentProviderAuthError",
    "PaymentProviderError",
    "PaymentProviderUnavailableError",
    "PaymentRateLimitedError",
    "PaymentService",
    "PaymentStatus",
    "PriceList",
    "ProviderPayment",
    "ProviderRefund",
    "Refund",
    "RefundRefusedError",
    "SampleCharges",
    "UnknownBulkyItemError",
    "WebhookOutcome",
    "WebhookResult",
    "WebhookSignatureError",
    "build_payment_service",
    "format_pence",
    "parse_amount",
    "sign",
    "verify_signature",
]
