"""State-changing console requests by cookie need the session's CSRF token."""

import httpx

from tests.identity.flows import bearer, mint, sign_in
from tests.identity.servers import ThreadedServer
from tools.oidc_provider.process import LocalProvider


def agent_browser(gateway: ThreadedServer, browser: httpx.Client) -> str:
    sign_in(
        browser, gateway.url + "/auth/login?next=/auth/me", "priya.shah@council.example"
    )
    return str(browser.get(gateway.url + "/auth/me").json()["csrf_token"])


def test_console_post_by_cookie_without_csrf_token_is_refused(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    agent_browser(gateway, browser)

    response = browser.post(gateway.url + "/console/api/claim")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_console_post_by_cookie_with_another_sessions_token_is_refused(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    other = agent_browser(gateway, browser)
    agent_browser(gateway, browser)

    response = browser.post(
        gateway.url + "/console/api/claim", headers={"X-CSRF-Token": other}
    )

    assert response.status_code == 403


def test_console_post_by_cookie_with_csrf_header_is_allowed(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    csrf = agent_browser(gateway, browser)

    response = browser.post(
        gateway.url + "/console/api/claim", headers={"X-CSRF-Token": csrf}
    )

    assert response.status_code == 200
    assert response.json() == {"claimed_by": "Priya Shah"}


def test_console_post_by_cookie_with_csrf_form_field_is_allowed(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    csrf = agent_browser(gateway, browser)

    response = browser.post(
        gateway.url + "/console/api/claim", data={"csrf_token": csrf}
    )

    assert response.status_code == 200


def test_console_post_by_bearer_token_needs_no_csrf_token(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    response = httpx.post(
        gateway.url + "/console/api/claim", headers=bearer(mint(provider))
    )

    assert response.status_code == 200
