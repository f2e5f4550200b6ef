"""Settings refuse development secrets and insecure cookies in production."""

import secrets

import pytest
from pydantic import ValidationError

from council.settings import DEVELOPMENT_SECRET, Settings

# Every setting whose default is the development secret must be set in production.
SECRETS = tuple(
    name
    for name, field in Settings.model_fields.items()
    if field.default == DEVELOPMENT_SECRET
)


def production(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "production",
        "pay_api_url": "https://publicapi.payments.service.gov.uk",
        **{name: secrets.token_urlsafe(32) for name in SECRETS},
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type,call-arg]


@pytest.mark.parametrize(
    "name",
    ["identity_assertion_secret", "agent_client_secret", "resident_client_secret"],
)
def test_settings_in_production_with_development_secret_fail_naming_it(
    name: str,
) -> None:
    with pytest.raises(ValidationError, match=name.upper()):
        production(**{name: DEVELOPMENT_SECRET})


def test_settings_in_production_with_short_assertion_secret_fail() -> None:
    with pytest.raises(ValidationError, match="IDENTITY_ASSERTION_SECRET"):
        production(identity_assertion_secret="short")


def test_settings_in_production_with_insecure_cookie_fail() -> None:
    with pytest.raises(ValidationError, match="SESSION_COOKIE_SECURE"):
        production(session_cookie_secure=False)


def test_settings_in_production_with_real_secrets_pass() -> None:
    settings = production()

    assert settings.session_cookie_secure


def test_settings_in_development_accept_the_development_secrets() -> None:
    settings = Settings(_env_file=None, environment="development")  # type: ignore[call-arg]

    assert settings.agent_client_secret == DEVELOPMENT_SECRET
