"""Retrieval and decision figures over a set of labelled questions.

Ranking figures (top-1, top-3, MRR) are over in-scope questions and count a
result as right when any of its topics is one of the question's topics. The
decision figures count how often out-of-scope questions were declined, and how
often in-scope questions were declined (all of them count as wrong declines,
even those whose best result was wrong).
"""

import math
from dataclasses import dataclass

from knowledge.calibration import AnswerRule, Signals
from knowledge.eval.questions import Question

MRR_DEPTH = 10


@dataclass(frozen=True)
class Observation:
    """A question's ranked result topics (best first) and its best hit's signals.

    ``fit_signals`` are the signals calibration fits on, when they differ
    from what search saw (see knowledge.eval.calibrate). ``instruction``
    marks a query search declines before any rule (knowledge.instructions).
    """

    question: Question
    ranked_topics: list[frozenset[str]]
    signals: Signals | None
    fit_signals: Signals | None = None
    instruction: bool = False

    @property
    def signals_for_fitting(self) -> Signals | None:
        if self.instruction:
            return None
        return self.fit_signals if self.fit_signals is not None else self.signals

    def answerable_under(self, rule: AnswerRule | None) -> bool:
        """Whether search would answer this question with ``rule``."""
        if self.instruction or self.signals is None:
            return False
        return rule is None or rule.answerable(self.signals)

    def first_right_rank(self) -> int | None:
        for rank, topics in enumerate(self.ranked_topics[:MRR_DEPTH], start=1):
            if topics & self.question.topics:
                return rank
        return None


@dataclass(frozen=True)
class Figures:
    in_scope: int
    out_of_scope: int
    top1: float
    top3: float
    mrr: float
    oos_declined: float
    in_scope_declined: float
    answered_right: float

    def as_dict(self) -> dict[str, float | int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def figures(observations: list[Observation], answerable: list[bool]) -> Figures:
    """Compute figures; ``answerable`` is the decision for each observation."""
    inside = [
        (o, a)
        for o, a in zip(observations, answerable, strict=True)
        if o.question.in_scope
    ]
    outside = [
        a
        for o, a in zip(observations, answerable, strict=True)
        if o.question.out_of_scope
    ]
    ranks = [o.first_right_rank() for o, _ in inside]

    def share(count: float, total: int) -> float:
        return count / total if total else math.nan

    return Figures(
        in_scope=len(inside),
        out_of_scope=len(outside),
        top1=share(sum(r == 1 for r in ranks), len(inside)),
        top3=share(sum(r is not None and r <= 3 for r in ranks), len(inside)),
        mrr=share(sum(1.0 / r for r in ranks if r is not None), len(inside)),
        oos_declined=share(sum(not a for a in outside), len(outside)),
        in_scope_declined=share(sum(not a for _, a in inside), len(inside)),
        answered_right=share(
            sum(bool(a and r == 1) for (_, a), r in zip(inside, ranks, strict=True)),
            len(inside),
        ),
    )
