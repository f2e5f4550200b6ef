"""How the same person ends up written differently in each system.

Clerks type what they hear or read: a nickname for the first name, MacDonald
for McDonald, a slipped key, capitals, a title, "Rd" for Road, a postcode
without its space. Each function takes the generator's random source, so the
same seed always gives the same variations.
"""

import random
import string

from council.silos.cornwall import MAC_SURNAMES, STREET_ABBREVIATIONS
from council.single_view.names import first_name_forms

_MAC_OTHER = {a: b for a, b in MAC_SURNAMES} | {b: a for a, b in MAC_SURNAMES}
_NEIGHBOURS = {
    "a": "sq",
    "e": "wr",
    "i": "uo",
    "o": "ip",
    "n": "bm",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "l": "k",
    "m": "n",
    "c": "xv",
    "h": "gj",
    "d": "sf",
}


def nickname(rng: random.Random, first_name: str) -> str:
    """A familiar form of the first name ("Kate" for Catherine), if it has one."""
    forms = [
        form for form in first_name_forms(first_name) if form != first_name.lower()
    ]
    if not forms:
        return first_name
    return rng.choice(forms).capitalize()


def other_mac_spelling(surname: str) -> str:
    """McDonald for MacDonald and the other way round; others unchanged."""
    return _MAC_OTHER.get(surname, surname)


def typo(rng: random.Random, word: str) -> str:
    """One slip of the keyboard: a swap, a missed, a doubled or a wrong letter."""
    if len(word) < 4:
        return word
    position = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return (
            word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        )
    if kind == 1:
        return word[:position] + word[position + 1 :]
    if kind == 2:
        return word[:position] + word[position] + word[position:]
    letter = word[position].lower()
    wrong = rng.choice(_NEIGHBOURS.get(letter, string.ascii_lowercase))
    return word[:position] + wrong + word[position + 1 :]


def typed_person(
    rng: random.Random,
    first_name: str,
    surname: str,
    *,
    nickname_rate: float = 0.15,
    mac_rate: float = 0.5,
    typo_rate: float = 0.06,
) -> tuple[str, str]:
    """First name and surname as one system holds them."""
    if rng.random() < nickname_rate:
        first_name = nickname(rng, first_name)
    if rng.random() < mac_rate:
        surname = other_mac_spelling(surname)
    if rng.random() < typo_rate:
        if rng.random() < 0.6:
            surname = typo(rng, surname)
        else:
            first_name = typo(rng, first_name)
    return first_name, surname


def typed_full_name(
    rng: random.Random,
    first_name: str,
    surname: str,
    *,
    title: str,
    title_rate: float = 0.3,
    surname_first_rate: float = 0.0,
    capitals_rate: float = 0.1,
) -> str:
    """The name in one line, with the system's habits: titles, "SURNAME, First",
    capitals."""
    if rng.random() < surname_first_rate:
        text = f"{surname.upper()}, {first_name}"
    elif rng.random() < title_rate:
        text = f"{title} {first_name} {surname}"
    else:
        text = f"{first_name} {surname}"
    if rng.random() < capitals_rate:
        text = text.upper()
    return text


def typed_address(rng: random.Random, address: str, town: str) -> str:
    """The address line as typed: abbreviations, capitals, the town or not."""
    words = address.split(" ")
    if rng.random() < 0.4:
        words = [STREET_ABBREVIATIONS.get(word, word) for word in words]
    text = " ".join(words)
    if rng.random() < 0.7:
        text = f"{text}, {town}"
    if rng.random() < 0.1:
        text = text.upper()
    return text


def typed_postcode(
    rng: random.Random, postcode: str, *, missing_rate: float
) -> str | None:
    """The postcode as typed: missing, without its space, or in lower case."""
    roll = rng.random()
    if roll < missing_rate:
        return None
    if roll < missing_rate + 0.1:
        return postcode.replace(" ", "")
    if roll < missing_rate + 0.15:
        return postcode.lower()
    return postcode


def typed_email(rng: random.Random, email: str) -> str:
    """The email as typed: sometimes with capitals."""
    if rng.random() < 0.15:
        local, _, domain = email.partition("@")
        return (
            f"{local.capitalize()}@{domain.upper() if rng.random() < 0.3 else domain}"
        )
    return email


def typed_phone(rng: random.Random, phone: str) -> str:
    """The phone number as typed: spaced, run together or international."""
    digits = phone.replace(" ", "")
    roll = rng.random()
    if roll < 0.3:
        return digits
    if roll < 0.4:
        return "+44 " + digits[1:]
    return phone
