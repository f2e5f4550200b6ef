"""Signing keys of the stand-in, each with the channels that endorse it."""

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass(frozen=True)
class EndorsedKey:
    """An RS256 key; ``public_jwk`` is what the JWKS publishes for it.

    ``private_key`` is kept loaded: loading a PEM checks the RSA key in full,
    which costs far more than signing with it.
    """

    kid: str
    private_key: rsa.RSAPrivateKey
    private_pem: bytes
    public_jwk: dict[str, Any]


def make_key(endorsements: Sequence[str] = ()) -> EndorsedKey:
    """A new 2048-bit RSA key whose JWK lists ``endorsements``."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    kid = _thumbprint(jwk)
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    if endorsements:
        jwk["endorsements"] = list(endorsements)
    return EndorsedKey(kid=kid, private_key=private, private_pem=pem, public_jwk=jwk)


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 of the required members in lexicographic order."""
    members = {name: jwk[name] for name in ("e", "kty", "n")}
    digest = hashlib.sha256(
        json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
