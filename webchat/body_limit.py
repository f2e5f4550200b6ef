"""A cap on the size of every HTTP request body, enforced before it is read.

FastAPI reads a whole body into memory before a route can look at it, so a
client could make the gateway hold 10 MB to learn that a message may have 2,000
characters. This ASGI middleware refuses a body whose ``Content-Length`` is over
the cap without reading it, and stops reading a body sent without a length
(chunked) as soon as it passes the cap. The same setting, ``MAX_REQUEST_BYTES``,
caps websocket frames, through uvicorn (webchat/__main__.py).
"""

import logging

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from webchat.errors import RequestTooLargeError, error_body

logger = logging.getLogger(__name__)


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 in the one error shape."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, not {max_bytes}")
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        exchange = _CappedExchange(scope, receive, send, self.max_bytes)
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await exchange.refuse(f"declared body of {declared} bytes")
            return

        try:
            await self.app(scope, exchange.receive, exchange.send)
        except Exception as error:
            # The app saw the body end early (a disconnect) because it was cut
            # off; its complaint about that is not an error of its own.
            if not exchange.refused:
                raise
            logger.debug("After the refusal the app raised %r", error)


class _CappedExchange:
    """One request: counts the body as the app reads it, answers 413 past the cap.

    After the refusal the app sees the client gone (``http.disconnect``) and
    whatever it tries to send is dropped, so the 413 is the only answer.
    """

    def __init__(self, scope: Scope, receive: Receive, send: Send, max_bytes: int):
        self.scope = scope
        self.max_bytes = max_bytes
        self.received = 0
        self.refused = False
        self.response_started = False
        self._receive = receive
        self._send = send

    async def receive(self) -> Message:
        if self.refused:
            return {"type": "http.disconnect"}

        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.max_bytes and not self.response_started:
                await self.refuse(f"body passed {self.max_bytes} bytes unfinished")
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        if self.refused:
            return
        if message["type"] == "http.response.start":
            self.response_started = True
        await self._send(message)

    async def refuse(self, reason: str) -> None:
        self.refused = True
        logger.info(
            "Refused %s %s: %s (the limit is %d)",
            self.scope["method"],
            self.scope["path"],
            reason,
            self.max_bytes,
        )
        refusal = RequestTooLargeError(self.max_bytes)
        response = JSONResponse(
            error_body(refusal.code, refusal.public_message), status_code=413
        )
        await response(self.scope, self._receive, self._send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
