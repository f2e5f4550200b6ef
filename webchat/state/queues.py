"""Queues of conversations waiting for an agent, one per service area.

First come, first served, with a priority flag that puts a chat ahead of every
chat without it. ``claim`` removes a chat atomically, so when two agents accept the
same chat at once exactly one of them gets it.
"""

import time
from dataclasses import dataclass
from typing import Protocol, cast

from redis.asyncio import Redis

# Scores order priority chats before the rest, each group by arrival time.
PRIORITY_OFFSET = 10**13


def score(priority: bool, at: float) -> float:
    millis = int(at * 1000)
    return float(millis if priority else PRIORITY_OFFSET + millis)


@dataclass(frozen=True)
class Waiting:
    """A chat in a queue: since when (Unix time) and whether it has priority."""

    conversation_id: str
    since: float
    priority: bool


def unscore(conversation_id: str, value: float) -> Waiting:
    priority = value < PRIORITY_OFFSET
    millis = value if priority else value - PRIORITY_OFFSET
    return Waiting(conversation_id, millis / 1000, priority)


class Queues(Protocol):
    async def enqueue(
        self,
        area: str,
        conversation_id: str,
        priority: bool = False,
        at: float | None = None,
    ) -> int:
        """Add the chat (at Unix time ``at``, now by default); its place from 1."""
        ...

    async def claim(self, area: str, conversation_id: str) -> bool: ...

    async def position(self, area: str, conversation_id: str) -> int | None: ...

    async def waiting(self, area: str) -> list[str]: ...

    async def waiting_detail(self, area: str) -> list[Waiting]: ...

    async def since(self, area: str, conversation_id: str) -> float | None:
        """When the chat joined the queue (Unix time), or None if it is not in it."""
        ...


class LocalQueues:
    """Queues in this process, for a single gateway worker."""

    def __init__(self) -> None:
        self._queues: dict[str, dict[str, float]] = {}

    async def enqueue(
        self,
        area: str,
        conversation_id: str,
        priority: bool = False,
        at: float | None = None,
    ) -> int:
        queue = self._queues.setdefault(area, {})
        queue.setdefault(
            conversation_id, score(priority, time.time() if at is None else at)
        )
        return await self.position(area, conversation_id) or 0

    async def claim(self, area: str, conversation_id: str) -> bool:
        return self._queues.get(area, {}).pop(conversation_id, None) is not None

    async def position(self, area: str, conversation_id: str) -> int | None:
        ordered = await self.waiting(area)
        if conversation_id not in ordered:
            return None
        return ordered.index(conversation_id) + 1

    async def waiting(self, area: str) -> list[str]:
        queue = self._queues.get(area, {})
        return sorted(queue, key=queue.__getitem__)

    async def waiting_detail(self, area: str) -> list[Waiting]:
        queue = self._queues.get(area, {})
        return [unscore(cid, queue[cid]) for cid in await self.waiting(area)]

    async def since(self, area: str, conversation_id: str) -> float | None:
        value = self._queues.get(area, {}).get(conversation_id)
        return None if value is None else unscore(conversation_id, value).since


class RedisQueues:
    """Queues as Redis sorted sets, shared by every gateway worker."""

    def __init__(self, redis: Redis, prefix: str = "council") -> None:
        self._redis = redis
        self._prefix = prefix

    def _key(self, area: str) -> str:
        return f"{self._prefix}:queue:{area}"

    async def enqueue(
        self,
        area: str,
        conversation_id: str,
        priority: bool = False,
        at: float | None = None,
    ) -> int:
        # NX: a chat already waiting keeps its place.
        await self._redis.zadd(
            self._key(area),
            {conversation_id: score(priority, time.time() if at is None else at)},
            nx=True,
        )
        return await self.position(area, conversation_id) or 0

    async def claim(self, area: str, conversation_id: str) -> bool:
        return bool(await self._redis.zrem(self._key(area), conversation_id))

    async def position(self, area: str, conversation_id: str) -> int | None:
        # redis-py types replies for every option; without WITHSCORE, a rank.
        rank = cast(
            int | None, await self._redis.zrank(self._key(area), conversation_id)
        )
        return None if rank is None else rank + 1

    async def waiting(self, area: str) -> list[str]:
        # The client decodes replies (decode_responses=True): ids are str.
        return cast(list[str], await self._redis.zrange(self._key(area), 0, -1))

    async def waiting_detail(self, area: str) -> list[Waiting]:
        pairs = cast(
            list[tuple[str, float]],
            await self._redis.zrange(self._key(area), 0, -1, withscores=True),
        )
        return [unscore(cid, float(value)) for cid, value in pairs]

    async def since(self, area: str, conversation_id: str) -> float | None:
        value = await self._redis.zscore(self._key(area), conversation_id)
        return None if value is None else unscore(conversation_id, float(value)).since
