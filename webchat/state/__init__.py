"""Coordination between gateway workers: sequence numbers, locks, fan-out.

Each concept has an in-process version for one worker with no Redis, and a Redis
version so that several workers can serve any conversation. :func:`build` picks
by whether ``REDIS_URL`` is set.
"""

from dataclasses import dataclass

from redis.asyncio import Redis

from webchat.state.agents import Agents, LocalAgents, RedisAgents
from webchat.state.fanout import Fanout, LocalFanout, RedisFanout
from webchat.state.locks import ConversationLocks, LocalLocks, RedisLocks
from webchat.state.queues import LocalQueues, Queues, RedisQueues
from webchat.state.sequences import LocalSequences, RedisSequences, Sequences


@dataclass
class SharedState:
    sequences: Sequences
    locks: ConversationLocks
    fanout: Fanout
    queues: Queues
    agents: Agents
    redis: Redis | None = None


def build(redis_url: str) -> SharedState:
    """In-process state when ``redis_url`` is empty, Redis-backed otherwise."""
    if not redis_url:
        return SharedState(
            LocalSequences(), LocalLocks(), LocalFanout(), LocalQueues(), LocalAgents()
        )

    redis = Redis.from_url(redis_url, decode_responses=True)
    return SharedState(
        RedisSequences(redis),
        RedisLocks(redis),
        RedisFanout(redis),
        RedisQueues(redis),
        RedisAgents(redis),
        redis,
    )
