"""Checks on the provider's tokens: MSAL does not validate them, so this does.

Every id token from a sign-in and every bearer token on an API or websocket
passes :meth:`TokenVerifier.verify`: a key from the provider's JWKS, RS256
only, the issuer from discovery, the expected audience, and ``exp``/``nbf``
with a small leeway for clock drift.
"""

import logging
from typing import Any

import jwt
from jwt import PyJWKClient
from starlette.concurrency import run_in_threadpool

from webchat.identity.authority import Authority
from webchat.identity.errors import InvalidTokenError

logger = logging.getLogger(__name__)

ALGORITHMS = ("RS256",)
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


class TokenVerifier:
    """Verify tokens one authority issued; keys are cached and refreshed by kid."""

    def __init__(self, authority: Authority, leeway_seconds: int = 60):
        self.authority = authority
        self.leeway_seconds = leeway_seconds
        self._jwks: PyJWKClient | None = None

    async def verify(self, token: str, audience: str | None = None) -> dict[str, Any]:
        """Return the token's claims, or raise :class:`InvalidTokenError`.

        ``audience`` defaults to the authority's API audience; pass the client
        id to check an id token.
        """
        return await run_in_threadpool(self.verify_blocking, token, audience)

    def verify_blocking(
        self, token: str, audience: str | None = None
    ) -> dict[str, Any]:
        """:meth:`verify` for callers already off the event loop."""
        metadata = self.authority.metadata()

        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
            if algorithm not in ALGORITHMS:
                raise jwt.InvalidAlgorithmError(f"algorithm {algorithm!r} refused")
            key = self._keys(metadata.jwks_uri).get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=list(ALGORITHMS),
                audience=audience or self.authority.audience,
                issuer=metadata.issuer,
                leeway=self.leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWKClientConnectionError as error:
            logger.warning(
                "Could not fetch %s signing keys (%s); check the provider is up",
                self.authority.name,
                error,
            )
            raise InvalidTokenError("signing keys unavailable") from error
        except jwt.PyJWTError as error:
            logger.info("Refused a %s token: %s", self.authority.name, error)
            raise InvalidTokenError(str(error)) from error

        logger.debug("Accepted a %s token", self.authority.name)
        return claims

    def _keys(self, jwks_uri: str) -> PyJWKClient:
        if self._jwks is None:
            self._jwks = PyJWKClient(
                jwks_uri,
                cache_jwk_set=True,
                lifespan=300,
                timeout=10,
                ssl_context=self.authority.ssl_context(),
            )
        return self._jwks
