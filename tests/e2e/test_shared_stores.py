"""The gateway on the real Redis and PostgreSQL: two workers, one conversation."""

import subprocess
import time
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
import redis

from tests.e2e.conftest import (
    frames_until,
    is_reply,
    open_socket,
    postgres_url,
    redis_url,
    require_server,
    send_text,
    stop_workers,
)
from tools.stack import APP_PYTHON, ROOT, Stack, free_port

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this module, dropped afterwards."""
    admin_url = postgres_url()
    require_server(
        lambda: psycopg.connect(admin_url, connect_timeout=3).close(), "PostgreSQL"
    )
    name = f"council_e2e_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def redis_for_tests() -> str:
    url = redis_url()
    require_server(lambda: redis.Redis.from_url(url, socket_timeout=3).ping(), "Redis")
    return url


@pytest.fixture(scope="module")
def workers(stack: Stack, postgres_database: str, redis_for_tests: str):
    """Two more gateway processes sharing Redis and PostgreSQL, on the same Rasa."""
    env = stack.environment()
    env.update({"DATABASE_URL": postgres_database, "REDIS_URL": redis_for_tests})
    started = []
    for _ in range(2):
        port = free_port()
        log = open(stack.var / "log" / f"gateway-{port}.log", "wb")
        process = subprocess.Popen(
            [str(APP_PYTHON), "-m", "webchat"],
            cwd=ROOT,
            env={**env, "GATEWAY_PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((f"http://127.0.0.1:{port}", process))
    try:
        for url, process in started:
            _wait_healthy(url, process)
        yield [url for url, _ in started]
    finally:
        stop_workers([process for _, process in started])


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        assert process.poll() is None, "gateway worker exited"
        try:
            if httpx.get(url + "/healthz", timeout=3).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"gateway {url} never became healthy")


def test_healthz_reports_postgresql_and_redis(workers):
    components = httpx.get(workers[0] + "/healthz").json()["components"]

    assert components["database"] == {"state": "ok", "detail": "postgresql"}
    assert components["redis"] == {"state": "ok", "detail": "answering"}
    assert components["rasa_tracker_store"]["state"] == "ok"


def test_conversation_started_on_one_worker_is_answered_by_the_other(workers):
    first, second = workers
    conversation_id = httpx.post(first + "/api/conversations").json()["conversation_id"]

    response = httpx.post(
        f"{second}/api/conversations/{conversation_id}/messages",
        json={"text": "How can I pay my Council Tax?"},
        timeout=60,
    )

    assert response.status_code == 200
    topics = {
        t
        for m in response.json()["messages"]
        for s in m["sources"]
        for t in s["topics"]
    }
    assert "council-tax.pay" in topics


def test_resident_on_one_worker_is_seen_live_on_the_other(workers):
    first, second = workers
    conversation_id = httpx.post(first + "/api/conversations").json()["conversation_id"]

    with open_socket(second, conversation_id) as watcher:
        with open_socket(first, conversation_id) as resident:
            send_text(resident, "How can I pay my Council Tax?")
            frames_until(resident, is_reply)
        seen = frames_until(watcher, is_reply)

    events = [f["event"] for f in seen if f["type"] == "event"]
    assert [e["author"] for e in events] == ["resident", "bot"]
    assert [e["seq"] for e in events] == [1, 2]


def test_healthz_notices_rasa_keeping_trackers_in_memory_not_redis(workers):
    # These workers use Redis, but the test stack's Rasa was started without it:
    # the same drift as Rasa's silent fallback to memory when Redis fails.
    first, _ = workers
    conversation_id = httpx.post(first + "/api/conversations").json()["conversation_id"]
    httpx.post(
        f"{first}/api/conversations/{conversation_id}/messages",
        json={"text": "hello"},
        timeout=60,
    )

    response = httpx.get(first + "/healthz")

    assert response.status_code == 503
    assert response.json()["components"]["rasa_tracker_store"]["state"] == "down"
