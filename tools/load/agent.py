"""A simulated contact-centre agent: signs in, takes chats, relays messages.

Sign-in is the real one: the gateway's login route, the local OIDC provider's
user picker and the form post back, driven with httpx as a browser would
(tools/oidc_provider). The agent's socket then carries the session cookie.
"""

import asyncio
import json
import logging
import re
import ssl
import time
import uuid
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tools.load.ledger import Ledger
from webchat.conversation_log import STAFF_ONLY_KINDS

logger = logging.getLogger(__name__)

# The seeded agents of tools/oidc_provider/seed.yaml.
AGENTS = (
    "priya.shah@council.example",
    "tom.evans@council.example",
    "ruth.morgan@council.example",
)

_FORM = re.compile(r'<form method="post" action="([^"]+)">')
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


class SignInError(Exception):
    """The local provider's pages were not what a browser would expect."""


def _form(page: httpx.Response) -> tuple[str, dict[str, str]]:
    match = _FORM.search(page.text)
    if match is None:
        raise SignInError(f"no form on the page (HTTP {page.status_code})")
    fields = {name: unescape(value) for name, value in _HIDDEN.findall(page.text)}
    return unescape(match.group(1)), fields


async def sign_in(base_url: str, ca_file: Path, username: str) -> str:
    """Sign ``username`` in to the console; return the gateway's Cookie header."""
    context = ssl.create_default_context(cafile=str(ca_file))
    async with httpx.AsyncClient(
        base_url=base_url, verify=context, timeout=60.0, trust_env=False
    ) as browser:
        picker = await browser.get("/auth/login?next=/console", follow_redirects=True)
        action, fields = _form(picker)
        handover = await browser.post(action, data={**fields, "username": username})
        action, fields = _form(handover)
        landed = await browser.post(action, data=fields, follow_redirects=True)
        if landed.status_code != 200:
            raise SignInError(f"sign-in ended with HTTP {landed.status_code}")
        return "; ".join(f"{c.name}={c.value}" for c in browser.cookies.jar)


@dataclass
class SimulatedAgent:
    """One agent's console socket."""

    base_url: str
    cookie: str
    ledger: Ledger
    errors: list[str] = field(default_factory=list)
    _socket: ClientConnection | None = None
    _reader: asyncio.Task[None] | None = None
    _last_seq: dict[str, int] = field(default_factory=dict)
    _taken: dict[str, asyncio.Future[None]] = field(default_factory=dict)
    _relayed: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    _sent_at: dict[str, float] = field(default_factory=dict)
    _queues_seen: asyncio.Event = field(default_factory=asyncio.Event)

    async def open(self) -> None:
        """Connect the console; returns once the first queues frame arrived."""
        self._socket = await connect(
            self.base_url.replace("http", "ws", 1) + "/ws/agent",
            additional_headers={"Cookie": self.cookie, "Origin": self.base_url},
            open_timeout=30,
            max_size=2**24,
        )
        self._reader = asyncio.create_task(self._read(self._socket))
        await asyncio.wait_for(self._queues_seen.wait(), 30)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await asyncio.wait({self._reader}, timeout=5.0)

    async def accept(self, conversation_id: str, timeout: float) -> None:
        """Take a waiting chat; returns when its transcript arrived.

        Raises RuntimeError naming the server's error code when refused.
        """
        future = self._future(self._taken, conversation_id)
        await self._send({"type": "accept", "conversation_id": conversation_id})
        await asyncio.wait_for(future, timeout)

    async def say(self, conversation_id: str, text: str) -> str:
        """Send a message to the resident; return its id."""
        client_message_id = "agent-" + uuid.uuid4().hex
        self.ledger.sent(client_message_id, conversation_id, ("resident",))
        self._sent_at[client_message_id] = time.perf_counter()
        await self._send(
            {
                "type": "message",
                "conversation_id": conversation_id,
                "client_message_id": client_message_id,
                "text": text,
            }
        )
        return client_message_id

    async def close_chat(self, conversation_id: str) -> None:
        """Close a chat the agent owns, with the wrap-up "answered"."""
        await self._send(
            {"type": "close", "conversation_id": conversation_id, "wrap_up": "answered"}
        )

    def sent_at(self, client_message_id: str) -> float:
        return self._sent_at[client_message_id]

    def expect_relay(self, client_message_id: str) -> asyncio.Future[float]:
        """A future set to the arrival time of the resident's message."""
        return self._future(self._relayed, client_message_id)

    async def _send(self, frame: dict[str, Any]) -> None:
        assert self._socket is not None, "open() the agent first"
        await self._socket.send(json.dumps(frame))

    async def _read(self, socket: ClientConnection) -> None:
        try:
            async for raw in socket:
                self._on_frame(json.loads(raw), time.perf_counter())
        except ConnectionClosed:
            pass

    def _on_frame(self, frame: dict[str, Any], now: float) -> None:
        kind = frame.get("type")
        conversation_id = frame.get("conversation_id")
        if kind == "queues":
            self._queues_seen.set()
        elif kind == "transcript" and isinstance(conversation_id, str):
            events = frame.get("events") or []
            self._last_seq[conversation_id] = events[-1]["seq"] if events else 0
            for expected, event in enumerate(events, start=1):
                seq = int(event["seq"])
                if seq != expected:
                    self.ledger.gap("agent", conversation_id, expected, seq - 1)
                    break
                if event.get("kind") in STAFF_ONLY_KINDS:
                    self.ledger.staff_event(conversation_id, seq)
            self._settle(self._taken, conversation_id, None)
        elif kind == "event" and isinstance(conversation_id, str):
            self._on_event(conversation_id, frame["event"], now)
        elif kind == "ack":
            self.ledger.stored(frame["client_message_id"], frame["seq"])
        elif kind == "error":
            code = str((frame.get("error") or {}).get("code"))
            self.errors.append(code)
            if isinstance(conversation_id, str) and conversation_id in self._taken:
                future = self._taken[conversation_id]
                if not future.done():
                    future.set_exception(RuntimeError(code))

    def _on_event(
        self, conversation_id: str, event: dict[str, Any], now: float
    ) -> None:
        seq = int(event["seq"])
        last = self._last_seq.get(conversation_id, 0)
        if seq <= last:
            self.ledger.repeated()
            return
        if seq > last + 1:
            self.ledger.gap("agent", conversation_id, last + 1, seq - 1)
        self._last_seq[conversation_id] = seq
        if event.get("kind") in STAFF_ONLY_KINDS:
            self.ledger.staff_event(conversation_id, seq)

        client_message_id = event.get("client_message_id")
        self.ledger.delivered("agent", seq, client_message_id)
        if event["author"] == "resident" and client_message_id:
            self._settle(self._relayed, client_message_id, now)

    @staticmethod
    def _future(futures: dict[str, Any], key: str) -> Any:
        return futures.setdefault(key, asyncio.get_running_loop().create_future())

    def _settle(self, futures: dict[str, Any], key: str, value: Any) -> None:
        future = self._future(futures, key)
        if not future.done():
            future.set_result(value)
