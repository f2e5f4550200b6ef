"""Records for sign-ins and sessions: taken once, gone when expired."""

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from tests.identity.conftest import REDIS_URL, clear_identity_keys, require_redis
from webchat.identity.store import MemoryStore, RecordStore, RedisStore


@pytest_asyncio.fixture(params=["memory", "redis"], loop_scope="function")
async def store(request: pytest.FixtureRequest) -> AsyncIterator[RecordStore]:
    if request.param == "memory":
        yield MemoryStore()
        return

    require_redis()
    redis = Redis.from_url(REDIS_URL, decode_responses=True)
    yield RedisStore(redis)
    await redis.aclose()
    clear_identity_keys()


async def test_store_take_returns_a_record_only_once(store: RecordStore) -> None:
    await store.put("flow:agent:s1", "flow", 60)

    assert await store.take("flow:agent:s1") == "flow"
    assert await store.take("flow:agent:s1") is None


async def test_store_record_past_its_lifetime_is_gone(store: RecordStore) -> None:
    await store.put("session:x", "data", 1)

    await asyncio.sleep(1.2)

    assert await store.get("session:x") is None


async def test_store_delete_removes_the_record(store: RecordStore) -> None:
    await store.put("session:y", "data", 60)

    await store.delete("session:y")

    assert await store.get("session:y") is None
