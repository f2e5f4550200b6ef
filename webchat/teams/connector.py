"""Posting to a conversation through the Bot Connector, as the bot.

Each post carries an access token from MSAL's client-credentials flow for the
bot's single-tenant app registration (scope ``https://api.botframework.com/
.default``). MSAL keeps the token in memory and fetches a new one shortly
before it expires. Posts go to ``{serviceUrl}v3/conversations/{id}/activities``
and are retried briefly when the connector is busy (429) or failing (5xx).
"""

import logging
import ssl
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import msal
from starlette.concurrency import run_in_threadpool
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from council.councillors import ConversationReference
from council.errors import CouncilError
from webchat.identity.authority import provider_session
from webchat.teams.activities import addressed

logger = logging.getLogger(__name__)

SCOPE = "https://api.botframework.com/.default"
ENTRA_HOST = "https://login.microsoftonline.com"
TIMEOUT_SECONDS = 15
ATTEMPTS = 3


class ConnectorError(CouncilError):
    """The Bot Connector, or the token authority, refused or failed a post."""

    code = "connector_error"
    status = 502


class ConnectorRefusedError(ConnectorError):
    """The Bot Connector answered 4xx (not 429): the post itself is wrong or
    not allowed, and sending it again will not help."""


class _Busy(Exception):
    """A response worth retrying: 429 or a server error."""


class ConnectorClient:
    """Sends activities into conversations; one per process.

    ``authority`` is the bot's token authority: Entra's
    ``https://login.microsoftonline.com/{tenant}`` in production, any OIDC
    authority (https, with a path) in development. ``ca_file`` is trusted for
    the authority and for service URLs, for the local stand-in's TLS.
    """

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        authority: str,
        *,
        is_entra: bool,
        ca_file: Path | None = None,
        http: httpx.AsyncClient | None = None,
    ):
        self.app_id = app_id
        self._secret = app_secret
        self.authority = authority.rstrip("/")
        self.is_entra = is_entra
        self.ca_file = ca_file
        context = ssl.create_default_context(cafile=str(ca_file)) if ca_file else None
        self.http = http or httpx.AsyncClient(
            verify=context or True,
            trust_env=context is None,
            timeout=TIMEOUT_SECONDS,
        )
        self._session = provider_session(ca_file)
        self._msal: msal.ConfidentialClientApplication | None = None
        self._msal_lock = threading.Lock()

    async def send(
        self,
        to: ConversationReference,
        activity: dict[str, Any],
        *,
        reply_to: str | None = None,
    ) -> str | None:
        """Post ``activity`` into the conversation; returns the new activity id.

        Raises :class:`ConnectorError` when no token can be had or the
        connector fails the post (after retries for 429 and 5xx), and
        :class:`ConnectorRefusedError` when it refuses it (any other 4xx).
        """
        url = (
            to.service_url.rstrip("/")
            + "/v3/conversations/"
            + quote(to.conversation_id, safe="")
            + "/activities"
        )
        body = addressed(activity, to, reply_to)

        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(ATTEMPTS),
                wait=wait_exponential(multiplier=0.5, max=4),
                retry=retry_if_exception_type((_Busy, httpx.TransportError)),
                reraise=True,
            ):
                with attempt:
                    token = await self.token()
                    response = await self.http.post(
                        url, json=body, headers={"Authorization": f"Bearer {token}"}
                    )
                    if response.status_code == 429 or response.status_code >= 500:
                        raise _Busy(f"connector answered {response.status_code}")
        except (_Busy, httpx.HTTPError) as error:
            logger.warning("Could not post to the Bot Connector: %r", error)
            raise ConnectorError(repr(error)) from error

        if response.status_code >= 400:
            logger.warning(
                "The Bot Connector refused a %s activity: %d",
                activity.get("type"),
                response.status_code,
            )
            raise ConnectorRefusedError(f"connector answered {response.status_code}")

        logger.debug("Posted a %s activity", activity.get("type"))
        try:
            return str(response.json().get("id") or "") or None
        except ValueError:
            return None

    async def token(self) -> str:
        """An access token for the Bot Connector, from MSAL's cache if fresh."""
        return await run_in_threadpool(self._token_blocking)

    def _token_blocking(self) -> str:
        result = self._application().acquire_token_for_client(scopes=[SCOPE])
        if "access_token" not in result:
            # The error code and description are safe to log; they carry no
            # secret (MSAL never puts the client secret in them).
            logger.warning(
                "No Bot Connector token from %s: %s",
                self.authority,
                result.get("error"),
            )
            raise ConnectorError(
                f"token request failed: {result.get('error')}: "
                f"{result.get('error_description')}"
            )
        return str(result["access_token"])

    def _application(self) -> msal.ConfidentialClientApplication:
        with self._msal_lock:
            if self._msal is None:
                location = (
                    {"authority": self.authority}
                    if self.is_entra
                    else {"oidc_authority": self.authority}
                )
                try:
                    self._msal = msal.ConfidentialClientApplication(
                        self.app_id,
                        client_credential=self._secret,
                        http_client=self._session,
                        **location,
                    )
                except (ValueError, OSError) as error:
                    logger.warning(
                        "Cannot reach the bot's token authority %s: %r",
                        self.authority,
                        error,
                    )
                    raise ConnectorError(repr(error)) from error
            return self._msal

    async def close(self) -> None:
        await self.http.aclose()
        self._session.close()
