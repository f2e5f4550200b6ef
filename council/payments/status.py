"""A payment's statuses, as GOV.UK Pay names them, and the one rule for moving.

    created -> started -> submitted -> (capturable) -> success
                                                    \\-> failed | cancelled | error

The last four are finished: the payer cannot go on with that payment. Outcomes
reach us from the return URL and from webhooks, repeated and out of order, so a
payment only ever moves forward and a finished payment never moves again.
"""

from enum import StrEnum
from types import MappingProxyType


class PaymentStatus(StrEnum):
    """Where a payment is; the values are GOV.UK Pay's ``state.status``."""

    CREATED = "created"
    STARTED = "started"
    SUBMITTED = "submitted"
    CAPTURABLE = "capturable"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ERROR = "error"

    @property
    def finished(self) -> bool:
        return self in FINISHED


FINISHED = frozenset(
    {
        PaymentStatus.SUCCESS,
        PaymentStatus.FAILED,
        PaymentStatus.CANCELLED,
        PaymentStatus.ERROR,
    }
)

_PROGRESS = MappingProxyType(
    {
        PaymentStatus.CREATED: 0,
        PaymentStatus.STARTED: 1,
        PaymentStatus.SUBMITTED: 2,
        PaymentStatus.CAPTURABLE: 3,
    }
)
FINISHED_PROGRESS = 4

# GOV.UK Pay's codes for why a payment finished without success.
FAILURE_CODES = MappingProxyType(
    {
        "P0010": "Payment method rejected",
        "P0020": "Payment expired",
        "P0030": "Payment was cancelled by the user",
        "P0040": "Payment was cancelled by the service",
        "P0050": "Payment provider returned an error",
    }
)

# What the resident reads for each outcome, by failure code.
OUTCOME_MESSAGES = MappingProxyType(
    {
        "P0010": "Your card was declined, so no money has been taken. You can try "
        "again with another card.",
        "P0020": "The payment page timed out after 90 minutes, so no money has been "
        "taken. You can start the payment again.",
        "P0030": "You cancelled the payment, so no money has been taken.",
        "P0040": "The council cancelled this payment, so no money has been taken.",
        "P0050": "The card payment service had a problem, so no money has been "
        "taken. Please try again later.",
    }
)


def progress(status: PaymentStatus) -> int:
    """How far along ``status`` is; every finished status counts the same."""
    return FINISHED_PROGRESS if status.finished else _PROGRESS[status]


def may_move(current: PaymentStatus, new: PaymentStatus) -> bool:
    """True if a payment in ``current`` may take ``new``: forward, never from a
    finished status (not even to another finished one)."""
    return not current.finished and progress(new) > progress(current)


def earlier_than(new: PaymentStatus) -> list[PaymentStatus]:
    """The statuses a payment may be in to move to ``new``."""
    return [status for status in PaymentStatus if may_move(status, new)]
