"""Payment settings: production refuses the development secrets and plain HTTP,
and the service built from the settings takes payments from the sandbox."""

import secrets

import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from council.payments import build_payment_service
from council.settings import DEVELOPMENT_SECRET, Settings
from tools.pay_sandbox.process import SandboxProcess

OTHER_SECRETS = (
    "rasa_token",
    "gateway_rasa_secret",
    "identity_assertion_secret",
    "agent_client_secret",
    "resident_client_secret",
    "pay_api_key",
    "pay_webhook_secret",
)


def production(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "production",
        "pay_api_url": "https://publicapi.payments.service.gov.uk",
        **{name: secrets.token_urlsafe(32) for name in OTHER_SECRETS},
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type,call-arg]


@pytest.mark.parametrize("name", ["pay_api_key", "pay_webhook_secret"])
def test_settings_in_production_with_development_payment_secret_fail(name: str) -> None:
    with pytest.raises(ValidationError, match=name.upper()):
        production(**{name: DEVELOPMENT_SECRET})


def test_settings_in_production_with_a_plain_http_payment_api_fail() -> None:
    with pytest.raises(ValidationError, match="PAY_API_URL"):
        production(pay_api_url="http://127.0.0.1:9480")


def test_settings_in_production_with_real_payment_settings_pass() -> None:
    assert production().pay_api_url.startswith("https://")


def test_payment_return_address_is_the_public_one_when_set() -> None:
    local = Settings(_env_file=None, gateway_port=8123)  # type: ignore[call-arg]
    public = Settings(  # type: ignore[call-arg]
        _env_file=None, public_base_url="https://chat.example.gov.uk/"
    )

    assert local.payment_return_base_url == "http://127.0.0.1:8123"
    assert public.payment_return_base_url == "https://chat.example.gov.uk"


async def test_service_built_from_settings_starts_a_payment_at_the_sandbox(
    engine: AsyncEngine, sandbox: SandboxProcess
) -> None:
    values: dict[str, object] = {
        "environment": "test",
        "public_base_url": "https://chat.example.gov.uk",
        **{key.lower(): value for key, value in sandbox.gateway_environment().items()},
    }
    settings = Settings(_env_file=None, **values)  # type: ignore[arg-type,call-arg]
    service = build_payment_service(settings, engine)

    try:
        link = await service.start_payment(
            {"kind": "council_tax", "council_tax_reference": "87654321"}, "chat-1"
        )
    finally:
        await service.client.aclose()

    assert link.attempt.amount_pence == 152340
    assert link.next_url is not None and link.next_url.startswith(sandbox.url)
