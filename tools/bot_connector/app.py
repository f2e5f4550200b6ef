"""The stand-in's HTTP endpoints.

- ``GET /v1/.well-known/openidconfiguration`` and ``/v1/.well-known/keys``: the
  Bot Framework's OpenID metadata and its JWKS with ``endorsements``.
- ``GET /{tenant}/.well-known/openid-configuration`` and ``POST
  /{tenant}/oauth2/v2.0/token``: the bot's tenant, client credentials only.
- ``POST /teams/v3/conversations/{id}/activities[/{activityId}]``: the
  connector API the bot replies through; refused without the bot's token.
  While a test has called ``fail_posts`` it answers with that status (an
  ErrorResponse body, keeping nothing); after ``slow_posts`` it holds each
  post before keeping it.
- ``POST /_control/deliver`` (``{"text", "aad_object_id", "name",
  "conversation_id"}``) and ``GET /_control/conversations/{id}``: for a
  developer at the command line, to talk to a running gateway.
"""

import asyncio
import base64
import logging
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tools.bot_connector.service import BotConnector, Member

logger = logging.getLogger(__name__)


def create_connector_app(connector: BotConnector) -> Starlette:
    tenant = connector.tenant_id

    async def metadata(request: Request) -> JSONResponse:
        return JSONResponse(connector.metadata())

    async def keys(request: Request) -> JSONResponse:
        return JSONResponse(connector.jwks())

    async def tenant_metadata(request: Request) -> JSONResponse:
        return JSONResponse(connector.tenant_metadata())

    async def tenant_keys(request: Request) -> JSONResponse:
        return JSONResponse(connector.tenant_jwks())

    async def token(request: Request) -> JSONResponse:
        form = dict(parse_qsl((await request.body()).decode("utf-8")))
        client_id, client_secret = _client(request, form)
        if form.get("grant_type") != "client_credentials":
            return _token_error("unsupported_grant_type")
        try:
            access_token = connector.issue_bot_token(
                client_id, client_secret, form.get("scope", "")
            )
        except ValueError as error:
            return _token_error(
                str(error), 401 if str(error) == "invalid_client" else 400
            )
        return JSONResponse(
            {
                "token_type": "Bearer",
                "expires_in": connector.token_lifetime_seconds,
                "ext_expires_in": connector.token_lifetime_seconds,
                "access_token": access_token,
            }
        )

    async def post_activity(request: Request) -> JSONResponse:
        if not connector.check_bot_token(request.headers.get("authorization")):
            return JSONResponse(
                {"error": {"code": "Unauthorized", "message": "bad token"}},
                status_code=401,
            )
        conversation_id = unquote(request.path_params["conversation_id"])
        body: dict[str, Any] = await request.json()
        if body.get("conversation", {}).get("id") != conversation_id:
            return JSONResponse(
                {"error": {"code": "BadArgument", "message": "conversation"}},
                status_code=400,
            )
        if connector.post_delay_seconds:
            await asyncio.sleep(connector.post_delay_seconds)
        failing = connector.failure()
        if failing is not None:
            # The Bot Framework's ErrorResponse shape.
            return JSONResponse(
                {"error": {"code": "ServiceError", "message": "try again later"}},
                status_code=failing,
                headers={"Retry-After": "1"} if failing == 429 else None,
            )
        return JSONResponse({"id": connector.receive_reply(conversation_id, body)})

    async def control_deliver(request: Request) -> JSONResponse:
        asked = await request.json()
        member = Member(asked.get("name", "Developer"), asked.get("aad_object_id"))
        activity = connector.activity(
            asked.get("type", "message"),
            member,
            asked.get("conversation_id", f"a:{member.teams_id}"),
            text=asked.get("text"),
            value=asked.get("value"),
        )
        try:
            response = await connector.deliver(activity)
        except httpx.HTTPError as error:
            return JSONResponse({"error": f"bot unreachable: {error!r}"}, 502)
        return JSONResponse(
            {
                "status": response.status_code,
                "activity_id": activity["id"],
                "conversation_id": activity["conversation"]["id"],
            }
        )

    async def control_replies(request: Request) -> JSONResponse:
        conversation_id = unquote(request.path_params["conversation_id"])
        return JSONResponse(connector.replies(conversation_id))

    conversations = "/teams/v3/conversations/{conversation_id}/activities"
    routes = [
        Route("/v1/.well-known/openidconfiguration", metadata),
        Route("/v1/.well-known/keys", keys),
        Route(f"/{tenant}/.well-known/openid-configuration", tenant_metadata),
        Route(f"/{tenant}/discovery/v2.0/keys", tenant_keys),
        Route(f"/{tenant}/oauth2/v2.0/token", token, methods=["POST"]),
        Route(conversations, post_activity, methods=["POST"]),
        Route(conversations + "/{activity_id}", post_activity, methods=["POST"]),
        Route("/_control/deliver", control_deliver, methods=["POST"]),
        Route("/_control/conversations/{conversation_id}", control_replies),
    ]
    return Starlette(routes=routes)


def _client(request: Request, form: dict[str, str]) -> tuple[str, str]:
    """The client id and secret, from the form or HTTP Basic."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
            return unquote(client_id), unquote(secret)
        except (ValueError, UnicodeDecodeError):
            return "", ""
    return form.get("client_id", ""), form.get("client_secret", "")


def _token_error(error: str, status: int = 400) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": f"The stand-in refused: {error}"},
        status_code=status,
    )
