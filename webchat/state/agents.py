"""Agents' presence, skills and load, shared by every gateway worker.

An agent is ``available``, ``away`` or ``offline``; has skills (the taxonomy's
service areas they can take) and a capacity (chats at once). Load is the number of
chats the agent owns now.
"""

import json
from dataclasses import asdict, dataclass, field
from typing import Protocol

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


class LocalAgents:
    def __init__(self) -> None:
        self._agents: dict[str, AgentStatus] = {}

    async def get(self, agent_id: str) -> AgentStatus | None:
        return self._agents.get(agent_id)

    async def put(self, status: AgentStatus) -> None:
        self._agents[status.agent_id] = status

    async def all(self) -> list[AgentStatus]:
        return list(self._agents.values())


class RedisAgents:
    def __init__(self, redis: Redis, prefix: str = "council") -> None:
        self._redis = redis
        self._key = f"{prefix}:agents"

    async def get(self, agent_id: str) -> AgentStatus | None:
        raw = await self._redis.hget(self._key, agent_id)
        return AgentStatus(**json.loads(raw)) if raw else None

    async def put(self, status: AgentStatus) -> None:
        await self._redis.hset(self._key, status.agent_id, json.dumps(asdict(status)))

    async def all(self) -> list[AgentStatus]:
        values = await self._redis.hvals(self._key)
        return [AgentStatus(**json.loads(raw)) for raw in values]
