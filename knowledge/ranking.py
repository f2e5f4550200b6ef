"""Scoring candidate articles from their sections' scores.

An article's dense score blends its best section's cosine with the cosine of
the article as a whole (the normalised mean of its section vectors):
``(best + w * whole) / (1 + w)`` with ``w = FusionConfig.article_weight``. A
question about a page's subject then prefers the page that is about it over
a page with one similar paragraph. Its lexical score is its best section's
BM25 score. Hybrid fuses the two at article level (knowledge.fusion); the
section shown is the article's section with the best fused section score.
"""

import logging
from dataclasses import dataclass

import numpy as np

from knowledge.embedding import normalise
from knowledge.fusion import FusionConfig, fuse

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleScores:
    """Candidate articles, best first; all arrays have shape (candidates,).

    ``cosines`` is each article's best section cosine (NaN in lexical mode),
    ``lexical`` its best section BM25 score.
    """

    articles: np.ndarray
    scores: np.ndarray
    best_rows: np.ndarray
    cosines: np.ndarray
    lexical: np.ndarray


class ArticleRanker:
    """Holds the section vectors by article; ranks candidate articles."""

    def __init__(self, chunk_article: np.ndarray, vectors: np.ndarray) -> None:
        """``chunk_article`` (chunks,) is the article number of each row of
        ``vectors`` (chunks, dim); numbers run from 0 and each has a chunk."""
        self._vectors = vectors
        self._chunk_article = chunk_article
        article_count = int(chunk_article.max()) + 1 if chunk_article.size else 0
        self._rows_of = [
            np.flatnonzero(chunk_article == n) for n in range(article_count)
        ]
        if any(rows.size == 0 for rows in self._rows_of):
            raise ValueError("every article number must have at least one chunk")
        # (articles, dim) unit vector of each article as a whole
        self._centroids = (
            normalise(np.stack([vectors[rows].mean(axis=0) for rows in self._rows_of]))
            if article_count
            else np.zeros((0, vectors.shape[1]), dtype=np.float32)
        )

    @property
    def vectors(self) -> np.ndarray:
        """(chunks, dim) the section vectors, in store order."""
        return self._vectors

    def chunk_cosines(self, query_vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Best-window cosine of each chunk row: (rows,)."""
        # (rows, dim) @ (dim, windows) -> (rows, windows)
        return (self._vectors[rows] @ query_vectors.T).max(axis=1)

    def rank(
        self,
        candidates: np.ndarray,
        query_vectors: np.ndarray | None,
        lexical: np.ndarray,
        mode: str,
        config: FusionConfig,
    ) -> ArticleScores:
        """Score ``candidates`` (article numbers) for a query.

        ``query_vectors`` is (windows, dim), or None in lexical mode;
        ``lexical`` is the (chunks,) BM25 score of every chunk.
        """
        rows = np.concatenate([self._rows_of[a] for a in candidates])
        sizes = np.array([self._rows_of[a].size for a in candidates])
        group = np.repeat(np.arange(candidates.size), sizes)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])

        chunk_lexical = lexical[rows]
        article_lexical = np.maximum.reduceat(chunk_lexical, starts)
        if query_vectors is None:
            chunk_cosine = np.full(rows.size, np.nan, dtype=np.float32)
            article_cosine = np.full(candidates.size, np.nan, dtype=np.float32)
            article_dense = article_cosine
        else:
            chunk_cosine = self.chunk_cosines(query_vectors, rows)
            article_cosine = np.maximum.reduceat(chunk_cosine, starts)
            # (candidates, dim) @ (dim, windows) -> best window: (candidates,)
            whole = (self._centroids[candidates] @ query_vectors.T).max(axis=1)
            weight = config.article_weight
            article_dense = (article_cosine + weight * whole) / (1.0 + weight)

        if mode == "dense":
            scores, chunk_scores = article_dense, chunk_cosine
        elif mode == "lexical":
            scores, chunk_scores = article_lexical, chunk_lexical
        else:
            scores = fuse(article_dense, article_lexical, config)
            chunk_scores = fuse(chunk_cosine, chunk_lexical, config)

        # Best section of each candidate: sort by (candidate, -score), take firsts.
        order = np.lexsort((-chunk_scores, group))
        best_rows = rows[order[starts]]

        ranked = np.argsort(-scores, kind="stable")
        return ArticleScores(
            articles=candidates[ranked],
            scores=scores[ranked],
            best_rows=best_rows[ranked],
            cosines=article_cosine[ranked],
            lexical=article_lexical[ranked],
        )
