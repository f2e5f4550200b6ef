"""Amounts residents type: read when clear, a question back when not."""

from decimal import Decimal

import pytest

from council.payments import AmountUnclearError, format_pence, parse_amount
from council.payments.money import pence_from_decimal


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£12.50", 1250),
        ("12.50", 1250),
        ("£12.5", 1250),
        ("£ 70", 7000),
        ("it says £1,250.00 on the bill", 125000),
        ("£1,250", 125000),
        ("70 quid", 7000),
        ("50p", 50),
        ("12.50 GBP", 1250),
        ("I was told £35 for PCN CO12345678 issued on 3 March", 3500),
        ("£12.50 or was it £12.50", 1250),
        ("£100000", 10_000_000),
    ],
)
def test_parse_amount_with_one_clear_amount_returns_pence(
    text: str, pence: int
) -> None:
    assert parse_amount(text) == pence


@pytest.mark.parametrize(
    ("text", "reason", "asked"),
    [
        ("£12,50", "decimal_comma", "Did you mean £12.50 or £1,250.00?"),
        ("12,5", "decimal_comma", "Did you mean £12.50 or £125.00?"),
        ("1k", "shorthand", "How much exactly"),
        ("about £1.5k", "shorthand", "How much exactly"),
        ("£12.50 and £3", "several_amounts", "(£3.00 and £12.50)"),
        ("is it 35 or 70", "several_amounts", "Which one did you mean?"),
        ("I want to pay my fine", "no_amount", "How much"),
        ("$12", "foreign_currency", "pounds sterling"),
        ("12 euros", "foreign_currency", "pounds sterling"),
        ("£12.505", "fraction_of_penny", "two digits"),
        ("12.50p", "pence_with_decimals", "pounds or 12.50 pence"),
        ("£0", "not_positive", "more than £0"),
        ("-£5", "negative", "cannot be negative"),
        ("£100000.01", "too_large", "at most £100,000.00"),
        ("£1,25,000", "malformed", "pounds and pence"),
    ],
)
def test_parse_amount_with_unclear_text_asks_a_question(
    text: str, reason: str, asked: str
) -> None:
    with pytest.raises(AmountUnclearError) as caught:
        parse_amount(text)

    assert caught.value.reason == reason
    assert asked in caught.value.public_message
    assert caught.value.public_message.rstrip().endswith(("?", "."))


def test_parse_amount_question_for_a_reference_alone_does_not_read_it() -> None:
    with pytest.raises(AmountUnclearError) as caught:
        parse_amount("CO12345678")

    assert caught.value.reason == "no_amount"


@pytest.mark.parametrize(
    ("pence", "shown"),
    [(0, "£0.00"), (5, "£0.05"), (1250, "£12.50"), (125000, "£1,250.00")],
)
def test_format_pence_shows_pounds_and_pence(pence: int, shown: str) -> None:
    assert format_pence(pence) == shown


def test_pence_from_decimal_refuses_a_fraction_of_a_penny() -> None:
    assert pence_from_decimal(Decimal("12.50")) == 1250
    with pytest.raises(ValueError):
        pence_from_decimal(Decimal("12.505"))
