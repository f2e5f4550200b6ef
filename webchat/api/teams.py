"""``POST /api/messages``: where the Bot Connector delivers Teams activities.

The channel is built at start from the gateway's services (settings, database,
Redis) when ``BOT_APP_ID`` is set, and kept in ``app.state.teams``. Its notifier
is added to the gateway's enquiry service as a status observer for as long as
the channel runs, so a change made by staff reaches the councillor whose case
it is.
"""

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse

from council.errors import CouncilError
from webchat.teams import TeamsChannel, start_channel, status_observer
from webchat.teams.channel import InvalidActivityError

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024


class TeamsChannelOffError(CouncilError):
    code = "teams_off"
    status = 503
    public_message = "The Teams channel is not configured on this gateway."


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs inside the gateway's own lifespan, once its services exist."""
    services = app.state.services
    settings = services.settings
    channel: TeamsChannel | None = None
    if settings.bot_app_id:
        redis = getattr(services.state, "redis", None)
        channel = await start_channel(settings, services.engine, redis)
    else:
        logger.info("Teams channel off: BOT_APP_ID is not set")

    app.state.teams = channel
    observers = services.enquiries.observers
    observer = None if channel is None else status_observer(channel.notifier)
    if observer is not None:
        observers.append(observer)
    try:
        yield
    finally:
        if observer is not None:
            observers.remove(observer)
        if channel is not None:
            await channel.close()


router = APIRouter(tags=["teams"], lifespan=lifespan)


@router.post("/api/messages")
async def messages(request: Request) -> Response:
    """Authenticate the activity in full, answer at once, finish in background.

    401 for any failed token check, 400 for a body that is no activity, 202
    for messages and conversation updates being handled, 200 (with the invoke
    response) for invokes and for everything else.
    """
    channel: TeamsChannel | None = getattr(request.app.state, "teams", None)
    if channel is None:
        raise TeamsChannelOffError("BOT_APP_ID is not set")

    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidActivityError(f"body of {len(raw)} bytes")
    try:
        body = json.loads(raw)
    except ValueError:
        raise InvalidActivityError("body is not JSON") from None

    answer = await channel.receive(request.headers.get("authorization"), body)
    if answer.body is None:
        return Response(status_code=answer.status)
    return JSONResponse(answer.body, status_code=answer.status)
