"""A connection saying, every few seconds, that it is still there.

Used by agents' consoles: the dispatcher returns the chats of an agent no
console has vouched for lately (webchat/dispatcher.py). A beat that fails (Redis
restarting, say) is logged and the next one tried: stopping for good would make
a connected agent look gone once Redis is back.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


async def keep_vouching(
    vouch: Callable[[], Awaitable[None]], every_seconds: float, who: str
) -> None:
    """Call ``vouch`` every ``every_seconds`` until cancelled, whatever it raises."""
    while True:
        try:
            await vouch()
        except Exception as error:
            logger.warning(
                "Could not record that %s is connected (%r); trying again in %.0f s",
                who,
                error,
                every_seconds,
            )
        await asyncio.sleep(every_seconds)
