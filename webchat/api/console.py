"""The agent console page: for signed-in staff with the Agent role only."""

import logging
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from council.enquiries.categories import load_categories
from webchat.identity.errors import NotSignedInError
from webchat.identity.guards import authenticate, identity_service, require_role
from webchat.identity.models import SignedInUser

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / "static"


@router.get("/console", response_model=None)
async def console(request: Request) -> Response:
    """The console, or the sign-in when nobody is signed in, or 403 without the role."""
    return await _page_for(request, "Agent", "/console", STATIC / "console.html")


@router.get("/supervisor", response_model=None)
async def supervisor(request: Request) -> Response:
    """The supervisors' live view of queues and agents."""
    return await _page_for(
        request, "Supervisor", "/supervisor", STATIC / "supervisor.html"
    )


async def _page_for(request: Request, role: str, path: str, page: Path) -> Response:
    try:
        principal = await authenticate(request, identity_service(request))
    except NotSignedInError:
        return RedirectResponse(f"/auth/login?next={quote(path)}", 303)

    if role not in principal.user.roles:
        logger.info("Refused %s to a user without the %s role", path, role)
        return Response(
            f"You are signed in, but your account does not have the {role} role. "
            "Ask your supervisor or the service desk to add it.",
            status_code=403,
            media_type="text/plain",
        )
    if not page.exists():
        return Response("This page is not available yet.", 404, media_type="text/plain")
    return FileResponse(page)


@router.get("/api/console/taxonomy", include_in_schema=True)
async def taxonomy(
    user: Annotated[SignedInUser, Depends(require_role("Agent"))],
) -> dict[str, list[dict[str, object]]]:
    """The service areas and topics, for queues and enquiry categories."""
    areas: dict[str, dict[str, object]] = {}
    for category_id, category in load_categories().items():
        area_id, _ = category_id.split(".", 1)
        area = areas.setdefault(
            area_id, {"id": area_id, "title": category.area_title, "topics": []}
        )
        area["topics"].append(  # type: ignore[attr-defined]
            {"id": category_id, "scope": category.scope}
        )
    return {"areas": list(areas.values())}
