"""The amount due comes from the council's own Council Tax and parking systems,
with the sample records behind them. SQLite and PostgreSQL."""

import random
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from council.payments import (
    ChargeKind,
    ChargeNotFoundError,
    ChargeRequest,
    NothingToPayError,
    SampleCharges,
)
from council.payments.record_charges import CouncilRecordCharges
from council.silos.council_tax import ctax_accounts
from council.silos.parking import parking_customers, parking_pcns


def request(**fields: object) -> ChargeRequest:
    return ChargeRequest.from_payment_request(fields)


@pytest.fixture
async def records(engine: AsyncEngine):
    """One account owing, one closed, and a customer's two notices."""
    # Random numbers: the PostgreSQL database is shared with other tests.
    n = random.randrange(10_000_000, 99_999_999)
    refs = {"owing": str(n), "closed": str(n + 1)}
    pcns = {"open": f"ZZ{n:08d}", "paid": f"ZZ{n + 1:08d}"}
    account = {
        "liable_name": "A Resident",
        "address": "1 Lemon Street, Truro",
        "band": "C",
        "opened_on": date(2020, 4, 1),
        "closed_on": None,
    }
    async with engine.begin() as connection:
        await connection.execute(
            insert(ctax_accounts),
            [
                {
                    **account,
                    "account_ref": refs["owing"],
                    "uprn": "010001234567",
                    "balance_pence": 33920,
                },
                {
                    **account,
                    "account_ref": refs["closed"],
                    "uprn": None,
                    "balance_pence": 5000,
                    "closed_on": date(2025, 3, 31),
                },
            ],
        )
        customer = (
            await connection.execute(
                insert(parking_customers).values(
                    name="A Driver", address="2 Fore Street, Redruth"
                )
            )
        ).inserted_primary_key[0]
        notice = {
            "customer_id": customer,
            "vrm": "AB12 CDE",
            "contravention_code": "01",
            "location": "Fore Street, Redruth",
            "issued_at": datetime(2026, 11, 20, 10, tzinfo=UTC),
            "amount_pence": 7000,
            "pay_by": date(2026, 12, 18),
        }
        await connection.execute(
            insert(parking_pcns),
            [
                {**notice, "pcn_number": pcns["open"], "status": "open"},
                {**notice, "pcn_number": pcns["paid"], "status": "paid"},
            ],
        )
    yield refs, pcns
    async with engine.begin() as connection:
        await connection.execute(
            delete(ctax_accounts).where(ctax_accounts.c.account_ref.in_(refs.values()))
        )
        await connection.execute(
            delete(parking_customers).where(parking_customers.c.id == customer)
        )


async def test_council_tax_balance_comes_from_the_council_tax_system(engine, records):
    refs, _ = records
    charges = CouncilRecordCharges(engine, fallback=SampleCharges.load())

    charge = await charges.find(
        request(kind="council_tax", council_tax_reference=refs["owing"])
    )

    assert charge.kind is ChargeKind.COUNCIL_TAX
    assert charge.amount_pence == 33920
    assert charge.metadata == {
        "council_tax_account": refs["owing"],
        "uprn": "010001234567",
    }


async def test_closed_council_tax_account_has_nothing_to_pay(engine, records):
    refs, _ = records
    charges = CouncilRecordCharges(engine, fallback=SampleCharges.load())

    with pytest.raises(NothingToPayError):
        await charges.find(
            request(kind="council_tax", council_tax_reference=refs["closed"])
        )


async def test_open_notice_is_charged_for_its_vehicle_only(engine, records):
    _, pcns = records
    charges = CouncilRecordCharges(engine, fallback=SampleCharges.load())

    charge = await charges.find(
        request(
            kind="penalty_charge_notice",
            pcn_number=pcns["open"].lower(),
            vehicle_registration="ab12cde",
        )
    )
    assert charge.amount_pence == 7000
    with pytest.raises(ChargeNotFoundError):
        await charges.find(
            request(
                kind="penalty_charge_notice",
                pcn_number=pcns["open"],
                vehicle_registration="ZZ99ZZZ",
            )
        )
    with pytest.raises(NothingToPayError):
        await charges.find(
            request(
                kind="penalty_charge_notice",
                pcn_number=pcns["paid"],
                vehicle_registration="AB12CDE",
            )
        )


async def test_references_the_systems_do_not_hold_go_to_the_sample_records(engine):
    charges = CouncilRecordCharges(engine, fallback=SampleCharges.load())

    charge = await charges.find(
        request(kind="council_tax", council_tax_reference="12345678")
    )

    assert charge.amount_pence == 14550
