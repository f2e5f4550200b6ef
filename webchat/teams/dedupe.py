"""Has this activity been seen before? Teams resends when the bot is slow.

The Bot Connector redelivers an activity it thinks went unanswered (after about
15 s), with the same activity id. Each activity is claimed once, before any
work: in Redis (``SET NX`` with a lifetime) when ``REDIS_URL`` is set, so
every gateway worker sees the claim, otherwise in this process's memory. The
enquiry's idempotency key stays the last line of defence for raising cases.
"""

import hashlib
import logging
import time
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

KEY_PREFIX = "teams:seen:"


def activity_key(channel_id: str, conversation_id: str, activity_id: str) -> str:
    """A short stable key: activity ids are only unique within a conversation."""
    joined = "\n".join((channel_id, conversation_id, activity_id))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:40]


class SeenActivities(Protocol):
    async def claim(self, key: str) -> bool:
        """True the first time ``key`` is claimed within the lifetime."""


class LocalSeenActivities:
    """In one process's memory; right for a single gateway worker."""

    def __init__(self, ttl_seconds: int):
        self.ttl_seconds = ttl_seconds
        self._expiry: dict[str, float] = {}

    async def claim(self, key: str) -> bool:
        now = time.monotonic()
        self._forget_expired(now)
        if key in self._expiry:
            return False
        self._expiry[key] = now + self.ttl_seconds
        return True

    def _forget_expired(self, now: float) -> None:
        # Insertion order is expiry order (one lifetime for all), so expired
        # keys are at the front.
        for key, expires in list(self._expiry.items()):
            if expires > now:
                break
            del self._expiry[key]


class RedisSeenActivities:
    """Shared by every worker through Redis."""

    def __init__(self, redis: Redis, ttl_seconds: int):
        self.redis = redis
        self.ttl_seconds = ttl_seconds

    async def claim(self, key: str) -> bool:
        try:
            first = await self.redis.set(
                KEY_PREFIX + key, "1", nx=True, ex=self.ttl_seconds
            )
        except RedisError as error:
            # Better to risk a repeated reply than to drop the councillor's
            # message: raising a case is still protected by its key.
            logger.warning("Cannot record a Teams activity in Redis: %r", error)
            return True
        return bool(first)


def build_seen(redis: Redis | None, ttl_seconds: int) -> SeenActivities:
    if redis is None:
        return LocalSeenActivities(ttl_seconds)
    return RedisSeenActivities(redis, ttl_seconds)
