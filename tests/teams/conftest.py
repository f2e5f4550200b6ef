"""Fixtures: the Bot Connector stand-in over HTTPS, and gateways on SQLite and
PostgreSQL (and Redis for the shared de-duplication).

The stand-in runs for the whole session; each test gets a fresh gateway on a
database emptied for it. Without PostgreSQL or Redis those variants are
skipped locally and fail under CI (``CI=true``).
"""

import asyncio
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import pytest_asyncio
import redis
from psycopg import sql
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from council.database import create_engine
from council.settings import ROOT, Settings
from tests.teams.servers import Gateway
from tools.bot_connector.server import LocalBotConnector
from tools.bot_connector.service import BotConnector, Member
from tools.stack import free_port
from webchat.teams.dedupe import KEY_PREFIX

POSTGRES_TEST_URL = os.environ.get(
    "POSTGRES_TEST_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
COUNCILLORS = ROOT / "council" / "councillors" / "sample.yaml"

# Two councillors of the sample list, and someone who is not one.
PENROSE = Member("Cllr Morwenna Penrose", "6f1c2a9e-3b7d-4c55-9a1e-0d2b8c4f7a11")
TRELAWNY = Member("Cllr Jago Trelawny", "0b8e4d2c-91f3-4e6a-8c7d-5a3f2e1b9c22")
STRANGER = Member("Pat Officer", "9d9d9d9d-0000-4000-8000-000000000001")


def unavailable(what: str, reason: str) -> None:
    """Skip, or fail under CI, where PostgreSQL and Redis must be there."""
    message = f"{what} is not reachable: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def local_connector(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LocalBotConnector]:
    running = LocalBotConnector(
        free_port(), tmp_path_factory.mktemp("bot-connector"), bot_endpoint=""
    ).start()
    yield running
    running.stop()


@pytest.fixture
def connector(local_connector: LocalBotConnector) -> Iterator[BotConnector]:
    """The session's stand-in, healthy again after each test."""
    yield local_connector.connector
    local_connector.connector.recover()


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[psycopg.Connection]:
    url = make_url(POSTGRES_TEST_URL).set(drivername="postgresql")
    try:
        admin = psycopg.connect(
            url.render_as_string(False), autocommit=True, connect_timeout=5
        )
    except psycopg.OperationalError as error:
        unavailable("PostgreSQL", str(error).strip())
    yield admin
    admin.close()


@pytest.fixture(scope="session")
def postgres_url(postgres_admin: psycopg.Connection) -> Iterator[str]:
    """One database for the session, dropped at the end."""
    name = f"council_test_{secrets.token_hex(6)}"
    postgres_admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(POSTGRES_TEST_URL).set(
        drivername="postgresql+psycopg", database=name
    )
    yield url.render_as_string(False)
    postgres_admin.execute(
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    )


def empty_postgres(url: str) -> None:
    """Truncate every table but Alembic's, so each test starts with no rows."""
    plain = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain, autocommit=True) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ]
        if names:
            tables = sql.SQL(", ").join(sql.Identifier(name) for name in names)
            connection.execute(
                sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(tables)
            )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'council.db'}"
    url = str(request.getfixturevalue("postgres_url"))
    empty_postgres(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'council.db'}"


@pytest.fixture
def redis_url() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable("Redis", repr(error))
    yield REDIS_URL
    keys = list(client.scan_iter(match=KEY_PREFIX + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def gateway_settings(
    local: LocalBotConnector, database_url: str, **overrides: Any
) -> Settings:
    connector = local.connector
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "redis_url": "",
        "bot_app_id": connector.app_id,
        "bot_app_secret": connector.app_secret,
        "bot_tenant_id": connector.tenant_id,
        "bot_authority": connector.authority,
        "bot_openid_metadata_url": connector.metadata_url,
        "bot_ca_file": local.ca_file,
        "councillors_file": COUNCILLORS,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type,call-arg]


@pytest.fixture
def start_gateway(
    local_connector: LocalBotConnector,
) -> Iterator[Callable[..., Gateway]]:
    """Start gateways (stopped after the test); the stand-in delivers to the
    last one started."""
    started: list[Gateway] = []

    def start(
        database_url: str, with_staff_routes: bool = False, **overrides: Any
    ) -> Gateway:
        settings = gateway_settings(local_connector, database_url, **overrides)
        gateway = Gateway(settings, free_port(), with_staff_routes).start()
        started.append(gateway)
        local_connector.connector.bot_endpoint = gateway.messages_url
        return gateway

    yield start
    for gateway in reversed(started):
        gateway.stop()


@pytest.fixture
def gateway(start_gateway: Callable[..., Gateway], database_url: str) -> Gateway:
    return start_gateway(database_url)


@pytest.fixture
def sqlite_gateway(start_gateway: Callable[..., Gateway], sqlite_url: str) -> Gateway:
    return start_gateway(sqlite_url)


@pytest_asyncio.fixture(loop_scope="function")
async def engine(gateway: Gateway) -> AsyncIterator[AsyncEngine]:
    """The gateway's database, opened from the test's side."""
    engine = create_engine(gateway.app.state.services.settings.async_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def conversation_id() -> str:
    return f"a:{uuid.uuid4().hex}"


async def wait_for_replies(
    connector: BotConnector, conversation_id: str, count: int, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """The conversation's replies once there are ``count`` (typing aside)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        replies = connector.replies(conversation_id)
        if len(replies) >= count:
            return replies
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"expected {count} replies in {conversation_id}, got {len(replies)}: "
                f"{[reply.get('text') for reply in replies]}"
            )
        await asyncio.sleep(0.02)
