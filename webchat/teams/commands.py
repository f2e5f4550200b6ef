"""What a councillor's typed message asks for.

Councillors type commands ("new case", "my cases", "status ENQ-2026-000123",
"help") or the same in their own words ("can you show my open cases?", "any
news on enq 2026 123"). A reference anywhere in the text means a status
question. In Teams channels the text starts with an ``<at>`` mention of the
bot, which is removed first.
"""

import html
import re
from dataclasses import dataclass
from enum import StrEnum

from council.enquiries.references import parse_reference

MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]+>")
REFERENCE = re.compile(r"\bENQ[\s\-_/]*[0-9]{4}[\s\-_/]*[0-9]{1,9}\b", re.IGNORECASE)

NEW_CASE = re.compile(
    r"\b(new|raise|open|start|log|create|add|report)\b.*\b(case|casework|enquiry)\b"
    r"|^\s*(new|raise)\b"
    r"|\breport (a|an)\b"
)
MY_CASES = re.compile(
    r"\b(my|open|list|show|see|view|all)\b.*\b(cases|casework|enquiries)\b"
    r"|^\s*cases\s*$"
)
STATUS = re.compile(r"\b(status|update|progress|news|where|how)\b")
HELP = re.compile(r"^\s*(help|\?|hi|hello|hey|menu|start|commands|what can you do)\b")


class Intent(StrEnum):
    HELP = "help"
    NEW_CASE = "new case"
    MY_CASES = "my cases"
    STATUS = "status"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Command:
    intent: Intent
    reference: str | None = None


def plain_text(text: str | None) -> str:
    """The message without mentions, markup or extra spaces, in lower case."""
    without = TAG.sub(" ", MENTION.sub(" ", text or ""))
    return " ".join(html.unescape(without).split()).lower()


def parse_command(text: str | None) -> Command:
    """The councillor's request; ``UNKNOWN`` when it is none of the four."""
    words = plain_text(text)

    found = REFERENCE.search(words)
    if found is not None:
        return Command(Intent.STATUS, parse_reference(found.group(0)))
    if NEW_CASE.search(words):
        return Command(Intent.NEW_CASE)
    if MY_CASES.search(words):
        return Command(Intent.MY_CASES)
    if re.match(r"^\s*status\b", words) or (
        STATUS.search(words) and re.search(r"\bcase\b", words)
    ):
        return Command(Intent.STATUS)
    if HELP.search(words):
        return Command(Intent.HELP)
    return Command(Intent.UNKNOWN)
