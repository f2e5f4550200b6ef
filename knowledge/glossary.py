"""Council shorthand residents type, and what it stands for.

Residents write "HB", "FSM" or "the tip"; articles spell out "Housing
Benefit", "free school meals" and "household waste recycling centre". Neither
BM25 nor a small embedding model can bridge an acronym reliably, so a query
is expanded before search: the expansion is appended, the original words are
kept. Entries are common UK local-government usage, not tuned to any one
question set.
"""

import logging
import re

logger = logging.getLogger(__name__)

GLOSSARY: dict[str, str] = {
    "asb": "anti-social behaviour",
    "bb": "blue badge",
    "cllr": "councillor",
    "cllrs": "councillors",
    "circs": "circumstances",
    "ct": "council tax",
    "ctr": "council tax reduction support",
    "cts": "council tax support",
    "dd": "direct debit",
    "dfg": "disabled facilities grant",
    "dhp": "discretionary housing payment",
    "dump": "household waste recycling centre",
    "ehcp": "education health and care plan",
    "ehc": "education health and care",
    "foi": "freedom of information request",
    "fsm": "free school meals",
    "hb": "housing benefit",
    "hmo": "house in multiple occupation",
    "hols": "holidays",
    "hrs": "hours",
    "hwrc": "household waste recycling centre",
    "lha": "local housing allowance",
    "ldc": "lawful development certificate",
    "pcn": "penalty charge notice parking fine",
    "sar": "subject access request personal data",
    "sen": "special educational needs",
    "send": "special educational needs and disabilities",
    "spd": "single person discount",
    "tip": "household waste recycling centre",
    "tpo": "tree preservation order",
    "uc": "universal credit",
    "wca": "work capability",
}

_WORD = re.compile(r"[A-Za-z]+")


def expand(query: str, glossary: dict[str, str] = GLOSSARY) -> str:
    """Return ``query`` followed by the expansion of each shorthand it uses.

    Matching is by whole word, case-insensitive; "send" (the verb) expands
    only when written in capitals, as SEND.
    """
    expansions: list[str] = []
    for word in _WORD.findall(query):
        key = word.lower()
        if key not in glossary or glossary[key] in expansions:
            continue
        if key == "send" and word != "SEND":
            continue
        expansions.append(glossary[key])

    if not expansions:
        return query
    logger.debug("query expanded with %d glossary terms", len(expansions))
    return f"{query} ({'; '.join(expansions)})"
