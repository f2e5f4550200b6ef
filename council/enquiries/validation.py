"""Checking and normalising what a resident, agent or councillor gave.

Every function returns the normalised value or raises an
:class:`~council.enquiries.errors.InvalidEnquiryError` subclass naming the
field. Values are never put into error messages or logs: they are personal.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from email_validator import EmailNotValidError, validate_email

from council.enquiries.categories import Category
from council.enquiries.errors import (
    InvalidContactError,
    InvalidDetailsError,
    InvalidEnquiryError,
    InvalidLocationError,
    UnknownCategoryError,
)
from council.enquiries.records import EnquirySource, Location, NewEnquiry

MAX_DETAILS_CHARS = 2000
MAX_DESCRIPTION_CHARS = 500
MAX_NAME_CHARS = 200
MAX_ID_CHARS = 200
MAX_BY_CHARS = 100

# The postcode format of BS 7666 as the UK Government Data Standards Catalogue
# gives it: outward code (area, district, optional sub-district letter), then the
# inward code (sector digit and two unit letters, never C, I, K, M, O or V).
# GIR 0AA is the one historic exception still in use.
POSTCODE = re.compile(
    r"GIR0AA|"
    r"[A-PR-UWYZ]"
    r"(?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"[0-9][ABD-HJLNP-UW-Z]{2}"
)
UPRN = re.compile(r"[0-9]{1,12}")
PHONE_CHARACTERS = re.compile(r"[0-9 +()\-.]+")


@dataclass(frozen=True)
class CheckedEnquiry:
    """A :class:`NewEnquiry` whose every field is valid and normalised."""

    category: str
    details: str
    location: Location
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    source: EnquirySource
    conversation_id: str | None
    idempotency_key: str | None

    def fingerprint(self) -> str:
        """A hash of the request without its key: a retry must match it."""
        fields = asdict(self)
        del fields["idempotency_key"]
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_new_enquiry(
    new: NewEnquiry, categories: Mapping[str, Category]
) -> CheckedEnquiry:
    """Validate and normalise every field of ``new``, in the order a form asks."""
    return CheckedEnquiry(
        category=check_category(new.category, categories),
        details=check_details(new.details),
        location=check_location(new.location),
        contact_name=check_name(new.contact_name),
        contact_email=check_email(new.contact_email),
        contact_phone=check_phone(new.contact_phone),
        source=check_source(new.source),
        conversation_id=_optional_id("conversation_id", new.conversation_id),
        idempotency_key=_optional_id("idempotency_key", new.idempotency_key),
    )


def check_category(category: str, categories: Mapping[str, Category]) -> str:
    """The category id, trimmed and lower-cased, if it is in ``categories``."""
    normalised = str(category).strip().lower()
    if normalised not in categories:
        raise UnknownCategoryError(str(category))
    return normalised


def check_details(details: str) -> str:
    """The details with surrounding blanks removed: 1 to 2,000 characters."""
    text = (details or "").strip()

    if not text:
        raise InvalidDetailsError(
            "details",
            "empty",
            public_message="Please describe the problem in a few words.",
        )
    if len(text) > MAX_DETAILS_CHARS:
        raise InvalidDetailsError(
            "details",
            f"{len(text)} characters, over {MAX_DETAILS_CHARS}",
            public_message=(
                f"Please keep the description under {MAX_DETAILS_CHARS:,} characters."
            ),
        )
    return text


def check_location(location: Location) -> Location:
    """The location normalised; at least one of its three parts must be given.

    Blank parts count as missing. The postcode becomes upper case with one
    space before the inward code ("tr13ay" -> "TR1 3AY").
    """
    postcode = _blank_to_none(location.postcode)
    uprn = _blank_to_none(location.uprn)
    description = _blank_to_none(location.description)

    if postcode is None and uprn is None and description is None:
        raise InvalidLocationError("location", "no postcode, UPRN or description")

    return Location(
        postcode=None if postcode is None else normalise_postcode(postcode),
        uprn=None if uprn is None else check_uprn(uprn),
        description=None if description is None else _check_description(description),
    )


def normalise_postcode(postcode: str) -> str:
    """A UK postcode in its standard form, "TR1 3AY"; refuse anything else."""
    compact = re.sub(r"\s+", "", postcode).upper()

    if not POSTCODE.fullmatch(compact):
        raise InvalidLocationError(
            "location.postcode",
            "not a UK postcode",
            public_message=(
                "That does not look like a UK postcode. Please check it, for "
                "example TR1 3AY."
            ),
        )
    return f"{compact[:-3]} {compact[-3:]}"


def check_uprn(uprn: str) -> str:
    """The UPRN as given, 1 to 12 digits; leading zeros are kept."""
    if not isinstance(uprn, str) or not UPRN.fullmatch(uprn.strip()):
        raise InvalidLocationError(
            "location.uprn",
            "not 1 to 12 digits",
            public_message="A property reference (UPRN) is 1 to 12 digits.",
        )
    return uprn.strip()


def check_name(name: str | None) -> str | None:
    """The contact name trimmed, at most 200 characters; blank means none."""
    text = _blank_to_none(name)
    if text is not None and len(text) > MAX_NAME_CHARS:
        raise InvalidContactError("contact_name", f"over {MAX_NAME_CHARS} characters")
    return text


def check_email(email: str | None) -> str | None:
    """The email address in normalised form (domain lower-cased); syntax only.

    Deliverability is not checked: that needs DNS, and a resident offline from
    the council's point of view still has a valid address.
    """
    text = _blank_to_none(email)
    if text is None:
        return None

    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidContactError(
            "contact_email",
            "not a valid email address",
            public_message=(
                "That email address does not look right. Please check it, for "
                "example name@example.com."
            ),
        ) from None
    return checked.normalized


def check_phone(phone: str | None) -> str | None:
    """The phone number trimmed: digits with spaces, +, brackets, dots or dashes,
    7 to 15 digits (the most E.164 allows)."""
    text = _blank_to_none(phone)
    if text is None:
        return None

    digits = sum(character.isdigit() for character in text)
    if not PHONE_CHARACTERS.fullmatch(text) or not 7 <= digits <= 15:
        raise InvalidContactError(
            "contact_phone",
            "not a phone number",
            public_message="That phone number does not look right. Please check it.",
        )
    return text


def check_source(source: EnquirySource | str) -> EnquirySource:
    """``source`` as an :class:`EnquirySource`."""
    try:
        return EnquirySource(str(source).strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in EnquirySource)
        raise InvalidEnquiryError(
            "source", f"{source!r} is not one of {allowed}"
        ) from None


def check_actor(by: str) -> str:
    """Who made a change ("agent:alice"): 1 to 100 characters."""
    text = (by or "").strip()
    if not text or len(text) > MAX_BY_CHARS:
        raise InvalidEnquiryError("by", f"must be 1 to {MAX_BY_CHARS} characters")
    return text


def check_note(note: str | None) -> str:
    """A status change's note trimmed, at most 2,000 characters; may be empty."""
    text = (note or "").strip()
    if len(text) > MAX_DETAILS_CHARS:
        raise InvalidEnquiryError(
            "note",
            f"over {MAX_DETAILS_CHARS} characters",
            public_message=(
                f"Please keep the note under {MAX_DETAILS_CHARS:,} characters."
            ),
        )
    return text


def _check_description(description: str) -> str:
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise InvalidLocationError(
            "location.description",
            f"over {MAX_DESCRIPTION_CHARS} characters",
            public_message=(
                f"Please describe the place in under {MAX_DESCRIPTION_CHARS} "
                "characters."
            ),
        )
    return description


def _optional_id(field: str, value: str | None) -> str | None:
    text = _blank_to_none(value)
    if text is not None and len(text) > MAX_ID_CHARS:
        raise InvalidEnquiryError(field, f"over {MAX_ID_CHARS} characters")
    return text


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
