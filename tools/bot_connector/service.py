"""The stand-in's state and behaviour: keys, tokens, activities, replies.

One :class:`BotConnector` serves one bot (``app_id``) in one tenant. Its
channel keys sign the tokens on activities it delivers; the first key is
endorsed for ``msteams`` and ``webchat``, the second only for ``skype`` (so a
test can sign with a real published key the bot must still refuse for Teams).
Its tenant key signs the bot's own access tokens. Replies the bot posts are
kept per conversation for tests to read.
"""

import itertools
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt

from tools.bot_connector.keys import EndorsedKey, make_key

logger = logging.getLogger(__name__)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
CONNECTOR_AUDIENCE = "https://api.botframework.com"
CONNECTOR_SCOPE = "https://api.botframework.com/.default"
TEAMS = "msteams"
SERVICE_PATH = "/teams/"


@dataclass(frozen=True)
class Member:
    """Someone in Teams: ``aad_object_id`` is their Entra object id."""

    name: str
    aad_object_id: str | None

    @property
    def teams_id(self) -> str:
        return f"29:{(self.aad_object_id or self.name).replace('-', '')}"


@dataclass
class BotConnector:
    """The connector service and the bot's tenant, at ``base_url``."""

    base_url: str
    app_id: str
    app_secret: str
    tenant_id: str
    bot_endpoint: str
    bot_name: str = "Council casework"
    token_lifetime_seconds: int = 3600
    channel_keys: list[EndorsedKey] = field(default_factory=list)
    tenant_key: EndorsedKey = field(default_factory=make_key)
    token_requests: int = 0
    # Trouble the connector API plays on request (fail_posts, slow_posts).
    failing_status: int | None = None
    post_delay_seconds: float = 0.0
    failed_posts: int = 0
    _replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        if not self.channel_keys:
            self.channel_keys = [make_key([TEAMS, "webchat"]), make_key(["skype"])]

    # Where things are -------------------------------------------------------

    @property
    def service_url(self) -> str:
        """The ``serviceUrl`` of every activity; replies are posted under it."""
        return self.base_url + SERVICE_PATH

    @property
    def metadata_url(self) -> str:
        return self.base_url + "/v1/.well-known/openidconfiguration"

    @property
    def authority(self) -> str:
        """The bot's token authority, for MSAL's ``oidc_authority``."""
        return f"{self.base_url}/{self.tenant_id}"

    def gateway_environment(self) -> dict[str, str]:
        """The ``BOT_*`` settings that point a gateway at this stand-in."""
        return {
            "BOT_APP_ID": self.app_id,
            "BOT_APP_SECRET": self.app_secret,
            "BOT_TENANT_ID": self.tenant_id,
            "BOT_AUTHORITY": self.authority,
            "BOT_OPENID_METADATA_URL": self.metadata_url,
        }

    # Published documents ----------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": BOT_FRAMEWORK_ISSUER,
            "authorization_endpoint": self.base_url + "/v1/botframework/authorize",
            "jwks_uri": self.base_url + "/v1/.well-known/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in self.channel_keys]}

    def tenant_metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.authority,
            "authorization_endpoint": self.authority + "/oauth2/v2.0/authorize",
            "token_endpoint": self.authority + "/oauth2/v2.0/token",
            "jwks_uri": self.authority + "/discovery/v2.0/keys",
            "response_types_supported": ["code", "token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "client_secret_basic",
            ],
        }

    def tenant_jwks(self) -> dict[str, Any]:
        return {"keys": [self.tenant_key.public_jwk]}

    def rotate_channel_key(self) -> EndorsedKey:
        """Publish a new Teams-endorsed key first in the set, as a rotation does."""
        key = make_key([TEAMS, "webchat"])
        self.channel_keys = [key, *self.channel_keys]
        return key

    # Tokens -----------------------------------------------------------------

    def channel_token(
        self,
        service_url: str | None = None,
        *,
        key: EndorsedKey | None = None,
        audience: str | None = None,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        clock_offset_seconds: int = 0,
        lifetime_seconds: int = 3600,
        omit: tuple[str, ...] = (),
    ) -> str:
        """The JWT the connector puts on an activity it delivers.

        ``clock_offset_seconds`` moves the issuer's clock: +90 is an issuer 90
        s ahead of the bot (its ``nbf`` and ``iat`` are in the bot's future),
        a large negative one makes the token expired.
        """
        now = int(time.time()) + clock_offset_seconds
        claims: dict[str, Any] = {
            "serviceurl": service_url or self.service_url,
            "nbf": now,
            "iat": now,
            "exp": now + lifetime_seconds,
            "iss": issuer,
            "aud": audience or self.app_id,
        }
        for name in omit:
            claims.pop(name, None)
        signer = key or self.channel_keys[0]
        return jwt.encode(
            claims, signer.private_key, algorithm="RS256", headers={"kid": signer.kid}
        )

    def issue_bot_token(self, client_id: str, client_secret: str, scope: str) -> str:
        """An access token for the bot, by client credentials; ``ValueError``
        with an OAuth error code when the request is wrong."""
        if client_id != self.app_id or client_secret != self.app_secret:
            raise ValueError("invalid_client")
        if CONNECTOR_SCOPE not in scope.split():
            raise ValueError("invalid_scope")

        now = int(time.time())
        with self._lock:
            self.token_requests += 1
        claims = {
            "iss": self.authority + "/v2.0",
            "aud": CONNECTOR_AUDIENCE,
            "appid": self.app_id,
            "azp": self.app_id,
            "tid": self.tenant_id,
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime_seconds,
        }
        return jwt.encode(
            claims,
            self.tenant_key.private_key,
            algorithm="RS256",
            headers={"kid": self.tenant_key.kid},
        )

    def check_bot_token(self, authorization: str | None) -> bool:
        """Whether a reply carries a valid access token issued to this bot."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        try:
            claims = jwt.decode(
                token,
                jwt.PyJWK(self.tenant_key.public_jwk).key,
                algorithms=["RS256"],
                audience=CONNECTOR_AUDIENCE,
                issuer=self.authority + "/v2.0",
            )
        except jwt.PyJWTError as error:
            logger.info("Refused a reply: %s", error)
            return False
        return bool(claims.get("appid") == self.app_id)

    # Activities -------------------------------------------------------------

    def activity(
        self,
        kind: str,
        member: Member,
        conversation_id: str,
        *,
        text: str | None = None,
        value: Any = None,
        name: str | None = None,
        conversation_type: str = "personal",
        channel_id: str = TEAMS,
        members_added: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """An activity as Teams would deliver it from ``member``."""
        activity: dict[str, Any] = {
            "type": kind,
            "id": f"{int(time.time() * 1000)}{next(self._ids):04d}",
            "timestamp": datetime.now(UTC).isoformat(),
            "channelId": channel_id,
            "serviceUrl": self.service_url,
            "from": {
                "id": member.teams_id,
                "name": member.name,
                "aadObjectId": member.aad_object_id,
            },
            "recipient": {"id": f"28:{self.app_id}", "name": self.bot_name},
            "conversation": {
                "id": conversation_id,
                "conversationType": conversation_type,
                "tenantId": self.tenant_id,
            },
            "channelData": {"tenant": {"id": self.tenant_id}},
        }
        if text is not None:
            activity["text"] = text
        if value is not None:
            activity["value"] = value
        if name is not None:
            activity["name"] = name
        if members_added is not None:
            activity["membersAdded"] = members_added
        return activity

    async def deliver(
        self,
        activity: dict[str, Any],
        token: str | None = "",
        *,
        http: httpx.AsyncClient | None = None,
    ) -> httpx.Response:
        """POST ``activity`` to the bot, as the connector does.

        ``token`` "" (the default) signs a valid token for the activity;
        ``None`` sends no Authorization header at all.
        """
        if token == "":
            token = self.channel_token(activity.get("serviceUrl"))
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}

        if http is not None:
            return await http.post(self.bot_endpoint, json=activity, headers=headers)
        # A plain-http endpoint needs no certificates: skipping their loading
        # saves a tenth of a second per delivery.
        plain = self.bot_endpoint.startswith("http://")
        async with httpx.AsyncClient(
            timeout=15, trust_env=False, verify=not plain
        ) as client:
            return await client.post(self.bot_endpoint, json=activity, headers=headers)

    # Trouble -----------------------------------------------------------------

    def fail_posts(self, status: int = 503) -> None:
        """Answer every post of an activity with ``status`` until
        :meth:`recover`, keeping nothing, as a connector in trouble does."""
        self.failing_status = status

    def slow_posts(self, seconds: float) -> None:
        """Hold every post of an activity ``seconds`` before keeping it."""
        self.post_delay_seconds = seconds

    def recover(self) -> None:
        self.failing_status = None
        self.post_delay_seconds = 0.0

    def failure(self) -> int | None:
        """The status to fail this post with, or None to accept it."""
        status = self.failing_status
        if status is not None:
            with self._lock:
                self.failed_posts += 1
        return status

    def receive_reply(self, conversation_id: str, activity: dict[str, Any]) -> str:
        """Keep an activity the bot posted; returns its new id."""
        activity_id = uuid.uuid4().hex
        with self._lock:
            self._replies.setdefault(conversation_id, []).append(
                dict(activity, id=activity_id)
            )
        return activity_id

    def replies(
        self, conversation_id: str, *, typing: bool = False
    ) -> list[dict[str, Any]]:
        """What the bot posted into the conversation, oldest first."""
        with self._lock:
            posted = list(self._replies.get(conversation_id, []))
        return [a for a in posted if typing or a.get("type") != "typing"]
