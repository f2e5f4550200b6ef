"""The provider's TLS certificate and token signing key, made fresh at each start.

TLS: a local test CA (``trustme``) signs a certificate for 127.0.0.1 and
localhost. The CA's PEM goes to a file the gateway is told about
(``IDENTITY_CA_FILE``); nothing is added to the system's trust store.

Signing: an RSA key for RS256, published in the JWKS under a key id that is its
RFC 7638 thumbprint. The private key is written to the state folder too, with
mode 0600, so that tests can mint tokens the gateway must refuse (expired,
wrong audience) with the provider's real key. Development and tests only.
"""

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

TLS_NAMES = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class TlsFiles:
    ca_file: Path
    cert_file: Path
    key_file: Path


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: bytes
    public_jwk: dict[str, Any]


def make_tls(state_dir: Path, ca_file: Path) -> TlsFiles:
    """Write a fresh CA to ``ca_file`` and a server certificate to ``state_dir``."""
    ca = trustme.CA(organization_name="Council assistant local test CA")
    server = ca.issue_cert(*TLS_NAMES)

    ca_file.parent.mkdir(parents=True, exist_ok=True)
    ca.cert_pem.write_to_path(str(ca_file))
    cert_file = state_dir / "server-chain.pem"
    key_file = state_dir / "server-key.pem"
    cert_file.write_bytes(b"".join(blob.bytes() for blob in server.cert_chain_pems))
    _write_private(key_file, server.private_key_pem.bytes())
    return TlsFiles(ca_file, cert_file, key_file)


def make_signing_key(state_dir: Path) -> SigningKey:
    """A new RSA key; its private PEM is left in ``state_dir/signing-key.pem``."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    kid = _thumbprint(jwk)
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})

    _write_private(state_dir / "signing-key.pem", pem)
    (state_dir / "signing-kid").write_text(kid)
    return SigningKey(kid=kid, private_pem=pem, public_jwk=jwk)


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: SHA-256 of the required members in lexicographic order."""
    members = {name: jwk[name] for name in ("e", "kty", "n")}
    digest = hashlib.sha256(
        json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
