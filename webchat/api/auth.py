"""Sign-in and sign-out routes for staff, and sign-in for residents mid-chat.

Staff: ``GET /auth/login?next=/console`` sends the browser to the provider; the
provider posts the code back to ``/auth/callback``, which opens a session and
returns to ``next``. ``POST /auth/logout`` (with the session's CSRF token) ends
it and sends the browser on to the provider's sign-out. ``GET /auth/me`` tells
the console who is signed in.

Residents: ``GET /auth/resident/login?conversation_id=...`` starts the same flow
against the resident authority; ``/auth/resident/callback`` links the verified
resident to that conversation, which carries on, now signed in.
"""

import html
import logging
import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from webchat.identity import chat_key
from webchat.identity.errors import (
    BadSignInRequestError,
    IdentityProviderUnavailableError,
)
from webchat.identity.guards import (
    CSRF_FIELD,
    Principal,
    SignedIn,
    check_csrf,
    form_fields,
    identity_service,
)
from webchat.identity.models import ResidentIdentity, SignedInUser
from webchat.identity.service import IdentityService

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/auth", tags=["identity"])

Identity = Annotated[IdentityService, Depends(identity_service)]

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LOCAL_PATH = re.compile(r"^/(?![/\\])[^\s]*$")


class Me(BaseModel):
    agent_id: str
    name: str
    username: str
    roles: list[str]
    csrf_token: str | None = None


@router.get("/login")
async def login(
    request: Request, identity: Identity, next: str = Query("/console")
) -> RedirectResponse:
    """Start a staff sign-in; the only place a staff flow is started."""
    auth_uri = await identity.agents.begin(
        _redirect_uri(request, identity, "/auth/callback"),
        {"next": _local_path(next)},
    )
    return RedirectResponse(auth_uri, status_code=303)


@router.api_route("/callback", methods=["GET", "POST"])
async def callback(request: Request, identity: Identity) -> RedirectResponse:
    """Finish a staff sign-in and open a fresh session (the old one, if any, ends)."""
    completed = await identity.agents.finish(await _provider_response(request))
    user = SignedInUser.from_claims(completed.claims)

    previous = request.cookies.get(identity.cookie_name)
    if previous:
        await identity.sessions.end(previous)
    session = await identity.sessions.create(user)

    response = RedirectResponse(completed.context.get("next", "/"), status_code=303)
    response.set_cookie(
        identity.cookie_name,
        session.session_id,
        max_age=identity.sessions.lifetime_seconds,
        path="/",
        secure=identity.settings.session_cookie_secure,
        httponly=True,
        samesite="lax",
    )
    logger.info("Staff session opened with %d roles", len(user.roles))
    return response


@router.get("/logout", response_class=HTMLResponse)
async def logout_page(request: Request, identity: Identity) -> HTMLResponse:
    """A confirmation form: a GET never signs anyone out (links are prefetched)."""
    session = await identity.sessions.get(request.cookies.get(identity.cookie_name))
    if session is None:
        return HTMLResponse(_page("Signed out", "<p>You are not signed in.</p>"))

    token = html.escape(session.csrf_token)
    return HTMLResponse(
        _page(
            "Sign out",
            '<form method="post" action="/auth/logout">'
            f'<input type="hidden" name="{CSRF_FIELD}" value="{token}">'
            "<button>Sign out</button></form>",
        )
    )


@router.post("/logout")
async def logout(request: Request, identity: Identity) -> RedirectResponse:
    """End the session, forget its tokens, then sign out at the provider too."""
    session = await identity.sessions.get(request.cookies.get(identity.cookie_name))
    signed_out = _redirect_uri(request, identity, "/auth/signed-out")

    if session is not None:
        await check_csrf(request, session)
        await identity.sessions.end(session.session_id)
        await identity.agents.forget(session.user.subject)
        logger.info("Staff session ended")

    response = RedirectResponse(
        await _end_session_url(identity, signed_out), status_code=303
    )
    response.delete_cookie(
        identity.cookie_name,
        path="/",
        secure=identity.settings.session_cookie_secure,
        httponly=True,
        samesite="lax",
    )
    return response


@router.get("/signed-out", response_class=HTMLResponse)
async def signed_out() -> HTMLResponse:
    return HTMLResponse(_page("Signed out", "<p>You have signed out.</p>"))


@router.get("/me", response_model=Me)
async def me(principal: SignedIn, response: Response) -> Me:
    """Who is signed in (401 if nobody); the console reads its CSRF token here."""
    response.headers["Cache-Control"] = "no-store"
    return _me(principal)


@router.get("/resident/login")
async def resident_login(
    request: Request,
    identity: Identity,
    conversation_id: str,
    next: str = Query(""),
) -> RedirectResponse:
    """Start a resident's sign-in for one conversation."""
    if not CONVERSATION_ID.match(conversation_id):
        raise BadSignInRequestError("conversation_id is not a conversation id")
    secret = identity.settings.identity_assertion_secret
    if not chat_key.holds(
        secret, request.cookies.get(chat_key.COOKIE), conversation_id
    ):
        raise BadSignInRequestError("this browser did not start the conversation")

    auth_uri = await identity.residents.begin(
        _redirect_uri(request, identity, "/auth/resident/callback"),
        {
            "conversation_id": conversation_id,
            "next": _local_path(next) if next else "/auth/resident/signed-in",
        },
    )
    return RedirectResponse(auth_uri, status_code=303)


@router.api_route("/resident/callback", methods=["GET", "POST"])
async def resident_callback(request: Request, identity: Identity) -> RedirectResponse:
    """Link the verified resident to the conversation the sign-in began in."""
    completed = await identity.residents.finish(await _provider_response(request))
    resident = ResidentIdentity.from_claims(completed.claims)

    await identity.links.link(completed.context["conversation_id"], resident)
    if identity.on_resident_signed_in is not None:
        await identity.on_resident_signed_in(
            completed.context["conversation_id"], resident
        )
    return RedirectResponse(completed.context["next"], status_code=303)


@router.get("/resident/signed-in", response_class=HTMLResponse)
async def resident_signed_in() -> HTMLResponse:
    return HTMLResponse(
        _page(
            "You are signed in",
            "<p>You can close this tab and carry on with your chat.</p>",
        )
    )


def _me(principal: Principal) -> Me:
    return Me(
        agent_id=principal.user.subject,
        name=principal.user.name,
        username=principal.user.username,
        roles=sorted(principal.user.roles),
        csrf_token=principal.session.csrf_token if principal.session else None,
    )


async def _provider_response(request: Request) -> dict[str, str]:
    """The code and state, from the query (GET) or a form post (form_post mode)."""
    if request.method == "POST":
        return await form_fields(request)
    return dict(request.query_params)


def _redirect_uri(request: Request, identity: IdentityService, path: str) -> str:
    """An absolute URL on this gateway; PUBLIC_BASE_URL wins behind a proxy."""
    base = identity.settings.public_base_url or str(request.base_url)
    return base.rstrip("/") + path


def _local_path(target: str) -> str:
    """Only paths on this site: ``//evil.example`` and ``https://...`` are refused."""
    if not LOCAL_PATH.match(target):
        raise BadSignInRequestError("next must be a path on this site")
    return target


async def _end_session_url(identity: IdentityService, signed_out: str) -> str:
    """The provider's sign-out, or our own page when the provider has none."""
    try:
        metadata = await run_in_threadpool(identity.agents.authority.metadata)
    except IdentityProviderUnavailableError:
        logger.warning("Signed out here only: the staff provider is unreachable")
        return signed_out
    if not metadata.end_session_endpoint:
        return signed_out
    query = urlencode(
        {
            "post_logout_redirect_uri": signed_out,
            "client_id": identity.agents.authority.client_id,
        }
    )
    return f"{metadata.end_session_endpoint}?{query}"


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
