"""Drive sign-ins as a browser would, and mint tokens with the provider's key."""

import re
import time
from html import unescape
from typing import Any

import httpx
import jwt

from tools.oidc_provider.process import LocalProvider

FORM = re.compile(r'<form method="post" action="([^"]+)">')
FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def form_of(page: httpx.Response) -> tuple[str, dict[str, str]]:
    """The first form's action and hidden fields."""
    match = FORM.search(page.text)
    assert match, f"no form in the page: {page.status_code} {page.text[:300]}"
    fields = {name: unescape(value) for name, value in FIELD.findall(page.text)}
    return unescape(match.group(1)), fields


def choose_user(browser: httpx.Client, start_url: str, username: str) -> httpx.Response:
    """Follow the login link to the provider and pick ``username`` on its form.

    Returns the provider's form-post page, which carries the code to the
    gateway's callback (not yet posted).
    """
    login_form = browser.get(start_url, follow_redirects=True)
    assert login_form.status_code == 200, login_form.text
    assert username in login_form.text

    action, fields = form_of(login_form)
    return browser.post(action, data={**fields, "username": username})


def sign_in(browser: httpx.Client, start_url: str, username: str) -> httpx.Response:
    """The whole flow: login link, provider form, form post back, final page."""
    handover = choose_user(browser, start_url, username)
    action, fields = form_of(handover)
    return browser.post(action, data=fields, follow_redirects=True)


def mint(provider: LocalProvider, key: bytes | None = None, **claims: Any) -> str:
    """An agent access token signed with the provider's key unless ``key`` is given.

    Claim values of None are left out.
    """
    now = int(time.time())
    body = {
        "iss": provider.issuer,
        "aud": "council-console",
        "sub": "2c8f6b31-5d7e-4a09-b1c4-3e6f8a9d0b72",
        "oid": "2c8f6b31-5d7e-4a09-b1c4-3e6f8a9d0b72",
        "name": "Priya Shah",
        "preferred_username": "priya.shah@council.example",
        "roles": ["Agent"],
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    body.update(claims)
    body = {name: value for name, value in body.items() if value is not None}
    return jwt.encode(
        body,
        key or provider.signing_key_pem,
        algorithm="RS256",
        headers={"kid": provider.signing_kid},
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
