"""Agents in many chats at once: relay latency both ways.

Set-up: each resident asks the assistant for a person, the chat is queued,
and one of the signed-in agents accepts it. Once every chat has an agent, all
of them exchange messages at once: the agent writes, the resident sees it
(agent-to-resident latency), the resident answers, the agent sees it
(resident-to-agent latency). Then the agents close the chats.
"""

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tools.load.agent import AGENTS, SimulatedAgent, sign_in
from tools.load.chat import audit
from tools.load.ledger import Ledger
from tools.load.machine import cpu_seconds
from tools.load.resident import GatewayResident, new_conversation
from tools.load.stats import Latencies

logger = logging.getLogger(__name__)

ASK_FOR_A_PERSON = "can I speak to a real person please"
AGENT_LINES = (
    "Thanks for waiting, I can help with that.",
    "Let me check your account for you now.",
    "I have raised that with the team for you.",
)
RESIDENT_LINES = (
    "Thank you, it was missed again on Tuesday.",
    "It is the house on the corner by the school.",
    "That's great, thanks for your help.",
)


@dataclass(frozen=True)
class RelayWorkload:
    chats: int = 500
    rounds: int = 2
    think_seconds: tuple[float, float] = (5.0, 15.0)
    setup_concurrency: int = 12
    timeout: float = 30.0
    seed: int = 9


@dataclass
class RelayResult:
    think_seconds: tuple[float, float]
    agent_to_resident: Latencies = field(default_factory=Latencies)
    resident_to_agent: Latencies = field(default_factory=Latencies)
    ledger: Ledger = field(default_factory=Ledger)
    active_chats: int = 0
    setup_failures: dict[str, int] = field(default_factory=dict)
    setup_seconds: float = 0.0
    relay_seconds: float = 0.0
    messages: int = 0
    timeouts: int = 0
    cpu_ms_per_message: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        return {
            "think_seconds": list(self.think_seconds),
            "active_chats": self.active_chats,
            "setup_failures": self.setup_failures or None,
            "setup_seconds": round(self.setup_seconds, 1),
            "relay_seconds": round(self.relay_seconds, 1),
            "messages_relayed": self.messages,
            "messages_per_second": round(self.messages / self.relay_seconds, 1)
            if self.relay_seconds
            else None,
            "timeouts": self.timeouts,
            "cpu_ms_per_message": self.cpu_ms_per_message,
            "agent_to_resident": self.agent_to_resident.summary(),
            "resident_to_agent": self.resident_to_agent.summary(),
            "delivery": self.ledger.summary(),
        }


@dataclass
class _Chat:
    resident: GatewayResident
    agent: SimulatedAgent


async def agent_relay(
    base_url: str,
    ca_file: Path,
    workload: RelayWorkload,
    processes: dict[str, int] | None = None,
) -> RelayResult:
    """Run the relay workload with the seeded agents; see the module docstring.

    ``processes`` (role to pid) are charged CPU time per relayed message.
    """
    result = RelayResult(workload.think_seconds)
    agents = [
        SimulatedAgent(base_url, await sign_in(base_url, ca_file, name), result.ledger)
        for name in AGENTS
    ]
    for agent in agents:
        await agent.open()

    chats: list[_Chat] = []
    try:
        started = time.perf_counter()
        chats = await _set_up(base_url, agents, workload, result)
        result.setup_seconds = time.perf_counter() - started
        result.active_chats = len(chats)

        processes = processes or {}
        before = {role: cpu_seconds(pid) for role, pid in processes.items()}
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _converse(chat, index, workload, result)
                for index, chat in enumerate(chats)
            )
        )
        result.relay_seconds = time.perf_counter() - started
        result.cpu_ms_per_message = {
            role: round(
                1000 * (cpu_seconds(pid) - before[role]) / max(result.messages, 1), 2
            )
            for role, pid in processes.items()
        }

        await audit(base_url, [chat.resident for chat in chats], result.ledger)
        await _close_chats(chats, workload.timeout)
    finally:
        await asyncio.gather(
            *(chat.resident.close() for chat in chats), return_exceptions=True
        )
        for agent in agents:
            await agent.close()
    return result


async def _set_up(
    base_url: str,
    agents: list[SimulatedAgent],
    workload: RelayWorkload,
    result: RelayResult,
) -> list[_Chat]:
    gate = asyncio.Semaphore(workload.setup_concurrency)
    chats: list[_Chat] = []

    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as http:

        async def one(index: int) -> None:
            async with gate:
                resident = GatewayResident(
                    base_url, await new_conversation(http), result.ledger
                )
                await resident.open()
                try:
                    agent = agents[index % len(agents)]
                    await _hand_over(resident, agent, workload.timeout)
                except BaseException:
                    await resident.close()
                    raise
                chats.append(_Chat(resident, agent))

        outcomes = await asyncio.gather(
            *(one(index) for index in range(workload.chats)), return_exceptions=True
        )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            reason = str(outcome) or type(outcome).__name__
            result.setup_failures[reason] = result.setup_failures.get(reason, 0) + 1
    return chats


async def _hand_over(
    resident: GatewayResident, agent: SimulatedAgent, timeout: float
) -> None:
    """The resident asks for a person; the agent takes the chat from the queue."""
    await resident.ask(ASK_FOR_A_PERSON, timeout)
    state = await resident.wait_for_handoff({"waiting", "unavailable"}, timeout)
    if state != "waiting":
        raise RuntimeError(f"handoff {state}")
    await agent.accept(resident.conversation_id, timeout)
    await resident.wait_for_handoff({"agent"}, timeout)


async def _converse(
    chat: _Chat, index: int, workload: RelayWorkload, result: RelayResult
) -> None:
    pause = random.Random(workload.seed * 7919 + index)
    for number in range(workload.rounds):
        await asyncio.sleep(pause.uniform(*workload.think_seconds))
        sent = await chat.agent.say(
            chat.resident.conversation_id, AGENT_LINES[number % len(AGENT_LINES)]
        )
        result.messages += 1
        try:
            arrived = await asyncio.wait_for(
                chat.resident.expect_relay(sent), workload.timeout
            )
            result.agent_to_resident.add(arrived - chat.agent.sent_at(sent))
        except TimeoutError:
            result.timeouts += 1

        await asyncio.sleep(pause.uniform(*workload.think_seconds))
        said = await chat.resident.say(RESIDENT_LINES[number % len(RESIDENT_LINES)])
        result.messages += 1
        try:
            arrived = await asyncio.wait_for(
                chat.agent.expect_relay(said), workload.timeout
            )
            result.resident_to_agent.add(arrived - chat.resident.sent_at(said))
        except TimeoutError:
            result.timeouts += 1


async def _close_chats(chats: list[_Chat], timeout: float) -> None:
    """Agents close every chat, so their capacity is free for another run."""
    for chat in chats:
        await chat.agent.close_chat(chat.resident.conversation_id)
    await asyncio.gather(
        *(chat.resident.wait_for_handoff({"closed"}, timeout) for chat in chats),
        return_exceptions=True,
    )
