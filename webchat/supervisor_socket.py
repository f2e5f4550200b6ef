"""The supervisors' live view: queues, waiting times, agents and their load.

Sends a ``queues`` frame (as on the agents' socket) whenever a queue or an agent
changes, and every few seconds so waiting times stay current. Each waiting chat
in it says whether it has been escalated. When a chat is escalated (nobody has
taken it in ``ESCALATE_AFTER_SECONDS``) an ``escalated`` frame is sent first, so
the view can tell the supervisor at once.
"""

import asyncio
import json
import logging
from contextlib import suppress

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from webchat.api.deps import Services
from webchat.handoff import QUEUES_CHANNEL
from webchat.identity.guards import authorise_websocket
from webchat.state.fanout import Subscription

logger = logging.getLogger(__name__)

router = APIRouter()

REFRESH_SECONDS = 5.0


@router.websocket("/ws/supervisor")
async def supervisor_socket(websocket: WebSocket) -> None:
    deps: Services = websocket.app.state.services
    user = await authorise_websocket(websocket, "Supervisor")
    if user is None:
        return

    await websocket.accept()
    subscription = deps.state.fanout.subscribe(QUEUES_CHANNEL)
    sender = asyncio.create_task(_send_snapshots(websocket, deps, subscription))
    logger.info("Supervisor connected")
    try:
        while True:
            await websocket.receive_text()  # nothing to act on; keeps the socket
    except WebSocketDisconnect:
        pass
    finally:
        sender.cancel()
        deps.state.fanout.unsubscribe(subscription)


async def _send_snapshots(
    websocket: WebSocket, deps: Services, subscription: Subscription
) -> None:
    handoff = deps.conversations.handoff
    assert handoff is not None
    while True:
        snapshot = await handoff.snapshot()
        await websocket.send_text(json.dumps({"type": "queues", **snapshot}))
        frame = None
        with suppress(TimeoutError):
            frame = await asyncio.wait_for(subscription.next(), REFRESH_SECONDS)
        if frame is not None and frame.get("type") == "escalated":
            await websocket.send_text(json.dumps(frame))
        # Each snapshot is the whole picture (escalations included), so frames
        # missed while behind do not matter.
        subscription.recover()
