"""The amount due comes from the system of record: sample notices, accounts and
the bulky waste price list."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from council.payments import (
    ChargeKind,
    ChargeNotFoundError,
    ChargeRequest,
    InvalidChargeRequestError,
    NothingToPayError,
    PriceList,
    SampleCharges,
    UnknownBulkyItemError,
)
from council.settings import get_settings

WITHIN_DISCOUNT = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
AFTER_DISCOUNT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def sample(now: datetime = AFTER_DISCOUNT) -> SampleCharges:
    return SampleCharges.load(clock=lambda: now)


def request(**fields: object) -> ChargeRequest:
    return ChargeRequest.from_payment_request(fields)


async def test_penalty_charge_notice_within_14_days_is_the_discounted_amount() -> None:
    charge = await sample(WITHIN_DISCOUNT).find(
        request(
            kind="penalty_charge_notice",
            pcn_number="co12345678",
            vehicle_registration="ab12 cde",
        )
    )

    assert charge.kind is ChargeKind.PENALTY_CHARGE_NOTICE
    assert charge.amount_pence == 3500
    assert charge.reference == "CO12345678"
    assert charge.key == "pcn:CO12345678"
    assert charge.metadata["vehicle_registration"] == "AB12CDE"


async def test_penalty_charge_notice_after_14_days_is_the_full_amount() -> None:
    charge = await sample(AFTER_DISCOUNT).find(
        request(
            kind="penalty_charge_notice",
            pcn_number="CO12345678",
            vehicle_registration="AB12CDE",
        )
    )

    assert charge.amount_pence == 7000


async def test_penalty_charge_notice_with_another_registration_is_not_found() -> None:
    with pytest.raises(ChargeNotFoundError):
        await sample().find(
            request(
                kind="penalty_charge_notice",
                pcn_number="CO12345678",
                vehicle_registration="ZZ99ZZZ",
            )
        )


async def test_penalty_charge_notice_already_paid_has_nothing_to_pay() -> None:
    with pytest.raises(NothingToPayError):
        await sample().find(
            request(
                kind="penalty_charge_notice",
                pcn_number="CO11112222",
                vehicle_registration="K123ABC",
            )
        )


async def test_council_tax_account_charges_its_balance_and_names_the_uprn() -> None:
    charge = await sample().find(
        request(kind="council_tax", council_tax_reference="12345678")
    )

    assert charge.amount_pence == 14550
    assert charge.metadata == {
        "council_tax_account": "12345678",
        "uprn": "010002345678",
    }


async def test_council_tax_account_in_credit_has_nothing_to_pay() -> None:
    with pytest.raises(NothingToPayError):
        await sample().find(
            request(kind="council_tax", council_tax_reference="11223344")
        )


async def test_unknown_council_tax_account_is_not_found() -> None:
    with pytest.raises(ChargeNotFoundError):
        await sample().find(
            request(kind="council_tax", council_tax_reference="99999999")
        )


async def test_council_tax_account_typed_with_spaces_is_found() -> None:
    charge = await sample().find(
        request(kind="council_tax", council_tax_reference=" 1234 5678 ")
    )

    assert charge.reference == "12345678"


@pytest.fixture
def council_tax_format(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A council whose account references look like "CT-00123"."""
    monkeypatch.setenv("COUNCIL_TAX_REF_REGEX", r"^CT-\d{5}$")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("council_tax_format")
async def test_council_tax_reference_outside_the_councils_format_is_refused() -> None:
    with pytest.raises(InvalidChargeRequestError):
        await sample().find(
            request(kind="council_tax", council_tax_reference="12345678")
        )


async def test_charge_request_ignores_an_amount_when_finding_the_charge() -> None:
    charge = await sample().find(
        request(
            kind="council_tax",
            council_tax_reference="12345678",
            amount_mentioned_pence=100,
            amount="1.00",
        )
    )

    assert charge.amount_pence == 14550


def test_charge_request_of_unknown_kind_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidChargeRequestError) as caught:
        request(kind="library_fine", reference="X")

    assert caught.value.field == "kind"


async def test_missing_identifier_is_refused_naming_it() -> None:
    with pytest.raises(InvalidChargeRequestError) as caught:
        await sample().find(
            request(kind="penalty_charge_notice", pcn_number="CO12345678")
        )

    assert caught.value.field == "vehicle_registration"


@pytest.mark.parametrize(
    ("items", "fee", "counted"),
    [
        ("a sofa and a fridge freezer", 4400, {"sofa": 1, "fridge freezer": 1}),
        ("an old fridge", 2500, {"fridge": 1}),
        (
            "2 chairs, a table & a mattress",
            3400,
            {"chair": 2, "table": 1, "mattress": 1},
        ),
        ("three dining chairs", 2500, {"chair": 3}),
        ("Settee + TV", 2800, {"sofa": 1, "television": 1}),
    ],
)
def test_price_list_quotes_items_as_residents_write_them(
    items: str, fee: int, counted: dict[str, int]
) -> None:
    assert PriceList.load().quote(items) == (fee, counted)


def test_price_list_with_an_item_it_does_not_price_asks_which() -> None:
    with pytest.raises(UnknownBulkyItemError) as caught:
        PriceList.load().quote("a sofa and a piano")

    assert "sofa" in caught.value.public_message
    assert caught.value.public_message.endswith("?")


def test_price_list_refuses_more_items_than_one_collection_takes() -> None:
    with pytest.raises(InvalidChargeRequestError) as caught:
        PriceList.load().quote("11 chairs")

    assert "at most 10 items" in caught.value.public_message


async def test_bulky_waste_same_list_in_another_order_is_the_same_charge() -> None:
    first = await sample().find(
        request(kind="bulky_waste", items="a sofa and 2 chairs", postcode="tr15 2qx")
    )
    second = await sample().find(
        request(kind="bulky_waste", items="two chairs, sofa", postcode="TR15 2QX")
    )

    assert first.key == second.key
    assert first.amount_pence == second.amount_pence == 3000
    assert first.metadata["postcode"] == "TR15 2QX"
