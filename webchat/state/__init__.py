"""Coordination between gateway workers: sequence numbers, locks, fan-out, queues.

Each concept has an in-process version for one worker with no Redis, and a Redis
version so that several workers can serve any conversation. :func:`build` picks
by whether ``REDIS_URL`` is set; ``namespace`` prefixes the Redis keys of queues,
agents, offers, waits and escalations (so tests can share a Redis database).
"""

from dataclasses import dataclass, field

from redis import exceptions as redis_errors
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from webchat.state.agents import Agents, LocalAgents, RedisAgents
from webchat.state.escalations import Escalations, LocalEscalations, RedisEscalations
from webchat.state.fanout import Fanout, LocalFanout, RedisFanout
from webchat.state.locks import ConversationLocks, LocalLocks, RedisLocks
from webchat.state.offers import LocalOffers, Offers, RedisOffers
from webchat.state.queues import LocalQueues, Queues, RedisQueues
from webchat.state.sequences import LocalSequences, RedisSequences, Sequences
from webchat.state.ticks import LocalTicks, RedisTicks, Ticks
from webchat.state.waits import LocalWaits, RecentWaits, RedisWaits


@dataclass
class SharedState:
    sequences: Sequences
    locks: ConversationLocks
    fanout: Fanout
    queues: Queues
    agents: Agents
    redis: Redis | None = None
    offers: Offers = field(default_factory=LocalOffers)
    waits: RecentWaits = field(default_factory=LocalWaits)
    escalations: Escalations = field(default_factory=LocalEscalations)
    ticks: Ticks = field(default_factory=LocalTicks)


def build(redis_url: str, namespace: str = "council") -> SharedState:
    """In-process state when ``redis_url`` is empty, Redis-backed otherwise."""
    if not redis_url:
        return SharedState(
            LocalSequences(), LocalLocks(), LocalFanout(), LocalQueues(), LocalAgents()
        )

    # redis-py retries nothing by default: after a Redis restart every pooled
    # connection fails once. A few quick retries on a fresh connection ride out
    # a restart; a Redis that stays down still fails within about a second.
    redis = Redis.from_url(
        redis_url,
        decode_responses=True,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
        retry_on_error=[redis_errors.ConnectionError, redis_errors.TimeoutError],
        socket_connect_timeout=2,
        health_check_interval=30,
    )
    return SharedState(
        RedisSequences(redis),
        RedisLocks(redis),
        RedisFanout(redis),
        RedisQueues(redis, namespace),
        RedisAgents(redis, namespace),
        redis,
        offers=RedisOffers(redis, namespace),
        waits=RedisWaits(redis, namespace),
        escalations=RedisEscalations(redis, namespace),
        ticks=RedisTicks(redis, namespace),
    )
