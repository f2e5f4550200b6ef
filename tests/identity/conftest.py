"""Fixtures: the local OIDC provider as a real TLS process, and test gateways."""

import os
import ssl
from collections.abc import Iterator

import httpx
import pytest
import redis
from redis.asyncio import Redis

from council.settings import Settings
from tests.identity.servers import ThreadedServer, identity_app
from tools.oidc_provider.process import LocalProvider
from tools.stack import free_port
from webchat.identity import IdentityService, build_identity
from webchat.identity.store import KEY_PREFIX

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProvider]:
    running = LocalProvider(port=free_port(), state_dir=tmp_path_factory.mktemp("oidc"))
    running.start()
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def identity_settings(provider: LocalProvider, **overrides: object) -> Settings:
    """Test settings pointing agents and residents at the local provider."""
    values: dict[str, object] = {
        "environment": "test",
        "identity_ca_file": provider.ca_file,
        "agent_oidc_authority": provider.issuer,
        "resident_oidc_authority": provider.issuer,
        "session_cookie_secure": False,
        "redis_url": "",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type,call-arg]


@pytest.fixture(scope="module")
def identity(provider: LocalProvider) -> IdentityService:
    return build_identity(identity_settings(provider))


@pytest.fixture(scope="module")
def gateway(identity: IdentityService) -> Iterator[ThreadedServer]:
    server = ThreadedServer(identity_app(identity), free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def browser(provider: LocalProvider) -> Iterator[httpx.Client]:
    """A cookie-keeping client that trusts the provider's CA and nothing else."""
    context = ssl.create_default_context(cafile=str(provider.ca_file))
    with httpx.Client(verify=context, trust_env=False, timeout=15.0) as client:
        yield client


@pytest.fixture
def redis_gateways(provider: LocalProvider) -> Iterator[list[ThreadedServer]]:
    """Two gateway workers sharing Redis db 15 (skipped locally without Redis)."""
    require_redis()
    servers = []
    for _ in range(2):
        settings = identity_settings(provider, redis_url=REDIS_URL)
        service = build_identity(settings, Redis.from_url(REDIS_URL))
        servers.append(ThreadedServer(identity_app(service), free_port()).start())
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()
        clear_identity_keys()


def require_redis() -> None:
    """Skip when Redis is missing, but fail under CI, where it must be."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {REDIS_URL}: {error!r}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def clear_identity_keys() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=KEY_PREFIX + "*"))
    if keys:
        client.delete(*keys)
