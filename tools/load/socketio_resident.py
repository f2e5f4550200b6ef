"""A simulated resident on Rasa's own socket.io channel: the peer for comparison.

This is what Rasa's stock web widgets speak: ``session_request`` (answered by
``session_confirm``), then ``user_uttered`` with ``{"message", "session_id"}``;
each bot message comes back as its own ``bot_uttered``. The channel has no
sequence numbers, acknowledgements or resume, so only replies can be counted.
"""

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import socketio

logger = logging.getLogger(__name__)


@dataclass
class SocketIOResident:
    base_url: str
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    replies: int = 0
    _client: socketio.AsyncClient = field(
        default_factory=lambda: socketio.AsyncClient(reconnection=False)
    )
    _waiting: asyncio.Future[float] | None = None
    _confirmed: asyncio.Event = field(default_factory=asyncio.Event)

    async def open(self, timeout: float = 30.0) -> None:
        """Connect over a websocket and confirm the session, as the widget does."""
        self._client.on("session_confirm", self._on_confirm)
        self._client.on("bot_uttered", self._on_bot)
        await self._client.connect(
            self.base_url,
            transports=["websocket"],
            socketio_path="/socket.io",
            wait_timeout=timeout,
        )
        await self._client.emit("session_request", {"session_id": self.session_id})
        await asyncio.wait_for(self._confirmed.wait(), timeout)

    async def close(self) -> None:
        await self._client.disconnect()

    async def ask(self, text: str, timeout: float) -> float:
        """Send a question; return seconds until the first bot message after it.

        Raises TimeoutError when none comes in ``timeout``.
        """
        self._waiting = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        await self._client.emit(
            "user_uttered", {"message": text, "session_id": self.session_id}
        )
        arrived = await asyncio.wait_for(self._waiting, timeout)
        return arrived - started

    async def _on_confirm(self, *_: Any) -> None:
        self._confirmed.set()

    async def _on_bot(self, *_: Any) -> None:
        self.replies += 1
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(time.perf_counter())
