"""Rasa, the action server, Redis and a gateway worker fail mid conversation.

The resident is told plainly, nothing they sent is lost, and the chat recovers.
This module runs its own stack (with its own Redis server on a free port) so the
faults cannot disturb other tests.
"""

import json
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import ClientConnection

from tests.e2e.conftest import frames_until, is_reply, open_socket, send_text
from tools.stack import APP_PYTHON, ROOT, Stack, free_port

pytestmark = pytest.mark.e2e

QUESTION = "How can I pay my Council Tax?"


class RedisServer:
    """A Redis server of this module's own, so it can be stopped and started."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is needed for the Redis fault test")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                import redis

                redis.Redis(port=self.port, socket_timeout=0.5).ping()
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def faulty(tmp_path_factory, redis_server) -> Iterator[Stack]:
    database = tmp_path_factory.mktemp("faults") / "council.db"
    stack = Stack(
        gateway_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        oidc_port=free_port(),
        pay_port=free_port(),
        extra_env={
            "DATABASE_URL": f"sqlite:///{database}",
            "REDIS_URL": redis_server.url,
            "RATE_LIMIT_PER_ADDRESS": "100000/minute",
            "RATE_LIMIT_NEW_CONVERSATIONS": "100000/minute",
        },
    )
    stack.start()
    try:
        stack.wait_ready()
        yield stack
    finally:
        stack.stop()


def start(stack: Stack) -> str:
    response = httpx.post(stack.gateway_url + "/api/conversations", timeout=30)
    return str(response.json()["conversation_id"])


def ask(socket: ClientConnection, text: str, client_id: str | None = None) -> dict:
    send_text(socket, text, client_id)
    return frames_until(socket, is_reply, timeout=90)[-1]["event"]


def residents_words(stack: Stack, conversation_id: str) -> list[str]:
    with open_socket(stack, conversation_id) as socket:
        frames = []
        while True:
            try:
                frames.append(json.loads(socket.recv(timeout=3)))
            except TimeoutError:
                break
    return [
        f["event"]["text"]
        for f in frames
        if f["type"] == "event" and f["event"]["author"] == "resident"
    ]


def wait_healthy(stack: Stack) -> None:
    stack.wait_ready(timeout=420)


def test_rasa_stopped_the_resident_is_told_and_the_chat_recovers(faulty):
    conversation_id = start(faulty)

    faulty.stop_process("rasa")
    with open_socket(faulty, conversation_id) as socket:
        during = ask(socket, "When is my bin day?")
    faulty.restart_process("rasa")
    wait_healthy(faulty)
    with open_socket(faulty, conversation_id, after=during["seq"]) as socket:
        after = ask(socket, QUESTION)

    assert during["author"] == "system"
    assert "kept" in during["text"]
    assert after["author"] == "bot" and after["sources"]
    assert residents_words(faulty, conversation_id) == ["When is my bin day?", QUESTION]


def test_action_server_stopped_the_resident_is_told_and_the_chat_recovers(faulty):
    conversation_id = start(faulty)

    faulty.stop_process("actions")
    with open_socket(faulty, conversation_id) as socket:
        during = ask(socket, QUESTION)
    faulty.restart_process("actions")
    wait_healthy(faulty)
    with open_socket(faulty, conversation_id, after=during["seq"]) as socket:
        after = ask(socket, QUESTION)

    assert during["author"] == "system"
    assert "try again" in during["text"]
    assert after["author"] == "bot" and after["sources"]


def test_redis_stopped_messages_are_refused_not_lost_and_sent_again(
    faulty, redis_server
):
    conversation_id = start(faulty)
    client_id = uuid.uuid4().hex

    with open_socket(faulty, conversation_id) as socket:
        redis_server.stop()
        send_text(socket, QUESTION, client_id)
        refused = frames_until(socket, lambda f: f["type"] in ("error", "ack"))[-1]
        redis_server.start()
        time.sleep(1)
        reply = ask(socket, QUESTION, client_id)

    assert refused["type"] == "error"
    assert refused["error"]["code"] == "temporarily_unavailable"
    assert reply["author"] == "bot"
    assert residents_words(faulty, conversation_id) == [QUESTION]


def test_gateway_worker_stopped_the_resident_resumes_on_another(faulty):
    port = free_port()
    env = {**faulty.environment(), "GATEWAY_PORT": str(port)}
    log = open(faulty.var / "log" / f"gateway-{port}.log", "ab")
    worker = subprocess.Popen(
        [str(APP_PYTHON), "-m", "webchat"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    second = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(second + "/healthz", timeout=3).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    conversation_id = start(faulty)

    with open_socket(second, conversation_id) as socket:
        first_reply = ask(socket, QUESTION)
        send_text(socket, "and when is bin day?")
        frames_until(socket, lambda f: f["type"] == "ack")
        worker.kill()
    worker.wait(timeout=10)
    with open_socket(faulty, conversation_id, after=first_reply["seq"]) as socket:
        resumed = frames_until(socket, is_reply, timeout=90)

    words = residents_words(faulty, conversation_id)
    assert words == [QUESTION, "and when is bin day?"]
    events = [f["event"] for f in resumed if f["type"] == "event"]
    assert [e["seq"] for e in events] == sorted({e["seq"] for e in events})


@pytest.mark.browser
def test_redis_stopped_the_widget_keeps_the_message_and_sends_it_again(
    faulty, redis_server
):
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.test_widget_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.goto(faulty.gateway_url + "/")
        expect(page.get_by_role("status")).to_contain_text("Connected", timeout=30_000)

        redis_server.stop()
        try:
            page.get_by_label("Your message").fill(QUESTION)
            page.get_by_role("button", name="Send").click()
            expect(page.get_by_role("alert")).to_contain_text(
                "will be sent again", timeout=30_000
            )
            still_shown = page.locator(".council-chat__message--resident").count()
        finally:
            redis_server.start()

        expect(page.locator(".council-chat__message--bot").first).to_be_visible(
            timeout=90_000
        )
        conversation_id = page.evaluate(
            "Object.keys(localStorage).filter(k => k.endsWith(':conversation'))"
            ".map(k => localStorage.getItem(k))[0]"
        )
        browser.close()

    assert still_shown == 1
    assert residents_words(faulty, conversation_id) == [QUESTION]
