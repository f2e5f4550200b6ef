"""The residents' websocket: reliable, ordered delivery of one conversation.

Protocol (docs/protocol.md): the client connects to
``/ws/conversations/{id}?after=N`` with the last sequence number it has seen; the
server replays every later event, then streams new ones. Each message the client
sends carries its own ``client_message_id``; the server answers with an ``ack``
naming the sequence number it was stored under (the same one for a repeat).
"""

import asyncio
import json
import logging
from collections.abc import Coroutine
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from redis.exceptions import RedisError
from starlette.websockets import WebSocketState

from council.errors import CouncilError
from webchat import frames
from webchat.api.deps import Services
from webchat.conversation_log import STAFF_ONLY_KINDS
from webchat.conversations import Accepted
from webchat.errors import BadFrameError, TemporarilyUnavailableError, error_body

logger = logging.getLogger(__name__)

router = APIRouter()

# Close codes in the private range (RFC 6455 section 7.4.2).
CLOSE_UNKNOWN_CONVERSATION = 4404
CLOSE_TOO_SLOW = 4408


@router.websocket("/ws/conversations/{conversation_id}")
async def conversation_socket(
    websocket: WebSocket, conversation_id: str, after: int = 0
) -> None:
    deps: Services = websocket.app.state.services

    # Accept first: a close before the handshake reaches the browser as a bare
    # 403, and the widget needs the code to know it should start a new chat.
    await websocket.accept()
    if not await deps.conversations.log.exists(conversation_id):
        await websocket.close(code=CLOSE_UNKNOWN_CONVERSATION)
        return

    subscription = deps.state.fanout.subscribe(conversation_id)
    sender = asyncio.create_task(_send_events(websocket, deps, subscription, after))
    _start_turn(deps.conversations.answer_unanswered(conversation_id), conversation_id)
    logger.debug("Websocket opened on conversation %s after %d", conversation_id, after)

    try:
        while not sender.done():
            raw = await frames.receive(websocket)
            await _handle_frame(websocket, deps, conversation_id, raw)
    except WebSocketDisconnect:
        logger.debug("Websocket closed on conversation %s", conversation_id)
    finally:
        deps.state.fanout.unsubscribe(subscription)
        sender.cancel()


# The assistant's turns outlive the socket that started them (the resident may
# reload mid turn), so the tasks are held here until they finish.
_turns: set[asyncio.Task[None]] = set()


async def _handle_frame(
    websocket: WebSocket, deps: Services, conversation_id: str, raw: str | bytes
) -> None:
    """Accept one client frame, start the assistant's turn for it, then ack."""
    address = websocket.client.host if websocket.client else "unknown"
    connection = f"{conversation_id}:{id(websocket)}"
    client_message_id = None
    try:
        frame = frames.parse(raw)
        client_message_id = frame.get("client_message_id")
        accepted = await _accept(deps, conversation_id, frame, address, connection)
    except _Transient:
        return
    except RedisError as error:
        logger.warning("Redis failed on conversation %s: %r", conversation_id, error)
        unavailable = TemporarilyUnavailableError()
        await _send(
            websocket,
            {
                "type": "error",
                "client_message_id": client_message_id,
                **error_body(unavailable.code, unavailable.public_message),
            },
        )
        return
    except CouncilError as error:
        await _send(
            websocket,
            {
                "type": "error",
                "client_message_id": client_message_id,
                **error_body(error.code, error.public_message),
            },
        )
        return

    # The turn starts before the ack goes out: if the connection drops while
    # acking, the message is stored and still answered, and the client's resend
    # is a repeat that gets the same ack (docs/protocol.md).
    if accepted.new:
        _start_turn(deps.conversations.answer(accepted), conversation_id)

    await _send(
        websocket,
        {
            "type": "ack",
            "client_message_id": accepted.event.client_message_id,
            "seq": accepted.event.seq,
        },
    )


def _start_turn(turn: Coroutine[Any, Any, object], conversation_id: str) -> None:
    task = asyncio.create_task(_logged(turn, conversation_id))
    _turns.add(task)
    task.add_done_callback(_turns.discard)


async def _logged(turn: Coroutine[Any, Any, object], conversation_id: str) -> None:
    try:
        await turn
    except Exception:
        logger.exception("Assistant turn failed on conversation %s", conversation_id)


async def _accept(
    deps: Services,
    conversation_id: str,
    frame: dict[str, Any],
    address: str,
    connection: str,
) -> Accepted:
    client_message_id = frame.get("client_message_id")
    if client_message_id is not None and (
        not isinstance(client_message_id, str) or len(client_message_id) > 64
    ):
        raise BadFrameError("client_message_id must be a string of up to 64 chars")

    if frame.get("type") in ("message", "button"):
        await deps.limits.check_message(address, connection)

    if frame.get("type") == "message":
        text = frame.get("text")
        if not isinstance(text, str):
            raise BadFrameError("message frame without text")
        return await deps.conversations.accept_text(
            conversation_id, client_message_id, text
        )

    if frame.get("type") == "typing":
        await deps.state.fanout.publish(
            conversation_id,
            {"type": "typing", "author": "resident", "audience": "agent"},
        )
        raise _Transient()

    if frame.get("type") == "button":
        payload = frame.get("payload")
        if not isinstance(payload, str):
            raise BadFrameError("button frame without payload")
        return await deps.conversations.accept_button(
            conversation_id, client_message_id, payload
        )

    raise BadFrameError(f"unknown frame type {str(frame.get('type'))[:32]!r}")


class _Transient(Exception):
    """A frame that is passed on but not stored or acknowledged (typing)."""


async def _send_events(
    websocket: WebSocket, deps: Services, subscription: Any, after: int
) -> None:
    """Replay the log after ``after``, then stream live events, each seq once."""
    last_sent = after
    for event in await deps.conversations.resident_history(
        subscription.conversation_id, after
    ):
        await _send(websocket, {"type": "event", "event": event.as_frame()})
        last_sent = event.seq

    while True:
        frame = await subscription.next()
        if frame is None:
            await websocket.close(code=CLOSE_TOO_SLOW)
            return

        if frame.get("type") == "resync":
            for event in await deps.conversations.resident_history(
                subscription.conversation_id, last_sent
            ):
                await _send(websocket, {"type": "event", "event": event.as_frame()})
                last_sent = event.seq
            continue
        if frame.get("type") != "event":
            # Transient news such as a new place in the queue: not in the log.
            if frame.get("audience", "all") in ("all", "resident"):
                await _send(websocket, _without_audience(frame))
            continue
        if frame["event"]["kind"] in STAFF_ONLY_KINDS:
            continue  # notes and routing are for staff, never for the resident
        seq = frame["event"]["seq"]
        if seq <= last_sent:
            continue

        # An event published while the replay ran may skip ahead; fill the gap
        # from the log so the client always sees every number in order.
        if seq > last_sent + 1:
            for event in await deps.conversations.resident_history(
                subscription.conversation_id, last_sent
            ):
                if event.seq < seq:
                    await _send(websocket, {"type": "event", "event": event.as_frame()})
        await _send(websocket, frame)
        last_sent = seq


def _without_audience(frame: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in frame.items() if key != "audience"}


async def _send(websocket: WebSocket, frame: dict[str, Any]) -> None:
    if websocket.application_state == WebSocketState.CONNECTED:
        await websocket.send_text(json.dumps(frame))
