"""The supervisors' analytics: the figures as JSON, and the page that draws them.

``GET /api/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD`` answers only users with the
Supervisor role (401 without a sign-in, 403 without the role). Its body holds
residents' unanswered questions, so it is never cached.
"""

import logging
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from webchat.analytics import AnalyticsService, Period
from webchat.api.console import _page_for
from webchat.api.deps import ServicesDep
from webchat.identity.guards import require_role
from webchat.identity.models import SignedInUser

logger = logging.getLogger(__name__)

router = APIRouter(tags=["analytics"])

PAGE = Path(__file__).resolve().parent.parent / "static" / "analytics.html"

Supervisor = Annotated[SignedInUser, Depends(require_role("Supervisor"))]


@router.get("/api/analytics")
async def analytics(
    user: Supervisor,
    deps: ServicesDep,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
) -> JSONResponse:
    """A period's figures; by default the last seven days, UK time."""
    period = Period.parse(first, last)
    report = await AnalyticsService(deps.engine).report(period)
    return JSONResponse(report.as_dict(), headers={"Cache-Control": "no-store"})


@router.get("/supervisor/analytics", include_in_schema=False, response_model=None)
async def analytics_page(request: Request) -> Response:
    """The page, or the sign-in when nobody is signed in, or 403 without the role."""
    # The same sign-in redirect and refusal as the console's own pages.
    return await _page_for(request, "Supervisor", "/supervisor/analytics", PAGE)
