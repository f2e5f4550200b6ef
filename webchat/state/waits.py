"""Recent waits per service area, from which residents get a wait estimate.

Each accepted chat adds how long it waited (seconds) to its area's list; only the
latest ``keep`` are kept. With Redis the list is shared, so every gateway worker
gives the same estimate.
"""

from collections import deque
from typing import Protocol

from redis.asyncio import Redis

KEEP = 20


class RecentWaits(Protocol):
    async def add(self, area: str, seconds: float) -> None: ...

    async def recent(self, area: str) -> list[float]:
        """The area's latest waits, newest first."""
        ...


class LocalWaits:
    """Waits in this process, for a single gateway worker."""

    def __init__(self, keep: int = KEEP) -> None:
        self._keep = keep
        self._waits: dict[str, deque[float]] = {}

    async def add(self, area: str, seconds: float) -> None:
        waits = self._waits.setdefault(area, deque(maxlen=self._keep))
        waits.appendleft(seconds)

    async def recent(self, area: str) -> list[float]:
        return list(self._waits.get(area, ()))


class RedisWaits:
    """A capped Redis list per area, shared by every gateway worker."""

    def __init__(self, redis: Redis, prefix: str = "council", keep: int = KEEP) -> None:
        self._redis = redis
        self._prefix = prefix
        self._keep = keep

    def _key(self, area: str) -> str:
        return f"{self._prefix}:waits:{area}"

    async def add(self, area: str, seconds: float) -> None:
        # One transaction, so the list is never seen longer than ``keep``.
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(self._key(area), f"{seconds:.3f}")
            pipe.ltrim(self._key(area), 0, self._keep - 1)
            await pipe.execute()

    async def recent(self, area: str) -> list[float]:
        return [float(v) for v in await self._redis.lrange(self._key(area), 0, -1)]
