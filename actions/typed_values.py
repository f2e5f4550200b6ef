"""Reading the values residents type into a form: places, references, numbers.

Every function takes what the resident typed (or what the spaCy entity ruler
found in it) and returns the value in its standard form, or raises
:class:`UnusableAnswer` naming the message that tells the resident what was
wrong. Nothing here knows about Rasa; the rules for enquiries (postcodes, UPRNs,
email addresses, references) are the enquiry service's own, reused here so a
form accepts exactly what the service will.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from council.enquiries.errors import InvalidEnquiryError
from council.enquiries.references import parse_reference
from council.enquiries.validation import (
    MAX_DESCRIPTION_CHARS,
    check_details,
    check_email,
    check_uprn,
    normalise_postcode,
)
from council.settings import get_settings

# bot/channel.py puts a WORD JOINER before typed text that starts with "/", so
# Rasa never unpacks it as an intent. Such text is never a form answer: a slot
# is never filled from intent syntax or JSON a resident typed.
TYPED_COMMAND_MARK = "\u2060"

QUESTION_START = re.compile(
    r"\s*(who|whos|what|whats|when|where|why|how|which|can|could|is|are|do|does|"
    r"will)\b",
    re.IGNORECASE,
)

# A postcode-shaped pair of words, e.g. "TR1 3AY", "tr13ay" or a mistyped
# "TR1 3A": an outward code followed by something that starts like an inward one.
POSTCODE_LIKE = re.compile(
    r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{1,3})\b", re.IGNORECASE
)
UPRN_MENTION = re.compile(r"\buprn\W{0,3}([0-9]{1,12})\b", re.IGNORECASE)
EMAIL_LIKE = re.compile(r"[^\s@<>(),;:\"']+@[^\s@<>(),;:\"']+")
ENQUIRY_REFERENCE_LIKE = re.compile(
    r"\bENQ[\s\-_/]*[0-9]{4}[\s\-_/]*[0-9]{1,9}\b", re.IGNORECASE
)
PCN_NUMBER = re.compile(r"\b([A-Z]{2})\s?([0-9]{8})\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")

# UK number plates by era: current (AB12 CDE), prefix (A123 BCD), suffix
# (ABC 123D) and dateless (1234 AB, ABC 12). Checked without spaces.
REGISTRATION_FORMATS = (
    re.compile(r"[A-Z]{2}[0-9]{2}[A-Z]{3}"),
    re.compile(r"[A-Z][0-9]{1,3}[A-Z]{3}"),
    re.compile(r"[A-Z]{3}[0-9]{1,3}[A-Z]"),
    re.compile(r"[0-9]{1,4}[A-Z]{1,3}"),
    re.compile(r"[A-Z]{1,3}[0-9]{1,4}"),
)
REGISTRATION_IN_TEXT = re.compile(
    r"\b([A-Z]{2}[0-9]{2}\s?[A-Z]{3}|[A-Z][0-9]{1,3}\s?[A-Z]{3}"
    r"|[A-Z]{3}\s?[0-9]{1,3}[A-Z])\b",
    re.IGNORECASE,
)

DECLINING_WORDS = frozenset(
    {
        "no",
        "nope",
        "nah",
        "none",
        "no thanks",
        "no thank you",
        "skip",
        "n/a",
        "no email",
        "not now",
        "no ta",
        "rather not",
    }
)

MIN_DESCRIPTION_WORDS = 2
MIN_DESCRIPTION_LETTERS = 8
MIN_DETAILS_WORDS = 2
MAX_BULKY_ITEMS_CHARS = 500


class UnusableAnswer(Exception):
    """The answer cannot be used; ``message`` names what to tell the resident."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Place:
    """Where a problem is: a postcode, a UPRN, a description, or several."""

    postcode: str | None = None
    uprn: str | None = None
    description: str | None = None

    @property
    def label(self) -> str:
        """The place in a few words, for the conversation and the agent."""
        return self.description or self.postcode or f"UPRN {self.uprn}"


def is_typed_command(text: str) -> bool:
    """True for typed text the channel marked as looking like intent syntax."""
    return text.lstrip().startswith(TYPED_COMMAND_MARK)


def read_place(text: str) -> Place:
    """The place in ``text``: a valid postcode, a UPRN or a usable description.

    A postcode-shaped part that is not a valid UK postcode makes the whole answer
    unusable (``invalid_postcode``), even beside a description: the resident
    meant it, and a wrong postcode sends an officer to the wrong place. An
    answer with none of the three is ``invalid_location``.
    """
    text = " ".join(text.split())
    if declines(text):
        raise UnusableAnswer("invalid_location")
    postcode = _postcode_in(text)
    uprn = _uprn_in(text)
    if postcode is None and POSTCODE_LIKE.search(text):
        raise UnusableAnswer("invalid_postcode")

    remainder = POSTCODE_LIKE.sub(" ", UPRN_MENTION.sub(" ", text))
    words = WORD.findall(remainder)
    letters = sum(len(word) for word in words)
    described = (
        len(words) >= MIN_DESCRIPTION_WORDS and letters >= MIN_DESCRIPTION_LETTERS
    )
    if described and len(text) > MAX_DESCRIPTION_CHARS:
        raise UnusableAnswer("invalid_location")

    if postcode is None and uprn is None and not described:
        if _looks_like_postcode_attempt(text):
            raise UnusableAnswer("invalid_postcode")
        raise UnusableAnswer("invalid_location")

    return Place(postcode=postcode, uprn=uprn, description=text if described else None)


def read_postcode(text: str) -> str:
    """A UK postcode in its standard form ("TR1 3AY"), the only thing asked for."""
    postcode = _postcode_in(text)
    if postcode is None:
        raise UnusableAnswer("invalid_postcode")
    return postcode


def read_details(text: str) -> str:
    """A description of the problem: a few words, up to the service's limit."""
    if declines(text):
        raise UnusableAnswer("invalid_details")
    try:
        details = check_details(text)
    except InvalidEnquiryError:
        raise UnusableAnswer("invalid_details") from None

    if len(WORD.findall(details)) < MIN_DETAILS_WORDS:
        raise UnusableAnswer("invalid_details")
    return details


def declines(text: str) -> bool:
    """True when the answer to an optional question is a plain "no"."""
    cleaned = re.sub(r"[^a-z/ ]", "", text.lower()).strip()
    return cleaned in DECLINING_WORDS


def asks_the_assistant(text: str, intent: str) -> bool:
    """True when a form answer is really a new question ("who is my councillor").

    Only a message the NLU took for a question and that starts like one counts:
    a description such as "where the bus stop is on Fore Street" is still an
    answer.
    """
    return intent == "ask_question" and bool(QUESTION_START.match(text))


def read_email(text: str) -> str:
    """The email address in ``text``, normalised as the enquiry service keeps it."""
    match = EMAIL_LIKE.search(text)
    if match is None:
        raise UnusableAnswer("invalid_email")

    try:
        email = check_email(match.group(0).rstrip("."))
    except InvalidEnquiryError:
        raise UnusableAnswer("invalid_email") from None
    assert email is not None, "a non-blank address is either valid or refused"
    return email


def read_enquiry_reference(text: str) -> str:
    """The enquiry reference in its standard form, "ENQ-2026-000123"."""
    match = ENQUIRY_REFERENCE_LIKE.search(text)
    reference = parse_reference(match.group(0)) if match else None
    if reference is None:
        raise UnusableAnswer("invalid_enquiry_reference")
    return reference


def read_pcn_number(text: str) -> str:
    """A penalty charge notice number: 2 letters and 8 digits, upper case."""
    match = PCN_NUMBER.search(text)
    if match is None:
        raise UnusableAnswer("invalid_pcn_number")
    return (match.group(1) + match.group(2)).upper()


def read_vehicle_registration(text: str) -> str:
    """A UK registration in upper case without spaces ("AB12CDE").

    Within a sentence only the dated formats are recognised; a dateless plate
    ("ABC 12") must be the whole answer, as it looks like too many other things.
    """
    compact = re.sub(r"[\s\-]", "", text).upper()
    if any(pattern.fullmatch(compact) for pattern in REGISTRATION_FORMATS):
        return compact

    match = REGISTRATION_IN_TEXT.search(text)
    if match is None:
        raise UnusableAnswer("invalid_vehicle_registration")
    return re.sub(r"\s", "", match.group(1)).upper()


def read_council_tax_reference(text: str, pattern: str | None = None) -> str:
    """The Council Tax account reference in ``text`` matching the council's format.

    ``pattern`` defaults to the ``COUNCIL_TAX_REF_REGEX`` setting; it is matched
    against each word of the answer.
    """
    expression = re.compile(pattern or get_settings().council_tax_ref_regex)
    for word in text.split():
        candidate = word.strip(".,;:!?()'\"").upper()
        if expression.search(candidate):
            return candidate
    raise UnusableAnswer("invalid_council_tax_reference")


def read_bulky_items(text: str) -> str:
    """The list of items to collect, as the resident wrote it."""
    items = " ".join(text.split())
    if not WORD.search(items) or len(items) > MAX_BULKY_ITEMS_CHARS:
        raise UnusableAnswer("invalid_bulky_items")
    return items


def read_amount_pence(text: str) -> int:
    """One amount of money in ``text`` ("£12.50", "70 quid") as whole pence.

    Refuses what a person could read two ways: a comma before two final digits
    ("£12,50"), shorthand ("1k"), or more than one amount in the answer.
    """
    found = re.findall(r"£?\s?([0-9][0-9,]*(?:\.[0-9]+)?)\s*(k\b)?", text, re.I)
    amounts = [(number, shorthand) for number, shorthand in found if number]
    if len(amounts) != 1:
        raise UnusableAnswer("invalid_amount")

    number, shorthand = amounts[0]
    if shorthand or re.search(r",[0-9]{1,2}$", number):
        raise UnusableAnswer("invalid_amount")

    try:
        pounds = Decimal(number.replace(",", ""))
    except InvalidOperation:
        raise UnusableAnswer("invalid_amount") from None
    if pounds.as_tuple().exponent < -2:  # type: ignore[operator]
        raise UnusableAnswer("invalid_amount")
    return int(pounds * 100)


WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def read_past_date(text: str, today: date) -> date:
    """The day a resident means by "yesterday", "last Tuesday", "3 days ago",
    "12 March" or "12/03/2026", which must not be after ``today``.

    A day and month without a year is the latest such day not after ``today``.
    """
    words = text.lower()

    if "today" in words or "this morning" in words or "tonight" in words:
        return today
    if "yesterday" in words or "last night" in words:
        return today - timedelta(days=1)

    ago = re.search(r"\b([0-9]+|a|one|two|three)\s+(day|week)s?\s+ago\b", words)
    if ago:
        count = {"a": 1, "one": 1, "two": 2, "three": 3}.get(ago[1]) or int(ago[1])
        return today - timedelta(days=count * (7 if ago[2] == "week" else 1))

    if "last week" in words:
        return today - timedelta(days=7)

    for index, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name[:3]}(?:{name[3:]})?\b", words):
            back = (today.weekday() - index) % 7 or 7
            return today - timedelta(days=back)

    numeric = re.search(r"\b([0-9]{1,2})/([0-9]{1,2})(?:/([0-9]{2,4}))?\b", words)
    if numeric:
        return _past_day(numeric[1], numeric[2], numeric[3], today)

    named = re.search(
        r"\b([0-9]{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\b", words
    )
    if named:
        month = _month_number(named[2])
        if month is not None:
            return _past_day(named[1], str(month), None, today)

    raise UnusableAnswer("invalid_date")


def _past_day(day: str, month: str, year: str | None, today: date) -> date:
    try:
        if year is None:
            found = date(today.year, int(month), int(day))
            if found > today:
                found = date(today.year - 1, int(month), int(day))
        else:
            full_year = int(year) + (2000 if len(year) == 2 else 0)
            found = date(full_year, int(month), int(day))
    except ValueError:
        raise UnusableAnswer("invalid_date") from None

    if found > today:
        raise UnusableAnswer("invalid_date")
    return found


def _month_number(word: str) -> int | None:
    for index, name in enumerate(MONTHS, start=1):
        if name.startswith(word) and len(word) >= 3:
            return index
    return None


def _postcode_in(text: str) -> str | None:
    for match in POSTCODE_LIKE.finditer(text):
        try:
            return normalise_postcode(match.group(1) + match.group(2))
        except InvalidEnquiryError:
            continue
    return None


def _uprn_in(text: str) -> str | None:
    match = UPRN_MENTION.search(text)
    if match is None:
        return None
    try:
        return check_uprn(match.group(1))
    except InvalidEnquiryError:
        return None


def _looks_like_postcode_attempt(text: str) -> bool:
    """A short answer mixing letters and digits, or a postcode-shaped part."""
    compact = re.sub(r"\s", "", text)
    short_code = (
        len(compact) <= 10
        and re.search(r"[A-Za-z]", compact) is not None
        and re.search(r"[0-9]", compact) is not None
    )
    return short_code or POSTCODE_LIKE.search(text) is not None
