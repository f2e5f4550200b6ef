"""Settings for every 3.11 process, read once from the environment.

One settings object for the gateway, the action server and the tools. Outside
development the settings refuse the development secrets, so a council cannot go
live with them by accident.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from council.safeguarding import SAMPLE_URGENT_HELP

DEVELOPMENT_SECRET = "development-only-secret-change-me"

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration from environment variables (and ``.env`` if present)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    council_name: str = "Sample Council"

    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    public_base_url: str = ""

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = DEVELOPMENT_SECRET
    gateway_rasa_secret: str = DEVELOPMENT_SECRET
    rasa_timeout_seconds: float = 30.0
    action_server_url: str = "http://127.0.0.1:5055"

    database_url: str = f"sqlite+aiosqlite:///{ROOT / 'var' / 'council.db'}"
    redis_url: str = ""

    knowledge_index_dir: Path = ROOT / "var" / "knowledge-index"
    embedding_model_path: Path | None = None

    max_message_chars: int = 2000
    # The largest HTTP request body or websocket frame the gateway reads; larger
    # ones are refused unread (webchat/body_limit.py, uvicorn's ws_max_size).
    max_request_bytes: int = 1_048_576

    # Flood protection (the `limits` library's notation: "8/10seconds").
    rate_limit_per_connection: str = "8/10seconds"
    rate_limit_per_address: str = "60/minute"
    rate_limit_new_conversations: str = "20/minute"

    # Identity (docs/identity.md). The defaults point at the local OIDC provider
    # (python -m tools.oidc_provider), so development signs in offline.
    identity_ca_file: Path | None = None
    identity_assertion_secret: str = DEVELOPMENT_SECRET
    session_cookie_secure: bool = True
    session_lifetime_seconds: int = 8 * 3600
    sign_in_timeout_seconds: int = 600
    token_leeway_seconds: int = 60

    agent_tenant_id: str = ""
    agent_oidc_authority: str = "https://127.0.0.1:9443/council"
    agent_client_id: str = "council-console"
    agent_client_secret: str = DEVELOPMENT_SECRET
    agent_api_audience: str = ""
    agent_scopes: list[str] = []

    resident_oidc_authority: str = "https://127.0.0.1:9443/council"
    resident_client_id: str = "council-webchat"
    resident_client_secret: str = DEVELOPMENT_SECRET
    resident_link_lifetime_seconds: int = 4 * 3600

    # The council's page for urgent help day and night (children and adults at
    # risk, homelessness tonight), linked whenever a message says someone may be
    # at risk (council/safeguarding.py). The default is the sample article's.
    urgent_help_title: str = SAMPLE_URGENT_HELP.title
    urgent_help_url: str = SAMPLE_URGENT_HELP.url

    # The contact centre's hours in UK time; England and Wales bank holidays are
    # closed days (see webchat/opening_hours.py).
    contact_centre_hours: str = "mon-fri 08:30-17:00"
    contact_centre_closed_on_bank_holidays: bool = True
    max_queue_length: int = 50
    # Skills (service areas, "*" for all) and concurrent chats for agents who have
    # no entry of their own yet.
    agent_default_skills: list[str] = ["*"]
    agent_default_capacity: int = 3
    # Live-chat routing (webchat/dispatcher.py): a waiting chat is offered to one
    # agent at a time; an offer not accepted in time is withdrawn and the chat
    # offered to the next agent. A chat nobody has taken after the escalation time
    # is flagged to supervisors, once. The dispatcher scans every interval.
    offer_timeout_seconds: float = 30.0
    escalate_after_seconds: float = 180.0
    dispatch_interval_seconds: float = 1.0
    # An agent's console says it is connected every 10 s; an agent none has
    # vouched for in this long has gone, and their chats go back to the front
    # of their queues (with a word to the resident).
    agent_absent_after_seconds: float = 60.0
    # Prefix of the gateway's shared keys in Redis (queues, agents, offers,
    # waits); two deployments, or test runs, may share one Redis database.
    redis_namespace: str = "council"

    # The single view (docs/single-view.md). Links from the resident index are
    # used for answers at or above the threshold; those between the floor and
    # the threshold are kept for review only.
    single_view_link_threshold: float = 0.95
    single_view_link_floor: float = 0.5
    # Council Tax account references have no national format: each council sets
    # its own. The assistant's forms, the payment look-up and (through the same
    # environment variable, as it cannot import this module) the Rasa entity
    # ruler in bot/spacy_pipeline.py all read it. The default takes 8 to 10 digits.
    council_tax_ref_regex: str = r"^\d{8,10}$"
    # Data protection: transcripts, and contact details on enquiries closed
    # longer ago, go after this many days; the log of staff views of residents'
    # records after its own, longer, period.
    retention_days: int = 365
    audit_retention_days: int = 730

    # Payments (docs/payments.md). The defaults point at the local sandbox
    # (python -m tools.pay_sandbox), which speaks the GOV.UK Pay API offline.
    pay_api_url: str = "http://127.0.0.1:9480"
    pay_api_key: str = DEVELOPMENT_SECRET
    pay_webhook_secret: str = DEVELOPMENT_SECRET
    # Secrets still accepted on webhooks while the provider's is being rotated.
    pay_previous_webhook_secrets: list[str] = []
    pay_timeout_seconds: float = 10.0
    # Sample records and price list until the single view supplies real ones.
    pay_sample_charges_file: Path | None = None
    pay_price_list_file: Path | None = None

    # Microsoft Teams for councillors (docs/teams.md). BOT_APP_ID empty turns
    # the channel off. The defaults for the metadata and the token authority
    # are Microsoft's; tests and development point them at tools.bot_connector.
    bot_app_id: str = ""
    bot_app_secret: str = DEVELOPMENT_SECRET
    bot_tenant_id: str = ""
    bot_authority: str = ""
    bot_openid_metadata_url: str = (
        "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )
    bot_ca_file: Path | None = None
    bot_token_leeway_seconds: int = 300
    bot_activity_ttl_seconds: int = 24 * 3600
    # A status-change message to a councillor is posted in the background:
    # this many attempts, waiting this long after the first, doubling each time.
    bot_notify_attempts: int = 6
    bot_notify_first_wait_seconds: float = 2.0
    councillors_file: Path | None = ROOT / "council" / "councillors" / "sample.yaml"

    @model_validator(mode="after")
    def check_single_view_limits(self) -> "Settings":
        if not 0 < self.single_view_link_floor <= self.single_view_link_threshold <= 1:
            raise ValueError(
                "SINGLE_VIEW_LINK_FLOOR and SINGLE_VIEW_LINK_THRESHOLD must satisfy "
                "0 < floor <= threshold <= 1."
            )
        if self.retention_days < 1 or self.audit_retention_days < 1:
            raise ValueError(
                "RETENTION_DAYS and AUDIT_RETENTION_DAYS must be positive."
            )
        return self

    @model_validator(mode="after")
    def refuse_development_secrets_in_production(self) -> "Settings":
        if self.environment != "production":
            return self

        for name in (
            "rasa_token",
            "gateway_rasa_secret",
            "identity_assertion_secret",
            "agent_client_secret",
            "resident_client_secret",
        ):
            if getattr(self, name) == DEVELOPMENT_SECRET:
                raise ValueError(
                    f"{name.upper()} still has the development value; set a long "
                    "random secret before running in production."
                )
        if len(self.identity_assertion_secret) < 32:
            raise ValueError(
                "IDENTITY_ASSERTION_SECRET is shorter than 32 characters; set a long "
                "random secret before running in production."
            )
        self._refuse_development_bot_settings()
        if not self.session_cookie_secure:
            raise ValueError(
                "SESSION_COOKIE_SECURE is off; production serves HTTPS only, so "
                "remove the setting (it is on by default)."
            )
        return self

    def _refuse_development_bot_settings(self) -> None:
        """The Teams channel, when on, needs its own secret and tenant, and
        the sample councillors must never be recognised in production."""
        if not self.bot_app_id:
            return
        if self.bot_app_secret == DEVELOPMENT_SECRET:
            raise ValueError(
                "BOT_APP_SECRET still has the development value; set the Azure "
                "Bot's client secret before running in production."
            )
        if not self.bot_tenant_id:
            raise ValueError(
                "BOT_TENANT_ID is empty; a single-tenant bot registration needs "
                "the council's Entra tenant id."
            )
        sample = ROOT / "council" / "councillors" / "sample.yaml"
        if self.councillors_file is not None and self.councillors_file == sample:
            raise ValueError(
                "COUNCILLORS_FILE is the sample list; point it at the council's "
                "own list of councillors before running in production."
            )

    @model_validator(mode="after")
    def refuse_development_payment_settings_in_production(self) -> "Settings":
        """Payments in production need the provider's real key and webhook
        secret, over HTTPS (checked after the shared secrets above)."""
        if self.environment != "production":
            return self

        for name in ("pay_api_key", "pay_webhook_secret"):
            if getattr(self, name) == DEVELOPMENT_SECRET:
                raise ValueError(
                    f"{name.upper()} still has the development value; set the "
                    "payment provider's own before running in production."
                )
        if not self.pay_api_url.startswith("https://"):
            raise ValueError(
                "PAY_API_URL is not https; point it at the payment provider "
                "(https://publicapi.payments.service.gov.uk) in production."
            )
        return self

    @property
    def payment_return_base_url(self) -> str:
        """Where payers come back to: the public address, else the gateway's."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        return f"http://{self.gateway_host}:{self.gateway_port}"

    @property
    def async_database_url(self) -> str:
        """The database URL with an asyncio driver, whatever form was given."""
        url = self.database_url
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        if url.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
        return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process's settings, read from the environment once."""
    return Settings()
