"""The Alembic migrations: they make the schema the code declares, on both
databases, and the application applies them itself."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.database import create_engine, create_tables, load_table_modules
from council.migrations import BASELINE_REVISION, alembic_config
from webchat.conversation_log import conversations

ROOT = Path(__file__).resolve().parents[2]
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
ENQUIRY_TABLES = {"enquiries", "enquiry_status_changes", "enquiry_reference_counters"}


def schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, load_table_modules()))


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def run(engine: AsyncEngine, function: Any) -> Any:
    async with engine.connect() as connection:
        return await connection.run_sync(function)


async def test_migrations_at_head_match_the_table_metadata(
    blank_database_url: str,
) -> None:
    engine = create_engine(blank_database_url)
    try:
        await create_tables(engine)

        differences = await run(engine, schema_differences)
        revision = await run(engine, current_revision)
    finally:
        await engine.dispose()

    assert differences == []
    assert revision == HEAD


async def test_create_tables_run_again_leaves_the_database_at_head(
    blank_database_url: str,
) -> None:
    engine = create_engine(blank_database_url)
    try:
        await create_tables(engine)
        await create_tables(engine)

        revision = await run(engine, current_revision)
        tables = await run(engine, table_names)
    finally:
        await engine.dispose()

    assert revision == HEAD
    assert ENQUIRY_TABLES | {"conversations", "conversation_events"} <= tables


async def test_create_tables_from_three_processes_at_once_migrates_once(
    blank_database_url: str,
) -> None:
    engines = [create_engine(blank_database_url) for _ in range(3)]
    try:
        await asyncio.gather(*(create_tables(engine) for engine in engines))

        revision = await run(engines[0], current_revision)
        differences = await run(engines[0], schema_differences)
    finally:
        for engine in engines:
            await engine.dispose()

    assert revision == HEAD
    assert differences == []


def make_database_of_before_migrations(connection: Connection) -> None:
    """The conversation tables as ``metadata.create_all`` made them before
    migrations: the baseline revision's schema, without Alembic's version table."""
    command.upgrade(alembic_config(connection), BASELINE_REVISION)
    connection.exec_driver_sql("DROP TABLE alembic_version")
    connection.exec_driver_sql(
        "INSERT INTO conversations (id, state, created_at) "
        "VALUES ('before-migrations', 'bot', '2026-11-01 09:00:00+00:00')"
    )


async def test_create_tables_on_a_database_made_before_migrations_keeps_its_rows(
    blank_database_url: str,
) -> None:
    engine = create_engine(blank_database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(make_database_of_before_migrations)

        await create_tables(engine)

        async with engine.connect() as connection:
            kept = (await connection.execute(select(conversations.c.id))).scalars()
            kept_ids = list(kept)
        revision = await run(engine, current_revision)
        differences = await run(engine, schema_differences)
    finally:
        await engine.dispose()

    assert kept_ids == ["before-migrations"]
    assert revision == HEAD
    assert differences == []


async def test_migrations_downgraded_to_base_and_upgraded_again_match_metadata(
    blank_database_url: str,
) -> None:
    engine = create_engine(blank_database_url)
    try:
        await create_tables(engine)

        async with engine.begin() as connection:
            await connection.run_sync(
                lambda sync: command.downgrade(alembic_config(sync), "base")
            )
        tables_at_base = await run(engine, table_names)

        await create_tables(engine)
        differences = await run(engine, schema_differences)
    finally:
        await engine.dispose()

    assert tables_at_base <= {"alembic_version"}
    assert differences == []


def test_alembic_command_upgrades_the_database_the_settings_name(
    tmp_path: Path,
) -> None:
    database = tmp_path / "cli.db"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(ROOT),
    }

    upgraded = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    current = subprocess.run(
        [sys.executable, "-m", "alembic", "current"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert upgraded.returncode == 0, upgraded.stderr
    assert database.exists()
    assert f"{HEAD} (head)" in current.stdout
