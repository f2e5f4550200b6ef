"""Rasa's check of action server responses: same verdicts, schema checked once."""

import pytest
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction

from bot import action_validation
from bot.channel import GatewayInput

RASA_VALIDATE = action_validation._RASA_VALIDATE

VALID = [
    {"events": [], "responses": []},
    {
        "events": [],
        "responses": [
            {
                "text": "You can pay online.",
                "buttons": [
                    {"title": "Speak to a person", "payload": "/request_human"}
                ],
                "custom": {"sources": [], "answerable": True},
            }
        ],
    },
    {
        "events": [
            {"event": "slot", "name": "problem_category", "value": "pothole"},
            {"event": "active_loop", "name": None},
            {"event": "followup", "name": "action_listen"},
        ],
        "responses": [],
    },
]

INVALID = [
    {"events": [{"event": 5}]},
    {"events": "not a list"},
    {"responses": [{"text": "hi"}, "not an object"]},
    {"events": [{"event": "slot", "name": 3}]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer_question", None)


@pytest.mark.parametrize("result", VALID)
def test_a_valid_response_passes_as_it_did(action, result):
    assert RASA_VALIDATE(action, result) is True

    assert action_validation.validate_action_result(action, result) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_response_raises_rasas_own_error(action, result):
    with pytest.raises(ValidationError) as rasa:
        RASA_VALIDATE(action, result)

    with pytest.raises(ValidationError) as ours:
        action_validation.validate_action_result(action, result)

    assert ours.value.message == rasa.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_the_schema_is_checked_once_not_per_response(action, monkeypatch):
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    checks = []
    real_check = validator_class.check_schema
    monkeypatch.setattr(
        validator_class,
        "check_schema",
        classmethod(lambda cls, s, **kw: checks.append(s) or real_check(s, **kw)),
    )
    action_validation.response_validator.cache_clear()

    for _ in range(20):
        action_validation.validate_action_result(action, VALID[1])

    assert len(checks) == 1
    action_validation.response_validator.cache_clear()


def test_loading_the_gateway_channel_installs_it(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASA_VALIDATE)

    GatewayInput.from_credentials({"secret": "test-secret"})

    assert (
        RemoteAction._validate_action_result is action_validation.validate_action_result
    )
