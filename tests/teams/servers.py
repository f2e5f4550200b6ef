"""A gateway for Teams tests: the real router and channel, served by uvicorn.

Only what ``POST /api/messages`` needs is built (settings, a migrated
database, the shared state with or without Redis, the enquiry service the
channel's notifier observes); Rasa is not involved. Given staff identity, the
staff enquiry routes are served too, as in the gateway. The
server runs in a thread of the test process with its own event loop, as a
gateway worker would in its own process.
"""

import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from council.database import create_engine, create_tables
from council.enquiries import EnquiryService
from council.settings import Settings
from webchat import errors, state
from webchat.api import staff_enquiries, teams
from webchat.identity import IdentityService, build_identity
from webchat.state import SharedState
from webchat.teams import TeamsChannel


@dataclass
class TeamsOnly:
    """Stands in for the gateway's Services: the channel needs nothing else."""

    settings: Settings
    engine: AsyncEngine
    state: SharedState
    enquiries: EnquiryService
    identity: IdentityService | None = field(default=None)


def teams_app(settings: Settings, with_staff_routes: bool = False) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.async_database_url)
        await create_tables(engine)
        shared = state.build(settings.redis_url)
        app.state.services = TeamsOnly(
            settings,
            engine,
            shared,
            EnquiryService(engine),
            build_identity(settings) if with_staff_routes else None,
        )
        try:
            yield
        finally:
            if shared.redis is not None:
                await shared.redis.aclose()
            await engine.dispose()

    app = FastAPI(lifespan=lifespan)
    errors.install_handlers(app)
    app.include_router(teams.router)
    if with_staff_routes:
        app.include_router(staff_enquiries.router)
    return app


class Gateway:
    """The test app under uvicorn in a thread, on ``port``."""

    def __init__(self, settings: Settings, port: int, with_staff_routes: bool = False):
        self.app = teams_app(settings, with_staff_routes)
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def messages_url(self) -> str:
        return self.url + "/api/messages"

    @property
    def channel(self) -> TeamsChannel:
        return self.app.state.teams  # type: ignore[no-any-return]

    def start(self) -> "Gateway":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test gateway did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
