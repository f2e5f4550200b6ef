"""Messages that say someone may be at risk, and the help to give at once.

A resident who writes that they want to end their life, that their partner hits
them, that a child is not safe, that they have nowhere to sleep tonight or that
they can smell gas must not get a guess from the intent model ("Goodbye", "please
sign in"). The gateway checks every typed message against these patterns before
the assistant's turn; a match is answered here with the national emergency
numbers, a link to the council's own urgent-help page and a button to reach a
person. The patterns lean towards answering: telling someone how to get urgent
help when they did not need it costs little, missing them costs a great deal.

The national numbers are public facts (999 and 999-then-55, Samaritans, NHS 111,
the National Domestic Abuse Helpline, the NSPCC, the National Gas Emergency
Service); the council's own out-of-hours numbers live on its urgent-help page.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Concern(StrEnum):
    """What a message says may be wrong, most urgent first."""

    SUICIDE_OR_SELF_HARM = "suicide_or_self_harm"
    DOMESTIC_ABUSE = "domestic_abuse"
    CHILD_AT_RISK = "child_at_risk"
    GAS = "gas"
    HOMELESS_TONIGHT = "homeless_tonight"


_FAMILY = (
    r"(partner|husband|wife|boyfriend|girlfriend|ex|fiance|fiancee|dad|father|"
    r"mum|mother|son|daughter|brother|sister|carer)"
)
_CHILD = r"(child|children|kid|kids|baby|babies|son|daughter|grandchild|toddler)"

PATTERNS: dict[Concern, re.Pattern[str]] = {
    Concern.SUICIDE_OR_SELF_HARM: re.compile(
        r"\b(kill(ing)? my ?self|end(ing)? (it all|my life|my own life)|"
        r"suicid\w*|take my (own )?life|self[- ]?harm\w*|"
        r"(hurt|hurting|harm|harming|cut|cutting) my ?self|"
        r"(dont|do not) want to (live|be alive|be here any ?more)|want to die|"
        r"better off dead|no reason to live)\b"
    ),
    Concern.DOMESTIC_ABUSE: re.compile(
        rf"\bmy {_FAMILY}\b.{{0,30}}\b(hits?|hitting|beats?|beating|punch\w*|"
        r"kick(s|ed|ing)?|hurts? me|hurting me|threaten\w*|abus\w*|attack\w*|"
        r"assault\w*|chok\w*|strangl\w*|controls? me|wont let me)|"
        r"\bdomestic (abuse|violence)\b|"
        rf"\b(scared|afraid|frightened|terrified) of my {_FAMILY}\b|"
        r"\bfleeing (abuse|violence|my \w+)"
    ),
    Concern.CHILD_AT_RISK: re.compile(
        rf"\b{_CHILD}\b.{{0,40}}\b(not safe|isnt safe|is not safe|in danger|"
        r"at risk|being (hurt|abused|harmed|neglected|beaten)|abused|neglected|"
        r"left alone)\b|"
        r"\bchild (abuse|neglect|protection)\b"
    ),
    Concern.GAS: re.compile(
        r"\b(smell(s|ing)? (of )?gas|gas leak\w*|leak(s|ing)? gas|"
        r"carbon monoxide)\b"
    ),
    Concern.HOMELESS_TONIGHT: re.compile(
        r"\b(nowhere (safe )?to (sleep|stay|live|go)|"
        r"(im|i am|were|we are) sleeping rough|"
        r"sleep(ing)? (on the street|outside|in my car)|"
        r"(homeless|on the streets?|evicted|kicked out|thrown out)\b.{0,25}"
        r"\b(tonight|today|right now|now)\b|"
        r"\b(tonight|today)\b.{0,25}\b(homeless|nowhere to))"
    ),
}

REPLIES: dict[Concern, str] = {
    Concern.SUICIDE_OR_SELF_HARM: (
        "I'm sorry you are feeling like this. You do not have to deal with it "
        "alone. If you might act on these thoughts now, call 999. You can talk "
        "to Samaritans free at any time on 116 123, or call NHS 111 and choose "
        "the mental health option. You can also talk to one of our advisers here."
    ),
    Concern.DOMESTIC_ABUSE: (
        "If you are in danger now, call 999. If you cannot speak, call 999 and "
        "press 55 when you are asked. The National Domestic Abuse Helpline is "
        "free and open day and night on 0808 2000 247. Our advisers can help "
        "with a safe place to stay and support: you can talk to one here."
    ),
    Concern.CHILD_AT_RISK: (
        "If a child is in danger now, call 999. If you are worried a child is "
        "being harmed or neglected, tell our children's services today: you "
        "do not need to be sure. Our urgent help page has the numbers, day and "
        "night, or you can talk to one of our advisers here. The NSPCC helpline "
        "is free on 0808 800 5000."
    ),
    Concern.GAS: (
        "If you can smell gas, leave the building, do not use switches or "
        "flames, and call the National Gas Emergency Service free on "
        "0800 111 999, day or night. If anyone feels unwell, or there has been a "
        "fire or explosion, call 999."
    ),
    Concern.HOMELESS_TONIGHT: (
        "If you have nowhere safe to sleep tonight, contact us now and we will "
        "help. Our urgent help page has the number to call day and night, or "
        "you can talk to one of our advisers here. If you are in danger, call "
        "999."
    ),
}


URGENT_HELP_INTENT = "urgent_help"


@dataclass(frozen=True)
class UrgentHelp:
    """The council's own urgent-help page, linked from every such reply."""

    title: str
    url: str


# The sample council's page (knowledge/articles/emergencies/); a council sets
# its own through URGENT_HELP_TITLE and URGENT_HELP_URL.
SAMPLE_URGENT_HELP = UrgentHelp(
    "Urgent help out of hours",
    "https://council.example/emergencies/"
    "urgent-help-with-social-care-and-homelessness-out-of-hours",
)


def concern_in(text: str) -> Concern | None:
    """The most urgent concern ``text`` raises, or None."""
    plain = re.sub(r"['\u2019`]", "", text.lower())
    plain = re.sub(r"\s+", " ", plain)
    for concern, pattern in PATTERNS.items():
        if pattern.search(plain):
            return concern
    return None


def urgent_reply(concern: Concern, help_page: UrgentHelp) -> dict[str, object]:
    """The assistant's reply to a message raising ``concern``, as an event body."""
    return {
        "text": REPLIES[concern],
        "buttons": [{"title": "Speak to a person", "payload": "/request_human"}],
        "sources": [
            {
                "title": help_page.title,
                "url": help_page.url,
                "topics": ["emergencies.out-of-hours-emergencies"],
                "section": "",
            }
        ],
        "understood": {
            "intent": URGENT_HELP_INTENT,
            "confidence": None,
            "entities": [{"entity": "concern", "value": concern.value}],
            "slots": {},
        },
    }


def is_urgent_help(body: Mapping[str, Any]) -> bool:
    """Whether an assistant's reply ``body`` was the urgent help above."""
    understood = body.get("understood") or {}
    return bool(understood.get("intent") == URGENT_HELP_INTENT)
