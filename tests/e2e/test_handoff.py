"""A resident asks for a person; an agent signs in, accepts, replies, hands back."""

import json
import ssl
from collections.abc import Iterator

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import (
    frames_until,
    new_conversation,
    open_socket,
    send_text,
)
from tests.identity.flows import sign_in

pytestmark = pytest.mark.e2e

AGENT = "priya.shah@council.example"
NOT_AN_AGENT = "sam.green@council.example"


def signed_in_browser(
    stack, username: str, gateway_url: str | None = None
) -> httpx.Client:
    """Signed in through the stack's provider, on its gateway or ``gateway_url``."""
    base = gateway_url or stack.gateway_url
    provider = stack.identity_provider()
    browser = httpx.Client(
        base_url=base,
        verify=ssl.create_default_context(cafile=str(provider.ca_file)),
        timeout=30,
    )
    sign_in(browser, base + "/auth/login?next=/console", username)
    return browser


def agent_socket(
    stack, browser: httpx.Client, path: str = "/ws/agent"
) -> ClientConnection:
    """The staff socket at ``path`` on the gateway ``browser`` signed in to."""
    base = str(browser.base_url).rstrip("/")
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)
    url = base.replace("http", "ws", 1) + path
    return connect(url, additional_headers={"Cookie": cookie, "Origin": base})


def agent_frames_until(socket: ClientConnection, done) -> list[dict]:
    frames = []
    while True:
        frame = json.loads(socket.recv(timeout=60))
        frames.append(frame)
        if done(frame):
            return frames


@pytest.fixture()
def agent(stack) -> Iterator[tuple[httpx.Client, ClientConnection]]:
    browser = signed_in_browser(stack, AGENT)
    with agent_socket(stack, browser) as socket:
        agent_frames_until(socket, lambda f: f["type"] == "queues")
        yield browser, socket
    browser.close()


def test_console_page_needs_the_agent_role(stack):
    anonymous = httpx.get(stack.gateway_url + "/console")
    staff = signed_in_browser(stack, NOT_AN_AGENT)

    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/auth/login")
    assert staff.get("/console").status_code == 403


def test_agent_socket_refuses_staff_without_the_agent_role(stack):
    from websockets.exceptions import ConnectionClosed

    browser = signed_in_browser(stack, NOT_AN_AGENT)
    with pytest.raises(ConnectionClosed) as closed:
        with agent_socket(stack, browser) as socket:
            socket.recv(timeout=10)

    assert closed.value.rcvd.code == 4403


def test_resident_handed_to_an_agent_and_back_to_the_assistant(stack, gateway, agent):
    browser, console = agent
    conversation_id = new_conversation(gateway)

    with open_socket(stack, conversation_id) as resident:
        send_text(resident, "How can I pay my Council Tax?")
        frames_until(
            resident, lambda f: f["type"] == "event" and f["event"]["author"] == "bot"
        )
        send_text(resident, "can I speak to a real person please")
        queued = frames_until(
            resident,
            lambda f: (
                f["type"] == "event"
                and f["event"].get("handoff", {}).get("state") == "waiting"
            ),
        )[-1]["event"]
        assert queued["handoff"]["position"] == 1

        agent_frames_until(
            console,
            lambda f: (
                f["type"] == "queues"
                and any(conversation_id in q["waiting"] for q in f["queues"])
            ),
        )
        console.send(json.dumps({"type": "accept", "conversation_id": conversation_id}))
        transcript = agent_frames_until(console, lambda f: f["type"] == "transcript")[
            -1
        ]
        authors = [e["author"] for e in transcript["events"]]
        assert authors[:2] == ["resident", "bot"]
        assert any(e.get("understood", {}).get("intent") for e in transcript["events"])

        joined = frames_until(
            resident,
            lambda f: (
                f["type"] == "event"
                and f["event"].get("handoff", {}).get("state") == "agent"
            ),
        )[-1]["event"]
        assert joined["handoff"]["agent_name"] == "Priya Shah"

        console.send(
            json.dumps(
                {
                    "type": "message",
                    "conversation_id": conversation_id,
                    "client_message_id": "a1",
                    "text": "Hello, I'm here",
                }
            )
        )
        said = frames_until(
            resident, lambda f: f["type"] == "event" and f["event"]["author"] == "agent"
        )[-1]["event"]
        assert said["text"] == "Hello, I'm here"

        send_text(resident, "thanks, my bin was missed")
        heard = agent_frames_until(
            console,
            lambda f: f["type"] == "event" and f["event"]["author"] == "resident",
        )[-1]
        assert heard["event"]["text"] == "thanks, my bin was missed"

        console.send(
            json.dumps({"type": "handback", "conversation_id": conversation_id})
        )
        frames_until(
            resident,
            lambda f: (
                f["type"] == "event"
                and f["event"].get("handoff", {}).get("state") == "bot"
            ),
        )
        send_text(resident, "How can I pay my Council Tax?")
        after = frames_until(
            resident, lambda f: f["type"] == "event" and f["event"]["author"] == "bot"
        )[-1]["event"]

    assert after["sources"]
    history = frames_until(
        open_socket(stack, conversation_id),
        lambda f: f["event"]["text"] == after["text"],
    )
    during_agent = [
        f["event"]
        for f in history
        if f["event"]["seq"] > said["seq"] and f["event"]["seq"] < after["seq"]
    ]
    assert "bot" not in [
        e["author"] for e in during_agent if e["seq"] < heard["event"]["seq"] + 2
    ]
