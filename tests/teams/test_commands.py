"""Reading what a councillor typed: commands and their own words."""

import pytest

from webchat.teams.commands import Command, Intent, parse_command, plain_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", Command(Intent.HELP)),
        ("Hi there", Command(Intent.HELP)),
        ("what can you do?", Command(Intent.HELP)),
        ("new case", Command(Intent.NEW_CASE)),
        ("I need to raise a case for a resident", Command(Intent.NEW_CASE)),
        ("Report a pothole", Command(Intent.NEW_CASE)),
        ("my cases", Command(Intent.MY_CASES)),
        ("Can you show me my open cases?", Command(Intent.MY_CASES)),
        ("list casework", Command(Intent.MY_CASES)),
        ("status ENQ-2026-000123", Command(Intent.STATUS, "ENQ-2026-000123")),
        ("any news on enq 2026 123?", Command(Intent.STATUS, "ENQ-2026-000123")),
        ("ENQ/2026/42", Command(Intent.STATUS, "ENQ-2026-000042")),
        ("status", Command(Intent.STATUS)),
        ("what's the status of my case", Command(Intent.STATUS)),
        ("<at>Council casework</at> my cases", Command(Intent.MY_CASES)),
        ("sing me a song", Command(Intent.UNKNOWN)),
        ("", Command(Intent.UNKNOWN)),
        (None, Command(Intent.UNKNOWN)),
    ],
)
def test_parse_command_phrase_gives_intent(text: str | None, expected: Command) -> None:
    assert parse_command(text) == expected


def test_plain_text_mention_and_markup_removed() -> None:
    assert plain_text("<at>Bot</at>&nbsp;<b>My</b>  Cases") == "my cases"
