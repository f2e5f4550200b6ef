"""A stopping worker finishes in bounded time, and its scans are not cut short."""

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import pytest

from webchat.dispatcher import Dispatcher
from webchat.state.ticks import LocalTicks
from webchat.stopping import stop_within


async def test_stop_within_returns_when_the_step_is_done() -> None:
    stopped = []

    async def stop() -> None:
        stopped.append(True)

    await stop_within("a step", stop, seconds=1)

    assert stopped == [True]


async def test_stop_within_raises_what_the_step_raised() -> None:
    async def stop() -> None:
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError, match="broken"):
        await stop_within("a step", stop, seconds=1)


async def test_stop_within_leaves_a_step_that_ignores_cancelling(caplog) -> None:
    release = asyncio.Event()

    async def stuck() -> None:
        # Like a close that swallows the cancel and keeps waiting.
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                continue

    caplog.set_level(logging.WARNING, logger="webchat.stopping")
    bounded = asyncio.ensure_future(stop_within("the stuck step", stuck, seconds=0.1))
    done, _ = await asyncio.wait({bounded}, timeout=5)
    release.set()

    assert bounded in done, "stop_within waited for a step that would not stop"
    assert "the stuck step" in caplog.text


class SlowScans(Dispatcher):
    """A dispatcher whose scans take a while and record how they ended."""

    def __init__(self) -> None:
        handoff: Any = SimpleNamespace(
            conversations=SimpleNamespace(state=SimpleNamespace(ticks=LocalTicks()))
        )
        super().__init__(handoff, interval_seconds=0.01)
        self.started = asyncio.Event()
        self.finished = 0
        self.cancelled = 0

    async def tick(self) -> None:
        self.started.set()
        try:
            await asyncio.sleep(0.2)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        self.finished += 1


async def test_dispatcher_stop_lets_the_scan_under_way_finish() -> None:
    dispatcher = SlowScans()
    dispatcher.start()
    await asyncio.wait_for(dispatcher.started.wait(), 5)

    await stop_within("the dispatcher", dispatcher.stop, seconds=5)

    assert dispatcher.finished == 1
    assert dispatcher.cancelled == 0
    assert dispatcher._task is None
