"""An identity provider the gateway signs people in with, and how to reach it.

Agents and supervisors sign in with the council's Entra ID tenant
(``AGENT_TENANT_ID``) or, in development, any OIDC provider
(``AGENT_OIDC_AUTHORITY``); residents with ``RESIDENT_OIDC_AUTHORITY`` (Entra
External ID, or the local provider). Every request to a provider goes through
:func:`provider_session`, which trusts ``IDENTITY_CA_FILE`` when it is set.
"""

import json
import logging
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msal
import requests

from council.settings import Settings
from webchat.identity.errors import IdentityProviderUnavailableError

logger = logging.getLogger(__name__)

ENTRA_HOST = "https://login.microsoftonline.com"
RESERVED_SCOPES = frozenset({"openid", "profile", "offline_access"})
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of the provider's OpenID discovery document the gateway uses."""

    issuer: str
    jwks_uri: str
    end_session_endpoint: str


@dataclass
class Authority:
    """One app registration at one provider: who the gateway is, and where."""

    name: str
    client_id: str
    client_secret: str
    url: str
    is_entra: bool
    scopes: tuple[str, ...] = ()
    api_audience: str = ""
    ca_file: Path | None = None
    _metadata: ProviderMetadata | None = field(default=None, repr=False)
    _http_cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        reserved = RESERVED_SCOPES.intersection(self.scopes)
        if reserved:
            raise ValueError(
                f"{self.name} scopes must not include {sorted(reserved)}: MSAL adds "
                "the reserved scopes itself"
            )

    @property
    def discovery_url(self) -> str:
        """Entra's v2.0 document sits under ``/v2.0``; others under the authority."""
        if self.is_entra:
            return self.url + "/v2.0/.well-known/openid-configuration"
        return self.url + "/.well-known/openid-configuration"

    @property
    def audience(self) -> str:
        """The ``aud`` bearer tokens for this app's APIs must carry."""
        return self.api_audience or self.client_id

    def msal_app(
        self, cache: msal.SerializableTokenCache | None = None
    ) -> msal.ConfidentialClientApplication:
        """A confidential client for one request; blocking (run it in a thread).

        Built per request because each user's token cache is its own; the shared
        ``http_cache`` saves refetching discovery every time.
        """
        location = (
            {"authority": self.url} if self.is_entra else {"oidc_authority": self.url}
        )
        try:
            return msal.ConfidentialClientApplication(
                self.client_id,
                client_credential=self.client_secret,
                http_client=provider_session(self.ca_file),
                token_cache=cache,
                http_cache=self._http_cache,
                **location,
            )
        except (ValueError, OSError) as error:
            self._warn_unreachable()
            raise IdentityProviderUnavailableError(
                f"{self.name} authority {self.url}: {error}"
            ) from error

    def metadata(self) -> ProviderMetadata:
        """Discovery, fetched once; blocking (run it in a thread)."""
        with self._lock:
            if self._metadata is None:
                self._metadata = self._fetch_metadata()
            return self._metadata

    def ssl_context(self) -> ssl.SSLContext | None:
        """For PyJWT's key fetches: the same trust as :func:`provider_session`."""
        if self.ca_file is None:
            return None
        return ssl.create_default_context(cafile=str(self.ca_file))

    def _fetch_metadata(self) -> ProviderMetadata:
        try:
            response = provider_session(self.ca_file).get(
                self.discovery_url, timeout=TIMEOUT_SECONDS
            )
            response.raise_for_status()
            document = response.json()
            metadata = ProviderMetadata(
                issuer=document["issuer"],
                jwks_uri=document["jwks_uri"],
                end_session_endpoint=document.get("end_session_endpoint", ""),
            )
        except (requests.RequestException, KeyError, json.JSONDecodeError) as error:
            self._warn_unreachable()
            raise IdentityProviderUnavailableError(
                f"{self.name} discovery at {self.discovery_url}: {error!r}"
            ) from error

        logger.info("Loaded %s provider metadata from %s", self.name, self.url)
        return metadata

    def _warn_unreachable(self) -> None:
        logger.warning(
            "Cannot use the %s identity provider at %s: in development start it "
            "with `python -m tools.oidc_provider` and set IDENTITY_CA_FILE to its "
            "CA; in production check the authority and client settings",
            self.name,
            self.url,
        )


def provider_session(ca_file: Path | None) -> requests.Session:
    """A requests session for provider calls, trusting ``ca_file`` if given.

    ``trust_env`` is off: with it on, ``REQUESTS_CA_BUNDLE`` (set on these
    machines) overrides the session's own ``verify``, and proxies from the
    environment would apply to calls that must go straight to the provider.
    """
    session = requests.Session()
    session.trust_env = False
    session.verify = str(ca_file) if ca_file is not None else True
    return session


def agent_authority(settings: Settings) -> Authority:
    if settings.agent_tenant_id:
        url, is_entra = f"{ENTRA_HOST}/{settings.agent_tenant_id}", True
    else:
        url, is_entra = settings.agent_oidc_authority.rstrip("/"), False
    return Authority(
        name="agent",
        client_id=settings.agent_client_id,
        client_secret=settings.agent_client_secret,
        url=url,
        is_entra=is_entra,
        scopes=tuple(settings.agent_scopes),
        api_audience=settings.agent_api_audience,
        ca_file=settings.identity_ca_file,
    )


def resident_authority(settings: Settings) -> Authority:
    return Authority(
        name="resident",
        client_id=settings.resident_client_id,
        client_secret=settings.resident_client_secret,
        url=settings.resident_oidc_authority.rstrip("/"),
        is_entra=False,
        ca_file=settings.identity_ca_file,
    )
