"""Is this request really from the Bot Connector? Checked in full, every time.

The Bot Connector signs a JWT for each activity it posts. A request is accepted
only when all of these hold (docs/teams.md):

- an ``Authorization: Bearer`` header with an RS256 token;
- signed by a key from the ``jwks_uri`` of the Bot Framework OpenID metadata
  (keys are cached; an unknown key id fetches the set again);
- that key's ``endorsements`` list the activity's ``channelId``;
- issuer ``https://api.botframework.com``, audience the bot's app id;
- the ``serviceurl`` claim equal to the activity's ``serviceUrl``, so nobody
  can point the bot's replies, and its access token, somewhere else;
- ``exp``/``nbf``/``iat`` within a leeway for clock drift (300 s by default).

Anything else raises :class:`BotAuthenticationError` (401) and logs why,
never the token.
"""

import logging
import ssl
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
from jwt import PyJWKClient
from starlette.concurrency import run_in_threadpool

from council.errors import CouncilError

logger = logging.getLogger(__name__)

ISSUER = "https://api.botframework.com"
ALGORITHMS = ("RS256",)
# The Bot Framework SDKs name the claim in lower case.
SERVICE_URL_CLAIM = "serviceurl"
REQUIRED_CLAIMS = ["exp", "iss", "aud", SERVICE_URL_CLAIM]
METADATA_LIFETIME_SECONDS = 24 * 3600
KEYS_LIFETIME_SECONDS = 3600
# Seconds between forced key refreshes for unknown key ids, so a flood of
# made-up kids cannot make the gateway hammer the key endpoint.
KEYS_REFRESH_COOLDOWN_SECONDS = 10
TIMEOUT_SECONDS = 10


class BotAuthenticationError(CouncilError):
    """The request is not an authentic Bot Connector request for this bot."""

    code = "unauthorised"
    status = 401
    public_message = "This endpoint only accepts requests from the Bot Connector."


class BotMetadataUnavailableError(CouncilError):
    """The Bot Framework's OpenID metadata or keys could not be fetched."""

    code = "bot_metadata_unavailable"
    status = 503
    public_message = "The service is briefly unavailable. Please try again."


class EndorsedKeys(PyJWKClient):
    """PyJWT's key client, also remembering which channels endorse each key."""

    def __init__(
        self, uri: str, ssl_context: ssl.SSLContext | None, cooldown_seconds: float
    ):
        super().__init__(
            uri,
            cache_jwk_set=True,
            lifespan=KEYS_LIFETIME_SECONDS,
            timeout=TIMEOUT_SECONDS,
            ssl_context=ssl_context,
            cooldown_duration=cooldown_seconds,
        )
        self.endorsements: dict[str, frozenset[str]] = {}

    def fetch_data(self) -> Any:
        data = super().fetch_data()
        keys = data.get("keys", []) if isinstance(data, dict) else []
        self.endorsements = {
            str(key.get("kid")): frozenset(key.get("endorsements") or ())
            for key in keys
            if isinstance(key, dict)
        }
        return data


class BotAuthenticator:
    """Checks the bearer token of each request posted to ``/api/messages``."""

    def __init__(
        self,
        app_id: str,
        metadata_url: str,
        *,
        leeway_seconds: int = 300,
        ca_file: Path | None = None,
        refresh_cooldown_seconds: float = KEYS_REFRESH_COOLDOWN_SECONDS,
    ):
        self.app_id = app_id
        self.refresh_cooldown_seconds = refresh_cooldown_seconds
        self.metadata_url = metadata_url
        self.leeway_seconds = leeway_seconds
        self._ssl = ssl.create_default_context(cafile=str(ca_file)) if ca_file else None
        self._keys: EndorsedKeys | None = None
        self._metadata_fetched_at = 0.0

    async def authenticate(
        self, authorization: str | None, channel_id: str, service_url: str
    ) -> dict[str, Any]:
        """The token's claims if the request may be trusted; raises otherwise.

        Raises :class:`BotAuthenticationError` for any failed check and
        :class:`BotMetadataUnavailableError` when the keys cannot be fetched.
        """
        token = _bearer_token(authorization)
        keys = await self._key_client()
        return await run_in_threadpool(
            self._verify, keys, token, channel_id, service_url
        )

    def _verify(
        self, keys: EndorsedKeys, token: str, channel_id: str, service_url: str
    ) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in ALGORITHMS:
                raise _refused(f"algorithm {header.get('alg')!r} is not accepted")

            signing_key = keys.get_signing_key_from_jwt(token)
            endorsed = keys.endorsements.get(str(signing_key.key_id), frozenset())
            if channel_id not in endorsed:
                raise _refused(f"key not endorsed for channel {channel_id!r}")

            claims: dict[str, Any] = jwt.decode(
                token,
                signing_key.key,
                algorithms=list(ALGORITHMS),
                audience=self.app_id,
                issuer=ISSUER,
                leeway=self.leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWKClientConnectionError as error:
            logger.warning("Cannot fetch the Bot Framework signing keys: %s", error)
            raise BotMetadataUnavailableError(str(error)) from error
        except jwt.PyJWTError as error:
            raise _refused(str(error)) from error

        if claims.get(SERVICE_URL_CLAIM) != service_url:
            raise _refused("the serviceurl claim does not match the activity")

        logger.debug("Accepted a Bot Connector request for channel %s", channel_id)
        return claims

    async def _key_client(self) -> EndorsedKeys:
        """The key client for the metadata's ``jwks_uri``, re-read daily."""
        age = time.monotonic() - self._metadata_fetched_at
        if self._keys is not None and age < METADATA_LIFETIME_SECONDS:
            return self._keys

        try:
            async with httpx.AsyncClient(
                verify=self._ssl or True,
                trust_env=self._ssl is None,
                timeout=TIMEOUT_SECONDS,
            ) as client:
                response = await client.get(self.metadata_url)
                response.raise_for_status()
                jwks_uri = str(response.json()["jwks_uri"])
        except (httpx.HTTPError, KeyError, ValueError) as error:
            if self._keys is not None:
                logger.warning(
                    "Cannot refresh the Bot Framework metadata (%r); keeping the "
                    "keys already known",
                    error,
                )
                return self._keys
            logger.warning("Cannot fetch the Bot Framework metadata: %r", error)
            raise BotMetadataUnavailableError(repr(error)) from error

        if self._keys is None or self._keys.uri != jwks_uri:
            self._keys = EndorsedKeys(
                jwks_uri, self._ssl, self.refresh_cooldown_seconds
            )
        self._metadata_fetched_at = time.monotonic()
        logger.info("Loaded the Bot Framework OpenID metadata")
        return self._keys


def _bearer_token(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _refused("no bearer token")
    return token.strip()


def _refused(reason: str) -> BotAuthenticationError:
    logger.warning("Refused a request to /api/messages: %s", reason)
    return BotAuthenticationError(reason)
