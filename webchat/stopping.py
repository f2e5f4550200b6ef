"""Stopping a gateway worker in bounded time.

A worker told to stop (SIGTERM from systemd, Kubernetes or a test) must finish
within the grace it is given, or it is killed part way through and the steps
after the stuck one never run. Each step of stopping gets its own bound; a step
that overruns is cancelled and named in the log, and stopping goes on.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

STEP_SECONDS = 5.0


async def stop_within(
    name: str, stop: Callable[[], Awaitable[None]], seconds: float = STEP_SECONDS
) -> None:
    """Run ``stop()``; past ``seconds``, cancel it, log ``name`` and return.

    ``asyncio.wait`` is used rather than ``wait_for``: the latter waits for the
    cancelled step to finish cancelling, which a stuck step may never do.
    Errors the step raises within its time are raised here.
    """
    step = asyncio.ensure_future(stop())
    done, _ = await asyncio.wait({step}, timeout=seconds)
    if step in done:
        step.result()
        return

    step.cancel()
    logger.warning(
        "Stopping %s took over %.0f s; cancelled it and went on", name, seconds
    )
