"""The console websocket checks the cookie or token before anything else."""

import asyncio

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.identity.flows import bearer, mint, sign_in
from tests.identity.servers import ThreadedServer
from tools.oidc_provider.process import LocalProvider


def open_console(
    gateway: ThreadedServer, headers: dict[str, str] | None = None
) -> tuple[int | None, object]:
    """Connect; return (close code, None) when refused or (None, first frame)."""

    async def attempt() -> tuple[int | None, object]:
        url = gateway.url.replace("http://", "ws://") + "/console/ws"
        async with connect(url, additional_headers=headers or {}) as socket:
            try:
                return None, await asyncio.wait_for(socket.recv(), 5)
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None, None

    return asyncio.run(attempt())


def test_console_websocket_without_sign_in_closes_4401(gateway: ThreadedServer) -> None:
    assert open_console(gateway) == (4401, None)


def test_console_websocket_with_expired_token_closes_4401(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    token = mint(provider, iat=1, nbf=1, exp=2)

    assert open_console(gateway, bearer(token)) == (4401, None)


def test_console_websocket_without_agent_role_closes_4403(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    token = mint(provider, roles=None)

    assert open_console(gateway, bearer(token)) == (4403, None)


def test_console_websocket_with_agent_token_is_accepted(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    code, frame = open_console(gateway, bearer(mint(provider)))

    assert code is None
    assert frame == '{"hello":"Priya Shah"}'


@pytest.fixture
def agent_cookie(gateway: ThreadedServer, browser: httpx.Client) -> str:
    sign_in(
        browser, gateway.url + "/auth/login?next=/auth/me", "tom.evans@council.example"
    )
    return str(browser.cookies["council_session"])


def test_console_websocket_with_session_cookie_from_own_origin_is_accepted(
    gateway: ThreadedServer, agent_cookie: str
) -> None:
    headers = {"Cookie": f"council_session={agent_cookie}", "Origin": gateway.url}

    code, frame = open_console(gateway, headers)

    assert code is None
    assert frame == '{"hello":"Tom Evans"}'


def test_console_websocket_with_session_cookie_from_another_origin_closes_4403(
    gateway: ThreadedServer, agent_cookie: str
) -> None:
    headers = {
        "Cookie": f"council_session={agent_cookie}",
        "Origin": "http://evil.example",
    }

    assert open_console(gateway, headers) == (4403, None)
