"""Alembic's environment: which tables, which database, which connection.

Run two ways. From the application, :func:`council.migrations.upgrade_to_head`
passes its own connection in ``config.attributes["connection"]``. From the
``alembic`` command, this opens an engine on the database the settings name
(``DATABASE_URL``), or on ``sqlalchemy.url`` if a config sets one.
"""

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from council.database import create_engine, load_table_modules
from council.settings import get_settings

config = context.config
target_metadata = load_table_modules()


def run_migrations(connection: Connection) -> None:
    """Migrate through ``connection``; the caller commits."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite alters a table by copying it; later revisions that change a
        # column need batch mode there, and autogenerate writes it for them.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().async_database_url


async def run_with_own_engine() -> None:
    engine = create_engine(database_url())
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def run_offline() -> None:
    """Write the SQL to standard output (``alembic upgrade head --sql``)."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


given_connection = config.attributes.get("connection")

if given_connection is None and config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_offline()
elif given_connection is not None:
    run_migrations(given_connection)
else:
    asyncio.run(run_with_own_engine())
