"""The local OIDC provider's HTTP endpoints, all under the issuer's path.

Just enough of OpenID Connect for the real MSAL flows to run offline: discovery,
the JWKS, the authorisation code grant with PKCE (S256 only; the code comes back
by query or by form post) and a refresh grant, and an end-session endpoint. The
login form lists the seeded users of the client's kind; picking one signs in as
them. Codes and refresh tokens live in memory, so a restart signs everyone out
of the provider (not of the gateway).
"""

import base64
import hashlib
import hmac
import html
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from tools.oidc_provider.directory import Client, Directory, User
from tools.oidc_provider.keys import SigningKey

logger = logging.getLogger(__name__)

RESERVED_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
CODE_LIFETIME_SECONDS = 60


@dataclass(frozen=True)
class Grant:
    """What an authorisation code or refresh token stands for."""

    client_id: str
    user: User
    scopes: tuple[str, ...]
    redirect_uri: str = ""
    nonce: str = ""
    code_challenge: str = ""
    expires_at: float = 0.0


@dataclass
class Provider:
    """The provider's state: who exists, its key, and the grants outstanding."""

    issuer: str
    directory: Directory
    key: SigningKey
    token_lifetime_seconds: int = 3600
    codes: dict[str, Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)

    @property
    def base_path(self) -> str:
        return urlsplit(self.issuer).path

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/oauth2/authorize",
            "token_endpoint": self.issuer + "/oauth2/token",
            "jwks_uri": self.issuer + "/discovery/keys",
            "end_session_endpoint": self.issuer + "/oauth2/logout",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "client_secret_basic",
            ],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "claims_supported": [
                "sub",
                "oid",
                "name",
                "preferred_username",
                "email",
                "roles",
                "nonce",
            ],
        }

    def tokens_for(self, grant: Grant) -> dict[str, Any]:
        """Sign an id token and an access token for ``grant``; add a refresh token."""
        now = int(time.time())
        user = grant.user
        common = {
            "iss": self.issuer,
            "aud": grant.client_id,
            "sub": user.sub,
            "oid": user.sub,
            "name": user.name,
            "preferred_username": user.username,
            "email": user.email,
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime_seconds,
        }
        if user.roles:
            common["roles"] = list(user.roles)

        id_claims = dict(common)
        if grant.nonce:
            id_claims["nonce"] = grant.nonce
        access_claims = dict(common, azp=grant.client_id, scp=" ".join(grant.scopes))

        refresh_token = secrets.token_urlsafe(32)
        self.refresh_tokens[refresh_token] = grant
        return {
            "token_type": "Bearer",
            "expires_in": self.token_lifetime_seconds,
            "scope": " ".join(grant.scopes),
            "id_token": self._sign(id_claims),
            "access_token": self._sign(access_claims),
            "refresh_token": refresh_token,
        }

    def _sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(
            claims,
            self.key.private_pem,
            algorithm="RS256",
            headers={"kid": self.key.kid, "typ": "JWT"},
        )


class AuthorizeRefused(Exception):
    """A request the provider answers with an error page rather than a redirect."""


def create_provider_app(provider: Provider) -> Starlette:
    """The provider as an ASGI app; every route sits under the issuer's path."""

    async def discovery(request: Request) -> JSONResponse:
        return JSONResponse(provider.discovery())

    async def keys(request: Request) -> JSONResponse:
        return JSONResponse({"keys": [provider.key.public_jwk]})

    async def authorize_form(request: Request) -> Response:
        params = dict(request.query_params)
        try:
            client = _authorised_client(provider, params)
        except AuthorizeRefused as refused:
            return _error_page(str(refused))

        problem = _request_problem(params)
        if problem:
            return _redirect_error(params, "invalid_request", problem)
        return HTMLResponse(_login_form(provider, client, params))

    async def authorize_submit(request: Request) -> Response:
        params = await _form(request)
        try:
            client = _authorised_client(provider, params)
        except AuthorizeRefused as refused:
            return _error_page(str(refused))

        problem = _request_problem(params)
        user = provider.directory.users.get(params.get("username", ""))
        if problem:
            return _redirect_error(params, "invalid_request", problem)
        if user is None or user.kind != client.kind:
            return _redirect_error(params, "access_denied", "unknown user")

        code = secrets.token_urlsafe(32)
        provider.codes[code] = Grant(
            client_id=client.client_id,
            user=user,
            scopes=tuple(params.get("scope", "").split()),
            redirect_uri=params["redirect_uri"],
            nonce=params.get("nonce", ""),
            code_challenge=params["code_challenge"],
            expires_at=time.time() + CODE_LIFETIME_SECONDS,
        )
        logger.info("Code issued to client %s", client.client_id)
        if params.get("response_mode") == "form_post":
            return HTMLResponse(
                _form_post(params["redirect_uri"], code=code, state=params.get("state"))
            )
        return _redirect(params["redirect_uri"], code=code, state=params.get("state"))

    async def token(request: Request) -> Response:
        form = await _form(request)
        client = _authenticated_client(provider, request, form)
        if client is None:
            return _token_error("invalid_client", "client authentication failed", 401)

        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            grant, problem = _redeem_code(provider, client, form)
        elif grant_type == "refresh_token":
            grant = provider.refresh_tokens.pop(form.get("refresh_token", ""), None)
            problem = "unknown refresh token" if grant is None else ""
        else:
            return _token_error("unsupported_grant_type", str(grant_type))

        if grant is None or grant.client_id != client.client_id:
            return _token_error("invalid_grant", problem or "grant of another client")
        logger.info("Tokens issued to client %s", client.client_id)
        return JSONResponse(
            provider.tokens_for(grant),
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    async def logout(request: Request) -> Response:
        params = dict(request.query_params)
        client = provider.directory.clients.get(params.get("client_id", ""))
        target = params.get("post_logout_redirect_uri", "")
        if client is not None and target and client.allows_logout_redirect(target):
            return _redirect(target, state=params.get("state"))
        return HTMLResponse(_page("Signed out", "<p>You have signed out.</p>"))

    routes = [
        Route("/.well-known/openid-configuration", discovery),
        Route("/discovery/keys", keys),
        Route("/oauth2/authorize", authorize_form, methods=["GET"]),
        Route("/oauth2/authorize", authorize_submit, methods=["POST"]),
        Route("/oauth2/token", token, methods=["POST"]),
        Route("/oauth2/logout", logout, methods=["GET", "POST"]),
    ]
    return Starlette(routes=[Mount(provider.base_path, routes=routes)])


def _authorised_client(provider: Provider, params: dict[str, str]) -> Client:
    """The client named by the request, if its redirect URI is registered.

    OAuth 2.0 (RFC 6749, 4.1.2.1): with an unknown client or redirect URI the
    provider must not redirect, so these raise and the caller shows a page.
    """
    client = provider.directory.clients.get(params.get("client_id", ""))
    if client is None:
        raise AuthorizeRefused("Unknown client_id.")
    if not client.allows_redirect(params.get("redirect_uri", "")):
        raise AuthorizeRefused("This redirect_uri is not registered for the client.")
    return client


def _request_problem(params: dict[str, str]) -> str:
    if params.get("response_type") != "code":
        return "response_type must be code"
    if params.get("response_mode", "query") not in ("query", "form_post"):
        return "response_mode must be query or form_post"
    if "openid" not in params.get("scope", "").split():
        return "scope must include openid"
    if not params.get("code_challenge"):
        return "PKCE is required: send code_challenge"
    if params.get("code_challenge_method") != "S256":
        return "code_challenge_method must be S256"
    return ""


def _redeem_code(
    provider: Provider, client: Client, form: dict[str, str]
) -> tuple[Grant | None, str]:
    """The grant behind a code, once: PKCE, redirect URI and expiry checked."""
    grant = provider.codes.pop(form.get("code", ""), None)
    if grant is None:
        return None, "unknown or used code"
    if grant.expires_at < time.time():
        return None, "code expired"
    if grant.redirect_uri != form.get("redirect_uri"):
        return None, "redirect_uri differs from the authorisation request"
    if not _pkce_matches(form.get("code_verifier", ""), grant.code_challenge):
        return None, "code_verifier does not match code_challenge"
    return grant, ""


def _pkce_matches(verifier: str, challenge: str) -> bool:
    """RFC 7636, 4.6: BASE64URL(SHA256(verifier)) equals the challenge."""
    if not 43 <= len(verifier) <= 128:
        return False
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(expected, challenge)


def _authenticated_client(
    provider: Provider, request: Request, form: dict[str, str]
) -> Client | None:
    """client_secret_basic or client_secret_post (RFC 6749, 2.3.1)."""
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        decoded = base64.b64decode(header[6:]).decode()
        client_id, _, secret = decoded.partition(":")

    client = provider.directory.clients.get(client_id)
    if client is None or not client.secret_matches(secret):
        return None
    return client


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded body; the provider takes no multipart forms."""
    body = (await request.body()).decode()
    return dict(parse_qsl(body, keep_blank_values=True))


def _redirect(target: str, **params: str | None) -> RedirectResponse:
    query = urlencode({name: value for name, value in params.items() if value})
    if query:
        target += ("&" if "?" in target else "?") + query
    return RedirectResponse(target, status_code=303)


def _redirect_error(params: dict[str, str], error: str, description: str) -> Response:
    return _redirect(
        params["redirect_uri"],
        error=error,
        error_description=description,
        state=params.get("state"),
    )


def _form_post(target: str, **params: str | None) -> str:
    """OAuth 2.0 Form Post Response Mode: the browser posts the code onwards."""
    fields = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
        for name, value in params.items()
        if value
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Signing in</title></head>"
        '<body onload="document.forms[0].submit()">'
        f'<form method="post" action="{html.escape(target)}">{fields}'
        "<noscript><button>Continue</button></noscript></form></body></html>"
    )


def _token_error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status
    )


def _error_page(message: str) -> HTMLResponse:
    return HTMLResponse(
        _page("Sign-in refused", f"<p>{html.escape(message)}</p>"), status_code=400
    )


def _login_form(provider: Provider, client: Client, params: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
        for name, value in params.items()
        if name != "username"
    )
    buttons = "".join(
        f'<li><button name="username" value="{html.escape(user.username)}">'
        f"{html.escape(user.name)}</button> {html.escape(user.username)}"
        f"{' (' + ', '.join(user.roles) + ')' if user.roles else ''}</li>"
        for user in provider.directory.users_for(client)
    )
    action = html.escape(provider.issuer + "/oauth2/authorize")
    return _page(
        "Sign in (local test provider)",
        "<p>Development only: choose who to sign in as.</p>"
        f'<form method="post" action="{action}">{hidden}<ul>{buttons}</ul></form>',
    )


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
