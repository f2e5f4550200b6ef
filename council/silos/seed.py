"""Fill the silos with a synthetic county: ``python -m council.silos.seed``.

Seeding is idempotent: it replaces every silo's rows with the world the seed
makes (the same seed and day give the same rows and ids), updates the online
accounts in the resident index by their subject, and raises the seeded
enquiries through :class:`council.enquiries.EnquiryService` with a fixed
idempotency key each, so a second run makes none twice. The resident index's
links are derived data: seeding clears them, and
``python -m council.single_view.index`` builds them again.

Only for development, tests and the benchmark: it refuses to run when the
settings say production.
"""

import argparse
import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from council.database import create_engine, create_tables
from council.enquiries import EnquiryService
from council.settings import get_settings
from council.silos.benefits import benefits_claimants, benefits_claims
from council.silos.council_tax import ctax_accounts, ctax_instalments
from council.silos.generate import World, generate
from council.silos.housing import housing_cases, housing_people
from council.silos.parking import parking_customers, parking_pcns, parking_permits
from council.silos.waste import waste_properties, waste_property_rounds, waste_rounds
from council.single_view.models import sv_links, sv_people

logger = logging.getLogger(__name__)

# Parents before children; deleted in the reverse order.
SILO_TABLES: tuple[Table, ...] = (
    waste_properties,
    waste_rounds,
    waste_property_rounds,
    ctax_accounts,
    ctax_instalments,
    housing_people,
    housing_cases,
    benefits_claimants,
    benefits_claims,
    parking_customers,
    parking_permits,
    parking_pcns,
)
CHUNK = 5_000


class SeedingRefusedError(RuntimeError):
    """Seeding would overwrite real records."""


@dataclass(frozen=True)
class SeedResult:
    world: World
    rows: dict[str, int]
    people: int
    enquiries: int
    seconds: float


async def seed(
    engine: AsyncEngine,
    residents: int,
    *,
    seed: int = 7,
    today: date | None = None,
    max_enquiries: int = 300,
) -> SeedResult:
    """Replace the silos' rows with a generated county of ``residents``.

    Returns the world (with its truth, for tests and the benchmark; seeded
    enquiries' references are added to it) and the row counts.
    """
    if get_settings().environment == "production":
        raise SeedingRefusedError("seeding replaces the silos; not in production")

    started = time.perf_counter()
    world = generate(residents, seed=seed, today=today, max_enquiries=max_enquiries)

    async with engine.begin() as connection:
        await connection.execute(delete(sv_links))
        for table in reversed(SILO_TABLES):
            await connection.execute(delete(table))
        for table in SILO_TABLES:
            await _insert_all(connection, table, world.rows.get(table.name, []))
        if connection.dialect.name == "postgresql":
            await _advance_sequences(connection)
        await _upsert_people(connection, world.people)

    enquiries = await _raise_enquiries(engine, world)
    seconds = time.perf_counter() - started
    logger.info(
        "Seeded %d residents (%d online accounts, %d enquiries) in %.1f s",
        residents,
        len(world.people),
        enquiries,
        seconds,
    )
    return SeedResult(
        world=world,
        rows={name: len(rows) for name, rows in world.rows.items()},
        people=len(world.people),
        enquiries=enquiries,
        seconds=seconds,
    )


async def _insert_all(
    connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]
) -> None:
    for start in range(0, len(rows), CHUNK):
        await connection.execute(insert(table), list(rows[start : start + CHUNK]))


async def _advance_sequences(connection: AsyncConnection) -> None:
    """Rows were inserted with their ids; move each id sequence past them."""
    for table in SILO_TABLES:
        if "id" not in table.c:
            continue
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


async def _upsert_people(
    connection: AsyncConnection, people: Sequence[dict[str, Any]]
) -> None:
    """Insert the online accounts that are new; refresh those already there."""
    subjects = {person["subject"] for person in people}
    existing: set[str] = set()
    listed = list(subjects)
    for start in range(0, len(listed), CHUNK):
        found = await connection.execute(
            select(sv_people.c.subject).where(
                sv_people.c.subject.in_(listed[start : start + CHUNK])
            )
        )
        existing.update(found.scalars())

    new = [person for person in people if person["subject"] not in existing]
    await _insert_all(connection, sv_people, new)

    changed = [
        {**person, "match_subject": person["subject"]}
        for person in people
        if person["subject"] in existing
    ]
    if changed:
        statement = (
            update(sv_people)
            .where(sv_people.c.subject == bindparam("match_subject"))
            .values(
                {
                    column: bindparam(column)
                    for column in changed[0]
                    if column not in ("subject", "match_subject", "created_at")
                }
            )
        )
        for start in range(0, len(changed), CHUNK):
            await connection.execute(statement, changed[start : start + CHUNK])


async def _raise_enquiries(engine: AsyncEngine, world: World) -> int:
    service = EnquiryService(engine)
    for resident_id, new in world.enquiries:
        enquiry = await service.create(new)
        world.truth[("enquiries", enquiry.reference)] = resident_id
    return len(world.enquiries)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-enquiries", type=int, default=300)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # One line per seeded enquiry says nothing useful here.
    logging.getLogger("council.enquiries").setLevel(logging.WARNING)

    async def run() -> SeedResult:
        engine = create_engine(get_settings().async_database_url)
        try:
            await create_tables(engine)
            return await seed(
                engine,
                arguments.residents,
                seed=arguments.seed,
                max_enquiries=arguments.max_enquiries,
            )
        finally:
            await engine.dispose()

    result = asyncio.run(run())
    for table, count in sorted(result.rows.items()):
        print(f"{table:24} {count:>9,}")
    print(f"{'online accounts':24} {result.people:>9,}")
    print(f"{'enquiries':24} {result.enquiries:>9,}")
    print(f"seeded in {result.seconds:.1f} s")


if __name__ == "__main__":
    main()
