"""An enquiry's statuses and the moves between them.

    received -> assigned -> in progress -> resolved -> closed

An enquiry can also be resolved or closed from any open status (a duplicate, a
problem already fixed), handed back from in progress to assigned, and reopened
from resolved to in progress. Closed is final: a resident with the same problem
again raises a new enquiry.
"""

from enum import StrEnum
from types import MappingProxyType

from council.enquiries.errors import InvalidStatusError, InvalidTransitionError


class EnquiryStatus(StrEnum):
    """Where an enquiry is in its life; the values are what residents read."""

    RECEIVED = "received"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


ALLOWED_TRANSITIONS: MappingProxyType[EnquiryStatus, frozenset[EnquiryStatus]] = (
    MappingProxyType(
        {
            EnquiryStatus.RECEIVED: frozenset(
                {
                    EnquiryStatus.ASSIGNED,
                    EnquiryStatus.IN_PROGRESS,
                    EnquiryStatus.RESOLVED,
                    EnquiryStatus.CLOSED,
                }
            ),
            EnquiryStatus.ASSIGNED: frozenset(
                {
                    EnquiryStatus.IN_PROGRESS,
                    EnquiryStatus.RESOLVED,
                    EnquiryStatus.CLOSED,
                }
            ),
            EnquiryStatus.IN_PROGRESS: frozenset(
                {
                    EnquiryStatus.ASSIGNED,
                    EnquiryStatus.RESOLVED,
                    EnquiryStatus.CLOSED,
                }
            ),
            EnquiryStatus.RESOLVED: frozenset(
                {EnquiryStatus.IN_PROGRESS, EnquiryStatus.CLOSED}
            ),
            EnquiryStatus.CLOSED: frozenset(),
        }
    )
)


def parse_status(value: EnquiryStatus | str) -> EnquiryStatus:
    """``value`` as a status; raise :class:`InvalidStatusError` if it is none.

    Accepts the enum or its text ("in progress"), as the gateway passes text.
    """
    if isinstance(value, EnquiryStatus):
        return value

    try:
        return EnquiryStatus(str(value).strip().lower())
    except ValueError:
        raise InvalidStatusError(
            str(value), [status.value for status in EnquiryStatus]
        ) from None


def check_transition(
    reference: str, current: EnquiryStatus, requested: EnquiryStatus
) -> None:
    """Raise :class:`InvalidTransitionError` unless ``current -> requested`` is
    allowed. Staying in the same status is not a change and is refused too."""
    if requested not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransitionError(reference, current.value, requested.value)
