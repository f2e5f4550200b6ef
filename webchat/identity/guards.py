"""FastAPI dependencies that let in signed-in staff with the right app role.

A request proves who it is with either the session cookie (the console in a
browser) or ``Authorization: Bearer`` (a token for the gateway's API, checked
against the provider's keys). Cookie-authenticated requests that change state
must also carry the session's CSRF token, in ``X-CSRF-Token`` or a
``csrf_token`` form field; bearer requests need none, since browsers never add
that header by themselves.

Use ``Depends(require_role("Agent"))`` on console routes and APIs, and
:func:`authorise_websocket` at the top of console websocket handlers.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl, urlsplit

from fastapi import Depends, Request, WebSocket
from starlette.requests import HTTPConnection

from webchat.errors import GatewayError
from webchat.identity.errors import (
    CsrfError,
    MissingRoleError,
    NotSignedInError,
)
from webchat.identity.models import Session, SignedInUser
from webchat.identity.service import IdentityService

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"

# Close codes in the private range (RFC 6455 section 7.4.2), after HTTP's.
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TRY_AGAIN_LATER = 1013


@dataclass(frozen=True)
class Principal:
    """Who made the request; ``session`` is None for a bearer token."""

    user: SignedInUser
    session: Session | None = None


class CrossOriginError(GatewayError):
    code = "cross_origin"
    status = 403
    public_message = "This page may not open the console from another site."


def identity_service(connection: HTTPConnection) -> IdentityService:
    return connection.app.state.services.identity  # type: ignore[no-any-return]


async def authenticate(
    connection: HTTPConnection, identity: IdentityService
) -> Principal:
    """The bearer token's user, else the session cookie's; else NotSignedInError."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        claims = await identity.agent_tokens.verify(token.strip())
        return Principal(SignedInUser.from_claims(claims))

    session_id = connection.cookies.get(identity.cookie_name)
    session = await identity.sessions.get(session_id)
    if session is None:
        raise NotSignedInError("no bearer token and no live session")
    return Principal(session.user, session)


async def signed_in(request: Request) -> Principal:
    """Any signed-in staff user, CSRF-checked when a cookie changes state."""
    principal = await authenticate(request, identity_service(request))

    if principal.session is not None and request.method not in SAFE_METHODS:
        await check_csrf(request, principal.session)
    return principal


SignedIn = Annotated[Principal, Depends(signed_in)]


def require_role(role: str) -> Callable[..., Awaitable[SignedInUser]]:
    """A dependency admitting only users whose ``roles`` claim holds ``role``.

    401 with no valid sign-in, 403 with a sign-in that lacks the role.
    """

    async def has_role(principal: SignedIn) -> SignedInUser:
        if role not in principal.user.roles:
            logger.info("Refused a user without the %s role", role)
            raise MissingRoleError(role)
        return principal.user

    return has_role


async def authorise_websocket(websocket: WebSocket, role: str) -> SignedInUser | None:
    """Check a console websocket before it does anything.

    Returns the user when the cookie or bearer token is good and has ``role``;
    the caller then accepts. Otherwise None is returned, and the socket has been
    accepted and closed at once with 4401 (not signed in), 4403 (no role, or a
    cookie sent from another origin) or 1013 (the provider cannot be reached):
    a close before the handshake reaches browsers as a bare HTTP 403.
    """
    identity = identity_service(websocket)
    try:
        principal = await authenticate(websocket, identity)
        if principal.session is not None:
            _require_same_origin(websocket, identity.settings.public_base_url)
        if role not in principal.user.roles:
            raise MissingRoleError(role)
    except NotSignedInError as refused:
        await _refuse(websocket, CLOSE_NOT_SIGNED_IN, refused)
        return None
    except (MissingRoleError, CrossOriginError) as refused:
        await _refuse(websocket, CLOSE_FORBIDDEN, refused)
        return None
    except GatewayError as refused:
        await _refuse(websocket, CLOSE_TRY_AGAIN_LATER, refused)
        return None
    return principal.user


async def check_csrf(request: Request, session: Session) -> None:
    """Raise :class:`CsrfError` unless the request carries the session's token."""
    submitted = request.headers.get(CSRF_HEADER) or (await form_fields(request)).get(
        CSRF_FIELD
    )
    if not session.csrf_matches(submitted):
        raise CsrfError(f"{request.method} {request.url.path} without CSRF token")


async def form_fields(request: Request) -> dict[str, str]:
    """An urlencoded body's fields; empty for any other kind of body."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return {}
    body = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))


def _require_same_origin(websocket: WebSocket, public_base_url: str) -> None:
    """Websockets are outside CORS: a cookie must come from our own pages."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return

    if public_base_url:
        parts = urlsplit(public_base_url)
        expected = f"{parts.scheme}://{parts.netloc}"
    else:
        scheme = "https" if websocket.url.scheme == "wss" else "http"
        expected = f"{scheme}://{websocket.headers.get('host', '')}"
    if origin.rstrip("/") != expected:
        raise CrossOriginError(f"websocket from origin {origin}")


async def _refuse(websocket: WebSocket, code: int, reason: Exception) -> None:
    logger.info("Refused a console websocket (%d): %s", code, type(reason).__name__)
    await websocket.accept()
    await websocket.close(code=code)
