"""A console keeps vouching for its agent through a failed beat."""

import asyncio
import logging

from redis.exceptions import ConnectionError as RedisConnectionError

from webchat.heartbeat import keep_vouching


async def test_keep_vouching_carries_on_after_a_beat_fails(caplog) -> None:
    beats: list[str] = []
    enough = asyncio.Event()

    async def vouch() -> None:
        beats.append("tried")
        if len(beats) == 1:
            raise RedisConnectionError("Redis is restarting")
        if len(beats) == 3:
            enough.set()

    caplog.set_level(logging.WARNING, logger="webchat.heartbeat")
    task = asyncio.create_task(keep_vouching(vouch, 0.01, "agent alice"))
    await asyncio.wait_for(enough.wait(), 5)
    task.cancel()

    assert len(beats) >= 3
    assert "agent alice" in caplog.text
    assert "ConnectionError" in caplog.text
