"""Chats offered to agents: at most one offer per chat and one per agent.

An offer reserves a waiting chat for one agent until a deadline (Unix time). The
chat stays in its queue meanwhile, so when the offer ends unanswered it is still
in its original place. Making and ending an offer are atomic (a Lua script in
Redis), so two workers cannot offer one chat twice, and an agent's accept and the
offer's timeout cannot both win.

Agents an offer lapsed for (or who declined) are remembered per chat, so the next
offer goes to someone else first.
"""

import json
from dataclasses import asdict, dataclass
from typing import Protocol

from redis.asyncio import Redis

PASSED_KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Offer:
    conversation_id: str
    agent_id: str
    agent_name: str
    area: str
    made_at: float
    deadline: float


class Offers(Protocol):
    async def make(self, offer: Offer) -> bool:
        """Store ``offer`` unless the chat or the agent already has one."""
        ...

    async def end(self, conversation_id: str, agent_id: str) -> Offer | None:
        """End the chat's offer if it is ``agent_id``'s; the offer, once only."""
        ...

    async def get(self, conversation_id: str) -> Offer | None: ...

    async def all(self) -> list[Offer]: ...

    async def pass_over(self, conversation_id: str, agent_id: str, at: float) -> None:
        """Remember that ``agent_id`` let this chat's offer go at ``at``."""
        ...

    async def passed(self, conversation_id: str) -> dict[str, float]:
        """Agents who let this chat's offer go, and when."""
        ...

    async def forget(self, conversation_id: str) -> None:
        """Drop what is remembered about a chat that is no longer waiting."""
        ...

    async def last_offered(self) -> dict[str, float]:
        """When each agent was last offered any chat."""
        ...


class LocalOffers:
    """Offers in this process, for a single gateway worker."""

    def __init__(self) -> None:
        self._offers: dict[str, Offer] = {}
        self._passed: dict[str, dict[str, float]] = {}
        self._last: dict[str, float] = {}

    async def make(self, offer: Offer) -> bool:
        if offer.conversation_id in self._offers or any(
            o.agent_id == offer.agent_id for o in self._offers.values()
        ):
            return False
        self._offers[offer.conversation_id] = offer
        self._last[offer.agent_id] = offer.made_at
        return True

    async def end(self, conversation_id: str, agent_id: str) -> Offer | None:
        offer = self._offers.get(conversation_id)
        if offer is None or offer.agent_id != agent_id:
            return None
        return self._offers.pop(conversation_id)

    async def get(self, conversation_id: str) -> Offer | None:
        return self._offers.get(conversation_id)

    async def all(self) -> list[Offer]:
        return list(self._offers.values())

    async def pass_over(self, conversation_id: str, agent_id: str, at: float) -> None:
        self._passed.setdefault(conversation_id, {})[agent_id] = at

    async def passed(self, conversation_id: str) -> dict[str, float]:
        return dict(self._passed.get(conversation_id, {}))

    async def forget(self, conversation_id: str) -> None:
        self._passed.pop(conversation_id, None)

    async def last_offered(self) -> dict[str, float]:
        return dict(self._last)


# KEYS: offers hash, by-agent hash, last-offered hash.
# ARGV: conversation id, agent id, offer JSON, made at.
MAKE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
return 1
"""

# KEYS: offers hash, by-agent hash. ARGV: conversation id, agent id.
END = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
if cjson.decode(raw)['agent_id'] ~= ARGV[2] then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
return raw
"""


class RedisOffers:
    """Offers in Redis hashes, shared by every gateway worker."""

    def __init__(self, redis: Redis, prefix: str = "council") -> None:
        self._redis = redis
        self._offers = f"{prefix}:offers"
        self._by_agent = f"{prefix}:offers:by-agent"
        self._last = f"{prefix}:offers:last"
        self._passed = f"{prefix}:offers:passed:"
        self._make = redis.register_script(MAKE)
        self._end = redis.register_script(END)

    async def make(self, offer: Offer) -> bool:
        made = await self._make(
            keys=[self._offers, self._by_agent, self._last],
            args=[
                offer.conversation_id,
                offer.agent_id,
                json.dumps(asdict(offer)),
                offer.made_at,
            ],
        )
        return bool(made)

    async def end(self, conversation_id: str, agent_id: str) -> Offer | None:
        raw = await self._end(
            keys=[self._offers, self._by_agent], args=[conversation_id, agent_id]
        )
        return Offer(**json.loads(raw)) if raw else None

    async def get(self, conversation_id: str) -> Offer | None:
        raw = await self._redis.hget(self._offers, conversation_id)
        return Offer(**json.loads(raw)) if raw else None

    async def all(self) -> list[Offer]:
        return [
            Offer(**json.loads(raw)) for raw in await self._redis.hvals(self._offers)
        ]

    async def pass_over(self, conversation_id: str, agent_id: str, at: float) -> None:
        key = self._passed + conversation_id
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, agent_id, at)
            pipe.expire(key, PASSED_KEEP_SECONDS)
            await pipe.execute()

    async def passed(self, conversation_id: str) -> dict[str, float]:
        values = await self._redis.hgetall(self._passed + conversation_id)
        return {str(agent): float(at) for agent, at in values.items()}

    async def forget(self, conversation_id: str) -> None:
        await self._redis.delete(self._passed + conversation_id)

    async def last_offered(self) -> dict[str, float]:
        values = await self._redis.hgetall(self._last)
        return {str(agent): float(at) for agent, at in values.items()}
