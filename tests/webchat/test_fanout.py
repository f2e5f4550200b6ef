"""The Redis fan-out over the real Redis: delivery, and a stop that always ends.

A missing Redis skips locally and fails under ``CI=true``.
"""

import asyncio
import uuid

import pytest
import redis
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from tests.e2e.conftest import redis_url, require_server
from webchat.state import fanout
from webchat.state.fanout import RedisFanout

# Long enough for a stop bounded at CLOSE_TIMEOUT_SECONDS; a hang fails here.
STOP_BOUND_SECONDS = fanout.CLOSE_TIMEOUT_SECONDS + 10


def redis_for_tests() -> str:
    url = redis_url()
    require_server(lambda: redis.Redis.from_url(url, socket_timeout=3).ping(), "Redis")
    return url


async def subscribed(events: RedisFanout, client: Redis) -> str:
    """A conversation whose events published through Redis reach ``events``."""
    conversation_id = uuid.uuid4().hex
    subscription = events.subscribe(conversation_id)

    for _ in range(100):
        await events.publish(conversation_id, {"type": "ping"})
        try:
            frame = await asyncio.wait_for(subscription.next(), 0.1)
        except TimeoutError:
            continue
        if frame == {"type": "ping"}:
            return conversation_id
    pytest.fail("the Redis subscription never delivered an event")


async def test_published_event_reaches_the_subscribers_on_this_worker():
    client = Redis.from_url(redis_for_tests(), decode_responses=True)
    events = RedisFanout(client)
    await events.start()

    try:
        await subscribed(events, client)
    finally:
        await events.stop()
        await client.aclose()


async def test_stop_ends_even_when_closing_the_subscription_hangs(monkeypatch):
    client = Redis.from_url(redis_for_tests(), decode_responses=True)
    events = RedisFanout(client)
    await events.start()
    await subscribed(events, client)
    closes: list[str] = []

    async def hang(self: PubSub) -> None:
        # The redis-py stall (redis/redis-py#3941): the close never returns.
        closes.append("started")
        await asyncio.Event().wait()

    monkeypatch.setattr(PubSub, "aclose", hang)
    monkeypatch.setattr(fanout, "CLOSE_TIMEOUT_SECONDS", 0.5)

    await asyncio.wait_for(events.stop(), STOP_BOUND_SECONDS)
    await client.aclose()

    assert closes == ["started"]
