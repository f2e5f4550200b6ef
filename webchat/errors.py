"""The gateway's errors and the one JSON shape every error takes.

Routes and the websocket raise these; :func:`install_handlers` maps them to HTTP
responses in one place. Clients get the plain ``public_message``; details go to the
log.
"""

import html
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from redis.exceptions import RedisError

from council.errors import CouncilError

logger = logging.getLogger(__name__)


class GatewayError(CouncilError):
    """Base of the gateway's own errors; ``status`` is the HTTP status."""

    status = 400


class EmptyMessageError(GatewayError):
    code = "empty_message"
    public_message = "Your message is empty. Please type a question or a request."


class MessageTooLongError(GatewayError):
    code = "message_too_long"
    status = 413

    def __init__(self, limit: int, length: int):
        super().__init__(
            f"message of {length} characters over the limit of {limit}",
            public_message=(
                f"Your message is too long. Please keep it under {limit:,} "
                "characters, or split it into shorter messages."
            ),
        )
        self.limit = limit
        self.length = length


class RequestTooLargeError(GatewayError):
    code = "request_too_large"
    status = 413

    def __init__(self, limit: int):
        super().__init__(
            f"request body over the limit of {limit} bytes",
            public_message=(
                "That was too much to send at once. Please send a shorter message."
            ),
        )
        self.limit = limit


class UnknownConversationError(GatewayError):
    code = "unknown_conversation"
    status = 404
    public_message = "That conversation does not exist. Please start a new chat."


class NotYourConversationError(GatewayError):
    code = "not_your_conversation"
    status = 403
    public_message = "Only the browser that started this chat can do that."


class AlreadyRatedError(GatewayError):
    code = "already_rated"
    status = 409
    public_message = "You have already rated this chat. Thank you."


class UnofferedButtonError(GatewayError):
    code = "unoffered_button"
    public_message = "That option is no longer available. Please type your reply."


class TemporarilyUnavailableError(GatewayError):
    code = "temporarily_unavailable"
    status = 503
    public_message = (
        "The chat is having a problem just now, so your message was not sent. It "
        "will be sent again in a moment."
    )


class BadFrameError(GatewayError):
    code = "bad_frame"
    public_message = "The chat could not read that message. Please try again."


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The one error shape, for HTTP bodies and websocket frames alike."""
    return {"error": {"code": code, "message": message}}


def _browser_page_wanted(request: Request) -> bool:
    """A person's browser opening a page (a sign-in link, say), not a script:
    scripts ask for JSON or anything, browsers navigating ask for HTML."""
    accept = request.headers.get("accept", "")
    return request.method == "GET" and accept.startswith("text/html")


def error_page(message: str) -> str:
    """The error shape for a person: the plain message on a small page."""
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Sorry, there is a problem</title>\n"
        '<link rel="stylesheet" href="/static/page.css">\n</head>\n<body>\n'
        '<main class="width-container">\n<h1>Sorry, there is a problem</h1>\n'
        f"<p>{html.escape(message)}</p>\n"
        "<p>You can close this tab and go back to the chat.</p>\n"
        "</main>\n</body>\n</html>\n"
    )


def install_handlers(app: FastAPI) -> None:
    """Map the project's errors and request validation errors to JSON."""

    @app.exception_handler(CouncilError)
    async def council_error(request: Request, error: CouncilError) -> Response:
        status = getattr(error, "status", 400)
        logger.info("Refused %s %s: %s", request.method, request.url.path, error.code)
        if _browser_page_wanted(request):
            return HTMLResponse(error_page(error.public_message), status_code=status)
        return JSONResponse(
            error_body(error.code, error.public_message), status_code=status
        )

    @app.exception_handler(RedisError)
    async def shared_state_down(request: Request, error: RedisError) -> JSONResponse:
        logger.warning(
            "Redis failed during %s %s: %r; told the client to retry",
            request.method,
            request.url.path,
            error,
        )
        unavailable = TemporarilyUnavailableError()
        return JSONResponse(
            error_body(unavailable.code, unavailable.public_message), status_code=503
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(
        request: Request, error: RequestValidationError
    ) -> JSONResponse:
        fields = ", ".join(
            ".".join(str(part) for part in item["loc"][1:]) or "body"
            for item in error.errors()
        )
        return JSONResponse(
            error_body("invalid_request", f"Check these fields: {fields}."),
            status_code=422,
        )
