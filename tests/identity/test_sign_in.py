"""The real code flow with PKCE: browser, gateway, MSAL and the TLS provider."""

import asyncio
import logging

import httpx
import msal
import pytest

from tests.identity.flows import choose_user, form_of, sign_in
from tests.identity.servers import ThreadedServer
from webchat.identity import IdentityService

AGENT = "priya.shah@council.example"
SUPERVISOR = "ruth.morgan@council.example"
NO_ROLE = "sam.green@council.example"


def test_agent_sign_in_with_code_flow_opens_the_console(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    final = sign_in(browser, gateway.url + "/auth/login?next=/console/api/queue", AGENT)

    assert final.status_code == 200
    assert final.json() == {"agent": "Priya Shah"}
    me = browser.get(gateway.url + "/auth/me").json()
    assert me["name"] == "Priya Shah"
    assert me["roles"] == ["Agent"]
    assert me["csrf_token"]


def test_agent_sign_in_cookie_is_httponly_and_samesite_lax(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    handover = choose_user(browser, gateway.url + "/auth/login", AGENT)
    action, fields = form_of(handover)

    callback = browser.post(action, data=fields)

    assert callback.status_code == 303
    cookie = callback.headers["set-cookie"].lower()
    assert cookie.startswith("council_session=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie


def test_agent_sign_in_saves_the_users_token_cache(
    gateway: ThreadedServer, browser: httpx.Client, identity: IdentityService
) -> None:
    sign_in(browser, gateway.url + "/auth/login", AGENT)

    subject = "2c8f6b31-5d7e-4a09-b1c4-3e6f8a9d0b72"
    cache = asyncio.run(identity.agents.token_cache(subject))
    accounts = cache.search(msal.TokenCache.CredentialType.ACCOUNT)
    assert [account["username"] for account in accounts] == [AGENT]
    assert cache.search(msal.TokenCache.CredentialType.REFRESH_TOKEN)


def test_supervisor_sign_in_opens_supervision(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    final = sign_in(
        browser, gateway.url + "/auth/login?next=/console/api/supervision", SUPERVISOR
    )

    assert final.status_code == 200
    assert final.json() == {"supervisor": "Ruth Morgan"}


def test_agent_without_supervisor_role_opening_supervision_is_forbidden(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    final = sign_in(
        browser, gateway.url + "/auth/login?next=/console/api/supervision", AGENT
    )

    assert final.status_code == 403
    assert final.json()["error"]["code"] == "missing_role"


def test_staff_without_agent_role_opening_console_api_is_forbidden(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    final = sign_in(browser, gateway.url + "/auth/login?next=/auth/me", NO_ROLE)

    assert final.status_code == 200
    assert final.json()["roles"] == []
    refused = browser.get(gateway.url + "/console/api/queue")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "missing_role"


def test_me_without_sign_in_is_unauthorised(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    response = browser.get(gateway.url + "/auth/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_signed_in"


def test_callback_replayed_is_refused(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    handover = choose_user(browser, gateway.url + "/auth/login", AGENT)
    action, fields = form_of(handover)
    assert browser.post(action, data=fields).status_code == 303

    replay = browser.post(action, data=fields)

    assert replay.status_code == 400
    assert replay.json()["error"]["code"] == "sign_in_expired"


def test_callback_with_forged_state_is_refused(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    handover = choose_user(browser, gateway.url + "/auth/login", AGENT)
    action, fields = form_of(handover)

    forged = browser.post(action, data={**fields, "state": "not-a-pending-state"})

    assert forged.status_code == 400
    assert forged.json()["error"]["code"] == "sign_in_expired"
    assert browser.get(gateway.url + "/auth/me").status_code == 401


def test_callback_with_tampered_code_is_refused(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    handover = choose_user(browser, gateway.url + "/auth/login", AGENT)
    action, fields = form_of(handover)

    tampered = browser.post(action, data={**fields, "code": "guessed-code"})

    assert tampered.status_code == 400
    assert tampered.json()["error"]["code"] == "sign_in_failed"
    assert browser.get(gateway.url + "/auth/me").status_code == 401


def test_resident_callback_cannot_finish_a_staff_sign_in(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    handover = choose_user(browser, gateway.url + "/auth/login", AGENT)
    _, fields = form_of(handover)

    crossed = browser.post(gateway.url + "/auth/resident/callback", data=fields)

    assert crossed.status_code == 400
    assert crossed.json()["error"]["code"] == "sign_in_expired"


def test_login_with_next_on_another_site_is_refused(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = browser.get(gateway.url + "/auth/login", params={"next": target})

        assert response.status_code == 400, target
        assert response.json()["error"]["code"] == "bad_sign_in_request"


def test_sign_in_started_on_one_worker_finishes_on_another(
    redis_gateways: list[ThreadedServer], browser: httpx.Client
) -> None:
    first, second = redis_gateways
    handover = choose_user(browser, first.url + "/auth/login", AGENT)
    action, fields = form_of(handover)
    assert action.startswith(first.url)

    finished = browser.post(
        action.replace(first.url, second.url), data=fields, follow_redirects=False
    )

    assert finished.status_code == 303
    cookie = finished.cookies["council_session"]
    for worker in (first, second):
        me = httpx.get(worker.url + "/auth/me", cookies={"council_session": cookie})
        assert me.json()["name"] == "Priya Shah"


def test_sign_in_logs_no_names_emails_tokens_or_cookies_above_debug(
    gateway: ThreadedServer, browser: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    sign_in(browser, gateway.url + "/auth/login?next=/auth/me", AGENT)

    cookie = browser.cookies["council_session"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Staff session opened" in logged
    for secret in (AGENT, "Priya Shah", "eyJ", cookie):
        assert secret not in logged
