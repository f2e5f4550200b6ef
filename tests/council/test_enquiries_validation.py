"""Checking what a resident, agent or councillor gave, before any database."""

import pytest

from council.enquiries import (
    InvalidContactError,
    InvalidDetailsError,
    InvalidEnquiryError,
    InvalidLocationError,
    Location,
    NewEnquiry,
    UnknownCategoryError,
)
from council.enquiries.categories import load_categories
from council.enquiries.validation import (
    CheckedEnquiry,
    check_details,
    check_email,
    check_location,
    check_new_enquiry,
    check_phone,
    normalise_postcode,
)


@pytest.mark.parametrize(
    ("typed", "standard"),
    [
        ("TR1 3AY", "TR1 3AY"),
        ("tr13ay", "TR1 3AY"),
        ("  tr1   3ay ", "TR1 3AY"),
        ("pl15 7ab", "PL15 7AB"),
        ("EC1A1BB", "EC1A 1BB"),
        ("w1a 0ax", "W1A 0AX"),
        ("M1 1AE", "M1 1AE"),
        ("CR2 6XH", "CR2 6XH"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_postcode_in_any_case_and_spacing_is_normalised(
    typed: str, standard: str
) -> None:
    assert normalise_postcode(typed) == standard


@pytest.mark.parametrize(
    "typed",
    ["TR1", "TR1 3A", "TR1 3AYY", "12345", "TR1 3CY", "QR1 3AY", "TR1-3AY", ""],
)
def test_postcode_not_in_uk_format_is_refused(typed: str) -> None:
    with pytest.raises(InvalidLocationError) as refused:
        normalise_postcode(typed)

    assert refused.value.field == "location.postcode"
    assert refused.value.status == 400


def test_location_uprn_keeps_its_leading_zeros() -> None:
    location = check_location(Location(uprn=" 000100012345 "))

    assert location.uprn == "000100012345"


@pytest.mark.parametrize("uprn", ["1234567890123", "12a4", "-1", "1.5"])
def test_location_uprn_not_of_1_to_12_digits_is_refused(uprn: str) -> None:
    with pytest.raises(InvalidLocationError) as refused:
        check_location(Location(uprn=uprn))

    assert refused.value.field == "location.uprn"


def test_location_with_only_blank_parts_is_refused() -> None:
    with pytest.raises(InvalidLocationError) as refused:
        check_location(Location(postcode=" ", uprn="", description=None))

    assert refused.value.field == "location"


def test_location_description_alone_is_enough() -> None:
    location = check_location(Location(description="  Lay-by on the A30  "))

    assert location == Location(description="Lay-by on the A30")


@pytest.mark.parametrize("details", ["", "   ", "x" * 2001])
def test_details_empty_or_over_2000_characters_are_refused(details: str) -> None:
    with pytest.raises(InvalidDetailsError):
        check_details(details)


def test_details_of_exactly_2000_characters_are_accepted() -> None:
    assert check_details("x" * 2000) == "x" * 2000


def test_email_domain_is_lower_cased_and_local_part_kept() -> None:
    assert check_email(" Jo.Bloggs@Example.CO.UK ") == "Jo.Bloggs@example.co.uk"


@pytest.mark.parametrize(
    "email", ["jo", "jo@", "@example.com", "jo@@example.com", "jo bloggs@example.com"]
)
def test_email_with_bad_syntax_is_refused(email: str) -> None:
    with pytest.raises(InvalidContactError) as refused:
        check_email(email)

    assert refused.value.field == "contact_email"


@pytest.mark.parametrize(
    "phone", ["01872 322000", "+44 (0)1872 322000", "07700-900123"]
)
def test_phone_in_usual_forms_is_accepted(phone: str) -> None:
    assert check_phone(phone) == phone


@pytest.mark.parametrize("phone", ["12345", "call me", "0187232200012345678"])
def test_phone_without_7_to_15_digits_is_refused(phone: str) -> None:
    with pytest.raises(InvalidContactError):
        check_phone(phone)


def test_new_enquiry_with_unknown_category_is_refused_naming_it() -> None:
    new = NewEnquiry(
        category="waste.dragons", details="x", location=Location(postcode="TR1 3AY")
    )

    with pytest.raises(UnknownCategoryError) as refused:
        check_new_enquiry(new, load_categories())

    assert refused.value.category == "waste.dragons"


def test_new_enquiry_from_an_unknown_source_is_refused() -> None:
    new = NewEnquiry(
        category="waste.missed-collection",
        details="Bin not emptied",
        location=Location(postcode="TR1 3AY"),
        source="fax",
    )

    with pytest.raises(InvalidEnquiryError) as refused:
        check_new_enquiry(new, load_categories())

    assert refused.value.field == "source"


def test_new_enquiry_fingerprint_ignores_the_key_but_not_the_details() -> None:
    categories = load_categories()

    def checked(details: str, key: str) -> CheckedEnquiry:
        new = NewEnquiry(
            category="waste.missed-collection",
            details=details,
            location=Location(postcode="TR1 3AY"),
            idempotency_key=key,
        )
        return check_new_enquiry(new, categories)

    first = checked("Bin", "a")
    same = checked("Bin ", "b")
    other = checked("Box", "a")

    assert first.fingerprint() == same.fingerprint()
    assert first.fingerprint() != other.fingerprint()


def test_categories_are_the_taxonomy_topic_ids() -> None:
    categories = load_categories()

    assert "roads-and-transport.potholes-and-road-defects" in categories
    assert "waste.missed-collection" in categories
    assert "waste" not in categories
    assert categories["waste.missed-collection"].area_title == (
        "Bins, rubbish and recycling"
    )
