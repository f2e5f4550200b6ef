"""Fitting the answer rule of each search mode on the dev questions.

Out-of-scope dev questions are fitted as if the signpost nearest to each were
missing (:func:`without_own_signpost`): the signposts were written knowing
the dev questions, so with them the dev set would promise more than unseen
questions, about services no signpost names, will get. The rule must then
decline those by cosine alone or by another signpost.

Every rule on a grid of thresholds (over the observed signal values) is
applied to all dev questions. Among rules that decline at most
``max_in_scope_declined`` of in-scope questions, the one declining the most
out-of-scope questions (fitted as above) wins; ties go to the rule declining
more of them with the real signposts, then to fewer in-scope declines, then
to the rule using fewer signals. A grid search over a few numbers is easy to explain
and to re-run when articles change.
"""

import dataclasses
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from knowledge.calibration import AnswerRule, Signals
from knowledge.eval.metrics import Observation

logger = logging.getLogger(__name__)

# Fit to a little under the 5% target, so the held-out set has some room.
MAX_IN_SCOPE_DECLINED = 0.04
AGREEMENT_RANKS = (1, 2, 3)
# Two or three thresholds over every observed value would be ~n^3 rules; a
# 0.01 grid is as fine as a few hundred questions can tell apart.
GRID_STEP_DECIMALS = 2


@dataclass(frozen=True)
class _Signals:
    """(questions,) arrays of what the rules read, and who is in scope."""

    cosine: np.ndarray
    lexical: np.ndarray
    lexical_rank: np.ndarray
    margin: np.ndarray
    seen_margin: np.ndarray
    in_scope: np.ndarray
    matched: np.ndarray

    @classmethod
    def of(cls, observations: list[Observation]) -> "_Signals":
        def column(name: str, missing: float) -> np.ndarray:
            return np.array(
                [
                    getattr(o.signals_for_fitting, name)
                    if o.signals_for_fitting is not None
                    else missing
                    for o in observations
                ],
                dtype=np.float64,
            )

        return cls(
            cosine=column("cosine", -math.inf),
            lexical=column("lexical", 0.0),
            lexical_rank=column("lexical_rank", math.inf),
            margin=column("margin", -math.inf),
            seen_margin=np.array(
                [o.signals.margin if o.signals else -math.inf for o in observations]
            ),
            in_scope=np.array([o.question.in_scope for o in observations]),
            matched=np.array([o.signals_for_fitting is not None for o in observations]),
        )


@dataclass(frozen=True)
class _Candidate:
    rule: AnswerRule
    oos_declined: float
    seen_oos_declined: float
    in_scope_declined: float
    signals_used: int

    def key(self) -> tuple[float, float, float, int]:
        return (
            self.oos_declined,
            self.seen_oos_declined,
            -self.in_scope_declined,
            -self.signals_used,
        )


def without_own_signpost(
    signals: Signals | None, signpost_cosines: tuple[float, ...]
) -> Signals | None:
    """The signals as they would be had the nearest signpost not been written."""
    if signals is None or len(signpost_cosines) < 2:
        return signals
    second = sorted(signpost_cosines, reverse=True)[1]
    return dataclasses.replace(signals, signpost_cosine=second)


def fit_rule(
    mode: str,
    observations: list[Observation],
    max_in_scope_declined: float = MAX_IN_SCOPE_DECLINED,
) -> AnswerRule:
    """Return the best rule for ``mode`` ("hybrid", "dense" or "lexical")."""
    signals = _Signals.of(observations)
    if mode == "lexical":
        candidates = _lexical_rules(signals)
    elif mode == "dense":
        candidates = _dense_rules(signals)
    else:
        candidates = _hybrid_rules(signals)

    allowed = [c for c in candidates if c.in_scope_declined <= max_in_scope_declined]
    best = max(allowed, key=_Candidate.key) if allowed else None
    rule = best.rule if best else AnswerRule()
    logger.info("fitted %s rule: %s", mode, rule.describe())
    return rule


def _grid(values: np.ndarray) -> np.ndarray:
    """Thresholds between observed values, plus "no threshold" (-inf)."""
    rounded = np.unique(np.round(values[np.isfinite(values)], GRID_STEP_DECIMALS))
    # Midpoints decide as the values do, but sit away from any one question.
    return np.concatenate([[-math.inf], (rounded[:-1] + rounded[1:]) / 2])


def _rates(signals: _Signals, accept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For (rules, questions) decisions, the (rules,) decline rates: out of
    scope, in scope."""
    declined = ~(accept & signals.matched)
    outside = ~signals.in_scope
    oos = (
        declined[..., outside].mean(axis=-1) if outside.any() else 0 * declined[..., 0]
    )
    inside = declined[..., signals.in_scope].mean(axis=-1)
    return oos, inside


def _value(threshold: float) -> float | None:
    return round(float(threshold), 4) if math.isfinite(threshold) else None


def _lowest(threshold: float) -> float:
    # "BM25 agreement alone is enough": any cosine passes, and cosines >= -1.
    return round(float(threshold), 4) if math.isfinite(threshold) else -1.0


def _lexical_rules(signals: _Signals) -> Iterator[_Candidate]:
    grid = _grid(signals.lexical)
    oos, inside = _rates(signals, signals.lexical >= grid[:, None])
    for n, threshold in enumerate(grid):
        yield _Candidate(
            AnswerRule(min_lexical=_value(threshold)),
            float(oos[n]),
            float(oos[n]),
            float(inside[n]),
            int(math.isfinite(threshold)),
        )


def _margin_ok(margins: np.ndarray, margin: float) -> np.ndarray:
    # Mirrors AnswerRule: a missing (NaN) margin never declines.
    return ~(margins < margin)


def _dense_rules(signals: _Signals) -> Iterator[_Candidate]:
    cosines = _grid(signals.cosine)
    for margin in _grid(signals.margin):
        above = signals.cosine >= cosines[:, None]
        oos, inside = _rates(signals, above & _margin_ok(signals.margin, margin))
        seen_oos, _ = _rates(signals, above & _margin_ok(signals.seen_margin, margin))
        for n, threshold in enumerate(cosines):
            yield _Candidate(
                AnswerRule(min_cosine=_value(threshold), min_margin=_value(margin)),
                float(oos[n]),
                float(seen_oos[n]),
                float(inside[n]),
                int(math.isfinite(threshold)) + int(math.isfinite(margin)),
            )


def _hybrid_rules(signals: _Signals) -> Iterator[_Candidate]:
    cosines = _grid(signals.cosine)
    margins = _grid(signals.margin)

    for agreement_rank in AGREEMENT_RANKS:
        agrees = (signals.lexical > 0) & (signals.lexical_rank <= agreement_rank)
        for margin in margins:
            margin_ok = _margin_ok(signals.margin, margin)
            seen_margin_ok = _margin_ok(signals.seen_margin, margin)
            for high in cosines:
                lows = cosines[cosines <= high]
                # (lows, questions): above the high bar, or agreed and above low
                accept = (signals.cosine >= high) | (
                    agrees & (signals.cosine >= lows[:, None])
                )
                oos, inside = _rates(signals, accept & margin_ok)
                seen_oos, _ = _rates(signals, accept & seen_margin_ok)
                for n, low in enumerate(lows):
                    two_bars = bool(low < high)
                    yield _Candidate(
                        AnswerRule(
                            min_cosine=_value(high),
                            agreed_min_cosine=_lowest(low) if two_bars else None,
                            agreement_rank=agreement_rank if two_bars else 1,
                            min_margin=_value(margin),
                        ),
                        float(oos[n]),
                        float(seen_oos[n]),
                        float(inside[n]),
                        int(math.isfinite(high))
                        + 2 * two_bars
                        + int(math.isfinite(margin)),
                    )
