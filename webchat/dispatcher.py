"""Routes waiting chats to agents: offers with a timeout, and escalation.

Every gateway worker runs one :class:`Dispatcher` task. Each interval one worker
takes the turn (a Redis key that expires by itself) and scans the queues; nothing
about a chat lives only in a worker's memory: queues and their start times, offers
and their deadlines, who was passed over and who was escalated are all in the
shared state. If a worker dies, the next turn on another worker carries on.

The rules, in order, on each scan:

1. An offer ends when its deadline passes (``OFFER_TIMEOUT_SECONDS``), when its
   agent is no longer available, or when the chat is no longer waiting. The chat
   never left its queue, so it keeps its original place.
2. A chat waiting longer than ``ESCALATE_AFTER_SECONDS`` is escalated to
   supervisors, once only per chat, and stays in its queue.
3. Each waiting chat without an offer, in queue order (priority first, then first
   come), is offered to one agent who is available, has the chat's area among
   their skills, has room under their capacity and holds no other offer. Agents
   who let this chat's offer go are skipped while anyone else can take it, and
   are not offered it again within one offer timeout. Among the rest the least
   loaded agent wins, then the one offered any chat longest ago, then by id.

Offers are made and ended atomically in the shared state, so even two workers
scanning at once never offer one chat twice.
"""

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass, field

from webchat.handoff import HandoffService, service_areas
from webchat.state.agents import AgentStatus

logger = logging.getLogger(__name__)

TURN = "dispatcher"


def choose_agent(
    agents: list[AgentStatus],
    area: str,
    busy: set[str],
    passed: dict[str, float],
    last_offered: dict[str, float],
    now: float,
    cooldown_seconds: float,
) -> AgentStatus | None:
    """The agent to offer a chat in ``area`` to, by the rules above, or None."""
    able = [a for a in agents if a.can_take(area) and a.agent_id not in busy]
    fresh = [a for a in able if a.agent_id not in passed]
    if not fresh:
        fresh = [a for a in able if now - passed[a.agent_id] >= cooldown_seconds]
    if not fresh:
        return None
    return min(
        fresh,
        key=lambda a: (
            passed.get(a.agent_id, 0.0),
            len(a.chats),
            last_offered.get(a.agent_id, 0.0),
            a.agent_id,
        ),
    )


@dataclass
class Dispatcher:
    handoff: HandoffService
    escalate_after_seconds: float = 180.0
    interval_seconds: float = 1.0
    # An agent whose consoles have all been silent this long has gone: their
    # chats go back to the front of their queues.
    absent_after_seconds: float = 60.0
    _task: asyncio.Task[None] | None = field(default=None, repr=False)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    async def tick(self) -> None:
        """One scan of every queue (safe to run on two workers at once)."""
        state = self.handoff.conversations.state
        agents = await state.agents.all()
        await self._return_chats_of_absent_agents(agents)
        busy = await self._end_offers(agents)
        last_offered = await state.offers.last_offered()
        now = self.handoff.now()

        for area in service_areas():
            for item in await state.queues.waiting_detail(area):
                if now - item.since >= self.escalate_after_seconds:
                    await self.handoff.escalate(item, area)
                if item.conversation_id in busy.values():
                    continue
                agent = choose_agent(
                    agents,
                    area,
                    set(busy),
                    await state.offers.passed(item.conversation_id),
                    last_offered,
                    now,
                    self.handoff.offer_timeout_seconds,
                )
                if agent is None:
                    continue
                offer = await self.handoff.offer(agent, item, area)
                if offer is not None:
                    busy[agent.agent_id] = item.conversation_id
                    last_offered[agent.agent_id] = offer.made_at

    async def _return_chats_of_absent_agents(self, agents: list[AgentStatus]) -> None:
        """An agent no console has vouched for lately loses their chats and is
        marked offline, so residents are not left talking to nobody."""
        seen = await self.handoff.conversations.state.agents.last_seen()
        now = self.handoff.now()

        for agent in agents:
            last = seen.get(agent.agent_id)
            if last is None or now - last < self.absent_after_seconds:
                continue
            if not agent.chats and agent.presence == "offline":
                continue
            logger.info(
                "Agent %s silent for %.0f s: returning %d chats to their queues",
                agent.agent_id,
                now - last,
                len(agent.chats),
            )
            for conversation_id in list(agent.chats):
                await self.handoff.return_from_absent_agent(agent, conversation_id)
            agent.presence = "offline"
            await self.handoff.conversations.state.agents.put(agent)

    async def _end_offers(self, agents: list[AgentStatus]) -> dict[str, str]:
        """End offers that are over; the agents still holding one, and the chat."""
        state = self.handoff.conversations.state
        available = {a.agent_id for a in agents if a.presence == "available"}
        now = self.handoff.now()
        holding: dict[str, str] = {}

        for offer in await state.offers.all():
            why = None
            if await state.queues.since(offer.area, offer.conversation_id) is None:
                why = "not_waiting"
            elif now >= offer.deadline:
                why = "timeout"
            elif offer.agent_id not in available:
                why = "agent_unavailable"
            if why is None:
                holding[offer.agent_id] = offer.conversation_id
            else:
                await self.handoff.withdraw(offer, why)
        return holding

    def start(self) -> None:
        """Run a scan every interval until :meth:`stop`."""
        self._stopping.clear()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """End the scans, letting one under way finish first.

        A scan is not cut off half way through its Redis and database calls;
        a caller in a hurry bounds the wait and cancels (webchat/stopping.py).
        """
        if self._task is None:
            return
        self._stopping.set()
        try:
            await self._task
        finally:
            self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                # One worker's scan per interval is enough; the others rest.
                if await self.handoff.conversations.state.ticks.take(
                    TURN, self.interval_seconds * 0.9
                ):
                    await self.tick()
            except Exception:
                # A lost scan is retried at the next interval; the state it
                # works from is shared, so nothing is forgotten meanwhile.
                logger.exception("Dispatcher scan failed; trying again")
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval_seconds)
