"""Delivering a conversation's new events to every connection that shows it.

Each connection gets a bounded queue. A connection that stops reading fills its
queue and is marked overflowed; the websocket layer then closes it and the client
resumes from the last sequence it saw, so memory never grows without bound and
nothing is lost.
"""

import asyncio
import json
import logging
from collections import defaultdict
from contextlib import suppress
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    wait_exponential,
)

logger = logging.getLogger(__name__)

QUEUE_SIZE = 256
CHANNEL_PREFIX = "council:conversation-events:"
# How long a stopping worker waits for a Redis subscription to close.
CLOSE_TIMEOUT_SECONDS = 3.0


class Subscription:
    """One connection's queue of frames for one conversation.

    The queue holds ``size`` frames. When a connection falls that far behind, the
    subscription stops taking frames and ``next`` reports the overflow once, so
    the connection can close (or catch up from the log) instead of growing.
    """

    def __init__(self, conversation_id: str, size: int = QUEUE_SIZE) -> None:
        self.conversation_id = conversation_id
        self._size = size
        # One slot more than ``size`` so the overflow mark always fits.
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(
            maxsize=size + 1
        )
        self.overflowed = False

    def offer(self, frame: dict[str, Any]) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= self._size:
            logger.warning(
                "Connection on conversation %s fell %d frames behind; it will "
                "resume from its last sequence number",
                self.conversation_id,
                self._size,
            )
            self.overflowed = True
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(frame)

    async def next(self) -> dict[str, Any] | None:
        """The next frame, or None once when the connection fell too far behind.

        After None the caller either closes the connection or catches up from the
        log and calls ``recover``; frames offered in between were not kept.
        """
        return await self.queue.get()

    def recover(self) -> None:
        """Take frames again after the caller caught up from the log."""
        self.overflowed = False


class Fanout(Protocol):
    def subscribe(self, conversation_id: str) -> Subscription: ...

    def unsubscribe(self, subscription: Subscription) -> None: ...

    async def publish(self, conversation_id: str, frame: dict[str, Any]) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class LocalFanout:
    """Delivers to connections in this process only."""

    def __init__(self) -> None:
        self._subscriptions: defaultdict[str, set[Subscription]] = defaultdict(set)

    def subscribe(self, conversation_id: str) -> Subscription:
        subscription = Subscription(conversation_id)
        self._subscriptions[conversation_id].add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscriptions.get(subscription.conversation_id)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._subscriptions[subscription.conversation_id]

    async def publish(self, conversation_id: str, frame: dict[str, Any]) -> None:
        self.deliver(conversation_id, frame)

    def deliver(self, conversation_id: str, frame: dict[str, Any]) -> None:
        for subscription in list(self._subscriptions.get(conversation_id, ())):
            subscription.offer(frame)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisFanout(LocalFanout):
    """Publishes through Redis so connections on every worker receive events."""

    def __init__(self, redis: Redis) -> None:
        super().__init__()
        self._redis = redis
        self._listener: asyncio.Task[None] | None = None

    async def publish(self, conversation_id: str, frame: dict[str, Any]) -> None:
        await self._redis.publish(CHANNEL_PREFIX + conversation_id, json.dumps(frame))

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        """End the subscription and wait for the listener to finish."""
        if self._listener is None:
            return
        self._listener.cancel()
        with suppress(asyncio.CancelledError):
            await self._listener
        self._listener = None

    async def _listen(self) -> None:
        """Deliver published events to this worker's connections, for good.

        When Redis goes away the subscription is made again with backoff; events
        published meanwhile are not lost to clients, who fill any gap from the
        conversation's log (see the websocket's resume).
        """
        async for attempt in AsyncRetrying(
            retry=retry_if_exception_type(RedisError),
            wait=wait_exponential(multiplier=0.2, max=5),
            before_sleep=_log_retry,
        ):
            with attempt:
                await self._listen_once()

    async def _listen_once(self) -> None:
        pubsub = self._redis.pubsub()
        try:
            await pubsub.psubscribe(CHANNEL_PREFIX + "*")
            # Anything published while unsubscribed is only in the log: have
            # every local connection catch up from it.
            for conversation_id in list(self._subscriptions):
                self.deliver(conversation_id, {"type": "resync"})
            async for message in pubsub.listen():
                if message.get("type") != "pmessage":
                    continue
                conversation_id = message["channel"].removeprefix(CHANNEL_PREFIX)
                self.deliver(conversation_id, json.loads(message["data"]))
        finally:
            await _close(pubsub)


async def _close(pubsub: PubSub) -> None:
    """Close a subscription, giving up after a few seconds.

    redis-py's close can wait for ever for the socket to finish closing
    (redis/redis-py#3941), which held a stopping gateway worker until it was
    killed. Past the bound the socket is dropped without waiting.
    """
    try:
        await asyncio.wait_for(pubsub.aclose(), CLOSE_TIMEOUT_SECONDS)
    except TimeoutError:
        logger.warning(
            "The Redis subscription did not close within %.0f s; dropped it",
            CLOSE_TIMEOUT_SECONDS,
        )
        if pubsub.connection is not None:
            await pubsub.connection.disconnect(nowait=True)


def _log_retry(state: RetryCallState) -> None:
    logger.warning(
        "Lost the Redis subscription for conversation events (attempt %d); "
        "subscribing again",
        state.attempt_number,
    )
