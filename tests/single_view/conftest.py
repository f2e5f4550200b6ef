"""A small seeded county on SQLite and PostgreSQL, with two residents made
by hand whose records are spelt differently in every silo.

Catherine McDonald signed up online; the Council Tax system has her as "Mrs
Kate MacDonald", the benefits system as "MCDONALD, Cathy" at the address she
left. Catherine Macdonald of Penzance is somebody else, born another day.
"""

import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council import identity
from council.database import create_engine, create_tables
from council.identity import VerifiedResident
from council.silos.benefits import benefits_claimants, benefits_claims
from council.silos.council_tax import ctax_accounts, ctax_instalments
from council.silos.seed import SeedResult, seed
from council.silos.waste import waste_properties, waste_property_rounds, waste_rounds
from council.single_view.index import ResidentIndex
from council.single_view.models import sv_people
from council.single_view.service import SingleViewService
from tests.council import conftest as council_databases

postgres_server = council_databases.postgres_server
postgres_session_url = council_databases.postgres_session_url

TODAY = date(2026, 12, 21)
NOW = datetime(2026, 12, 21, 10, 0, tzinfo=UTC)
SECRET = "single-view-test-secret-that-is-long-enough"
CATHERINE_UPRN = "000012345678"


def clock() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file made once; each test gets a copy (migrating a
    fresh file for every test would take most of the suite's time)."""
    import asyncio

    path = tmp_path_factory.mktemp("template") / "council.db"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await create_tables(engine)
        await engine.dispose()

    asyncio.run(migrate())
    return path


@pytest.fixture(params=council_databases.DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A copy of the migrated SQLite file, or the session's PostgreSQL database."""
    if request.param == "sqlite":
        copy = tmp_path / "council.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), copy)
        return f"sqlite+aiosqlite:///{copy}"
    return str(request.getfixturevalue("postgres_session_url"))


@pytest_asyncio.fixture(loop_scope="function")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated database that holds no rows."""
    engine = create_engine(database_url)
    await create_tables(engine)
    if engine.dialect.name == "postgresql":
        await council_databases._empty_every_table(engine)
    yield engine
    await engine.dispose()


@dataclass(frozen=True)
class County:
    seeded: SeedResult
    catherine: int
    other_catherine: int
    catherine_account: int
    catherine_old_claim: int
    other_account: int


async def _add_person(engine: AsyncEngine, **values: object) -> int:
    async with engine.begin() as connection:
        result = await connection.execute(
            insert(sv_people)
            .values(created_at=NOW, updated_at=NOW, **values)
            .returning(sv_people.c.id)
        )
        return int(result.scalar_one())


async def _add(engine: AsyncEngine, table, **values: object) -> int:  # type: ignore[no-untyped-def]
    async with engine.begin() as connection:
        result = await connection.execute(
            insert(table).values(**values).returning(table.c.id)
        )
        return int(result.scalar_one())


async def _add_catherine_home(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            insert(waste_properties).values(
                uprn=CATHERINE_UPRN,
                address="4 Lemon Street",
                town="Truro",
                postcode="TR1 2AB",
            )
        )
        rounds = await connection.execute(
            select(waste_rounds.c.id, waste_rounds.c.bin_type).where(
                waste_rounds.c.code.in_(("TRU-RUB-MA", "TRU-REC-MA", "TRU-FOO-MA"))
            )
        )
        for round_id, _bin in rounds:
            await connection.execute(
                insert(waste_property_rounds).values(
                    uprn=CATHERINE_UPRN, round_id=round_id
                )
            )


@pytest_asyncio.fixture(loop_scope="function")
async def county(engine: AsyncEngine) -> County:
    seeded = await seed(engine, 120, seed=5, today=TODAY, max_enquiries=12)
    await _add_catherine_home(engine)

    catherine = await _add_person(
        engine,
        subject="subject-catherine",
        email="catherine.mcdonald@example.com",
        name="Catherine McDonald",
        dob=date(1980, 3, 14),
        postcode="TR1 2AB",
        uprn=CATHERINE_UPRN,
    )
    other = await _add_person(
        engine,
        subject="subject-other-catherine",
        email="c.macdonald@example.net",
        name="Catherine Macdonald",
        dob=date(1975, 9, 2),
        postcode="TR18 4QP",
    )

    account = await _add(
        engine,
        ctax_accounts,
        account_ref="99000001",
        liable_name="Mrs Kate MacDonald",
        address="4 Lemon St, Truro",
        postcode="tr12ab",
        uprn=CATHERINE_UPRN,
        band="C",
        balance_pence=41_740,
        opened_on=date(2019, 6, 1),
    )
    for due_on, paid in (
        (date(2026, 11, 1), True),
        (date(2027, 1, 1), False),
        (date(2026, 12, 1), True),
        (date(2027, 2, 1), False),
    ):
        await _add(
            engine,
            ctax_instalments,
            account_id=account,
            due_on=due_on,
            amount_pence=20_870,
            paid=paid,
        )
    claimant = await _add(
        engine,
        benefits_claimants,
        name="MCDONALD, Cathy",
        dob=date(1980, 3, 14),
        address="12 Chapel Street, Falmouth",
        postcode="TR11 3QQ",
    )
    await _add(
        engine,
        benefits_claims,
        claimant_id=claimant,
        claim_ref="BC9900001",
        kind="council-tax-reduction",
        status="awarded",
        weekly_amount_pence=1_250,
        started_on=date(2024, 4, 1),
    )
    other_account = await _add(
        engine,
        ctax_accounts,
        account_ref="99000002",
        liable_name="Catherine Macdonald",
        liable_dob=date(1975, 9, 2),
        email="C.Macdonald@example.net",
        address="7 Market Jew Street, Penzance",
        postcode="TR18 4QP",
        band="B",
        balance_pence=12_345,
        opened_on=date(2015, 1, 1),
    )

    await ResidentIndex(engine, clock=clock).rebuild()
    return County(seeded, catherine, other, account, claimant, other_account)


@pytest.fixture
def service(engine: AsyncEngine) -> SingleViewService:
    return SingleViewService(engine, clock=clock)


@pytest.fixture
def assertion() -> Callable[..., str]:
    """A signed identity assertion, as the gateway issues one per turn."""

    def make(
        subject: str = "subject-catherine",
        email: str = "catherine.mcdonald@example.com",
        conversation_id: str = "conversation-catherine",
        **options: object,
    ) -> str:
        return identity.issue(
            subject=subject,
            name="Catherine McDonald",
            email=email,
            conversation_id=conversation_id,
            secret=options.pop("secret", SECRET),  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )

    return make


def verified(
    subject: str = "subject-catherine",
    email: str = "catherine.mcdonald@example.com",
    conversation_id: str = "conversation-catherine",
    name: str = "Catherine McDonald",
) -> VerifiedResident:
    """What :func:`council.identity.verify` returns for a fresh assertion."""
    return identity.verify(
        identity.issue(
            subject=subject,
            name=name,
            email=email,
            conversation_id=conversation_id,
            secret=SECRET,
        ),
        conversation_id,
        secret=SECRET,
    )
