"""The council's SQL database: one async engine and the shared table metadata.

A SQLite file by default; PostgreSQL when ``DATABASE_URL`` says so. Tables are
declared with SQLAlchemy 2 against :data:`metadata`.
"""

import logging

from sqlalchemy import MetaData, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

logger = logging.getLogger(__name__)

metadata = MetaData()


def create_engine(url: str) -> AsyncEngine:
    """Create the engine for ``url``; SQLite gets WAL and foreign keys on."""
    engine = create_async_engine(url, pool_pre_ping=True)

    if engine.dialect.name == "sqlite":
        _make_sqlite_folder(url)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

    logger.info("Database engine created (%s)", engine.dialect.name)
    return engine


async def create_tables(engine: AsyncEngine) -> None:
    """Create any missing tables."""
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


async def ping(engine: AsyncEngine) -> None:
    """Run ``SELECT 1``; raises if the database cannot answer."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def _make_sqlite_folder(url: str) -> None:
    from pathlib import Path

    path = url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
