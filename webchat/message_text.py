"""What is kept of the text a resident or an agent types.

Text is stored composed (NFC), so "Café" typed with a combining accent matches
"Café" typed with one key. Invisible format characters (Unicode category Cf:
zero-width spaces, word joiners, byte-order marks, bidirectional overrides that
could make a transcript read differently from what was sent) are dropped, so a
message of nothing but them counts as empty. Two kinds of format character are
part of what a person wrote, and are kept where they do that work:

- the zero-width joiner and non-joiner between two visible characters: emoji
  sequences (a family, a profession with a skin tone) and the spelling of
  Persian, Urdu and Indic scripts depend on them;
- tag characters after a black flag, which spell the flags of England, Scotland
  and Wales (Unicode Technical Standard #51, emoji tag sequences).
"""

import unicodedata

JOINERS = frozenset("\u200c\u200d")
BLACK_FLAG = "\U0001f3f4"
TAGS = range(0xE0020, 0xE0080)


def clean_text(text: str) -> str:
    """``text`` composed, without invisible characters that carry no meaning,
    and trimmed; an empty result means nothing visible was sent."""
    text = unicodedata.normalize("NFC", text)

    kept: list[str] = []
    for index, char in enumerate(text):
        if _belongs(text, index, char, kept):
            kept.append(char)

    return "".join(kept).strip()


def _belongs(text: str, index: int, char: str, kept: list[str]) -> bool:
    if char in JOINERS:
        following = text[index + 1] if index + 1 < len(text) else ""
        return bool(kept) and _visible(kept[-1]) and _visible(following)
    if ord(char) in TAGS:
        return bool(kept) and (kept[-1] == BLACK_FLAG or ord(kept[-1]) in TAGS)
    if unicodedata.category(char) == "Cf":
        return False
    return char.isprintable() or char in "\n\t"


def _visible(char: str) -> bool:
    return bool(char) and not char.isspace() and unicodedata.category(char) != "Cf"
