"""Agents' presence, skills and load, shared by every gateway worker.

An agent is ``available``, ``away`` or ``offline``; has skills (the taxonomy's
service areas they can take) and a capacity (chats at once). Load is the number of
chats the agent owns now.
"""

import json
from dataclasses import asdict, dataclass, field
from typing import Protocol, cast

from redis.asyncio import Redis

PRESENCE = ("available", "away", "offline")


@dataclass
class AgentStatus:
    agent_id: str
    name: str
    presence: str = "offline"
    skills: list[str] = field(default_factory=list)
    capacity: int = 2
    chats: list[str] = field(default_factory=list)

    def can_take(self, area: str | None) -> bool:
        return (
            self.presence == "available"
            and len(self.chats) < self.capacity
            and (area is None or area in self.skills or "*" in self.skills)
        )


class Agents(Protocol):
    async def get(self, agent_id: str) -> AgentStatus | None: ...

    async def put(self, status: AgentStatus) -> None: ...

    async def all(self) -> list[AgentStatus]: ...

    async def touch(self, agent_id: str, at: float) -> None:
        """Record that a console of ``agent_id`` was connected at ``at``.

        Kept apart from :class:`AgentStatus` so that a heartbeat never writes
        back a stale list of chats over a change made on another worker.
        """

    async def last_seen(self) -> dict[str, float]:
        """When each agent's console last said it was connected."""


class LocalAgents:
    def __init__(self) -> None:
        self._agents: dict[str, AgentStatus] = {}
        self._seen: dict[str, float] = {}

    async def get(self, agent_id: str) -> AgentStatus | None:
        return self._agents.get(agent_id)

    async def put(self, status: AgentStatus) -> None:
        self._agents[status.agent_id] = status

    async def all(self) -> list[AgentStatus]:
        return list(self._agents.values())

    async def touch(self, agent_id: str, at: float) -> None:
        self._seen[agent_id] = at

    async def last_seen(self) -> dict[str, float]:
        return dict(self._seen)


class RedisAgents:
    def __init__(self, redis: Redis, prefix: str = "council") -> None:
        self._redis = redis
        self._key = f"{prefix}:agents"
        self._seen_key = f"{prefix}:agents:seen"

    async def get(self, agent_id: str) -> AgentStatus | None:
        raw = await self._redis.hget(self._key, agent_id)
        return AgentStatus(**json.loads(raw)) if raw else None

    async def put(self, status: AgentStatus) -> None:
        await self._redis.hset(self._key, status.agent_id, json.dumps(asdict(status)))

    async def all(self) -> list[AgentStatus]:
        values = await self._redis.hvals(self._key)
        return [AgentStatus(**json.loads(raw)) for raw in values]

    async def touch(self, agent_id: str, at: float) -> None:
        await self._redis.hset(self._seen_key, agent_id, repr(at))

    async def last_seen(self) -> dict[str, float]:
        # The client decodes replies (decode_responses=True): str to str.
        seen = cast(dict[str, str], await self._redis.hgetall(self._seen_key))
        return {agent_id: float(at) for agent_id, at in seen.items()}
