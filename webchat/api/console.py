"""The agent console page: for signed-in staff with the Agent role only."""

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from webchat.identity.errors import NotSignedInError
from webchat.identity.guards import authenticate, identity_service

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

PAGE = Path(__file__).resolve().parent.parent / "static" / "console.html"


@router.get("/console", response_model=None)
async def console(request: Request) -> Response:
    """The console, or the sign-in when nobody is signed in, or 403 without the role."""
    try:
        principal = await authenticate(request, identity_service(request))
    except NotSignedInError:
        return RedirectResponse(f"/auth/login?next={quote('/console')}", 303)

    if "Agent" not in principal.user.roles:
        logger.info("Refused the console to a user without the Agent role")
        return Response(
            "You are signed in, but your account does not have the Agent role. "
            "Ask your supervisor to add it.",
            status_code=403,
            media_type="text/plain",
        )
    return FileResponse(PAGE)
