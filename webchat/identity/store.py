"""Short-lived server-side records: pending sign-ins, sessions, token caches.

Two stores of the same shape: in process for one worker without Redis, and in
Redis so that any worker can finish a sign-in another started, or serve a
session another created. Values are strings (JSON); every record expires.
"""

import time
from typing import Protocol

from redis.asyncio import Redis

KEY_PREFIX = "council:identity:"


class RecordStore(Protocol):
    async def put(self, key: str, value: str, ttl_seconds: int) -> None: ...

    async def get(self, key: str) -> str | None: ...

    async def take(self, key: str) -> str | None:
        """Return the record and delete it in one step: a second take gets None."""
        ...

    async def delete(self, key: str) -> None: ...


class MemoryStore:
    """One worker's records; expired ones are dropped as they are met."""

    def __init__(self) -> None:
        self._records: dict[str, tuple[str, float]] = {}

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        self._drop_expired()
        self._records[key] = (value, time.monotonic() + ttl_seconds)

    async def get(self, key: str) -> str | None:
        record = self._records.get(key)
        if record is None or record[1] <= time.monotonic():
            return None
        return record[0]

    async def take(self, key: str) -> str | None:
        value = await self.get(key)
        self._records.pop(key, None)
        return value

    async def delete(self, key: str) -> None:
        self._records.pop(key, None)

    def _drop_expired(self) -> None:
        now = time.monotonic()
        for key in [key for key, (_, due) in self._records.items() if due <= now]:
            del self._records[key]


class RedisStore:
    """Records in Redis under ``council:identity:``; ``take`` is GETDEL."""

    def __init__(self, redis: Redis):
        self.redis = redis

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        await self.redis.set(KEY_PREFIX + key, value, ex=ttl_seconds)

    async def get(self, key: str) -> str | None:
        return _text(await self.redis.get(KEY_PREFIX + key))

    async def take(self, key: str) -> str | None:
        return _text(await self.redis.getdel(KEY_PREFIX + key))

    async def delete(self, key: str) -> None:
        await self.redis.delete(KEY_PREFIX + key)


def _text(value: str | bytes | None) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value
