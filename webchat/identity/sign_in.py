"""The authorisation code flow with PKCE, through MSAL, for one authority.

:meth:`SignIn.begin` is called only by a login route: MSAL's flow dict (state,
nonce, PKCE verifier) is stored server side under its ``state`` for a few
minutes, so any worker can finish it. :meth:`SignIn.finish` takes the flow back
once (a replayed callback finds nothing), lets MSAL redeem the code, then
verifies the id token itself, because MSAL no longer does. The user's MSAL
token cache is kept per user and written back only when it changed.
"""

import json
import logging
from dataclasses import dataclass
from typing import Any

import msal
from starlette.concurrency import run_in_threadpool

from webchat.identity.authority import Authority
from webchat.identity.errors import SignInExpiredError, SignInFailedError
from webchat.identity.store import RecordStore
from webchat.identity.tokens import TokenVerifier

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompletedSignIn:
    """A verified id token's claims, and what the login route asked to keep."""

    claims: dict[str, Any]
    context: dict[str, str]


class SignIn:
    """Sign people in with one authority (agents', or residents')."""

    def __init__(
        self,
        authority: Authority,
        verifier: TokenVerifier,
        records: RecordStore,
        *,
        flow_lifetime_seconds: int = 600,
        cache_lifetime_seconds: int = 8 * 3600,
    ):
        self.authority = authority
        self.verifier = verifier
        self.records = records
        self.flow_lifetime_seconds = flow_lifetime_seconds
        self.cache_lifetime_seconds = cache_lifetime_seconds

    async def begin(self, redirect_uri: str, context: dict[str, str]) -> str:
        """Start a flow and return the provider URL to send the browser to.

        ``context`` (where to go next, which conversation) comes back from
        :meth:`finish`; it never travels through the browser.
        """
        app = await run_in_threadpool(self.authority.msal_app)
        flow: dict[str, Any] = await run_in_threadpool(
            app.initiate_auth_code_flow,
            list(self.authority.scopes),
            redirect_uri=redirect_uri,
            response_mode="form_post",
        )

        record = json.dumps({"flow": flow, "context": context})
        await self.records.put(
            self._flow_key(flow["state"]), record, self.flow_lifetime_seconds
        )
        logger.debug("Started a %s sign-in", self.authority.name)
        return str(flow["auth_uri"])

    async def finish(self, response: dict[str, str]) -> CompletedSignIn:
        """Redeem the provider's response for verified claims.

        Raises :class:`SignInExpiredError` when the ``state`` names no pending
        flow, and :class:`SignInFailedError` when the provider or MSAL refused;
        the id token's checks raise :class:`InvalidTokenError`.
        """
        state = response.get("state", "")
        stored = await self.records.take(self._flow_key(state)) if state else None
        if stored is None:
            raise SignInExpiredError(f"no pending {self.authority.name} sign-in")
        record = json.loads(stored)

        if "error" in response:
            raise SignInFailedError(
                f"{self.authority.name} provider answered {response['error']}"
            )
        cache = msal.SerializableTokenCache()
        result = await run_in_threadpool(self._redeem, record["flow"], response, cache)
        if "error" in result or "id_token" not in result:
            raise SignInFailedError(
                f"{self.authority.name} code redemption: {result.get('error')}"
            )

        claims = await self.verifier.verify(
            result["id_token"], audience=self.authority.client_id
        )
        subject = str(claims.get("oid") or claims["sub"])
        await self._save_cache(subject, cache)
        logger.info("Completed a %s sign-in", self.authority.name)
        return CompletedSignIn(claims=claims, context=record["context"])

    async def token_cache(self, subject: str) -> msal.SerializableTokenCache:
        """The user's MSAL cache, to acquire tokens silently on their behalf."""
        cache = msal.SerializableTokenCache()
        stored = await self.records.get(self._cache_key(subject))
        if stored:
            cache.deserialize(stored)
        return cache

    async def save_token_cache(
        self, subject: str, cache: msal.SerializableTokenCache
    ) -> None:
        await self._save_cache(subject, cache)

    async def forget(self, subject: str) -> None:
        """Drop the user's cached tokens (at sign-out)."""
        await self.records.delete(self._cache_key(subject))

    def _redeem(
        self,
        flow: dict[str, Any],
        response: dict[str, str],
        cache: msal.SerializableTokenCache,
    ) -> dict[str, Any]:
        app = self.authority.msal_app(cache)
        try:
            result: dict[str, Any] = app.acquire_token_by_auth_code_flow(flow, response)
        except (ValueError, RuntimeError) as error:
            # msal/oauth2cli: ValueError for a state mismatch or a missing code,
            # RuntimeError for an id token whose nonce is not this flow's.
            raise SignInFailedError(f"MSAL refused the response: {error}") from error
        return result

    async def _save_cache(
        self, subject: str, cache: msal.SerializableTokenCache
    ) -> None:
        if cache.has_state_changed:
            await self.records.put(
                self._cache_key(subject),
                cache.serialize(),
                self.cache_lifetime_seconds,
            )

    def _flow_key(self, state: str) -> str:
        return f"flow:{self.authority.name}:{state}"

    def _cache_key(self, subject: str) -> str:
        return f"token-cache:{self.authority.name}:{subject}"
