"""Enquiry references as residents read and retype them."""

import pytest

from council.enquiries.references import format_reference, parse_reference


def test_reference_format_is_prefix_year_and_six_digit_number() -> None:
    assert format_reference(2026, 123) == "ENQ-2026-000123"


def test_reference_past_a_million_in_a_year_grows_a_digit() -> None:
    assert format_reference(2026, 1_234_567) == "ENQ-2026-1234567"


@pytest.mark.parametrize(
    "typed",
    ["ENQ-2026-000123", "enq-2026-000123", " ENQ 2026 123 ", "enq2026/000123"],
)
def test_reference_typed_loosely_is_read_as_the_standard_form(typed: str) -> None:
    assert parse_reference(typed) == "ENQ-2026-000123"


@pytest.mark.parametrize("typed", ["", "ENQ-26-000123", "PCN-2026-000123", "123"])
def test_reference_in_another_shape_is_not_a_reference(typed: str) -> None:
    assert parse_reference(typed) is None
