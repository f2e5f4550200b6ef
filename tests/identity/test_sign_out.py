"""Sign-out ends the session on the server, not just in the browser."""

from urllib.parse import parse_qs, urlsplit

import httpx

from tests.identity.flows import sign_in
from tests.identity.servers import ThreadedServer
from tools.oidc_provider.process import LocalProvider

AGENT = "tom.evans@council.example"


def signed_in_cookie(gateway: ThreadedServer, browser: httpx.Client) -> str:
    sign_in(browser, gateway.url + "/auth/login?next=/auth/me", AGENT)
    return browser.cookies["council_session"]


def test_logout_with_csrf_token_ends_the_session_everywhere(
    gateway: ThreadedServer, browser: httpx.Client, provider: LocalProvider
) -> None:
    cookie = signed_in_cookie(gateway, browser)
    csrf = browser.get(gateway.url + "/auth/me").json()["csrf_token"]

    response = browser.post(gateway.url + "/auth/logout", data={"csrf_token": csrf})

    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"https://{location.netloc}{location.path}" == (
        provider.issuer + "/oauth2/logout"
    )
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == [gateway.url + "/auth/signed-out"]
    assert query["client_id"] == ["council-console"]
    assert "council_session" not in browser.cookies

    replayed = httpx.get(gateway.url + "/auth/me", cookies={"council_session": cookie})
    assert replayed.status_code == 401
    queue = httpx.get(
        gateway.url + "/console/api/queue", cookies={"council_session": cookie}
    )
    assert queue.status_code == 401


def test_logout_ends_at_the_gateways_signed_out_page(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    signed_in_cookie(gateway, browser)
    csrf = browser.get(gateway.url + "/auth/me").json()["csrf_token"]

    final = browser.post(
        gateway.url + "/auth/logout",
        headers={"X-CSRF-Token": csrf},
        follow_redirects=True,
    )

    assert final.status_code == 200
    assert str(final.url) == gateway.url + "/auth/signed-out"
    assert "You have signed out" in final.text


def test_logout_without_csrf_token_is_refused_and_keeps_the_session(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    signed_in_cookie(gateway, browser)

    response = browser.post(gateway.url + "/auth/logout", data={"csrf_token": "x"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert browser.get(gateway.url + "/auth/me").status_code == 200


def test_logout_page_by_get_only_offers_a_form(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    signed_in_cookie(gateway, browser)
    csrf = browser.get(gateway.url + "/auth/me").json()["csrf_token"]

    page = browser.get(gateway.url + "/auth/logout")

    assert page.status_code == 200
    assert f'value="{csrf}"' in page.text
    assert browser.get(gateway.url + "/auth/me").status_code == 200


def test_signing_in_again_replaces_the_previous_session(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    first = signed_in_cookie(gateway, browser)

    second = signed_in_cookie(gateway, browser)

    assert first != second
    old = httpx.get(gateway.url + "/auth/me", cookies={"council_session": first})
    assert old.status_code == 401
