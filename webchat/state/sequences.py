"""Per-conversation sequence numbers, handed out by the server."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from redis.asyncio import Redis

LastSeq = Callable[[], Awaitable[int]]


class Sequences(Protocol):
    async def next(self, conversation_id: str, last_stored: LastSeq) -> int:
        """The next number for the conversation; ``last_stored`` seeds a restart."""
        ...


class LocalSequences:
    """Counters in this process; correct for a single gateway worker."""

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}
        self._lock = asyncio.Lock()

    async def next(self, conversation_id: str, last_stored: LastSeq) -> int:
        async with self._lock:
            if conversation_id not in self._counters:
                self._counters[conversation_id] = await last_stored()
            self._counters[conversation_id] += 1
            return self._counters[conversation_id]


class RedisSequences:
    """Counters in Redis (INCR), shared by every gateway worker."""

    def __init__(self, redis: Redis, ttl_seconds: int = 7 * 24 * 3600) -> None:
        self._redis = redis
        self._ttl = ttl_seconds

    async def next(self, conversation_id: str, last_stored: LastSeq) -> int:
        key = f"council:conversation:{conversation_id}:seq"

        # After a Redis restart the counter is seeded from the log, so numbers
        # never go backwards; NX keeps a racing worker from resetting it.
        if not await self._redis.exists(key):
            await self._redis.set(key, await last_stored(), nx=True)

        value = await self._redis.incr(key)
        await self._redis.expire(key, self._ttl)
        return int(value)
