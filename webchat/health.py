"""Readiness of everything a resident's question depends on."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

logger = logging.getLogger(__name__)

Check = Callable[[], Awaitable[str]]


@dataclass
class Readiness:
    """Each component's state; ready only when every component is ``ok``."""

    components: dict[str, dict[str, str]]

    @property
    def ready(self) -> bool:
        return all(item["state"] == "ok" for item in self.components.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": "ready" if self.ready else "not ready",
            "components": self.components,
        }


async def check_all(checks: dict[str, Check], timeout: float = 5.0) -> Readiness:
    """Run every check at once; a check that raises or times out is ``down``."""

    async def run(name: str, check: Check) -> tuple[str, dict[str, str]]:
        try:
            detail = await asyncio.wait_for(check(), timeout)
        except Exception as error:  # any failure means "not ready", never a 500
            logger.debug("Health check %s failed: %r", name, error)
            return name, {"state": "down", "detail": type(error).__name__}
        return name, {"state": "ok", "detail": detail}

    results = await asyncio.gather(*(run(n, c) for n, c in checks.items()))
    return Readiness(dict(results))


async def http_ok(http: httpx.AsyncClient, url: str) -> str:
    """Check that ``url`` answers 2xx."""
    response = await http.get(url, timeout=3.0)
    response.raise_for_status()
    return "answering"
