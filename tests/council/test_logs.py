"""Process logs: JSON lines, and personal details never written."""

import io
import json
import logging
from collections.abc import Iterator

import pytest

from council import logs


@pytest.fixture()
def restored_logging() -> Iterator[None]:
    """Put the root and uvicorn loggers back as they were after the test."""
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {
        name: (
            list(logging.getLogger(name).handlers),
            logging.getLogger(name).level,
            logging.getLogger(name).propagate,
        )
        for name in names
    }
    yield
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def lines_of(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_redact_takes_out_cards_emails_phones_postcodes_and_url_secrets():
    text = (
        "paid 4444 3333 2222 1111 for amara.okafor@residents.example on "
        "07700 900123 or +44 1872 322000 at TR1 3AY via "
        "GET http://127.0.0.1:5005/status?token=development-secret&x=1"
    )

    redacted = logs.redact(text)

    for secret in (
        "4444",
        "amara",
        "07700",
        "1872 322000",
        "TR1 3AY",
        "development-secret",
    ):
        assert secret not in redacted
    assert "[card number removed]" in redacted
    assert "[email removed]" in redacted
    assert redacted.count("[phone removed]") == 2
    assert "[postcode removed]" in redacted
    assert "?token=[removed]&x=1" in redacted


def test_redact_leaves_ids_times_and_references_alone():
    text = (
        "2026-12-04 10:47:51,092 conversation 7d3d0d35c13347dd91f3c908a106c597 "
        "event 12 enquiry ENQ-2026-000123 PCN CO12345678 UPRN 100040123456"
    )

    assert logs.redact(text) == text


def test_json_line_has_time_level_logger_and_message():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    logger = logging.getLogger("tests.logs.json")
    logger.addHandler(handler)
    logger.propagate = False

    logger.warning("Payment for %s failed", "gareth.jones@residents.example")

    [line] = lines_of(stream)
    assert line["level"] == "WARNING"
    assert line["logger"] == "tests.logs.json"
    assert line["message"] == "Payment for [email removed] failed"
    assert line["time"]


def test_exception_text_is_redacted_too():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    logger = logging.getLogger("tests.logs.exception")
    logger.addHandler(handler)
    logger.propagate = False

    try:
        raise ValueError("no account for 4444333322221111")
    except ValueError:
        logger.exception("Lookup failed")

    [line] = lines_of(stream)
    assert "ValueError" in str(line["exc_info"])
    assert "4444333322221111" not in stream.getvalue()


def test_configure_sends_uvicorns_lines_through_the_redacting_json_handler(
    restored_logging, monkeypatch, capsys
):
    monkeypatch.setenv("LOG_FORMAT", "json")

    logs.configure()
    logging.getLogger("uvicorn.access").info(
        '127.0.0.1:1 - "GET /resident/signed-in?code=abc123&state=xyz HTTP/1.1" 200',
        extra={"color_message": "\x1b[36m200\x1b[0m"},
    )

    [line] = [json.loads(raw) for raw in capsys.readouterr().err.splitlines()]
    assert line["logger"] == "uvicorn.access"
    assert "code=[removed]&state=[removed]" in str(line["message"])
    assert "color_message" not in line


def test_unknown_log_format_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="LOG_FORMAT must be json or text"):
        logs.formatter("xml")
