"""Which waiting chats have been escalated to supervisors: once only per chat."""

from typing import Protocol

from redis.asyncio import Redis

KEEP_SECONDS = 7 * 24 * 3600


class Escalations(Protocol):
    async def mark(self, conversation_id: str) -> bool:
        """Mark the chat escalated; True only for the first call, on any worker."""
        ...

    async def which(self, conversation_ids: list[str]) -> set[str]:
        """Those of ``conversation_ids`` that have been escalated."""
        ...


class LocalEscalations:
    def __init__(self) -> None:
        self._marked: set[str] = set()

    async def mark(self, conversation_id: str) -> bool:
        if conversation_id in self._marked:
            return False
        self._marked.add(conversation_id)
        return True

    async def which(self, conversation_ids: list[str]) -> set[str]:
        return self._marked.intersection(conversation_ids)


class RedisEscalations:
    """One key per escalated chat, set with NX so only one worker wins."""

    def __init__(self, redis: Redis, prefix: str = "council") -> None:
        self._redis = redis
        self._prefix = prefix

    def _key(self, conversation_id: str) -> str:
        return f"{self._prefix}:escalated:{conversation_id}"

    async def mark(self, conversation_id: str) -> bool:
        return bool(
            await self._redis.set(
                self._key(conversation_id), 1, nx=True, ex=KEEP_SECONDS
            )
        )

    async def which(self, conversation_ids: list[str]) -> set[str]:
        if not conversation_ids:
            return set()
        values = await self._redis.mget([self._key(c) for c in conversation_ids])
        return {c for c, value in zip(conversation_ids, values, strict=True) if value}
