"""Fitting the answer rule of each search mode on the dev questions.

For every candidate threshold (a grid over the observed signal values) the
rule is applied to all dev questions; among rules that decline at most
``max_in_scope_declined`` of in-scope questions, the one declining the most
out-of-scope questions wins (ties: fewer in-scope declines, then the simpler
rule). A grid search over two numbers is easy to explain and to re-run.
"""

import logging
import math
from dataclasses import dataclass

import numpy as np

from knowledge.calibration import AnswerRule
from knowledge.eval.metrics import Observation

logger = logging.getLogger(__name__)

# Fit to a little under the 5% target, so the held-out set has some room.
MAX_IN_SCOPE_DECLINED = 0.04
AGREEMENT_RANKS = (1, 2, 3)


@dataclass(frozen=True)
class _Arrays:
    """(questions,) arrays of the signals the rules read."""

    cosine: np.ndarray
    lexical: np.ndarray
    lexical_rank: np.ndarray
    in_scope: np.ndarray
    matched: np.ndarray


def fit_rule(
    mode: str,
    observations: list[Observation],
    max_in_scope_declined: float = MAX_IN_SCOPE_DECLINED,
) -> AnswerRule:
    """Return the best rule for ``mode`` on these observations."""
    arrays = _arrays(observations)
    if mode == "lexical":
        return _fit_single(arrays, arrays.lexical, "min_lexical", max_in_scope_declined)
    if mode == "dense":
        return _fit_single(arrays, arrays.cosine, "min_cosine", max_in_scope_declined)
    return _fit_hybrid(arrays, max_in_scope_declined)


def _arrays(observations: list[Observation]) -> _Arrays:
    def signal(name: str) -> np.ndarray:
        return np.array(
            [getattr(o.signals, name) if o.signals else -math.inf for o in observations]
        )

    return _Arrays(
        cosine=signal("cosine"),
        lexical=signal("lexical"),
        lexical_rank=np.array(
            [o.signals.lexical_rank if o.signals else math.inf for o in observations]
        ),
        in_scope=np.array([o.question.in_scope for o in observations]),
        matched=np.array([o.signals is not None for o in observations]),
    )


def _score(arrays: _Arrays, accept: np.ndarray) -> tuple[float, float]:
    accept = accept & arrays.matched
    in_declined = float(np.mean(~accept[arrays.in_scope])) if arrays.in_scope.any() else 0.0
    outside = ~arrays.in_scope
    oos_declined = float(np.mean(~accept[outside])) if outside.any() else 0.0
    return oos_declined, in_declined


def _grid(values: np.ndarray) -> np.ndarray:
    finite = np.unique(values[np.isfinite(values)])
    # Midpoints between observed values decide the same as the values, but
    # generalise less sharply to the held-out set.
    return np.concatenate([[-math.inf], (finite[:-1] + finite[1:]) / 2])


def _fit_single(
    arrays: _Arrays, values: np.ndarray, field: str, limit: float
) -> AnswerRule:
    best: tuple[float, float, float] | None = None
    for threshold in _grid(values):
        oos, inside = _score(arrays, values >= threshold)
        if inside <= limit and (best is None or (oos, -inside) > (best[1], -best[2])):
            best = (float(threshold), oos, inside)

    threshold = best[0] if best and math.isfinite(best[0]) else None
    rule = AnswerRule(**{field: round(threshold, 4) if threshold is not None else None})
    logger.info("fitted %s rule: %s", field, rule.describe())
    return rule


def _fit_hybrid(arrays: _Arrays, limit: float) -> AnswerRule:
    # Two thresholds over every observed value would be ~n^2 rules; a 0.01
    # grid is as fine as the figures can tell apart with a few hundred questions.
    grid = _grid(np.round(arrays.cosine, 2))
    best_key: tuple[float, float, int] | None = None
    best_rule = AnswerRule()

    for agreement_rank in AGREEMENT_RANKS:
        agrees = (arrays.lexical > 0) & (arrays.lexical_rank <= agreement_rank)
        for high in grid:
            above_high = arrays.cosine >= high
            for low in grid[grid <= high]:
                accept = above_high | (agrees & (arrays.cosine >= low))
                oos, inside = _score(arrays, accept)
                if inside > limit:
                    continue
                simpler = int(low == high)
                key = (oos, -inside, simpler)
                if best_key is None or key > best_key:
                    best_key = key
                    best_rule = AnswerRule(
                        min_cosine=_finite(high),
                        agreed_min_cosine=None if low == high else _finite(low),
                        agreement_rank=agreement_rank,
                    )

    logger.info("fitted hybrid rule: %s", best_rule.describe())
    return best_rule


def _finite(value: float) -> float | None:
    return round(float(value), 4) if math.isfinite(value) else None
