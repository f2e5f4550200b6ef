"""The payment provider's resources as this project holds them, and their wire form.

Pydantic models read GOV.UK Pay's JSON at the edge; the rest of the code sees
the frozen dataclasses :class:`ProviderPayment` and :class:`ProviderRefund`.
Card details the provider returns (last digits, brand) are never copied here:
the council has no use for them in a chat.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from council.payments.errors import PaymentProviderError
from council.payments.status import PaymentStatus


@dataclass(frozen=True)
class NewPayment:
    """The body of a create request. The same attempt always sends the same
    body with the same ``Idempotency-Key``: the provider refuses (``P0191``)
    a key reused for a different body."""

    amount_pence: int
    reference: str
    description: str
    return_url: str
    language: str = "en"
    email: str | None = None
    metadata: Mapping[str, str] | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "amount": self.amount_pence,
            "reference": self.reference,
            "description": self.description,
            "return_url": self.return_url,
            "language": self.language,
        }
        if self.email:
            body["email"] = self.email
        if self.metadata:
            body["metadata"] = dict(self.metadata)
        return body


@dataclass(frozen=True)
class ProviderPayment:
    """A payment as the provider reported it at one moment."""

    payment_id: str
    amount_pence: int
    reference: str
    description: str
    status: PaymentStatus
    code: str | None
    message: str | None
    next_url: str | None
    created_at: datetime
    refund_amount_available: int
    metadata: Mapping[str, Any]

    @property
    def finished(self) -> bool:
        return self.status.finished


@dataclass(frozen=True)
class ProviderRefund:
    refund_id: str
    amount_pence: int
    status: str
    created_at: datetime


class _State(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: PaymentStatus
    finished: bool
    code: str | None = None
    message: str | None = None


class _Link(BaseModel):
    model_config = ConfigDict(extra="ignore")

    href: str
    method: str = "GET"


class _RefundSummary(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: str = "unavailable"
    amount_available: int = 0
    amount_submitted: int = 0


class PaymentBody(BaseModel):
    """GOV.UK Pay's payment JSON, the fields this project reads."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    payment_id: str
    amount: int
    reference: str
    description: str
    state: _State
    created_date: datetime
    refund_summary: _RefundSummary = Field(default_factory=_RefundSummary)
    metadata: dict[str, Any] | None = None
    links: dict[str, _Link] = Field(default_factory=dict, alias="_links")

    def to_payment(self) -> ProviderPayment:
        next_url = self.links.get("next_url")
        return ProviderPayment(
            payment_id=self.payment_id,
            amount_pence=self.amount,
            reference=self.reference,
            description=self.description,
            status=self.state.status,
            code=self.state.code,
            message=self.state.message,
            next_url=next_url.href if next_url is not None else None,
            created_at=self.created_date,
            refund_amount_available=self.refund_summary.amount_available,
            metadata=self.metadata or {},
        )


class RefundBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    refund_id: str
    amount: int
    status: str
    created_date: datetime

    def to_refund(self) -> ProviderRefund:
        return ProviderRefund(
            refund_id=self.refund_id,
            amount_pence=self.amount,
            status=self.status,
            created_at=self.created_date,
        )


def read_payment(data: Any) -> ProviderPayment:
    """A payment from decoded JSON; a malformed one is the provider's fault."""
    try:
        return PaymentBody.model_validate(data).to_payment()
    except ValidationError as error:
        raise PaymentProviderError(
            f"unreadable payment from the provider: {error.error_count()} errors"
        ) from None


def read_refund(data: Any) -> ProviderRefund:
    try:
        return RefundBody.model_validate(data).to_refund()
    except ValidationError as error:
        raise PaymentProviderError(
            f"unreadable refund from the provider: {error.error_count()} errors"
        ) from None
