"""Normal forms for linkage."""

import pytest

from council.single_view.names import (
    first_name_forms,
    normal_phone,
    normal_postcode,
    normal_uprn,
    split_name,
    surname_key,
)


@pytest.mark.parametrize(
    ("typed", "first", "surname"),
    [
        ("Mrs Kate MacDonald", "kate", "mcdonald"),
        ("MCDONALD, Cathy", "cathy", "mcdonald"),
        ("catherine anne mcdonald", "catherine", "mcdonald"),
        ("Mr Pascoe", None, "pascoe"),
        ("Dr. Siân O'Neill", "sian", "oneill"),
        ("", None, None),
    ],
)
def test_split_name_typed_forms_give_normal_parts(
    typed: str, first: str | None, surname: str | None
) -> None:
    parsed = split_name(typed)

    assert (parsed.first_name, parsed.surname) == (first, surname)


def test_surname_key_mac_and_mc_are_one() -> None:
    assert surname_key("MacDonald") == surname_key("McDonald") == "mcdonald"
    assert surname_key("MacKenzie") == surname_key("Mc Kenzie") == "mckenzie"


def test_first_name_forms_nicknames_share_a_form() -> None:
    catherine = set(first_name_forms("Catherine"))

    assert "cathy" in catherine
    assert catherine & set(first_name_forms("Kate"))
    assert not set(first_name_forms("Morwenna")) & catherine


def test_normal_forms_of_contact_details() -> None:
    assert normal_postcode("tr12ab") == "TR1 2AB"
    assert normal_postcode("not a postcode") is None
    assert normal_phone("+44 1872 322000") == normal_phone("01872 322000")
    assert normal_uprn("000012345678") == "000012345678"
    assert normal_uprn("12345678901234") is None
