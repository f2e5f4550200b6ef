"""Payment attempts as callers see them. Plain frozen dataclasses; nothing here
touches the database or the provider."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from council.payments.charges import ChargeKind
from council.payments.money import format_pence
from council.payments.status import OUTCOME_MESSAGES, PaymentStatus


@dataclass(frozen=True)
class PaymentAttempt:
    """One attempt to pay one thing from one conversation.

    ``return_token`` is the unguessable part of the return URL that leads the
    payer back here; ``idempotency_key`` is sent with the provider create, so
    every retry of this attempt makes the same provider payment. ``next_url``
    is where the payer enters their card, on the provider's own page.
    """

    id: int
    return_token: str
    charge_kind: ChargeKind
    charge_key: str
    conversation_id: str
    attempt: int
    idempotency_key: str
    amount_pence: int
    reference: str
    description: str
    provider_payment_id: str | None
    next_url: str | None
    status: PaymentStatus
    failure_code: str | None
    failure_message: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status.finished

    @property
    def amount(self) -> str:
        """The amount for people: ``"£70.00"``."""
        return format_pence(self.amount_pence)

    def outcome_message(self) -> str:
        """What to tell the resident about where this payment is."""
        if self.status is PaymentStatus.SUCCESS:
            return (
                f"Thank you: your payment of {self.amount} for {self.description} "
                f"was successful. Your payment reference is {self.reference}."
            )
        if self.finished:
            return OUTCOME_MESSAGES.get(
                self.failure_code or "",
                "The payment did not go through, so no money has been taken.",
            )
        return (
            "Your payment has not finished yet. Please complete it on the payment page."
        )


@dataclass(frozen=True)
class PaymentLink:
    """What :meth:`PaymentService.start_payment` gives back.

    The amount charged is always the attempt's, from the system of record.
    ``amount_mentioned_pence`` is what the resident said, kept only to point out
    a difference ("the amount due is £70.00, not the £35.00 you mentioned").
    """

    attempt: PaymentAttempt
    amount_mentioned_pence: int | None = None

    @property
    def next_url(self) -> str | None:
        return self.attempt.next_url

    @property
    def amount_mentioned_differs(self) -> bool:
        mentioned = self.amount_mentioned_pence
        return mentioned is not None and mentioned != self.attempt.amount_pence


class WebhookOutcome(StrEnum):
    """What a webhook delivery did."""

    APPLIED = "applied"
    UNCHANGED = "unchanged"
    REPLAYED = "replayed"
    UNKNOWN_PAYMENT = "unknown"
    IGNORED = "ignored"


@dataclass(frozen=True)
class WebhookResult:
    outcome: WebhookOutcome
    attempt: PaymentAttempt | None = None


@dataclass(frozen=True)
class Refund:
    provider_refund_id: str
    amount_pence: int
    status: str
    requested_by: str
    created_at: datetime
