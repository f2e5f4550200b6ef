"""Enquiries and casework: reports residents, agents and councillors raise.

A pothole, a missed bin, fly-tipping: each becomes an enquiry with a reference
the resident can quote, a category from the service taxonomy, a location, a
status with its history and a target date from the category's service level.
See ``docs/enquiries.md``.
"""

from council.enquiries.errors import (
    EnquiryChangedError,
    EnquiryError,
    EnquiryNotFoundError,
    IdempotencyKeyReusedError,
    InvalidContactError,
    InvalidDetailsError,
    InvalidEnquiryError,
    InvalidLocationError,
    InvalidStatusError,
    InvalidTransitionError,
    UnknownCategoryError,
)
from council.enquiries.records import (
    Enquiry,
    EnquirySource,
    Location,
    NewEnquiry,
    StatusChange,
    StatusChanged,
)
from council.enquiries.service import EnquiryService, StatusObserver
from council.enquiries.status import EnquiryStatus

__all__ = [
    "Enquiry",
    "EnquiryChangedError",
    "EnquiryError",
    "EnquiryNotFoundError",
    "EnquiryService",
    "EnquirySource",
    "EnquiryStatus",
    "IdempotencyKeyReusedError",
    "InvalidContactError",
    "InvalidDetailsError",
    "InvalidEnquiryError",
    "InvalidLocationError",
    "InvalidStatusError",
    "InvalidTransitionError",
    "Location",
    "NewEnquiry",
    "StatusChange",
    "StatusChanged",
    "StatusObserver",
    "UnknownCategoryError",
]
