"""The sandbox's card form: checking what the payer typed, and test card outcomes.

The test card numbers and what each does are GOV.UK Pay's documented ones.
Nothing here logs or keeps what was typed beyond the last four digits.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum


class Outcome(Enum):
    SUCCESS = "success"
    DECLINED = "declined"
    EXPIRED = "expired"
    BAD_CVC = "bad_cvc"
    ERROR = "error"


TEST_CARDS = {
    "4444333322221111": (Outcome.SUCCESS, "visa"),
    "4242424242424242": (Outcome.SUCCESS, "visa"),
    "4000056655665556": (Outcome.SUCCESS, "visa"),
    "5105105105105100": (Outcome.SUCCESS, "master-card"),
    "371449635398431": (Outcome.SUCCESS, "american-express"),
    "4000000000000002": (Outcome.DECLINED, "visa"),
    "4000000000000069": (Outcome.EXPIRED, "visa"),
    "4000000000000127": (Outcome.BAD_CVC, "visa"),
    "4000000000000119": (Outcome.ERROR, "visa"),
}


@dataclass(frozen=True)
class CardEntry:
    """A checked form: the outcome of its card, and what may be kept of it."""

    outcome: Outcome
    brand: str
    last_digits: str
    first_digits: str
    expiry: str
    cardholder_name: str


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def check_form(form: dict[str, str], today: date) -> tuple[CardEntry | None, list[str]]:
    """The entry if the form is complete and valid, else the messages to show.

    Messages name the field, never repeat its value.
    """
    errors: list[str] = []
    number = re.sub(r"[\s\-]", "", form.get("card_number", ""))
    month = form.get("expiry_month", "").strip()
    year = form.get("expiry_year", "").strip()
    cvc = form.get("cvc", "").strip()
    name = " ".join(form.get("cardholder_name", "").split())

    known = TEST_CARDS.get(number)
    if not number.isdigit() or not 12 <= len(number) <= 19 or not luhn_valid(number):
        errors.append("Enter a valid card number.")
    elif known is None:
        errors.append(
            "This is the test payment page: use one of the documented test cards."
        )

    if not _future_expiry(month, year, today):
        errors.append("Enter an expiry date in the future, as month and year.")

    cvc_length = 4 if known is not None and known[1] == "american-express" else 3
    if not (cvc.isdigit() and len(cvc) == cvc_length):
        errors.append(f"Enter the {cvc_length}-digit security code.")

    if not name or len(name) > 255:
        errors.append("Enter the name as it appears on the card.")

    if errors or known is None:
        return None, errors

    outcome, brand = known
    return (
        CardEntry(
            outcome=outcome,
            brand=brand,
            last_digits=number[-4:],
            first_digits=number[:6],
            expiry=f"{int(month):02d}/{int(year) % 100:02d}",
            cardholder_name=name,
        ),
        [],
    )


def _future_expiry(month: str, year: str, today: date) -> bool:
    if not (month.isdigit() and year.isdigit()):
        return False
    month_number, year_number = int(month), int(year)
    if len(year) == 2:
        year_number += 2000
    if not 1 <= month_number <= 12:
        return False
    return (year_number, month_number) >= (today.year, today.month)
