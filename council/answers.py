"""Turn a knowledge search into the assistant's answer to a resident.

The assistant answers only from the council's own articles and always says where
the answer came from. When the search finds nothing that answers the question, it
says so plainly and offers the next steps instead of the nearest wrong article.
"""

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

logger = logging.getLogger(__name__)

MAX_ANSWER_CHARS = 600
MAX_SOURCES = 3

NOT_FOUND_TEXT = (
    "Sorry, I could not find an answer to that in the council's information. "
    "You could try asking in a different way, or speak to a person."
)


class Hit(Protocol):
    """The part of a knowledge search hit that an answer needs (read only)."""

    @property
    def article_id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def url(self) -> str: ...

    @property
    def topics(self) -> list[str]: ...

    @property
    def snippet(self) -> str: ...

    @property
    def section(self) -> str: ...

    @property
    def anchor(self) -> str: ...


class Search(Protocol):
    """The part of a knowledge search response that an answer needs (read only)."""

    @property
    def answerable(self) -> bool: ...

    @property
    def results(self) -> Sequence[Hit]: ...


@dataclass(frozen=True)
class Source:
    """An article the answer came from, with a link to the section used."""

    title: str
    url: str
    topics: list[str]
    section: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "url": self.url,
            "topics": list(self.topics),
            "section": self.section,
        }


@dataclass(frozen=True)
class Answer:
    """What the assistant says, the sources it cites and the next steps offered."""

    text: str
    answerable: bool
    sources: list[Source] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)


def compose_answer(search: Search) -> Answer:
    """Return the answer for a search: the best section, cited, or a plain no."""
    if not search.answerable or not search.results:
        return Answer(
            text=NOT_FOUND_TEXT,
            answerable=False,
            buttons=[
                {"title": "Speak to a person", "payload": "/request_human"},
            ],
        )

    best = search.results[0]
    sources = [_source(hit) for hit in search.results[:MAX_SOURCES]]
    # One paragraph: Rasa's collecting channel splits text at blank lines into
    # separate messages, and the sources belong with the answer.
    text = _shorten(best.snippet)
    return Answer(text=text, answerable=True, sources=sources)


def _source(hit: Hit) -> Source:
    url = f"{hit.url}#{hit.anchor}" if hit.anchor else hit.url
    return Source(
        title=hit.title, url=url, topics=list(hit.topics), section=hit.section
    )


def _shorten(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """Cut ``text`` at a sentence end within ``limit`` characters.

    A search snippet already cut at a word ("... proof that you…") is cut back
    to its last whole sentence too, so an answer never stops mid-sentence when
    it need not.
    """
    text = re.sub(r"\s+", " ", text).strip()
    already_cut = text.endswith("…")
    if len(text) <= limit and not already_cut:
        return text

    cut = text[:limit].removesuffix("…")
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if end > limit // 3 or (already_cut and end > 0):
        return cut[: end + 1]
    if len(text) <= limit:
        return text
    return cut.rsplit(" ", 1)[0] + "…"
