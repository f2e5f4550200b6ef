"""The local OIDC provider keeps to the protocol the real providers keep to."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from tests.identity.flows import form_of
from tools.oidc_provider.process import LocalProvider

CLIENT = "council-console"
SECRET = "development-only-secret-change-me"
REDIRECT = "http://127.0.0.1:8000/auth/callback"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(challenge: str, **overrides: str) -> dict[str, str]:
    params = {
        "client_id": CLIENT,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "s1",
        "nonce": "n1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return params


def code_for(browser: httpx.Client, provider: LocalProvider, challenge: str) -> str:
    page = browser.get(
        provider.issuer + "/oauth2/authorize", params=authorize_params(challenge)
    )
    action, fields = form_of(page)
    redirect = browser.post(
        action, data={**fields, "username": "priya.shah@council.example"}
    )
    assert redirect.status_code == 303
    return parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]


def redeem(
    browser: httpx.Client,
    provider: LocalProvider,
    code: str,
    verifier: str,
    **extra: str,
) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": CLIENT,
        "client_secret": SECRET,
    }
    form.update(extra)
    return browser.post(provider.issuer + "/oauth2/token", data=form)


def test_discovery_names_endpoints_under_the_issuer(
    browser: httpx.Client, provider: LocalProvider
) -> None:
    document = browser.get(provider.issuer + "/.well-known/openid-configuration").json()

    assert document["issuer"] == provider.issuer
    assert document["jwks_uri"].startswith(provider.issuer + "/")
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["code_challenge_methods_supported"] == ["S256"]


def test_provider_refuses_clients_that_do_not_trust_its_ca(
    provider: LocalProvider,
) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(provider.issuer + "/.well-known/openid-configuration")


def test_token_exchange_issues_tokens_signed_with_the_published_key(
    browser: httpx.Client, provider: LocalProvider
) -> None:
    verifier, challenge = pkce()
    tokens = redeem(browser, provider, code_for(browser, provider, challenge), verifier)

    assert tokens.status_code == 200
    keys = browser.get(provider.issuer + "/discovery/keys").json()["keys"]
    key = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(
        tokens.json()["id_token"],
        key,
        algorithms=["RS256"],
        audience=CLIENT,
        issuer=provider.issuer,
    )
    assert claims["nonce"] == "n1"
    assert claims["roles"] == ["Agent"]
    assert claims["oid"] == claims["sub"]
    assert claims["exp"] > claims["iat"] == claims["nbf"]


def test_token_exchange_with_wrong_code_verifier_is_refused(
    browser: httpx.Client, provider: LocalProvider
) -> None:
    _, challenge = pkce()
    other_verifier, _ = pkce()

    refused = redeem(
        browser, provider, code_for(browser, provider, challenge), other_verifier
    )

    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


def test_token_exchange_with_a_used_code_is_refused(
    browser: httpx.Client, provider: LocalProvider
) -> None:
    verifier, challenge = pkce()
    code = code_for(browser, provider, challenge)
    assert redeem(browser, provider, code, verifier).status_code == 200

    assert redeem(browser, provider, code, verifier).json()["error"] == "invalid_grant"


def test_token_exchange_with_wrong_client_secret_is_refused(
    browser: httpx.Client, provider: LocalProvider
) -> None:
    verifier, challenge = pkce()
    code = code_for(browser, provider, challenge)

    refused = redeem(browser, provider, code, verifier, client_secret="guess")

    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"


def test_authorize_without_pkce_redirects_with_an_error(
    browser: httpx.Client, provider: LocalProvider
) -> None:
    params = authorize_params("x", code_challenge_method="plain")

    response = browser.get(provider.issuer + "/oauth2/authorize", params=params)

    assert response.status_code == 303
    assert parse_qs(urlsplit(response.headers["location"]).query)["error"] == [
        "invalid_request"
    ]


def test_authorize_with_unregistered_redirect_shows_an_error_page(
    browser: httpx.Client, provider: LocalProvider
) -> None:
    params = authorize_params("x", redirect_uri="https://evil.example/callback")

    response = browser.get(provider.issuer + "/oauth2/authorize", params=params)

    assert response.status_code == 400
    assert "location" not in response.headers
