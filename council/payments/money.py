"""Money: integer pence inside, pounds and pence for people.

The payment service never charges what a resident typed; the amount always
comes from the system of record. Residents do type amounts ("I was told it is
£35"), and :func:`parse_amount` reads one only to compare it, refusing anything
a person could read two ways with a question to ask back.
"""

import re
from decimal import Decimal

from council.payments.errors import AmountUnclearError

# GOV.UK Pay takes at most 10,000,000 pence (£100,000) in one payment.
MAX_AMOUNT_PENCE = 10_000_000

# One amount-like token: an optional sign and currency mark, a number that does
# not sit inside a word or reference ("CO12345678"), an optional shorthand
# multiplier ("1k") and an optional unit word.
AMOUNT_TOKEN = re.compile(
    r"""
    (?<![\w.,£$€])
    (?P<sign>-\s*)?
    (?P<currency>£|\$|€|(?:gbp|usd|eur)\s*)?
    (?P<number>\d(?:[\d,]*\d)?(?:\.\d+)?)
    (?:
        (?P<shorthand>k|m|bn|mil)(?![\w])
      | \s*(?P<unit>pence|p|pounds?|quid|gbp|sterling|euros?|eur|dollars?|usd)
        (?![\w])
      | (?![\w])
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)
THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
FOREIGN = frozenset({"$", "€", "usd", "eur", "euro", "euros", "dollar", "dollars"})
POUND_UNITS = frozenset({"pound", "pounds", "quid", "gbp", "sterling"})
PENCE_UNITS = frozenset({"p", "pence"})

ASK_AGAIN = "Please type the amount in pounds and pence, like £12.50."


def format_pence(pence: int) -> str:
    """``1250`` -> ``"£12.50"``; thousands get commas (``"£1,250.00"``)."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def pence_from_decimal(pounds: Decimal) -> int:
    """Pounds as a ``Decimal`` at an edge -> whole pence; refuses fractions of a
    penny rather than rounding them away."""
    pence = pounds * 100
    if pence != pence.to_integral_value():
        raise ValueError(f"{pounds} has a fraction of a penny")
    return int(pence)


def parse_amount(text: str) -> int:
    """The one amount of money in ``text``, in pence: ``"£12.50"`` -> ``1250``.

    Accepts "£12.50", "12.50", "£1,250", "70 quid", "50p", "£12.5". Raises
    :class:`AmountUnclearError` whose ``public_message`` is the question to ask
    the resident when the text holds no amount, several different amounts, a
    comma that could be a decimal point ("£12,50"), shorthand ("1k"), another
    currency, fractions of a penny, or an amount that is not positive or is over
    the payment limit.

    When some numbers carry a currency mark or unit, only those count, so "PCN
    CO12345678 for £70 issued on 3 March" is £70. Bare numbers count only when
    none is marked.
    """
    tokens = list(AMOUNT_TOKEN.finditer(text))
    marked = [token for token in tokens if _is_marked(token)]
    candidates = marked or tokens
    if not candidates:
        raise AmountUnclearError("no_amount")

    amounts = sorted({_pence(token) for token in candidates})
    if len(amounts) > 1:
        shown = " and ".join(format_pence(amount) for amount in amounts[:3])
        raise AmountUnclearError(
            "several_amounts",
            f"You mentioned more than one amount ({shown}). Which one did you mean?",
        )
    return amounts[0]


def _is_marked(token: re.Match[str]) -> bool:
    return bool(token["currency"] or token["unit"] or token["shorthand"])


def _pence(token: re.Match[str]) -> int:
    """One token as pence, or the question that makes it clear."""
    number = token["number"]
    currency = (token["currency"] or "").strip().lower()
    unit = (token["unit"] or "").lower()

    if currency in FOREIGN or unit in FOREIGN:
        raise AmountUnclearError(
            "foreign_currency",
            "Payments to the council are in pounds sterling. How much is it in "
            "pounds, like £12.50?",
        )
    if token["shorthand"]:
        raise AmountUnclearError(
            "shorthand",
            f"How much exactly, in pounds and pence? For example £1,000.00. "
            f"{ASK_AGAIN}",
        )
    if token["sign"]:
        raise AmountUnclearError(
            "negative", f"An amount cannot be negative. {ASK_AGAIN}"
        )

    pounds = _pounds(number)
    if unit in PENCE_UNITS:
        if pounds != pounds.to_integral_value() or "," in number:
            raise AmountUnclearError(
                "pence_with_decimals",
                f"Did you mean {number} pounds or {number} pence? {ASK_AGAIN}",
            )
        pence = int(pounds)
    else:
        if -pounds.as_tuple().exponent > 2:  # type: ignore[operator]
            raise AmountUnclearError(
                "fraction_of_penny",
                f"Pence have two digits. {ASK_AGAIN}",
            )
        pence = pence_from_decimal(pounds)

    if pence <= 0:
        raise AmountUnclearError(
            "not_positive", f"The amount must be more than £0. {ASK_AGAIN}"
        )
    if pence > MAX_AMOUNT_PENCE:
        raise AmountUnclearError(
            "too_large",
            f"Payments here can be at most {format_pence(MAX_AMOUNT_PENCE)}. "
            "How much do you want to pay?",
        )
    return pence


def _pounds(number: str) -> Decimal:
    """The number's value; a comma must separate thousands, never pence."""
    if "," not in number:
        return Decimal(number)

    if THOUSANDS.fullmatch(number):
        return Decimal(number.replace(",", ""))

    if DECIMAL_COMMA.fullmatch(number):
        whole, fraction = number.split(",")
        as_decimal = format_pence(int(whole) * 100 + int(fraction.ljust(2, "0")))
        as_thousands = format_pence(int(whole + fraction) * 100)
        raise AmountUnclearError(
            "decimal_comma",
            f"Did you mean {as_decimal} or {as_thousands}? Please use a full stop "
            "before the pence, like £12.50.",
        )
    raise AmountUnclearError("malformed", ASK_AGAIN)
