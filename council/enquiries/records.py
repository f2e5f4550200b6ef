"""The enquiry as its callers see it: what is asked for, and what is kept.

Plain frozen dataclasses: the Rasa actions, the gateway and the councillor
channel build a :class:`NewEnquiry` and get an :class:`Enquiry` back. Nothing
here touches the database.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from council.enquiries.status import EnquiryStatus


class EnquirySource(StrEnum):
    """Who raised the enquiry."""

    ASSISTANT = "assistant"
    AGENT = "agent"
    COUNCILLOR = "councillor"


@dataclass(frozen=True)
class Location:
    """Where the problem is: at least one of a postcode, a UPRN or a description.

    The UPRN (Unique Property Reference Number) is a string of 1 to 12 digits:
    leading zeros matter, so it is never turned into a number.
    """

    postcode: str | None = None
    uprn: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class NewEnquiry:
    """A request to raise an enquiry, as a form or an agent filled it in.

    ``category`` is a topic id of the service taxonomy
    (``"waste.missed-collection"``). ``idempotency_key`` identifies this attempt:
    a retry with the same key and the same request returns the enquiry already
    made; ``None`` turns that protection off, so every caller that can retry
    (a Rasa action, an HTTP client) should send one.
    """

    category: str
    details: str
    location: Location
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    source: EnquirySource | str = EnquirySource.ASSISTANT
    conversation_id: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Enquiry:
    """An enquiry as the council holds it; fields are validated and normalised."""

    reference: str
    category: str
    details: str
    location: Location
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    source: EnquirySource
    conversation_id: str | None
    status: EnquiryStatus
    target_date: date
    created_at: datetime
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        """True until the enquiry is resolved or closed."""
        return self.status not in (EnquiryStatus.RESOLVED, EnquiryStatus.CLOSED)


@dataclass(frozen=True)
class StatusChange:
    """One entry in an enquiry's history; the first is always ``received``."""

    status: EnquiryStatus
    note: str
    by: str
    at: datetime


@dataclass(frozen=True)
class StatusChanged:
    """What observers of :meth:`EnquiryService.change_status` are told.

    ``enquiry`` is the enquiry in its new status; ``previous`` the status it
    left; ``change`` the history entry just written.
    """

    enquiry: Enquiry
    previous: EnquiryStatus
    change: StatusChange
