"""The council's SQL database: one async engine and the shared table metadata.

A SQLite file by default; PostgreSQL when ``DATABASE_URL`` says so. Tables are
declared with SQLAlchemy 2 against :data:`metadata`, in the modules listed in
:data:`TABLE_MODULES`; the schema itself comes from the Alembic migrations in
``council/migrations``, which :func:`create_tables` applies.
"""

import importlib
import logging

from sqlalchemy import MetaData, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from council.migrations import upgrade_to_head

logger = logging.getLogger(__name__)

metadata = MetaData()

# Every module that declares tables on ``metadata``. Migrations, their
# autogenerate and the test that compares the two import these, so a module
# with new tables belongs here (with a migration that creates them).
TABLE_MODULES = (
    "webchat.conversation_log",
    "council.enquiries.models",
    "council.payments.models",
    "council.silos.council_tax",
    "council.silos.waste",
    "council.silos.housing",
    "council.silos.benefits",
    "council.silos.parking",
    "council.single_view.models",
    "council.councillors.models",
)


def create_engine(url: str) -> AsyncEngine:
    """Create the engine for ``url``; SQLite gets WAL and foreign keys on."""
    engine = create_async_engine(url, pool_pre_ping=True)

    if engine.dialect.name == "sqlite":
        _make_sqlite_folder(url)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            # The busy timeout first, so that switching to WAL waits for a
            # writer on another connection instead of failing at once.
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    logger.info("Database engine created (%s)", engine.dialect.name)
    return engine


def load_table_modules() -> MetaData:
    """Import every module in :data:`TABLE_MODULES`; return the full metadata."""
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return metadata


async def create_tables(engine: AsyncEngine) -> None:
    """Bring the database to the newest migration; safe to call at every start.

    Runs in one transaction: on PostgreSQL a failed migration leaves nothing
    behind, and gateway workers starting together take turns.
    """
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to_head)
    logger.info("Database schema is up to date (%s)", engine.dialect.name)


async def ping(engine: AsyncEngine) -> None:
    """Run ``SELECT 1``; raises if the database cannot answer."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def _make_sqlite_folder(url: str) -> None:
    from pathlib import Path

    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
