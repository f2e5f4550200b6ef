"""Fusing BM25 and dense scores of the same items (articles or sections).

Two methods, both over the same candidates (the union of each retriever's
best):

- ``rrf``: reciprocal-rank fusion, sum of ``1 / (rrf_k + rank)`` over the two
  rankings. Ignores score scales entirely.
- ``weighted``: ``dense_weight * cosine + (1 - dense_weight) * bm25 / max_bm25``,
  BM25 scaled by the query's best BM25 score so both lie in [0, 1].

Which one a deployment uses is chosen on the dev questions by ``make eval``
and recorded in the calibration file.
"""

import logging
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

FUSION_METHODS = ("rrf", "weighted")


@dataclass(frozen=True)
class FusionConfig:
    """How hybrid search combines its two rankings."""

    method: str = "rrf"
    rrf_k: int = 60
    dense_weight: float = 0.5
    article_weight: float = 0.0

    def __post_init__(self) -> None:
        if self.method not in FUSION_METHODS:
            raise ValueError(f"fusion method must be one of {FUSION_METHODS}")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ValueError("dense_weight must lie between 0 and 1")
        if self.rrf_k < 1:
            raise ValueError("rrf_k must be at least 1")
        if self.article_weight < 0:
            raise ValueError("article_weight must not be negative")

    def describe(self) -> str:
        whole = f"; whole-article weight {self.article_weight:.2f}"
        if self.method == "rrf":
            return f"reciprocal-rank fusion (k={self.rrf_k}){whole}"
        return f"weighted scores (dense {self.dense_weight:.2f}, BM25/max rest){whole}"


def rank_positions(scores: np.ndarray) -> np.ndarray:
    """Return 1-based ranks for (n,) scores, best = 1; ties keep input order.

    A score of zero or less is no match at all, and gets rank infinity.
    """
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(scores.shape[0], dtype=np.float64)
    ranks[order] = np.arange(1, scores.shape[0] + 1)
    ranks[scores <= 0] = np.inf
    return ranks


def fuse(dense: np.ndarray, lexical: np.ndarray, config: FusionConfig) -> np.ndarray:
    """Combine (n,) cosines and (n,) BM25 scores of the same chunks into (n,)."""
    if dense.shape != lexical.shape:
        raise ValueError(f"score shapes differ: {dense.shape} vs {lexical.shape}")

    if config.method == "rrf":
        # Cosines can be negative yet still rank; shift so none counts as "no match".
        dense_ranks = rank_positions(dense - dense.min() + 1.0) if dense.size else dense
        lexical_ranks = rank_positions(lexical)
        return 1.0 / (config.rrf_k + dense_ranks) + 1.0 / (config.rrf_k + lexical_ranks)

    top_lexical = float(lexical.max()) if lexical.size else 0.0
    scaled = lexical / top_lexical if top_lexical > 0 else np.zeros_like(lexical)
    return config.dense_weight * dense + (1.0 - config.dense_weight) * scaled
