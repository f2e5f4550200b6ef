"""A simulated resident on the gateway's websocket, as the widget behaves.

It follows docs/protocol.md: it keeps every message in an outbox until it is
acknowledged, resumes with ``?after=`` the last sequence number it has shown,
resends the outbox after reconnecting, and reports every event to the
:class:`~tools.load.ledger.Ledger`, so a lost or repeated message is counted.
"""

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tools.load.ledger import Ledger

logger = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT = 30.0


async def new_conversation(http: httpx.AsyncClient) -> str:
    """Start a conversation over the REST API, as the widget does first."""
    response = await http.post("/api/conversations")
    response.raise_for_status()
    return str(response.json()["conversation_id"])


def socket_url(base_url: str, conversation_id: str, after: int) -> str:
    return (
        base_url.replace("http", "ws", 1)
        + f"/ws/conversations/{conversation_id}?after={after}"
    )


@dataclass
class GatewayResident:
    """One resident's conversation; ``open`` it, then ``ask`` or ``say``."""

    base_url: str
    conversation_id: str
    ledger: Ledger
    last_seq: int = 0
    outbox: dict[str, str] = field(default_factory=dict)
    acked: dict[str, int] = field(default_factory=dict)
    handoff_states: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _socket: ClientConnection | None = None
    _reader: asyncio.Task[None] | None = None
    _sent_at: dict[str, float] = field(default_factory=dict)
    _frames: dict[str, str] = field(default_factory=dict)
    _acked: asyncio.Event = field(default_factory=asyncio.Event)
    _seq_of: dict[int, str] = field(default_factory=dict)
    _replies: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    _relayed: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    _handoff: asyncio.Event = field(default_factory=asyncio.Event)

    async def open(self) -> None:
        """Connect (or reconnect) after the last event shown; resend the outbox."""
        socket = await connect(
            socket_url(self.base_url, self.conversation_id, self.last_seq),
            open_timeout=HANDSHAKE_TIMEOUT,
            max_size=2**22,
        )
        self.attach(socket)
        for frame in list(self.outbox.values()):
            await socket.send(frame)

    def attach(self, socket: ClientConnection) -> None:
        """Read from a connection already open on this conversation."""
        self._socket = socket
        self._reader = asyncio.create_task(self._read(socket))

    async def drop(self) -> None:
        """Lose the connection abruptly, as a train going into a tunnel would."""
        if self._socket is not None:
            self._socket.transport.abort()
        if self._reader is not None:
            await asyncio.wait({self._reader}, timeout=5.0)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await asyncio.wait({self._reader}, timeout=5.0)

    async def ask(self, text: str, timeout: float) -> float:
        """Send a question; return seconds until the first answer to it.

        The answer is the first ``bot`` or ``system`` event whose ``reply_to``
        is this message. Raises TimeoutError when none comes in ``timeout``.
        """
        return await self.answer(await self.question(text), timeout)

    async def question(self, text: str) -> str:
        """Send a question for the assistant; return its id (see ``answer``)."""
        client_message_id = await self.say(text, receivers=("resident",))
        self._future(self._replies, client_message_id)
        return client_message_id

    async def answer(self, client_message_id: str, timeout: float) -> float:
        """Seconds from sending a question to the first answer to it."""
        future = self._future(self._replies, client_message_id)
        return await asyncio.wait_for(asyncio.shield(future), timeout)

    async def say(
        self, text: str, receivers: tuple[str, ...] = ("resident", "agent")
    ) -> str:
        """Send a message (kept in the outbox until acknowledged); return its id."""
        client_message_id = uuid.uuid4().hex
        frame = json.dumps(
            {"type": "message", "client_message_id": client_message_id, "text": text}
        )
        self.ledger.sent(client_message_id, self.conversation_id, receivers)
        self.outbox[client_message_id] = frame
        self._frames[client_message_id] = frame
        self._sent_at[client_message_id] = time.perf_counter()
        if self._socket is not None:
            try:
                await self._socket.send(frame)
            except ConnectionClosed:
                pass  # still in the outbox: resent on reconnect
        return client_message_id

    async def acknowledged(self, client_message_id: str, timeout: float) -> int:
        """Wait for the message's ack; return the sequence number it names."""
        async with asyncio.timeout(timeout):
            while client_message_id not in self.acked:
                self._acked.clear()
                await self._acked.wait()
        return self.acked[client_message_id]

    def forget_ack(self, client_message_id: str) -> None:
        """Put a message back in the outbox, as if its ack had never arrived.

        The next ``open`` resends it; the server must answer with the same
        sequence number and must not store or answer it a second time.
        """
        self.outbox[client_message_id] = self._frames[client_message_id]

    def expect_relay(self, client_message_id: str) -> asyncio.Future[float]:
        """A future set to the arrival time of another person's message."""
        return self._future(self._relayed, client_message_id)

    async def wait_for_handoff(self, states: set[str], timeout: float) -> str:
        """Wait until the chat's latest handoff state is one of ``states``.

        Raises TimeoutError after ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout):
            while not (self.handoff_states and self.handoff_states[-1] in states):
                self._handoff.clear()
                await self._handoff.wait()
        return self.handoff_states[-1]

    def sent_at(self, client_message_id: str) -> float:
        return self._sent_at[client_message_id]

    async def _read(self, socket: ClientConnection) -> None:
        try:
            async for raw in socket:
                self._on_frame(json.loads(raw), time.perf_counter())
        except ConnectionClosed:
            pass

    def _on_frame(self, frame: dict[str, Any], now: float) -> None:
        kind = frame.get("type")
        if kind == "ack":
            self.outbox.pop(frame["client_message_id"], None)
            self.acked[frame["client_message_id"]] = frame["seq"]
            self.ledger.stored(frame["client_message_id"], frame["seq"])
            self._acked.set()
        elif kind == "event":
            self._on_event(frame["event"], now)
        elif kind == "error":
            self.errors.append(str(frame.get("error", {}).get("code")))

    def _on_event(self, event: dict[str, Any], now: float) -> None:
        seq = int(event["seq"])
        if seq <= self.last_seq:
            self.ledger.repeated()
            return
        if seq > self.last_seq + 1:
            self.ledger.gap(
                "resident", self.conversation_id, self.last_seq + 1, seq - 1
            )
        self.last_seq = seq

        client_message_id = event.get("client_message_id")
        self.ledger.delivered("resident", seq, client_message_id)
        if event["author"] == "resident" and client_message_id:
            self._seq_of[seq] = client_message_id
        elif event["author"] in ("bot", "system") and "reply_to" in event:
            asked = self._seq_of.get(int(event["reply_to"]))
            if asked is not None:
                self._settle(self._replies, asked, now - self._sent_at[asked])
        elif event["author"] == "agent" and client_message_id:
            self._settle(self._relayed, client_message_id, now)

        handoff = event.get("handoff")
        if isinstance(handoff, dict) and handoff.get("state"):
            self.handoff_states.append(str(handoff["state"]))
            self._handoff.set()

    @staticmethod
    def _future(
        futures: dict[str, asyncio.Future[float]], key: str
    ) -> asyncio.Future[float]:
        return futures.setdefault(key, asyncio.get_running_loop().create_future())

    def _settle(
        self, futures: dict[str, asyncio.Future[float]], key: str, value: float
    ) -> None:
        future = self._future(futures, key)
        if not future.done():
            future.set_result(value)


async def replay(
    base_url: str, conversation_id: str, until_seq: int, timeout: float
) -> list[dict[str, Any]]:
    """The conversation's log as a new connection shows it, up to ``until_seq``.

    Raises TimeoutError if the log does not reach ``until_seq`` in ``timeout``.
    """
    events: list[dict[str, Any]] = []
    if until_seq <= 0:
        return events
    async with asyncio.timeout(timeout):
        async with connect(
            socket_url(base_url, conversation_id, 0), open_timeout=timeout
        ) as socket:
            async for raw in socket:
                frame = json.loads(raw)
                if frame.get("type") != "event":
                    continue
                events.append(frame["event"])
                if frame["event"]["seq"] >= until_seq:
                    break
    return events
