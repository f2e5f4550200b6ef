"""Card numbers typed into the chat are hidden before anyone or anything sees them.

The assistant never takes card details (payments go through the hosted payment
page), but residents sometimes type them anyway. A run of 13 to 19 digits, with
optional spaces or dashes between groups, that passes the Luhn check is replaced
at the gateway, before the message is logged, sent to Rasa or shown to an agent.
"""

import re

from stdnum import luhn

CARD_CANDIDATE = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")
REPLACEMENT = "[card number removed]"

# A security code or an expiry date, when the resident labels it as one: on its
# own "123" or "12/29" could be anything, so unlabelled numbers are left alone.
CARD_DETAIL = re.compile(
    r"\b(?:cvv2?|cvc2?|csc|security code|sec code|"
    r"exp(?:iry|ires|iration)?(?: date)?|valid (?:thru|through|until|to))"
    r"\b\W{0,3}(?:\d{1,2}\s*[/.-]\s*\d{2,4}|\d{3,4})\b",
    re.IGNORECASE,
)
DETAIL_REPLACEMENT = "[card detail removed]"

CARD_WARNING = (
    "I have hidden what looked like card details in your message. Please never "
    "type card details in this chat. When you pay, I will send you a link to the "
    "council's secure payment page."
)


def redact_card_numbers(text: str) -> tuple[str, int]:
    """Return ``text`` with card numbers, and labelled security codes and expiry
    dates, replaced; and how many things were replaced."""
    text, details = CARD_DETAIL.subn(DETAIL_REPLACEMENT, text)
    count = details

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        digits = re.sub(r"[ -]", "", match.group(0))
        if not luhn.is_valid(digits):
            return match.group(0)
        count += 1
        return REPLACEMENT

    return CARD_CANDIDATE.sub(replace, text), count
