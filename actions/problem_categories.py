"""From a resident's words to the taxonomy topic an enquiry is filed under.

Residents say "pot hole", "crater" or "the road's breaking up"; the enquiry
service wants ``roads-and-transport.potholes-and-road-defects``. The words below
are the ones residents use (from the NLU examples and the contact centre's
experience); the first topic whose words appear in the answer wins, so the
more specific topics come first.
"""

import re

from council.enquiries.categories import load_categories

# (topic, words) in the order they are tried; a topic may appear twice so that
# its specific words win over another topic's general ones. A word matches
# with common endings ("pothole" matches "potholes").
WORDS_BY_TOPIC: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "environment-and-neighbourhood.abandoned-vehicles",
        (
            "abandoned",
            "car has been left",
            "burnt out",
            "burned out",
            "untaxed",
            "no tax",
        ),
    ),
    (
        "environment-and-neighbourhood.fly-tipping",
        (
            "fly tip",
            "fly-tip",
            "flytip",
            "fly tipping",
            "fly-tipping",
            "flytipping",
            "fly tipper",
            "dump",
            "rubbish dumped",
            "tipped",
            "rubble",
            "mattress",
        ),
    ),
    (
        "waste.missed-collection",
        (
            "missed bin",
            "missed collection",
            "bin wasn't",
            "bin was not",
            "bins were missed",
            "bin not",
            "not collected",
            "wasn't collected",
            "didn't take",
            "did not take",
            "missed my",
            "missed our",
            "not empti",
            "wasn't empti",
            "bin men",
            "bin",
        ),
    ),
    (
        "roads-and-transport.street-lighting",
        (
            "street light",
            "streetlight",
            "street lamp",
            "lamp post",
            "lamppost",
            "light's out",
            "light is out",
            "lights out",
            "light",
        ),
    ),
    (
        "roads-and-transport.potholes-and-road-defects",
        ("drain", "manhole", "gully"),
    ),
    ("roads-and-transport.winter-gritting", ("grit", "gritting", "icy road")),
    (
        "emergencies.storms-and-fallen-trees",
        ("fallen tree", "tree down", "tree across", "storm damage"),
    ),
    ("emergencies.flooding", ("flood",)),
    (
        "environment-and-neighbourhood.dog-fouling-and-litter",
        (
            "dog mess",
            "dog poo",
            "dog fouling",
            "fouling",
            "dog dirt",
            "litter",
            "needle",
            "glass all over",
        ),
    ),
    (
        "environment-and-neighbourhood.graffiti-and-street-cleaning",
        (
            "graffiti",
            "graffitti",
            "grafitti",
            "fly posting",
            "fly-posting",
            "tagging",
            "street cleaning",
            "sweeping",
            "dead badger",
            "dead fox",
            "dead animal",
            "roadkill",
        ),
    ),
    (
        "environment-and-neighbourhood.noise-nuisance",
        (
            "noise",
            "noisy",
            "loud",
            "music",
            "barking",
            "party",
            "parties",
            "bonfire",
            "smoke",
            "alarm",
        ),
    ),
    (
        "environment-and-neighbourhood.pest-control",
        ("rats", "rat", "mice", "wasp", "pest", "cockroach"),
    ),
    (
        "environment-and-neighbourhood.trees-and-hedges",
        ("overgrown", "hedge", "overhanging", "verge"),
    ),
    (
        "roads-and-transport.potholes-and-road-defects",
        (
            "pothole",
            "pot hole",
            "pot-hole",
            "hole",
            "crater",
            "road surface",
            "breaking up",
            "pavement",
            "kerb",
            "road sign",
            "road damage",
            "road",
        ),
    ),
)

_PATTERNS = tuple(
    (
        topic,
        re.compile(
            "|".join(rf"\b{re.escape(word)}(?:s|es|ed|ing|ers?)?\b" for word in words)
        ),
    )
    for topic, words in WORDS_BY_TOPIC
)


def topic_for_words(answer: str) -> str | None:
    """The taxonomy topic id the answer's words point to, or ``None``."""
    text = " ".join(answer.lower().split())
    for topic, pattern in _PATTERNS:
        if pattern.search(text):
            return topic
    return None


def is_topic(value: str) -> bool:
    """True for a topic id of the council's service taxonomy."""
    return value.strip().lower() in load_categories()


def area_of(topic: str | None) -> str | None:
    """The service area of a topic id ("waste" for "waste.missed-collection")."""
    if not topic or "." not in topic:
        return None
    return topic.split(".", 1)[0]


def topic_name(topic: str) -> str:
    """A topic id in words a resident reads: "potholes and road defects"."""
    return topic.split(".", 1)[-1].replace("-", " ")
