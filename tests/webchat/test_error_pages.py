"""Errors come in the one JSON shape to scripts and as a plain page to people."""

import httpx
from fastapi import FastAPI

from webchat import errors
from webchat.errors import UnknownConversationError


def failing_app() -> FastAPI:
    app = FastAPI()
    errors.install_handlers(app)

    @app.get("/auth/resident/login")
    async def login() -> None:
        raise UnknownConversationError(
            "nope", public_message='That link <script>alert("x")</script> is old.'
        )

    return app


async def get(accept: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=failing_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get("/auth/resident/login", headers={"accept": accept})


async def test_a_browser_opening_the_link_gets_a_page_with_the_message_as_text():
    response = await get("text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "That link &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; is old." in (
        response.text
    )
    assert "<script>" not in response.text


async def test_a_script_gets_the_json_error_shape():
    response = await get("application/json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_conversation"
