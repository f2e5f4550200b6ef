"""Labelled questions: what residents ask, and which topics answer them."""

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.errors import KnowledgeError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Question:
    """One labelled question. In scope questions list the topics that answer
    them; out-of-scope ones (passports, the weather) have no topics."""

    text: str
    topics: frozenset[str]
    out_of_scope: bool

    @property
    def in_scope(self) -> bool:
        return not self.out_of_scope


def load_questions(path: Path) -> list[Question]:
    """Read a question file: a YAML list of ``{q, topics}`` or ``{q, out_of_scope}``.

    Raises KnowledgeError naming the entry that has neither, or both.
    """
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise KnowledgeError(f"{path}: expected a list of questions")

    questions = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not str(entry.get("q", "")).strip():
            raise KnowledgeError(f"{path}: entry {number} has no 'q'")
        topics = frozenset(str(t) for t in entry.get("topics") or [])
        out_of_scope = bool(entry.get("out_of_scope", False))
        if out_of_scope == bool(topics):
            raise KnowledgeError(
                f"{path}: entry {number} needs either topics or out_of_scope: true"
            )
        questions.append(Question(str(entry["q"]), topics, out_of_scope))

    logger.info(
        "%d questions in %s (%d out of scope)",
        len(questions),
        path,
        sum(q.out_of_scope for q in questions),
    )
    return questions
