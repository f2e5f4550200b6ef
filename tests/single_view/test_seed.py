"""Seeding is reproducible and idempotent, and the silos keep UPRNs as strings."""

import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.enquiries.models import enquiries
from council.settings import get_settings
from council.silos.council_tax import ctax_accounts
from council.silos.generate import generate
from council.silos.seed import SILO_TABLES, seed
from council.silos.waste import waste_properties
from council.single_view.models import sv_people
from tests.single_view.conftest import TODAY


async def counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        found = {}
        for table in (*SILO_TABLES, sv_people, enquiries):
            query = select(func.count()).select_from(table)
            found[table.name] = int((await connection.execute(query)).scalar_one())
        return found


async def test_seed_run_twice_leaves_the_same_rows(engine: AsyncEngine) -> None:
    await seed(engine, 80, seed=3, today=TODAY, max_enquiries=8)
    first = await counts(engine)
    async with engine.connect() as connection:
        names = list(
            (
                await connection.execute(
                    select(ctax_accounts.c.liable_name).order_by(ctax_accounts.c.id)
                )
            ).scalars()
        )

    await seed(engine, 80, seed=3, today=TODAY, max_enquiries=8)

    async with engine.connect() as connection:
        again = list(
            (
                await connection.execute(
                    select(ctax_accounts.c.liable_name).order_by(ctax_accounts.c.id)
                )
            ).scalars()
        )
    assert await counts(engine) == first
    assert again == names
    assert first["enquiries"] == 8


async def test_seed_keeps_uprn_leading_zeros(engine: AsyncEngine) -> None:
    await seed(engine, 40, seed=3, today=TODAY, max_enquiries=0)

    async with engine.connect() as connection:
        uprns = list(
            (await connection.execute(select(waste_properties.c.uprn))).scalars()
        )

    assert any(uprn.startswith("0") for uprn in uprns)
    assert all(isinstance(uprn, str) and len(uprn) == 12 for uprn in uprns)


def test_generate_has_the_variations_real_records_have() -> None:
    world = generate(1000, seed=7, today=TODAY)
    pattern = re.compile(get_settings().council_tax_ref_regex)
    accounts = world.rows["ctax_accounts"]
    residents = world.residents

    assert len(residents) >= 1000
    assert all(pattern.match(row["account_ref"]) for row in accounts)
    assert all(
        row["postcode"][:2] in ("TR", "PL") for row in world.rows["waste_properties"]
    )
    assert sum(1 for r in residents if r.email is None) > 100
    assert sum(1 for r in residents if r.previous_property is not None) > 50
    assert sum(1 for row in accounts if row["closed_on"] is not None) > 30
    assert sum(1 for row in accounts if row["liable_dob"] is None) > 300
    assert any(
        row["liable_name"].startswith(("Mr ", "Mrs ", "Ms ", "Miss "))
        for row in accounts
    )
    assert any(
        row["name"].split(",")[0].isupper() for row in world.rows["benefits_claimants"]
    )
    homes = [r.property.uprn for r in residents]
    assert len(set(homes)) < len(homes)


def test_generate_same_seed_same_world() -> None:
    first = generate(200, seed=9, today=TODAY)
    second = generate(200, seed=9, today=TODAY)

    assert first.rows == second.rows
    assert first.people == second.people
