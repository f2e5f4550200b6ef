"""Residents chatting with the assistant at once, through either front door.

Each resident starts a conversation, asks its planned questions one after
another with think time between, and the time from sending each question to
the first answer is recorded. The gateway side also proves delivery through
the :class:`~tools.load.ledger.Ledger`; Rasa's socket.io channel cannot.
"""

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from websockets.exceptions import WebSocketException

from tools.load.ledger import Ledger
from tools.load.resident import GatewayResident, new_conversation, replay
from tools.load.socketio_resident import SocketIOResident
from tools.load.stats import Latencies

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChatWorkload:
    """How hard the residents chat."""

    think_seconds: tuple[float, float] = (1.0, 3.0)
    reply_timeout: float = 30.0
    # Drop and resume the connection after sending this question (by index),
    # before its answer: the widget on a flaky mobile connection. The question
    # is resent on the new connection, as by a widget that missed the ack.
    reconnect_after: int | None = None
    # Drop at once after sending, before the gateway's ack, rather than after it.
    reconnect_before_ack: bool = False
    seed: int = 9


@dataclass
class ChatResult:
    latencies: Latencies = field(default_factory=Latencies)
    questions: int = 0
    unanswered: int = 0
    failed_residents: int = 0
    seconds: float = 0.0
    ledger: Ledger | None = None

    def summary(self) -> dict[str, object]:
        return {
            "questions": self.questions,
            "unanswered": self.unanswered,
            "failed_residents": self.failed_residents,
            "seconds": round(self.seconds, 1),
            "reply": self.latencies.summary(),
            "delivery": self.ledger.summary() if self.ledger else None,
        }


async def gateway_chat(
    base_url: str, plans: list[list[str]], workload: ChatWorkload
) -> ChatResult:
    """Every plan's resident at once through the gateway's websocket."""
    ledger = Ledger()
    result = ChatResult(ledger=ledger)
    residents: list[GatewayResident] = []

    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as http:

        async def one(index: int, plan: list[str]) -> None:
            resident = GatewayResident(base_url, await new_conversation(http), ledger)
            residents.append(resident)
            await resident.open()
            try:
                await _ask_all(resident, plan, workload, index, result)
            finally:
                await resident.close()

        started = time.perf_counter()
        await _run_all(plans, one, result)
        result.seconds = time.perf_counter() - started

    await audit(base_url, residents, ledger)
    return result


async def _ask_all(
    resident: GatewayResident,
    plan: list[str],
    workload: ChatWorkload,
    index: int,
    result: ChatResult,
) -> None:
    pause = random.Random(workload.seed * 1000 + index)
    for number, text in enumerate(plan):
        await asyncio.sleep(pause.uniform(*workload.think_seconds))
        result.questions += 1
        client_message_id = await resident.question(text)
        if number == workload.reconnect_after:
            if not workload.reconnect_before_ack:
                await resident.acknowledged(client_message_id, workload.reply_timeout)
                resident.forget_ack(client_message_id)
            await resident.drop()
            await resident.open()
        try:
            result.latencies.add(
                await resident.answer(client_message_id, workload.reply_timeout)
            )
        except TimeoutError:
            result.unanswered += 1


async def socketio_chat(
    url: str, plans: list[list[str]], workload: ChatWorkload
) -> ChatResult:
    """The same plans through Rasa's own socket.io channel."""
    result = ChatResult()

    async def one(index: int, plan: list[str]) -> None:
        resident = SocketIOResident(url)
        await resident.open()
        pause = random.Random(workload.seed * 1000 + index)
        try:
            for text in plan:
                await asyncio.sleep(pause.uniform(*workload.think_seconds))
                result.questions += 1
                try:
                    result.latencies.add(
                        await resident.ask(text, workload.reply_timeout)
                    )
                except TimeoutError:
                    result.unanswered += 1
        finally:
            await resident.close()

    started = time.perf_counter()
    await _run_all(plans, one, result)
    result.seconds = time.perf_counter() - started
    return result


async def _run_all(
    plans: list[list[str]],
    one: Callable[[int, list[str]], Awaitable[None]],
    result: ChatResult,
) -> None:
    outcomes = await asyncio.gather(
        *(one(index, plan) for index, plan in enumerate(plans)),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            logger.warning("A simulated resident failed: %r", outcome)
            result.failed_residents += 1


async def audit(
    base_url: str,
    residents: list[GatewayResident],
    ledger: Ledger,
    concurrency: int = 16,
    timeout: float = 30.0,
) -> None:
    """Replay each conversation from the start and check it with the ledger."""
    gate = asyncio.Semaphore(concurrency)

    async def one(resident: GatewayResident) -> None:
        async with gate:
            try:
                # The last acked message may not have reached this resident yet.
                until = max(
                    resident.last_seq, ledger.highest_stored(resident.conversation_id)
                )
                events = await replay(
                    base_url, resident.conversation_id, until, timeout
                )
            except (TimeoutError, OSError, WebSocketException) as error:
                ledger.audit_problems.append(
                    f"{resident.conversation_id}: replay failed: {error!r}"
                )
                return
            ledger.audit(resident.conversation_id, events)

    await asyncio.gather(*(one(resident) for resident in residents))
