"""What the gateway keeps of typed text: composed, visible, and as written."""

import pytest

from webchat.message_text import clean_text

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
WALES = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"
PERSIAN_WITH_ZWNJ = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"


@pytest.mark.parametrize(
    "typed",
    ["", "   \n\t ", "\u200b\u200b", "\u2060\ufeff", "\u200d", " \u200c "],
    ids=["empty", "whitespace", "zero_width", "joiner_and_bom", "zwj", "zwnj"],
)
def test_clean_text_of_nothing_visible_is_empty(typed: str) -> None:
    assert clean_text(typed) == ""


@pytest.mark.parametrize(
    "typed",
    [
        FAMILY,
        WALES,
        PERSIAN_WITH_ZWNJ,
        "\U0001f44d\U0001f3fd",
        "Bin day \U0001f5d1\ufe0f",
    ],
    ids=["family_emoji", "flag_of_wales", "persian", "skin_tone", "variation"],
)
def test_clean_text_keeps_sequences_people_write(typed: str) -> None:
    assert clean_text(typed) == typed


def test_clean_text_composes_combining_accents() -> None:
    assert clean_text("Cafe\u0301") == "Caf\u00e9"


def test_clean_text_drops_invisible_characters_between_words() -> None:
    typed = "pot\u200bhole on the A30\u202e reversed\u2060"

    assert clean_text(typed) == "pothole on the A30 reversed"


def test_clean_text_drops_joiners_and_tags_with_nothing_to_join() -> None:
    typed = "\u200dhello\u200d \U000e0067bins"

    assert clean_text(typed) == "hello bins"
