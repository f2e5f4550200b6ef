"""Moving a chat between the assistant, the queues and the contact centre's agents.

Every change is a compare-and-set on the conversation's owner (so two agents, or
two workers, can never both win one chat) followed by a ``state`` event in the
conversation's log, which the resident, the agents and the transcript all read.

A waiting chat is offered to one agent at a time (see :mod:`webchat.dispatcher`,
which decides when and to whom). Offers, their withdrawal and escalations are
``routing`` events in the log: staff see them, residents do not.
"""

import logging
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from council.enquiries.categories import load_categories
from council.safeguarding import is_urgent_help
from webchat import metrics
from webchat.conversation_log import Event, Ownership
from webchat.conversations import ConversationService
from webchat.errors import GatewayError
from webchat.opening_hours import OpeningHours
from webchat.ownership import InvalidHandoverError, Owner
from webchat.state.agents import AgentStatus
from webchat.state.offers import Offer
from webchat.state.queues import Waiting

logger = logging.getLogger(__name__)

GENERAL_QUEUE = "council-and-contact"
QUEUES_CHANNEL = "__queues__"


def service_areas() -> list[str]:
    """The taxonomy's service areas: one queue each."""
    return sorted({category.split(".")[0] for category in load_categories()})


MIN_SAMPLES_FOR_ESTIMATE = 3


class NotYourChatError(GatewayError):
    code = "not_your_chat"
    status = 403
    public_message = "This chat belongs to another adviser or is no longer waiting."


class UnknownAreaError(GatewayError):
    code = "unknown_area"
    public_message = "There is no queue for that service area."


class OfferWithdrawnError(GatewayError):
    code = "offer_withdrawn"
    status = 409
    public_message = "The offer of this chat ended before you accepted it."


class AgentAtCapacityError(GatewayError):
    code = "agent_at_capacity"
    status = 409
    public_message = "You already have as many chats as you can take."


@dataclass
class HandoffService:
    """The rules for queues, offers to agents, handing back and closing."""

    conversations: ConversationService
    hours: OpeningHours
    max_queue: int = 50
    offer_timeout_seconds: float = 30.0
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def now(self) -> float:
        """The service clock as Unix time: queues, offers and waits all use it."""
        return self.clock().timestamp()

    async def request(
        self, conversation_id: str, area: str | None, reason: str
    ) -> Event:
        """Queue the chat for a person, or explain why nobody can take it now."""
        area = area or GENERAL_QUEUE
        state = self.conversations.state
        log = self.conversations.log

        unavailable = await self._why_unavailable(area)
        if unavailable:
            metrics.HANDOFFS.labels(unavailable).inc()
            logger.info("Handoff for %s not queued: %s", conversation_id, unavailable)
            return await self._say(
                conversation_id,
                UNAVAILABLE[unavailable],
                handoff={"state": "unavailable", "why": unavailable},
                buttons=LEAVE_A_MESSAGE,
            )

        current = await log.ownership(conversation_id)
        target = Ownership(Owner.WAITING, area=area)
        if not await log.hand_over(conversation_id, current, target):
            raise InvalidHandoverError(current.owner, Owner.WAITING)

        # Someone who said they may be at risk goes to the front of the queue.
        urgent = any(
            event.author == "bot" and is_urgent_help(event.body)
            for event in await log.events_after(conversation_id, 0)
        )
        position = await state.queues.enqueue(
            area, conversation_id, priority=urgent, at=self.now()
        )
        metrics.HANDOFFS.labels("queued").inc()
        await self._queues_changed(area)
        logger.info(
            "Conversation %s queued for %s (%s%s)",
            conversation_id,
            area,
            reason,
            ", urgent" if urgent else "",
        )
        return await self._say(
            conversation_id,
            await self._queue_text(area, position),
            handoff={
                "state": "waiting",
                "area": area,
                "position": position,
                "wait_minutes": await self.wait_minutes(area, position),
            },
        )

    async def accept(self, agent: AgentStatus, conversation_id: str) -> Event:
        """Give a waiting chat to ``agent``; exactly one agent can win it.

        Taking one's own offer ends it first, atomically, so the offer's timeout
        and the accept cannot both win. A chat offered to someone else may still
        be taken from the list (their offer is then withdrawn). Either way the
        queue's claim and the owner's compare-and-set keep a chat from going to
        two agents.
        """
        log = self.conversations.log
        state = self.conversations.state

        current = await log.ownership(conversation_id)
        if current.owner is not Owner.WAITING:
            raise NotYourChatError(conversation_id)
        if len(agent.chats) >= agent.capacity:
            raise AgentAtCapacityError(agent.agent_id)
        offer = await state.offers.get(conversation_id)
        mine = offer is not None and offer.agent_id == agent.agent_id
        if mine and not await state.offers.end(conversation_id, agent.agent_id):
            raise OfferWithdrawnError(conversation_id)

        area = current.area or GENERAL_QUEUE
        since = await state.queues.since(area, conversation_id)
        if not await state.queues.claim(area, conversation_id):
            raise NotYourChatError(conversation_id)

        target = Ownership(Owner.AGENT, area=current.area, agent_id=agent.agent_id)
        if not await log.hand_over(conversation_id, current, target):
            raise NotYourChatError(conversation_id)

        if offer is not None and not mine:
            await self.withdraw(offer, "taken")
        await state.offers.forget(conversation_id)
        if since is not None:
            await self._note_wait(area, self.now() - since)
        await self._queues_changed(area)
        agent.chats.append(conversation_id)
        await state.agents.put(agent)
        return await self._say(
            conversation_id,
            f"{agent.name} from the council has joined the chat.",
            handoff={"state": "agent", "agent_name": agent.name},
        )

    async def agent_says(
        self,
        agent: AgentStatus,
        conversation_id: str,
        client_message_id: str | None,
        text: str,
    ) -> Event:
        """Log and deliver an agent's message in a chat the agent owns."""
        await self.require_owner(agent, conversation_id)
        return await self.conversations.record(
            "agent",
            {"text": text, "agent_name": agent.name},
            conversation_id,
            client_message_id=client_message_id,
        )

    async def note(self, agent: AgentStatus, conversation_id: str, text: str) -> Event:
        """A private note for colleagues: in the log, never shown to the resident."""
        await self.require_owner(agent, conversation_id)
        return await self.conversations.record(
            "agent",
            {"text": text, "agent_name": agent.name},
            conversation_id,
            kind="note",
        )

    async def typing(self, agent: AgentStatus, conversation_id: str) -> None:
        """Tell the resident the agent is typing (not logged)."""
        await self.require_owner(agent, conversation_id)
        await self.conversations.state.fanout.publish(
            conversation_id,
            {
                "type": "typing",
                "author": "agent",
                "name": agent.name,
                "audience": "resident",
            },
        )

    async def return_from_absent_agent(
        self, agent: AgentStatus, conversation_id: str
    ) -> Event | None:
        """Put a chat whose adviser's console has gone back at the front of its
        queue, and tell the resident; None if the chat had already moved on."""
        current = await self.conversations.log.ownership(conversation_id)
        area = current.area or GENERAL_QUEUE
        try:
            if current.owner is not Owner.AGENT or current.agent_id != agent.agent_id:
                raise NotYourChatError(conversation_id)
            await self._move(
                conversation_id, current, Ownership(Owner.WAITING, area=area), agent
            )
        except NotYourChatError:
            if conversation_id in agent.chats:
                agent.chats.remove(conversation_id)
                await self.conversations.state.agents.put(agent)
            return None

        await self.conversations.state.queues.enqueue(
            area, conversation_id, priority=True, at=self.now()
        )
        await self._queues_changed(area)
        logger.info(
            "Conversation %s back in the %s queue: agent %s lost their connection",
            conversation_id,
            area,
            agent.agent_id,
        )
        return await self._say(
            conversation_id,
            ADVISER_LOST,
            handoff={"state": "waiting", "area": area, "position": 1},
        )

    async def transfer_to_queue(
        self, agent: AgentStatus, conversation_id: str, area: str
    ) -> Event:
        """Put the chat at the front of another area's queue."""
        if area not in service_areas():
            raise UnknownAreaError(area)
        current = await self.require_owner(agent, conversation_id)

        await self._move(
            conversation_id, current, Ownership(Owner.WAITING, area=area), agent
        )
        await self.conversations.state.queues.enqueue(
            area, conversation_id, priority=True, at=self.now()
        )
        await self._queues_changed(area)
        return await self._say(
            conversation_id,
            "The adviser has passed your chat to another team. Please wait.",
            handoff={"state": "waiting", "area": area, "position": 1},
        )

    async def transfer_to_agent(
        self, agent: AgentStatus, conversation_id: str, other: AgentStatus
    ) -> Event:
        """Give the chat straight to another agent who has room for it."""
        if len(other.chats) >= other.capacity or other.presence != "available":
            raise AgentAtCapacityError(other.agent_id)
        current = await self.require_owner(agent, conversation_id)

        target = Ownership(Owner.AGENT, area=current.area, agent_id=other.agent_id)
        await self._move(conversation_id, current, target, agent)
        other.chats.append(conversation_id)
        await self.conversations.state.agents.put(other)
        await self.conversations.state.fanout.publish(
            QUEUES_CHANNEL,
            {
                "type": "assigned",
                "agent_id": other.agent_id,
                "conversation_id": conversation_id,
            },
        )
        return await self._say(
            conversation_id,
            f"{other.name} from the council has joined the chat.",
            handoff={"state": "agent", "agent_name": other.name},
        )

    async def hand_back(self, agent: AgentStatus, conversation_id: str) -> Event:
        current = await self.require_owner(agent, conversation_id)
        await self._move(conversation_id, current, Ownership(Owner.BOT), agent)
        return await self._say(
            conversation_id,
            "You are now back with the council's assistant.",
            handoff={"state": "bot"},
        )

    async def close(
        self, agent: AgentStatus, conversation_id: str, wrap_up: str
    ) -> Event:
        current = await self.require_owner(agent, conversation_id)
        await self._move(conversation_id, current, Ownership(Owner.CLOSED), agent)
        logger.info(
            "Conversation %s closed by %s: %s", conversation_id, agent.agent_id, wrap_up
        )
        return await self._say(
            conversation_id,
            "The adviser has closed this chat. Thank you for contacting the council.",
            handoff={"state": "closed", "wrap_up": wrap_up},
        )

    async def snapshot(self) -> dict[str, object]:
        """Every waiting chat by area, and every agent's presence and load.

        A waiting chat shows whom it is offered to now, if anyone, and whether
        it has been escalated to supervisors.
        """
        state = self.conversations.state
        queues = []
        now = self.now()
        offers = {offer.conversation_id: offer for offer in await state.offers.all()}
        for area in service_areas():
            detail = await state.queues.waiting_detail(area)
            if not detail:
                continue
            escalated = await state.escalations.which(
                [item.conversation_id for item in detail]
            )
            queues.append(
                {
                    "area": area,
                    "waiting": [item.conversation_id for item in detail],
                    "waiting_detail": [
                        _waiting_row(item, position, now, offers, escalated)
                        for position, item in enumerate(detail, 1)
                    ],
                }
            )
        agents = [
            {
                "agent_id": agent.agent_id,
                "name": agent.name,
                "presence": agent.presence,
                "chats": len(agent.chats),
                "capacity": agent.capacity,
            }
            for agent in await state.agents.all()
        ]
        return {"queues": queues, "agents": agents}

    async def _queues_changed(self, area: str) -> None:
        """Tell consoles to refresh, and each waiting resident their new place."""
        state = self.conversations.state
        await state.fanout.publish(QUEUES_CHANNEL, {"type": "queues"})
        for position, waiting in enumerate(await state.queues.waiting(area), 1):
            await state.fanout.publish(
                waiting,
                {
                    "type": "queue",
                    "area": area,
                    "position": position,
                    "wait_minutes": await self.wait_minutes(area, position),
                },
            )

    async def offer(self, agent: AgentStatus, item: Waiting, area: str) -> Offer | None:
        """Offer a waiting chat to ``agent`` until the offer timeout; None if the
        chat or the agent already has an offer (another worker was first)."""
        state = self.conversations.state
        now = self.now()
        offer = Offer(
            conversation_id=item.conversation_id,
            agent_id=agent.agent_id,
            agent_name=agent.name,
            area=area,
            made_at=now,
            deadline=now + self.offer_timeout_seconds,
        )
        if not await state.offers.make(offer):
            return None
        if await state.queues.since(area, item.conversation_id) is None:
            # Accepted or moved between the scan and the offer: take it back.
            await state.offers.end(item.conversation_id, agent.agent_id)
            return None

        metrics.OFFERS.labels("offered").inc()
        logger.info(
            "Conversation %s offered to %s", item.conversation_id, agent.agent_id
        )
        await self._routing(
            item.conversation_id,
            f"Offered to {agent.name}, to accept within "
            f"{_seconds_text(self.offer_timeout_seconds)}.",
            offer={
                "state": "offered",
                "agent_id": agent.agent_id,
                "agent_name": agent.name,
                "deadline": _iso(offer.deadline),
            },
        )
        await state.fanout.publish(QUEUES_CHANNEL, self.offer_frame(offer))
        await state.fanout.publish(QUEUES_CHANNEL, {"type": "queues"})
        return offer

    def offer_frame(self, offer: Offer) -> dict[str, object]:
        """The frame that shows an offer on its agent's console."""
        return {
            "type": "offer",
            "agent_id": offer.agent_id,
            "conversation_id": offer.conversation_id,
            "area": offer.area,
            "deadline": _iso(offer.deadline),
            "seconds_left": max(0, round(offer.deadline - self.now())),
        }

    async def withdraw(self, offer: Offer, why: str) -> bool:
        """End an offer that was not accepted; the chat keeps its place.

        ``why`` is ``timeout``, ``declined`` or ``agent_unavailable`` (the agent
        is then passed over for this chat next time), ``taken`` (another agent
        took the chat from the list) or ``not_waiting`` (the chat left the queue
        some other way; not logged). Only the call that ends the offer logs it,
        so two workers never both do.
        """
        state = self.conversations.state
        if not await state.offers.end(offer.conversation_id, offer.agent_id):
            return False

        metrics.OFFERS.labels(why).inc()
        logger.info(
            "Offer of conversation %s to %s withdrawn: %s",
            offer.conversation_id,
            offer.agent_id,
            why,
        )
        await state.fanout.publish(
            QUEUES_CHANNEL,
            {
                "type": "offer_withdrawn",
                "agent_id": offer.agent_id,
                "conversation_id": offer.conversation_id,
                "why": why,
            },
        )
        if why == "not_waiting":
            return True

        if why != "taken":
            await state.offers.pass_over(
                offer.conversation_id, offer.agent_id, self.now()
            )
        await self._routing(
            offer.conversation_id,
            WITHDRAWN[why].format(name=offer.agent_name),
            offer={
                "state": "withdrawn",
                "agent_id": offer.agent_id,
                "agent_name": offer.agent_name,
                "why": why,
            },
        )
        await state.fanout.publish(QUEUES_CHANNEL, {"type": "queues"})
        return True

    async def decline(self, agent: AgentStatus, conversation_id: str) -> None:
        """The agent turns down the chat offered to them."""
        offer = await self.conversations.state.offers.get(conversation_id)
        if offer is None or offer.agent_id != agent.agent_id:
            raise OfferWithdrawnError(conversation_id)
        await self.withdraw(offer, "declined")

    async def escalate(self, item: Waiting, area: str) -> bool:
        """Flag a chat nobody has taken to supervisors; once only per chat."""
        state = self.conversations.state
        if not await state.escalations.mark(item.conversation_id):
            return False

        waited = round(self.now() - item.since)
        metrics.OFFERS.labels("escalated").inc()
        logger.info(
            "Conversation %s escalated after %d seconds", item.conversation_id, waited
        )
        await self._routing(
            item.conversation_id,
            f"Escalated to supervisors: nobody had taken the chat after "
            f"{_seconds_text(waited)}.",
            escalation={"area": area, "waiting_seconds": waited},
        )
        await state.fanout.publish(
            QUEUES_CHANNEL,
            {
                "type": "escalated",
                "conversation_id": item.conversation_id,
                "area": area,
                "waiting_seconds": waited,
            },
        )
        return True

    async def require_owner(
        self, agent: AgentStatus, conversation_id: str
    ) -> Ownership:
        current = await self.conversations.log.ownership(conversation_id)
        if current.owner is not Owner.AGENT or current.agent_id != agent.agent_id:
            raise NotYourChatError(conversation_id)
        return current

    async def _move(
        self,
        conversation_id: str,
        current: Ownership,
        target: Ownership,
        agent: AgentStatus,
    ) -> None:
        if not await self.conversations.log.hand_over(conversation_id, current, target):
            raise NotYourChatError(conversation_id)
        if conversation_id in agent.chats:
            agent.chats.remove(conversation_id)
        await self.conversations.state.agents.put(agent)
        await self.conversations.state.fanout.publish(
            QUEUES_CHANNEL, {"type": "queues"}
        )

    async def _why_unavailable(self, area: str) -> str | None:
        if not self.hours.is_open(self.clock()):
            return "closed"
        agents = await self.conversations.state.agents.all()
        if not any(
            a.presence == "available" and (area in a.skills or "*" in a.skills)
            for a in agents
        ):
            return "no_agent"
        if len(await self.conversations.state.queues.waiting(area)) >= self.max_queue:
            return "queue_full"
        return None

    async def wait_minutes(self, area: str, position: int) -> int | None:
        """An honest estimate from recent waits in this area, or None if unknown.

        The waits are shared by every worker (Redis when configured), so each
        gives the same estimate.
        """
        waits = await self.conversations.state.waits.recent(area)
        if len(waits) < MIN_SAMPLES_FOR_ESTIMATE:
            return None
        return max(1, math.ceil(statistics.median(waits) * position / 60))

    async def _queue_text(self, area: str, position: int) -> str:
        text = (
            "I have asked for a person to join. "
            f"You are number {position} in the queue."
        )
        minutes = await self.wait_minutes(area, position)
        if minutes is None:
            return text + " We cannot estimate the wait yet."
        unit = "minute" if minutes == 1 else "minutes"
        return text + f" The wait is likely to be about {minutes} {unit}."

    async def _note_wait(self, area: str, seconds: float) -> None:
        seconds = max(0.0, seconds)
        metrics.QUEUE_WAIT_SECONDS.observe(seconds)
        await self.conversations.state.waits.add(area, seconds)

    async def _say(self, conversation_id: str, text: str, **extra: object) -> Event:
        return await self.conversations.record(
            "system", {"text": text, **extra}, conversation_id, kind="state"
        )

    async def _routing(self, conversation_id: str, text: str, **extra: object) -> Event:
        """A staff-only event about where the chat is being routed."""
        return await self.conversations.record(
            "system", {"text": text, **extra}, conversation_id, kind="routing"
        )


def _waiting_row(
    item: Waiting,
    position: int,
    now: float,
    offers: dict[str, Offer],
    escalated: set[str],
) -> dict[str, object]:
    offer = offers.get(item.conversation_id)
    return {
        "conversation_id": item.conversation_id,
        "position": position,
        "waiting_seconds": max(0, round(now - item.since)),
        "priority": item.priority,
        "offered_to": offer.agent_id if offer else None,
        "offered_to_name": offer.agent_name if offer else None,
        "escalated": item.conversation_id in escalated,
    }


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat()


def _seconds_text(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 120:
        return f"{seconds} second" + ("" if seconds == 1 else "s")
    return f"{seconds // 60} minutes"


WITHDRAWN = {
    "timeout": "Offer to {name} withdrawn: not accepted in time.",
    "declined": "{name} declined the chat.",
    "agent_unavailable": "Offer to {name} withdrawn: no longer available.",
    "taken": "Offer to {name} withdrawn: another adviser took the chat.",
}


# The assistant's report form raises a tracked enquiry that keeps this
# conversation's id, so the transcript stays attached for the team.
LEAVE_A_MESSAGE = [
    {"title": "Leave a message for the council", "payload": "/report_problem"},
    {"title": "Keep asking the assistant", "payload": "/ask_question"},
]

ADVISER_LOST = (
    "Sorry, your adviser has lost their connection. You are now first in the "
    "queue for the next adviser, who will see our whole conversation."
)

UNAVAILABLE = {
    "closed": (
        "Our advisers are not working now. You can leave a message and we will reply "
        "when we are open, or keep asking the assistant."
    ),
    "no_agent": (
        "No adviser is free to chat just now. You can leave a message and we will "
        "reply, or keep asking the assistant."
    ),
    "queue_full": (
        "Our advisers are very busy. You can leave a message and we will reply, "
        "or keep asking the assistant."
    ),
}
