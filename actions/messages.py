"""The wording the actions send, read once from ``actions/messages.yml``.

Conversation designers change the words in the YAML file; the actions only pick a
message by name and fill in its ``{placeholders}``. Keeping the wording out of
the Rasa domain keeps ``rasa data validate`` meaningful: every response left in
the domain is one a rule or story uses.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk.executor import CollectingDispatcher

logger = logging.getLogger(__name__)

MESSAGES_PATH = Path(__file__).with_name("messages.yml")


class UnknownMessageError(KeyError):
    """An action asked for a message that ``messages.yml`` does not have."""


@dataclass(frozen=True)
class Message:
    """One message: its text, the buttons offered and any JSON for the gateway."""

    text: str
    buttons: tuple[Mapping[str, str], ...] = ()
    custom: Mapping[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def all_messages(path: Path = MESSAGES_PATH) -> Mapping[str, Message]:
    """Every message in the file by name; names starting with ``_`` are helpers.

    Raises ``ValueError`` naming the message when an entry has no text or a
    button without a title and payload.
    """
    document = yaml.safe_load(path.read_text(encoding="utf-8"))

    messages: dict[str, Message] = {}
    for name, entry in document.items():
        if name.startswith("_"):
            continue
        if not isinstance(entry, dict) or not str(entry.get("text", "")).strip():
            raise ValueError(f"{path.name}: message {name!r} has no text")

        buttons = tuple(entry.get("buttons") or ())
        if not all("title" in b and "payload" in b for b in buttons):
            raise ValueError(f"{path.name}: message {name!r} has a malformed button")

        messages[name] = Message(
            text=" ".join(str(entry["text"]).split()),
            buttons=buttons,
            custom=dict(entry.get("custom") or {}),
        )

    logger.info("Loaded %d assistant messages", len(messages))
    return messages


def has_message(name: str) -> bool:
    """True when ``messages.yml`` has a message called ``name``."""
    return name in all_messages()


def say(
    dispatcher: CollectingDispatcher,
    name: str,
    *,
    custom: Mapping[str, Any] | None = None,
    **values: str,
) -> None:
    """Send the message called ``name`` with its ``{placeholders}`` filled.

    ``custom`` is merged over the message's own JSON. Raises
    :class:`UnknownMessageError` for a name the file does not have, and
    ``KeyError`` for a placeholder without a value: both are programming errors.
    """
    try:
        message = all_messages()[name]
    except KeyError:
        raise UnknownMessageError(name) from None

    json_message = {**message.custom, **(custom or {})}
    dispatcher.utter_message(
        text=message.text.format(**values),
        buttons=[dict(button) for button in message.buttons],
        json_message=json_message or None,
    )
