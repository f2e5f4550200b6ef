"""Flood protection per connection and per address, in memory and in Redis."""

import uuid

import pytest
import redis

from webchat.rate_limits import RateLimitedError, RateLimits


def limits(redis_url: str = "") -> RateLimits:
    return RateLimits.build(redis_url, "3/10seconds", "5/minute", "2/minute")


async def test_check_message_refuses_the_fourth_message_on_one_connection():
    guard = limits()
    for _ in range(3):
        await guard.check_message("198.51.100.7", "c1")

    with pytest.raises(RateLimitedError) as refused:
        await guard.check_message("198.51.100.7", "c1")

    assert refused.value.status == 429


async def test_check_message_counts_every_connection_from_one_address():
    guard = limits()
    for connection in ("c1", "c2", "c3", "c4", "c5"):
        await guard.check_message("198.51.100.7", connection)

    with pytest.raises(RateLimitedError):
        await guard.check_message("198.51.100.7", "c6")
    await guard.check_message("203.0.113.9", "c7")  # another address is unaffected


async def test_check_new_conversation_limits_one_address():
    guard = limits()
    await guard.check_new_conversation("198.51.100.7")
    await guard.check_new_conversation("198.51.100.7")

    with pytest.raises(RateLimitedError):
        await guard.check_new_conversation("198.51.100.7")


async def test_limits_in_redis_are_shared_by_two_gateway_workers(redis_url_15):
    first, second = limits(redis_url_15), limits(redis_url_15)
    address = f"192.0.2.{uuid.uuid4().int % 250}"
    connection = uuid.uuid4().hex

    for guard in (first, second, first):
        await guard.check_message(address, connection)

    with pytest.raises(RateLimitedError):
        await second.check_message(address, connection)


@pytest.fixture()
def redis_url_15() -> str:
    import os

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_timeout=3).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable: {error!r}")
        pytest.skip(f"Redis is not reachable: {error!r}")
    return url
