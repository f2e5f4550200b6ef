"""How many idle resident connections one gateway worker holds, and at what cost.

Conversations are created first, so the memory measured afterwards is that of
the open websockets alone. Connections are then opened in batches until the
cap, the first failure, or the time budget. Memory per connection is the
gateway's resident set growth divided by the connections it held.
"""

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.protocol import State

from tools.load.ledger import Ledger
from tools.load.machine import open_files, rss_bytes
from tools.load.resident import GatewayResident, new_conversation, socket_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CapacityWorkload:
    cap: int = 5000
    batch: int = 250
    create_concurrency: int = 32
    budget_seconds: float = 240.0
    # Connections that must still answer at the end (a real message, acked).
    live_sample: int = 10


@dataclass
class CapacityResult:
    conversations: int = 0
    opened: int = 0
    held: int = 0
    stopped_because: str = ""
    rss_before: int | None = None
    rss_after: int | None = None
    rss_after_close: int | None = None
    files_before: int | None = None
    files_after: int | None = None
    live_sample_acked: int = 0
    live_sample_size: int = 0
    open_seconds: float = 0.0
    create_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        per_connection = None
        if self.held and self.rss_before is not None and self.rss_after is not None:
            per_connection = round((self.rss_after - self.rss_before) / self.held)
        return {
            "conversations_created": self.conversations,
            "opened": self.opened,
            "held": self.held,
            "stopped_because": self.stopped_because,
            "gateway_rss_mib_before": _mib(self.rss_before),
            "gateway_rss_mib_after": _mib(self.rss_after),
            "gateway_rss_mib_after_close": _mib(self.rss_after_close),
            "bytes_per_connection": per_connection,
            "gateway_open_files_before": self.files_before,
            "gateway_open_files_after": self.files_after,
            "live_sample": f"{self.live_sample_acked}/{self.live_sample_size} acked",
            "create_seconds": round(self.create_seconds, 1),
            "open_seconds": round(self.open_seconds, 1),
            "errors": self.errors[:3] or None,
        }


async def hold_connections(
    base_url: str, gateway_pid: int, workload: CapacityWorkload
) -> CapacityResult:
    """Open idle resident connections on one gateway worker; measure its memory."""
    result = CapacityResult()
    deadline = time.monotonic() + workload.budget_seconds

    started = time.perf_counter()
    conversations = await _create(base_url, workload, deadline, result)
    result.create_seconds = time.perf_counter() - started
    result.conversations = len(conversations)

    await asyncio.sleep(2.0)
    result.rss_before = rss_bytes(gateway_pid)
    result.files_before = open_files(gateway_pid)

    sockets: list[tuple[str, ClientConnection]] = []
    started = time.perf_counter()
    try:
        await _open(base_url, conversations, workload, deadline, sockets, result)
        result.open_seconds = time.perf_counter() - started

        # Let the worker settle, then count what it still holds.
        await asyncio.sleep(3.0)
        result.held = sum(1 for _, s in sockets if s.state is State.OPEN)
        result.rss_after = rss_bytes(gateway_pid)
        result.files_after = open_files(gateway_pid)
        await _check_live(base_url, sockets, workload.live_sample, result)
    finally:
        await _close_all(sockets)

    await asyncio.sleep(3.0)
    result.rss_after_close = rss_bytes(gateway_pid)
    return result


async def _create(
    base_url: str, workload: CapacityWorkload, deadline: float, result: CapacityResult
) -> list[str]:
    created: list[str] = []
    gate = asyncio.Semaphore(workload.create_concurrency)

    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as http:

        async def one() -> None:
            async with gate:
                if time.monotonic() > deadline:
                    return
                created.append(await new_conversation(http))

        outcomes = await asyncio.gather(
            *(one() for _ in range(workload.cap)), return_exceptions=True
        )
    result.errors += [repr(o) for o in outcomes if isinstance(o, BaseException)]
    return created


async def _open(
    base_url: str,
    conversations: list[str],
    workload: CapacityWorkload,
    deadline: float,
    sockets: list[tuple[str, ClientConnection]],
    result: CapacityResult,
) -> None:
    for start in range(0, len(conversations), workload.batch):
        if time.monotonic() > deadline:
            result.stopped_because = "time budget"
            return
        batch = conversations[start : start + workload.batch]
        outcomes = await asyncio.gather(
            *(
                connect(
                    socket_url(base_url, conversation_id, 0),
                    open_timeout=30,
                    max_queue=4,
                )
                for conversation_id in batch
            ),
            return_exceptions=True,
        )
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        for conversation_id, outcome in zip(batch, outcomes, strict=True):
            if not isinstance(outcome, BaseException):
                sockets.append((conversation_id, outcome))
        result.opened = len(sockets)
        if failures:
            result.errors += [repr(f) for f in failures[:3]]
            result.stopped_because = f"{len(failures)} connections failed"
            return
    if len(conversations) < workload.cap:
        result.stopped_because = "time budget (creating conversations)"
    else:
        result.stopped_because = f"cap of {workload.cap} reached"


async def _check_live(
    base_url: str,
    sockets: list[tuple[str, ClientConnection]],
    size: int,
    result: CapacityResult,
) -> None:
    """A sample of the held connections must still take a message and ack it."""
    open_ones = [pair for pair in sockets if pair[1].state is State.OPEN]
    sample = random.Random(9).sample(open_ones, min(size, len(open_ones)))
    result.live_sample_size = len(sample)

    async def one(conversation_id: str, socket: ClientConnection) -> bool:
        resident = GatewayResident(base_url, conversation_id, Ledger())
        resident.attach(socket)
        client_message_id = await resident.say("hello", receivers=("resident",))
        for _ in range(300):
            if client_message_id not in resident.outbox:
                return True
            await asyncio.sleep(0.1)
        return False

    outcomes = await asyncio.gather(*(one(c, s) for c, s in sample))
    result.live_sample_acked = sum(outcomes)


async def _close_all(sockets: list[tuple[str, ClientConnection]]) -> None:
    """Drop every connection at once; the gateway cleans up behind them."""
    for _, socket in sockets:
        socket.transport.abort()
    await asyncio.sleep(0)


def _mib(value: int | None) -> float | None:
    return None if value is None else round(value / 1024 / 1024, 1)
