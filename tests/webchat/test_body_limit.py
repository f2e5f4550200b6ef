"""Request bodies over the cap are refused before the gateway reads them."""

import json

import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel
from starlette.types import Message

from webchat import errors
from webchat.body_limit import BodyLimit

CAP = 1024
CHUNK = 256


class Note(BaseModel):
    text: str


def echo_app() -> FastAPI:
    """One route that reads the body itself, one that FastAPI parses for it."""
    app = FastAPI()
    errors.install_handlers(app)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    @app.post("/note")
    async def note(note: Note) -> dict[str, int]:
        return {"bytes": len(note.text)}

    return app


class Client:
    """Drives the ASGI app directly so the test sees each chunk it reads."""

    def __init__(self, chunks: int, declared_length: int | None):
        self.chunks_left = chunks
        self.chunks_read = 0
        self.headers = [(b"content-type", b"application/octet-stream")]
        if declared_length is not None:
            self.headers.append((b"content-length", str(declared_length).encode()))
        self.sent: list[Message] = []

    async def post(self, app: BodyLimit, path: str = "/echo") -> tuple[int, dict]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": self.headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        await app(scope, self.receive, self.send)

        start = next(m for m in self.sent if m["type"] == "http.response.start")
        body = b"".join(
            m.get("body", b"") for m in self.sent if m["type"] == "http.response.body"
        )
        return start["status"], json.loads(body)

    async def receive(self) -> Message:
        if self.chunks_left == 0:
            return {"type": "http.disconnect"}
        self.chunks_left -= 1
        self.chunks_read += 1
        return {
            "type": "http.request",
            "body": b"x" * CHUNK,
            "more_body": self.chunks_left > 0,
        }

    async def send(self, message: Message) -> None:
        self.sent.append(message)


async def test_body_under_the_cap_reaches_the_route_whole() -> None:
    client = Client(chunks=3, declared_length=3 * CHUNK)

    status, body = await client.post(BodyLimit(echo_app(), max_bytes=CAP))

    assert status == 200
    assert body == {"bytes": 3 * CHUNK}


async def test_declared_length_over_the_cap_is_refused_unread() -> None:
    client = Client(chunks=40_000, declared_length=10_000_000)

    status, body = await client.post(BodyLimit(echo_app(), max_bytes=CAP))

    assert status == 413
    assert body["error"]["code"] == "request_too_large"
    assert body["error"]["message"]
    assert client.chunks_read == 0


@pytest.mark.parametrize("path", ["/echo", "/note"])
async def test_body_without_a_length_stops_being_read_past_the_cap(path) -> None:
    client = Client(chunks=40_000, declared_length=None)

    status, body = await client.post(BodyLimit(echo_app(), max_bytes=CAP), path)

    assert status == 413
    assert body["error"]["code"] == "request_too_large"
    assert client.chunks_read == CAP // CHUNK + 1
    assert [m["type"] for m in client.sent] == [
        "http.response.start",
        "http.response.body",
    ]


def test_cap_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        BodyLimit(echo_app(), max_bytes=0)
