"""The database schema's migrations (Alembic), and running them from code.

Every process that opens the database brings it to the newest revision through
:func:`upgrade_to_head`, so a fresh SQLite file or PostgreSQL database needs no
separate step. Developers use the ``alembic`` command with ``alembic.ini``.
"""

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect, text

logger = logging.getLogger(__name__)

MIGRATIONS_FOLDER = Path(__file__).resolve().parent

# The revision whose tables the gateway made with ``metadata.create_all``
# before the project had migrations; such a database is adopted at it.
BASELINE_REVISION = "0001"
BASELINE_TABLE = "conversations"

# A fixed key for PostgreSQL's advisory lock, so that gateway workers starting
# together migrate one after the other. Any constant works; this spells "council".
MIGRATION_LOCK_KEY = 0x636F756E63696C


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for this project, without reading ``alembic.ini``.

    With ``connection``, Alembic's environment migrates through it, inside the
    caller's transaction, instead of opening its own engine.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_FOLDER).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(connection: Connection) -> None:
    """Apply every migration the database lacks, inside the caller's transaction.

    Safe to run at every start: a database already at head is left alone.
    Processes starting together (a gateway and an action server, several
    workers) migrate one after the other: on PostgreSQL through an advisory
    lock, on SQLite through the write lock, both held until the transaction
    ends. This must be the transaction's first work.

    A database made before migrations (its conversation tables exist, Alembic's
    version table does not) is recorded at the baseline revision first, so its
    tables and rows are kept.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
        )
    elif connection.dialect.name == "sqlite":
        # Python's sqlite3 begins transactions lazily, and never for DDL, so
        # without this the tables would be made outside any transaction. An
        # explicit BEGIN IMMEDIATE takes the write lock at once (waiting up to
        # the busy timeout) and the caller's commit or rollback ends it.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    config = alembic_config(connection)
    tables = set(inspect(connection).get_table_names())

    if "alembic_version" not in tables and BASELINE_TABLE in tables:
        logger.warning(
            "The database has conversation tables but no migration history; "
            "recording it at revision %s and upgrading from there",
            BASELINE_REVISION,
        )
        command.stamp(config, BASELINE_REVISION)

    command.upgrade(config, "head")
