"""Card numbers are hidden before the log, Rasa or an agent sees them."""

import pytest

from council.redaction import REPLACEMENT, redact_card_numbers


@pytest.mark.parametrize(
    "typed",
    [
        "4444333322221111",
        "my card is 4444 3333 2222 1111 exp 12/29",
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
