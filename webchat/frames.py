"""Reading clients' websocket frames: JSON objects in text frames, nothing else.

Residents' and agents' sockets share these rules (docs/protocol.md). A binary
frame, a frame that is not JSON, or JSON that is not an object is refused with a
``bad_frame`` error and the connection stays open. A frame larger than the
server's limit (1 MiB, set where uvicorn starts) never gets here: the server
closes the connection with code 1009, and the client reconnects and resumes.
"""

import json
import logging
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect

from webchat.errors import BadFrameError

logger = logging.getLogger(__name__)


async def receive(websocket: WebSocket) -> str | bytes:
    """The next frame: its text, or its bytes if the client sent a binary frame.

    Raises ``WebSocketDisconnect`` when the client has gone.
    """
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))

    text = message.get("text")
    if text is not None:
        return str(text)
    return bytes(message.get("bytes") or b"")


def parse(raw: str | bytes) -> dict[str, Any]:
    """The frame as a JSON object; raises :class:`BadFrameError` otherwise."""
    if isinstance(raw, bytes):
        logger.debug("Refused a binary frame of %d bytes", len(raw))
        raise BadFrameError("binary frame; frames are JSON text")

    try:
        frame = json.loads(raw)
    except json.JSONDecodeError:
        raise BadFrameError("frame is not JSON") from None
    if not isinstance(frame, dict):
        raise BadFrameError("frame is not a JSON object")
    return frame
