"""Rate limits per connection and per address, shared by workers through Redis.

Uses the ``limits`` library (moving windows) with Redis storage when REDIS_URL is
set, so a flood spread over several gateway workers is still one flood; in-process
storage otherwise. A refused message is not accepted: it gets a clear error and
the client may send it again later.
"""

import logging
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from webchat import metrics
from webchat.errors import GatewayError

logger = logging.getLogger(__name__)


class RateLimitedError(GatewayError):
    code = "rate_limited"
    status = 429
    public_message = (
        "You are sending messages too quickly. Please wait a few seconds, then "
        "send your message again."
    )


@dataclass
class RateLimits:
    limiter: MovingWindowRateLimiter
    per_connection: RateLimitItem
    per_address: RateLimitItem
    new_conversations: RateLimitItem

    @classmethod
    def build(
        cls,
        redis_url: str,
        per_connection: str,
        per_address: str,
        new_conversations: str,
    ) -> "RateLimits":
        if redis_url:
            uri = "async+" + redis_url
            storage = storage_from_string(
                uri, implementation="redispy", key_prefix="council-limits"
            )
        else:
            storage = storage_from_string("async+memory://")
        return cls(
            MovingWindowRateLimiter(storage),
            parse(per_connection),
            parse(per_address),
            parse(new_conversations),
        )

    async def check_message(self, address: str, connection: str) -> None:
        """Raise :class:`RateLimitedError` when this message is one too many."""
        if not await self.limiter.hit(self.per_connection, "connection", connection):
            self._refused("connection")
        if not await self.limiter.hit(self.per_address, "address", address):
            self._refused("address")

    async def check_new_conversation(self, address: str) -> None:
        if not await self.limiter.hit(self.new_conversations, "start", address):
            self._refused("new conversations")

    def _refused(self, which: str) -> None:
        metrics.RATE_LIMITED.inc()
        logger.warning(
            "Rate limit per %s reached; the client was told to slow down", which
        )
        raise RateLimitedError(which)
