"""Bearer tokens on console APIs: every check refuses on its own."""

import base64
import hashlib
import hmac
import json
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.identity.flows import bearer, mint
from tests.identity.servers import ThreadedServer
from tools.oidc_provider.process import LocalProvider

QUEUE = "/console/api/queue"


def call(gateway: ThreadedServer, token: str) -> httpx.Response:
    return httpx.get(gateway.url + QUEUE, headers=bearer(token))


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "invalid_token"
    assert "Bearer" not in response.text


def other_key() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def unsigned(header: dict[str, str], claims: dict[str, object], key: bytes) -> str:
    """A JWT built by hand, for algorithms PyJWT will not produce."""

    def part(value: dict[str, object] | dict[str, str]) -> bytes:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    signing_input = part(header) + b"." + part(claims)
    signature = b""
    if header["alg"] == "HS256":
        digest = hmac.new(key, signing_input, hashlib.sha256).digest()
        signature = base64.urlsafe_b64encode(digest).rstrip(b"=")
    return (signing_input + b"." + signature).decode()


def test_console_api_with_valid_bearer_token_is_allowed(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    response = call(gateway, mint(provider))

    assert response.status_code == 200
    assert response.json() == {"agent": "Priya Shah"}


def test_console_api_with_no_token_is_refused(gateway: ThreadedServer) -> None:
    response = httpx.get(gateway.url + QUEUE)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_signed_in"


def test_console_api_with_garbage_token_is_refused(gateway: ThreadedServer) -> None:
    assert_refused(call(gateway, "not.a.token"))


def test_console_api_with_expired_token_is_refused(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    now = int(time.time())

    token = mint(provider, iat=now - 3600, nbf=now - 3600, exp=now - 120)

    assert_refused(call(gateway, token))


def test_console_api_with_token_expired_within_leeway_is_allowed(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    now = int(time.time())

    token = mint(provider, iat=now - 3600, nbf=now - 3600, exp=now - 20)

    assert call(gateway, token).status_code == 200


def test_console_api_with_token_not_yet_valid_is_refused(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    now = int(time.time())

    assert_refused(call(gateway, mint(provider, nbf=now + 600)))


def test_console_api_with_wrong_audience_is_refused(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    assert_refused(call(gateway, mint(provider, aud="council-webchat")))


def test_console_api_with_wrong_issuer_is_refused(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    issuer = provider.issuer.replace("/council", "/elsewhere")

    assert_refused(call(gateway, mint(provider, iss=issuer)))


def test_console_api_with_token_missing_expiry_is_refused(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    assert_refused(call(gateway, mint(provider, exp=None)))


def test_console_api_with_token_signed_by_another_key_is_refused(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    assert_refused(call(gateway, mint(provider, key=other_key())))


def test_console_api_with_unknown_key_id_is_refused(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    now = int(time.time())
    claims = {"iss": provider.issuer, "aud": "council-console", "sub": "x"}
    token = jwt.encode(
        {**claims, "roles": ["Agent"], "iat": now, "exp": now + 600},
        other_key(),
        algorithm="RS256",
        headers={"kid": "someone-elses-key"},
    )

    assert_refused(call(gateway, token))


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_console_api_with_alg_none_is_refused(
    gateway: ThreadedServer, provider: LocalProvider, alg: str
) -> None:
    claims = jwt.decode(mint(provider), options={"verify_signature": False})

    token = unsigned(
        {"alg": alg, "typ": "JWT", "kid": provider.signing_kid}, claims, b""
    )

    assert_refused(call(gateway, token))


def test_console_api_with_hs256_keyed_by_the_public_key_is_refused(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    claims = jwt.decode(mint(provider), options={"verify_signature": False})
    public_pem = (
        serialization.load_pem_private_key(provider.signing_key_pem, None)
        .public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": provider.signing_kid}

    assert_refused(call(gateway, unsigned(header, claims, public_pem)))


def test_console_api_with_valid_token_without_agent_role_is_forbidden(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    response = call(gateway, mint(provider, roles=None, name="Sam Green"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "missing_role"


def test_console_api_with_role_claim_as_a_string_is_forbidden(
    gateway: ThreadedServer, provider: LocalProvider
) -> None:
    response = call(gateway, mint(provider, roles="Agent"))

    assert response.status_code == 403
