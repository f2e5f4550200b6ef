"""A gateway app for identity tests, served by uvicorn on a real socket."""

import threading
import time
from dataclasses import dataclass
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, WebSocket

from webchat import errors
from webchat.api import auth
from webchat.identity import IdentityService, SignedInUser
from webchat.identity.guards import authorise_websocket, require_role
from webchat.identity.models import ResidentIdentity

Agent = Annotated[SignedInUser, Depends(require_role("Agent"))]
Supervisor = Annotated[SignedInUser, Depends(require_role("Supervisor"))]

console = APIRouter(prefix="/console")


@console.get("/api/queue")
async def queue(user: Agent) -> dict[str, str]:
    return {"agent": user.name}


@console.post("/api/claim")
async def claim(user: Agent) -> dict[str, str]:
    return {"claimed_by": user.name}


@console.get("/api/supervision")
async def supervision(user: Supervisor) -> dict[str, str]:
    return {"supervisor": user.name}


@console.websocket("/ws")
async def console_socket(websocket: WebSocket) -> None:
    user = await authorise_websocket(websocket, "Agent")
    if user is None:
        return
    await websocket.accept()
    await websocket.send_json({"hello": user.name})
    await websocket.close()


probe = APIRouter(prefix="/probe")


@probe.get("/conversations/{conversation_id}")
async def conversation_identity(
    conversation_id: str, identity: auth.Identity
) -> dict[str, Any]:
    """What the gateway knows of a conversation's resident, read on its own loop."""
    resident: ResidentIdentity | None = await identity.identity_for_conversation(
        conversation_id
    )
    assertion = await identity.assertion_for_conversation(conversation_id)
    return {
        "resident": None if resident is None else resident.__dict__,
        "assertion": assertion,
    }


@dataclass
class IdentityOnly:
    """Stands in for the gateway's Services: identity tests need nothing else."""

    identity: IdentityService


def identity_app(identity: IdentityService) -> FastAPI:
    """The auth routes, a stand-in console guarded like the real one, a probe."""
    app = FastAPI()
    errors.install_handlers(app)
    app.include_router(auth.router)
    app.include_router(console)
    app.include_router(probe)
    app.state.services = IdentityOnly(identity)
    return app


class ThreadedServer:
    """uvicorn in a thread of the test process, on ``port``."""

    def __init__(self, app: FastAPI, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "ThreadedServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test gateway did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
