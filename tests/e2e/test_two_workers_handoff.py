"""Live chat across two gateway worker processes on the real Redis.

The resident's websocket is on worker A, the agent's console and the supervisor
view on worker B; both workers share one Redis database (under a namespace of
their own) and one PostgreSQL database, and use the test stack's Rasa. The
workers' dispatchers offer the chat to the agent; the first offer is left to
lapse, the chat is escalated to supervisors once, and the agent accepts the
second offer. Messages then flow both ways while the assistant stays silent.
"""

import json
import subprocess
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import redis
from playwright.sync_api import expect

from tests.e2e.conftest import frames_until, open_socket, send_text, stop_workers
from tests.e2e.test_console_browser import (  # noqa: F401 (fixtures)
    RUTH,
    browser,
    contexts,
    sign_in,
)
from tests.e2e.test_handoff import agent_frames_until, agent_socket, signed_in_browser
from tests.e2e.test_shared_stores import (  # noqa: F401 (fixtures)
    _wait_healthy,
    postgres_database,
    redis_for_tests,
)
from tests.e2e.test_widget_browser import axe_violations
from tools.stack import APP_PYTHON, ROOT, Stack, free_port

pytestmark = pytest.mark.e2e

AGENT = "priya.shah@council.example"
SUPERVISOR = "ruth.morgan@council.example"
OFFER_TIMEOUT = 4
ESCALATE_AFTER = 6


@pytest.fixture(scope="module")
def two_workers(
    stack: Stack,
    postgres_database: str,  # noqa: F811
    redis_for_tests: str,  # noqa: F811
) -> Iterator[tuple[str, str]]:
    """Workers A and B: one Redis namespace and one PostgreSQL database."""
    namespace = f"e2e-{uuid.uuid4().hex[:10]}"
    env = stack.environment()
    env.update(
        {
            "DATABASE_URL": postgres_database,
            "REDIS_URL": redis_for_tests,
            "REDIS_NAMESPACE": namespace,
            "OFFER_TIMEOUT_SECONDS": str(OFFER_TIMEOUT),
            "ESCALATE_AFTER_SECONDS": str(ESCALATE_AFTER),
            "DISPATCH_INTERVAL_SECONDS": "0.5",
        }
    )
    started = []
    for name in ("a", "b"):
        port = free_port()
        log = open(stack.var / "log" / f"gateway-two-workers-{name}.log", "wb")
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
        yield started[0][0], started[1][0]
    finally:
        try:
            stop_workers([process for _, process in started])
        finally:
            cleaner = redis.Redis.from_url(redis_for_tests)
            for key in cleaner.scan_iter(f"{namespace}:*"):
                cleaner.delete(key)


def about(conversation_id: str, kind: str) -> Any:
    return lambda f: f["type"] == kind and f.get("conversation_id") == conversation_id


def left_the_queue(conversation_id: str) -> Any:
    """True at the first snapshot without the chat after one with it."""
    seen = []

    def done(frame: dict[str, Any]) -> bool:
        if frame["type"] != "queues":
            return False
        queued = any(conversation_id in q["waiting"] for q in frame["queues"])
        if queued:
            seen.append(frame)
        return bool(seen) and not queued

    return done


def handoff_state(state: str) -> Any:
    return lambda f: (
        f["type"] == "event" and f["event"].get("handoff", {}).get("state") == state
    )


def test_resident_on_one_worker_served_by_an_agent_on_the_other(stack, two_workers):
    worker_a, worker_b = two_workers
    agent_browser = signed_in_browser(stack, AGENT, gateway_url=worker_b)
    supervisor_browser = signed_in_browser(stack, SUPERVISOR, gateway_url=worker_b)
    conversation_id = httpx.post(worker_a + "/api/conversations").json()[
        "conversation_id"
    ]

    with (
        agent_socket(stack, agent_browser) as console,
        agent_socket(stack, supervisor_browser, "/ws/supervisor") as supervisor,
        open_socket(worker_a, conversation_id) as resident,
    ):
        agent_frames_until(console, lambda f: f["type"] == "queues")
        send_text(resident, "can I speak to a real person please")
        live = frames_until(resident, handoff_state("waiting"))

        # The first offer lapses: it is withdrawn and, after one offer timeout
        # (Priya is the only agent), offered to her again.
        first = agent_frames_until(console, about(conversation_id, "offer"))[-1]
        assert 0 < first["seconds_left"] <= OFFER_TIMEOUT
        withdrawn = agent_frames_until(
            console, about(conversation_id, "offer_withdrawn")
        )[-1]
        assert withdrawn["why"] == "timeout"
        agent_frames_until(console, about(conversation_id, "offer"))

        console.send(json.dumps({"type": "accept", "conversation_id": conversation_id}))
        transcript = agent_frames_until(console, about(conversation_id, "transcript"))
        routing = [e for e in transcript[-1]["events"] if e["kind"] == "routing"]
        assert [e.get("offer", {}).get("state") for e in routing if "offer" in e] == [
            "offered",
            "withdrawn",
            "offered",
        ]
        assert sum("escalation" in e for e in routing) == 1

        live += frames_until(resident, handoff_state("agent"))
        joined = live[-1]["event"]
        assert joined["handoff"]["agent_name"] == "Priya Shah"

        console.send(
            json.dumps(
                {
                    "type": "message",
                    "conversation_id": conversation_id,
                    "client_message_id": "a1",
                    "text": "Hello, I'm Priya from the council",
                }
            )
        )
        said = frames_until(
            resident, lambda f: f["type"] == "event" and f["event"]["author"] == "agent"
        )[-1]["event"]
        assert said["text"] == "Hello, I'm Priya from the council"

        send_text(resident, "How can I pay my Council Tax?")
        heard = agent_frames_until(
            console,
            lambda f: (
                f.get("conversation_id") == conversation_id
                and f["type"] == "event"
                and f["event"]["author"] == "resident"
            ),
        )[-1]["event"]
        assert heard["text"] == "How can I pay my Council Tax?"

        console.send(
            json.dumps(
                {
                    "type": "close",
                    "conversation_id": conversation_id,
                    "wrap_up": "answered",
                }
            )
        )
        frames_until(resident, handoff_state("closed"))

        seen = agent_frames_until(supervisor, left_the_queue(conversation_id))

    escalations = [f for f in seen if f["type"] == "escalated"]
    rows = [
        row
        for f in seen
        if f["type"] == "queues"
        for queue in f["queues"]
        for row in queue["waiting_detail"]
        if row["conversation_id"] == conversation_id
    ]

    # The supervisor saw the escalation once (it happened before the accept, so
    # it is in the frames read up to the chat leaving the queue).
    assert [f["conversation_id"] for f in escalations] == [conversation_id]
    assert escalations[0]["waiting_seconds"] >= ESCALATE_AFTER
    assert rows[0]["escalated"] is False and rows[-1]["escalated"] is True

    # What the resident can read, from the other worker: the agent's reply, no
    # word from the assistant while the agent had the chat, no routing.
    with open_socket(worker_b, conversation_id) as replay:
        history = [
            f["event"]
            for f in frames_until(replay, handoff_state("closed"))
            if f["type"] == "event"
        ]
    after_join = [e for e in history if e["seq"] > joined["seq"]]
    assert [e["author"] for e in after_join] == ["agent", "resident", "system"]
    assert all(e["kind"] != "routing" for e in history)
    assert all(f["event"]["kind"] != "routing" for f in live if f["type"] == "event")


@pytest.mark.browser
def test_supervisor_view_on_one_worker_highlights_a_chat_escalated_by_either(
    stack,
    two_workers,
    contexts,  # noqa: F811
):
    worker_a, worker_b = two_workers
    supervisor = sign_in(
        contexts(), SimpleNamespace(gateway_url=worker_b), RUTH, path="/supervisor"
    )
    agent_browser = signed_in_browser(stack, AGENT, gateway_url=worker_a)
    conversation_id = httpx.post(worker_a + "/api/conversations").json()[
        "conversation_id"
    ]

    with (
        agent_socket(stack, agent_browser) as console,
        open_socket(worker_a, conversation_id) as resident,
    ):
        agent_frames_until(console, lambda f: f["type"] == "queues")
        send_text(resident, "can I speak to a real person please")
        frames_until(resident, handoff_state("waiting"))

        notice = supervisor.locator("#escalation-notice")
        expect(notice).to_contain_text("Escalated: a chat", timeout=30_000)
        expect(notice).to_contain_text("nobody has taken it")
        row = supervisor.locator("#waiting tr.supervisor-row--escalated")
        expect(row).to_have_count(1, timeout=10_000)
        expect(row).to_contain_text("Escalated")
        assert axe_violations(supervisor) == []
