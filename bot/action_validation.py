"""Rasa's check of the action server's responses, with the schema checked once.

Rasa 3.6 checks every response from the action server against a fixed JSON
schema (``RemoteAction._validate_action_result``) with ``jsonschema.validate``,
which first validates the schema itself against the JSON Schema meta-schema and
builds a new validator, on every call. Profiling the stack showed that repeated
work to be about half of Rasa's CPU time in a turn (docs/benchmarks.md, "CPU per
turn, before and after"); the check of the response itself is cheap.

:func:`install` replaces the method with one that checks the schema once, keeps
the validator, and validates each response with it. A valid response passes as
before. An invalid one is handed to Rasa's own method, which raises the same
``ValidationError`` with the same message as it always did.

The gateway channel (:mod:`bot.channel`) installs it when Rasa loads the
channel, which happens once, in the ``rasa run`` process, before any message.
"""

import logging
from functools import lru_cache
from typing import Any, Callable, Dict, Text

from jsonschema import validators
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction

logger = logging.getLogger(__name__)

_RASA_VALIDATE: Callable[[RemoteAction, Dict[Text, Any]], bool] = (
    RemoteAction._validate_action_result
)


@lru_cache(maxsize=1)
def response_validator() -> Validator:
    """The validator for Rasa's action response schema; the schema checked once.

    Raises ``jsonschema.SchemaError`` if Rasa's schema were itself invalid,
    as ``jsonschema.validate`` would on the first response.
    """
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(action: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Return True for a valid response; let Rasa raise for an invalid one."""
    if response_validator().is_valid(result):
        return True
    return _RASA_VALIDATE(action, result)


def install() -> None:
    """Make Rasa's remote actions use :func:`validate_action_result`."""
    if RemoteAction._validate_action_result is not validate_action_result:
        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
        logger.debug("Action server responses validated with a cached validator")
