"""Normal forms of names, contact details and addresses for record linkage.

Each silo spells people its own way ("Mrs KATE MacDonald", "Mcdonald, Catherine",
"k.macdonald@Example.com"). Linkage compares normal forms, never the raw text:
lower case, no titles or punctuation, "Mac" and "Mc" as one prefix, the set of
forms a first name takes (Catherine, Kate, Cathy) from the ``nicknames``
dataset, postcodes in their standard spaced form, phone numbers as digits.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nicknames import NickNamer

TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame", "lady"}
)
POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
_NOT_LETTERS = re.compile(r"[^a-z' -]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class PersonName:
    """A name split into first name and surname, both in normal form."""

    first_name: str | None
    surname: str | None


def fold(text: str | None) -> str:
    """Lower case without accents or surrounding space; ``""`` for ``None``."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", plain).strip().casefold()


def split_name(full_name: str | None) -> PersonName:
    """Split a name as typed into first name and surname.

    Accepts "Mrs Kate MacDonald", "MACDONALD, Kate" and "kate macdonald". Middle
    names are dropped: silos rarely agree on them. A single word is taken as
    the surname, which is what a silo holding "Mr Pascoe" has.
    """
    text = fold(full_name)
    if not text:
        return PersonName(None, None)

    if "," in text:
        surname_part, _, first_part = text.partition(",")
        words = _words(first_part)
        return PersonName(
            first_name=words[0] if words else None,
            surname=surname_key(surname_part),
        )

    words = _words(text)
    if not words:
        return PersonName(None, None)
    if len(words) == 1:
        return PersonName(None, surname_key(words[0]))
    return PersonName(first_name=words[0], surname=surname_key(words[-1]))


def first_name_key(first_name: str | None) -> str | None:
    """The first name in normal form: folded, letters only."""
    words = _words(fold(first_name))
    return words[0] if words else None


def surname_key(surname: str | None) -> str | None:
    """The surname in normal form: folded, no spaces or apostrophes, Mac as Mc.

    "MacDonald", "Mac Donald" and "McDonald" become "mcdonald"; "O'Neill" and
    "ONeill" become "oneill". Applied to both sides of a comparison, turning
    every leading "mac" into "mc" harms no other name (Machin and Mchin never
    meet). Mackintosh and McIntosh stay one letter apart, for the model's
    close-spelling level.
    """
    text = _NOT_LETTERS.sub("", fold(surname)).replace("'", "").replace(" ", "")
    text = text.replace("-", "")
    if not text:
        return None
    if text.startswith("mac"):
        text = "mc" + text[3:]
    return text


def first_name_forms(first_name: str | None) -> list[str]:
    """Every form of the first name: itself, its nicknames and what it shortens.

    Catherine gives cathy, kate, katy, kit...; Kate gives katherine, kathryn...
    Two first names that share a form may be the same person's. Sorted, so the
    same name always gives the same list.
    """
    key = first_name_key(first_name)
    if key is None:
        return []
    return list(_forms(key))


@lru_cache(maxsize=20_000)
def _forms(key: str) -> tuple[str, ...]:
    namer = _namer()
    forms = {key} | namer.nicknames_of(key) | namer.canonicals_of(key)
    return tuple(sorted(forms))


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


def normal_email(email: str | None) -> str | None:
    """The email address folded to lower case, or ``None`` when blank."""
    text = fold(email)
    return text or None


def normal_phone(phone: str | None) -> str | None:
    """UK phone number as national digits ("01872 322000", "+44 1872 322000"
    and "(01872) 322000" all give "01872322000"); ``None`` when too short."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 10 else None


def normal_postcode(postcode: str | None) -> str | None:
    """A UK postcode in the standard form "TR1 3AY", or ``None`` if it is not one."""
    text = (postcode or "").upper().replace(" ", "")
    match = POSTCODE.match(text)
    if match is None:
        return None
    return f"{match.group(1)} {match.group(2)}"


def postcode_district(postcode: str | None) -> str | None:
    """The outward code ("TR1" of "TR1 3AY"), or ``None``."""
    normal = normal_postcode(postcode)
    return normal.split(" ")[0] if normal else None


def normal_uprn(uprn: str | None) -> str | None:
    """The UPRN as held: a string of 1 to 12 digits. Leading zeros are kept."""
    text = (uprn or "").strip()
    return text if text.isdigit() and len(text) <= 12 else None


def _words(text: str) -> list[str]:
    cleaned = _NOT_LETTERS.sub(" ", text.replace(".", " "))
    return [word for word in cleaned.split() if word not in TITLES]
