"""Turns for periodic work shared by gateway workers.

Every worker runs the dispatcher, but one scan per interval is enough: the worker
that takes the turn does it. A turn is a Redis key that expires by itself, so a
worker that dies mid-scan holds nothing for longer than one interval.
"""

from typing import Protocol

from redis.asyncio import Redis


class Ticks(Protocol):
    async def take(self, name: str, seconds: float) -> bool:
        """True if this worker has the turn for the next ``seconds``."""
        ...


class LocalTicks:
    """One worker: the turn is always its own."""

    async def take(self, name: str, seconds: float) -> bool:
        return True


class RedisTicks:
    def __init__(self, redis: Redis, prefix: str = "council") -> None:
        self._redis = redis
        self._prefix = prefix

    async def take(self, name: str, seconds: float) -> bool:
        key = f"{self._prefix}:tick:{name}"
        millis = max(1, int(seconds * 1000))
        return bool(await self._redis.set(key, 1, nx=True, px=millis))
