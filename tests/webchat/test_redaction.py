"""Card numbers are hidden before the log, Rasa or an agent sees them."""

import pytest

from council.redaction import DETAIL_REPLACEMENT, REPLACEMENT, redact_card_numbers


@pytest.mark.parametrize(
    "typed",
    [
        "4444333322221111",
        "my card is 4444 3333 2222 1111",
        "5105-1051-0510-5100",
        "amex 371449635398431 please",
    ],
)
def test_redact_hides_card_numbers_that_pass_luhn(typed):
    text, count = redact_card_numbers(typed)

    assert count == 1
    assert REPLACEMENT in text
    assert not any(run in text for run in ("4444", "5105", "37144963"))


@pytest.mark.parametrize(
    "typed",
    [
        "my reference is ENQ-2026-000123",
        "account 12345678",
        "call 01632 960170",
        "4444333322221112",  # fails the Luhn check
        "uprn 010001234567",
    ],
)
def test_redact_leaves_other_numbers_alone(typed):
    assert redact_card_numbers(typed) == (typed, 0)


@pytest.mark.parametrize(
    "typed",
    [
        "exp 12/30 cvv 123",
        "Expiry date: 04/2029, security code 4321",
        "CVC:987 valid thru 1/28",
    ],
)
def test_redact_hides_labelled_security_codes_and_expiry_dates(typed):
    text, count = redact_card_numbers(typed)

    assert count == 2
    assert text.count(DETAIL_REPLACEMENT) == 2
    assert not any(digit in text for digit in "0123456789")


def test_redact_hides_a_whole_card_with_its_details():
    text, count = redact_card_numbers("4444333322221111 exp 12/29 cvv 123")

    assert count == 3
    assert text == f"{REPLACEMENT} {DETAIL_REPLACEMENT} {DETAIL_REPLACEMENT}"


@pytest.mark.parametrize(
    "typed", ["bin day is the 12/12", "I need 123 sandbags", "the code is 1234"]
)
def test_redact_leaves_unlabelled_dates_and_numbers_alone(typed):
    assert redact_card_numbers(typed) == (typed, 0)
