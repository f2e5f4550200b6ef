"""The Teams settings in production: no development secret, a tenant, and
not the sample councillors.

Checked on a settings object built without validation, so that other
components' production rules do not get in the way of these.
"""

from pathlib import Path

import pytest

from council.settings import DEVELOPMENT_SECRET, Settings

SAMPLE = Settings.model_fields["councillors_file"].default


def production(**values: object) -> Settings:
    base: dict[str, object] = {
        "environment": "production",
        "bot_app_id": "a-bot-app-id",
        "bot_app_secret": "x" * 40,
        "bot_tenant_id": "the-council-tenant",
        "councillors_file": Path("/etc/council/councillors.yaml"),
    }
    base.update(values)
    return Settings.model_construct(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "values",
    [{}, {"bot_app_id": "", "bot_app_secret": DEVELOPMENT_SECRET}],
)
def test_production_bot_settings_complete_or_channel_off_accepted(
    values: dict[str, object],
) -> None:
    production(**values)._refuse_development_bot_settings()


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"bot_app_secret": DEVELOPMENT_SECRET}, "BOT_APP_SECRET"),
        ({"bot_tenant_id": ""}, "BOT_TENANT_ID"),
        ({"councillors_file": SAMPLE}, "COUNCILLORS_FILE"),
    ],
)
def test_production_bot_settings_unsafe_refused(
    values: dict[str, object], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        production(**values)._refuse_development_bot_settings()
