"""One turn at a time per conversation, so replies keep the order of messages."""

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from redis.asyncio import Redis


class ConversationLocks(Protocol):
    def hold(self, conversation_id: str) -> AbstractAsyncContextManager[None]:
        """Hold the conversation's lock for the duration of the block."""
        ...


class LocalLocks:
    """asyncio locks in this process; waiters are served first come first served."""

    def __init__(self) -> None:
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        async with self._locks[conversation_id]:
            yield


class RedisLocks:
    """Redis locks (redis-py's Lock) shared by every gateway worker."""

    def __init__(self, redis: Redis, timeout_seconds: float = 60.0) -> None:
        self._redis = redis
        self._timeout = timeout_seconds

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        lock = self._redis.lock(
            f"council:conversation:{conversation_id}:lock",
            timeout=self._timeout,
            blocking_timeout=self._timeout,
        )
        async with lock:
            yield
