"""Process logs: one JSON object a line, with personal details taken out.

The gateway and the action server call :func:`configure` when they start. Each
line carries ``time``, ``level``, ``logger`` and ``message`` (and ``exc_info``
for an exception), through python-json-logger, so a council's log platform can
index them without parsing. ``LOG_FORMAT=text`` gives plain lines for a person
reading a terminal; ``LOG_LEVEL`` sets the level (default ``INFO``).

Whatever the format, the finished line passes through :func:`redact`, so a card
number, an email address, a UK phone number, a postcode or a secret in a URL
never reaches the log, whether it came in a message, an argument, an exception
or a library's own line (httpx logs the URLs it calls, uvicorn the paths it
serves).
"""

import logging
import os
import re

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from council.redaction import redact_card_numbers

logger = logging.getLogger(__name__)

FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
# uvicorn adds a copy of each message with terminal colour codes: not for a log.
LEFT_OUT = [*RESERVED_ATTRS, "color_message"]

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# +44 or 0, then 9 or 10 more digits with optional spaces, not inside an id.
UK_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?|0)(?:\d\s?){8,9}\d(?!\w)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b")
URL_SECRET = re.compile(
    r"([?&](?:token|code|state|session_state|client_secret|key)=)[^&\s\"']+"
)


def redact(text: str) -> str:
    """``text`` with card numbers, emails, phones, postcodes and URL secrets
    replaced by a marker naming what was there."""
    text = redact_card_numbers(text)[0]
    text = URL_SECRET.sub(r"\1[removed]", text)
    text = EMAIL.sub("[email removed]", text)
    text = UK_PHONE.sub("[phone removed]", text)
    return POSTCODE.sub("[postcode removed]", text)


class RedactingJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, with :func:`redact` over each line."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingTextFormatter(logging.Formatter):
    """Plain lines for a terminal, with :func:`redact` over each line."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def formatter(kind: str | None = None) -> logging.Formatter:
    """The formatter for ``kind`` (``json`` or ``text``; default ``LOG_FORMAT``)."""
    kind = (kind or os.environ.get("LOG_FORMAT") or "json").strip().lower()
    if kind == "text":
        return RedactingTextFormatter(FIELDS)
    if kind != "json":
        raise ValueError(f"LOG_FORMAT must be json or text, not {kind!r}")
    return RedactingJsonFormatter(
        FIELDS, rename_fields=RENAMED, reserved_attrs=LEFT_OUT
    )


def configure() -> None:
    """Send every logger's records (uvicorn's too) to stderr through one
    redacting formatter."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter())

    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
        # A uvicorn started earlier in the process with its own log_level
        # leaves that level set on these loggers; the root's level rules here.
        uvicorn_logger.setLevel(logging.NOTSET)
        uvicorn_logger.disabled = False
