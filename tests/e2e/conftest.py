"""The real stack for end-to-end tests: Rasa, the action server and the gateway
started as processes on free ports, talking over real sockets."""

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tools.stack import ROOT, Stack, free_port

MODEL = ROOT / "models" / "council.tar.gz"
INDEX = ROOT / "var" / "knowledge-index"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists() or not INDEX.exists():
        pytest.fail("Run `make model index` (or `make test`) before these tests.")

    database = tmp_path_factory.mktemp("db") / "council.db"
    running = Stack(
        gateway_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        oidc_port=free_port(),
        pay_port=free_port(),
        extra_env={
            "DATABASE_URL": f"sqlite:///{database}",
            "REDIS_URL": "",
            # Agents on duty all week, so handoff tests do not depend on the day.
            "CONTACT_CENTRE_HOURS": "mon-sun 00:00-24:00",
            "CONTACT_CENTRE_CLOSED_ON_BANK_HOLIDAYS": "false",
            # Every test talks from 127.0.0.1: per-address limits are tested
            # on their own (tests/webchat/test_rate_limits.py).
            "RATE_LIMIT_PER_ADDRESS": "100000/minute",
            "RATE_LIMIT_NEW_CONVERSATIONS": "100000/minute",
        },
    )
    running.start()
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture()
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.gateway_url, timeout=60.0) as client:
        yield client


def new_conversation(client: httpx.Client) -> str:
    response = client.post("/api/conversations")
    assert response.status_code == 201
    return str(response.json()["conversation_id"])


def open_socket(
    target: Stack | str, conversation_id: str, after: int = 0
) -> ClientConnection:
    """A websocket on a conversation, on the stack's gateway or a gateway URL."""
    base = target if isinstance(target, str) else target.gateway_url
    url = base.replace("http", "ws", 1)
    return connect(f"{url}/ws/conversations/{conversation_id}?after={after}")


def send_text(socket: ClientConnection, text: str, client_id: str | None = None) -> str:
    client_id = client_id or uuid.uuid4().hex
    socket.send(
        json.dumps({"type": "message", "client_message_id": client_id, "text": text})
    )
    return client_id


def frames_until(
    socket: ClientConnection, done: Any, timeout: float = 60.0
) -> list[dict[str, Any]]:
    """Read frames until ``done(frame)`` is true; return every frame read."""
    frames = []
    while True:
        frame = json.loads(socket.recv(timeout=timeout))
        frames.append(frame)
        if done(frame):
            return frames


def is_reply(frame: dict[str, Any]) -> bool:
    return frame.get("type") == "event" and frame["event"]["author"] in (
        "bot",
        "system",
    )


def service_url(variable: str) -> str | None:
    """A test server's URL from the environment; CI must have it."""
    return os.environ.get(variable)


def postgres_url() -> str:
    return os.environ.get(
        "POSTGRES_TEST_URL", "postgresql://postgres@127.0.0.1:5432/test"
    )


def redis_url() -> str:
    return os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def require_server(check: Any, name: str) -> None:
    """Skip when a local server is missing, but fail under CI, where it must be."""
    try:
        check()
    except Exception as error:
        message = f"{name} is not reachable: {error!r}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def stop_workers(processes: list[subprocess.Popen[bytes]], seconds: float = 15) -> None:
    """Stop extra gateway workers; one that outlives ``seconds`` is killed, so it
    cannot linger holding Redis and database connections, and the test fails."""
    for process in processes:
        process.terminate()

    stuck = []
    for process in processes:
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=seconds)
            stuck.append(process.pid)
    assert not stuck, f"gateway workers {stuck} did not stop within {seconds} s"
