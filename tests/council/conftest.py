"""Databases for the council services' tests: a SQLite file and real PostgreSQL.

Every test that takes ``engine`` runs twice: on a fresh SQLite file in its own
tmp_path, and on a PostgreSQL database made for this test session (from
``POSTGRES_TEST_URL``), migrated, emptied before each test and dropped at the
end. Without a reachable PostgreSQL the PostgreSQL runs are skipped, except
under CI (``CI=true``), where they fail.
"""

import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import psycopg
import pytest
import pytest_asyncio
from psycopg import sql
from sqlalchemy import inspect, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine

from council.database import create_engine, create_tables
from council.enquiries import EnquiryService, Location, NewEnquiry

POSTGRES_TEST_URL = os.environ.get(
    "POSTGRES_TEST_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
DATABASES = ["sqlite", "postgresql"]


class PostgresServer:
    """Makes and drops whole databases on the test server."""

    def __init__(self, url: str):
        self._url = make_url(url)
        self._admin = psycopg.connect(
            self._url.set(drivername="postgresql").render_as_string(False),
            autocommit=True,
            connect_timeout=5,
        )

    def create_database(self) -> str:
        """A new empty database; returns its async SQLAlchemy URL."""
        name = f"council_test_{secrets.token_hex(6)}"
        self._admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_of(name)

    def drop_database(self, url: str) -> None:
        name = str(make_url(url).database)
        self._admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )

    def url_of(self, name: str) -> str:
        return self._url.set(
            drivername="postgresql+psycopg", database=name
        ).render_as_string(False)

    def close(self) -> None:
        self._admin.close()


def postgres_unavailable(reason: str) -> NoReturn:
    """Skip, or fail under CI, where the PostgreSQL tests must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL at {POSTGRES_TEST_URL} is needed under CI: {reason}")
    pytest.skip(f"PostgreSQL at {POSTGRES_TEST_URL} is not reachable: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer(POSTGRES_TEST_URL)
    except psycopg.OperationalError as error:
        postgres_unavailable(str(error).strip())

    yield server
    server.close()


@pytest.fixture(scope="session")
def postgres_session_url(postgres_server: PostgresServer) -> Iterator[str]:
    """One database for the session's service tests, dropped afterwards."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The session's PostgreSQL database, or a SQLite file of this test's own."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'council.db'}"
    return str(request.getfixturevalue("postgres_session_url"))


@pytest.fixture(params=DATABASES)
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own, for tests of the migrations."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'blank.db'}"
        return

    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest_asyncio.fixture(loop_scope="function")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated database that holds no rows."""
    engine = create_engine(database_url)
    await create_tables(engine)
    if engine.dialect.name == "postgresql":
        await _empty_every_table(engine)

    yield engine
    await engine.dispose()


@pytest.fixture
def service(engine: AsyncEngine) -> EnquiryService:
    return EnquiryService(engine)


@pytest.fixture
def make_enquiry() -> Callable[..., NewEnquiry]:
    """Build a valid pothole report; keyword arguments replace its fields."""

    def build(**fields: Any) -> NewEnquiry:
        values: dict[str, Any] = {
            "category": "roads-and-transport.potholes-and-road-defects",
            "details": "Deep pothole outside the school gates",
            "location": Location(postcode="TR1 3AY"),
            "contact_name": "Morwenna Trevithick",
            "contact_email": "morwenna@example.com",
            "contact_phone": "01872 322000",
            "source": "assistant",
            "conversation_id": "conversation-1",
            "idempotency_key": None,
        }
        values.update(fields)
        return NewEnquiry(**values)

    return build


async def _empty_every_table(engine: AsyncEngine) -> None:
    """Truncate the shared PostgreSQL database's tables, migrations' record aside."""
    async with engine.begin() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        names = ", ".join(f'"{name}"' for name in tables if name != "alembic_version")
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
