"""Knowledge search: the one object the gateway and the Rasa actions use.

``KnowledgeSearch.open`` loads the embedding model, the FAISS index, the BM25
index and the chunk store once; ``search`` then answers a query in a few
milliseconds, returning at most one hit per article (its best section) and
whether the best hit is good enough to answer with (``answerable``).
"""

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import knowledge.runtime as runtime

runtime.apply_thread_limits()

import numpy as np  # noqa: E402  (after the thread limits, on purpose)

from knowledge.calibration import (  # noqa: E402
    SEARCH_MODES,
    AnswerRule,
    Calibration,
    Signals,
    load_calibration,
)
from knowledge.dense import DenseIndex  # noqa: E402
from knowledge.embedding import Embedder  # noqa: E402
from knowledge.errors import BlankQueryError, IndexNotBuiltError  # noqa: E402
from knowledge.fusion import FusionConfig  # noqa: E402
from knowledge.glossary import expand  # noqa: E402
from knowledge.instructions import addresses_assistant  # noqa: E402
from knowledge.lexical import LexicalIndex  # noqa: E402
from knowledge.manifest import IndexManifest, check_model, read_manifest  # noqa: E402
from knowledge.ranking import ArticleRanker  # noqa: E402
from knowledge.signposts import SIGNPOSTS, Signpost  # noqa: E402
from knowledge.store import ArticleRecord, ChunkStore  # noqa: E402

logger = logging.getLogger(__name__)

DENSE_FILE = "dense.faiss"
LEXICAL_DIR = "bm25"

# Candidates each retriever contributes before fusion; a council corpus has a
# few thousand chunks, so this keeps every plausible section in play.
CANDIDATE_POOL = 200
SNIPPET_CHARACTERS = 280


@dataclass(frozen=True)
class SearchHit:
    """One article in the results, with the section that matched best."""

    article_id: str
    title: str
    url: str
    topics: list[str]
    score: float
    snippet: str
    section: str
    anchor: str

    @property
    def section_url(self) -> str:
        """Link to the matching section of the article's page."""
        return f"{self.url}#{self.anchor}"


@dataclass(frozen=True)
class SearchResponse:
    """The results of one query, best first.

    ``answerable`` is False when the best result is too far from the question
    for the assistant to answer with it (see knowledge.calibration); the
    results are still returned, for an agent or a "did you mean" list.
    ``signpost`` is set when the query was declined and is closer to a
    service the council does not run (knowledge.signposts) than to any
    article, so the assistant can say who does.
    """

    query: str
    answerable: bool
    results: list[SearchHit]
    mode: str = "hybrid"
    signpost: Signpost | None = None


@dataclass(frozen=True)
class RankedArticle:
    """An article's place in a ranking, before it becomes a SearchHit."""

    article_id: str
    chunk_id: int
    score: float


@dataclass(frozen=True)
class Ranking:
    """Every candidate article for a query, and the signals of the best one.

    ``signals`` is None when nothing matched at all. ``signpost_cosines``
    holds the query's cosine with each signpost (empty in lexical mode), for
    calibration. ``instruction`` is True when the query tells the assistant
    what to say or be (knowledge.instructions): it is never answerable.
    """

    mode: str
    articles: list[RankedArticle]
    signals: Signals | None
    signpost: Signpost | None = None
    signpost_cosines: tuple[float, ...] = ()
    instruction: bool = False

    @property
    def can_answer(self) -> bool:
        """Whether any answer rule may accept this ranking at all."""
        return self.signals is not None and not self.instruction


class KnowledgeSearch:
    """Search over one built index. Open it once per process; share it.

    ``search`` may be called from several threads at once.
    """

    def __init__(
        self,
        index_dir: Path,
        manifest: IndexManifest,
        embedder: Embedder,
        dense: DenseIndex,
        lexical: LexicalIndex,
        store: ChunkStore,
        calibration: Calibration | None,
        signposts: tuple[Signpost, ...] = SIGNPOSTS,
    ) -> None:
        self.index_dir = index_dir
        self._manifest = manifest
        self._embedder = embedder
        self._dense = dense
        self._lexical = lexical
        self._store = store
        self.calibration = calibration

        if dense.size != len(store.chunks) or lexical.size != len(store.chunks):
            raise IndexNotBuiltError(
                str(index_dir),
                f"a consistent index ({len(store.chunks)} chunks in the store, "
                f"{dense.size} vectors, {lexical.size} BM25 rows)",
            )

        article_order = {article_id: n for n, article_id in enumerate(store.articles)}
        self._article_ids = list(store.articles)
        # (chunks,) the article number of each chunk, in store order
        self._chunk_article = np.array(
            [article_order[chunk.article_id] for chunk in store.chunks], dtype=np.int64
        )
        # (chunks,) the chunk id of each row, in store order
        self._chunk_ids = np.array([c.chunk_id for c in store.chunks], dtype=np.int64)
        # (chunks, dim) unit vectors in store order, read once from FAISS
        self._ranker = ArticleRanker(
            self._chunk_article, dense.vectors(self._chunk_ids)
        )
        self._signposts = signposts
        # (texts,) which signpost each embedded signpost text belongs to
        self._signpost_of_text = np.array(
            [n for n, signpost in enumerate(signposts) for _ in signpost.passages],
            dtype=np.int64,
        )
        # (texts, dim) unit vectors
        self._signpost_vectors = embedder.embed_constant(
            tuple(text for signpost in signposts for text in signpost.passages)
        )

    @classmethod
    def open(
        cls,
        index_dir: Path,
        model_path: Path | None = None,
        *,
        embedder: Embedder | None = None,
        calibration: Calibration | None = None,
        calibration_path: Path | None = None,
    ) -> "KnowledgeSearch":
        """Load an index built by ``knowledge.build``.

        Raises IndexNotBuiltError if the folder holds no complete index and
        IndexMismatchError if it was built with another embedding model.
        ``embedder`` lets a caller share one loaded model (tests, eval);
        ``calibration`` overrides the calibration file.
        """
        index_dir = Path(index_dir)
        manifest = read_manifest(index_dir)
        for needed in (DENSE_FILE, LEXICAL_DIR):
            if not (index_dir / needed).exists():
                raise IndexNotBuiltError(str(index_dir), needed)

        embedder = embedder or Embedder.load(model_path)
        check_model(index_dir, manifest, embedder.fingerprint)

        dense = DenseIndex.load(index_dir / DENSE_FILE)
        lexical = LexicalIndex.load(index_dir / LEXICAL_DIR)
        store = ChunkStore.load(index_dir)
        if calibration is None:
            calibration = load_calibration(calibration_path)
        if calibration and calibration.model_revision not in (
            "",
            embedder.fingerprint.revision,
        ):
            logger.warning(
                "calibration was fitted with model revision %s, not %s; "
                "run `make eval` to recalibrate",
                calibration.model_revision,
                embedder.fingerprint.revision,
            )

        search = cls(index_dir, manifest, embedder, dense, lexical, store, calibration)
        logger.info(
            "knowledge index loaded from %s: %d articles, %d chunks",
            index_dir,
            len(store.articles),
            len(store.chunks),
        )
        return search

    @property
    def chunk_count(self) -> int:
        return len(self._store.chunks)

    @property
    def manifest(self) -> dict[str, object]:
        return self._manifest.to_dict()

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    @property
    def vectors(self) -> np.ndarray:
        """(chunks, dim) the stored section vectors, in store order."""
        return self._ranker.vectors

    def articles(self) -> list[ArticleRecord]:
        """Every article in the index, in build order."""
        return list(self._store.articles.values())

    def search(self, query: str, k: int = 5, mode: str = "hybrid") -> SearchResponse:
        """Return up to ``k`` articles for ``query``, best first.

        ``mode`` is "hybrid" (BM25 and dense, fused), "dense" or "lexical".
        Raises BlankQueryError for an empty query and ValueError for an
        unknown mode or a ``k`` below 1.
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")

        ranking = self.rank(query, mode)
        hits = [self._hit(ranked) for ranked in ranking.articles[:k]]
        answerable = self.decide(ranking)

        logger.debug(
            "knowledge search mode=%s hits=%d answerable=%s",
            mode,
            len(hits),
            answerable,
        )
        return SearchResponse(
            query=query,
            answerable=answerable,
            results=hits,
            mode=mode,
            signpost=None if answerable else ranking.signpost,
        )

    def decide(self, ranking: Ranking, rule: AnswerRule | None = None) -> bool:
        """Apply the calibrated rule (or ``rule``) to a ranking's best article."""
        if not ranking.can_answer or ranking.signals is None:
            return False
        if rule is None and self.calibration is not None:
            rule = self.calibration.rule(ranking.mode)
        if rule is None:
            return True
        return rule.answerable(ranking.signals)

    def rank(
        self, query: str, mode: str = "hybrid", fusion: FusionConfig | None = None
    ) -> Ranking:
        """Rank every candidate article for ``query`` (one entry per article).

        The lower-level step under ``search``; evaluation uses it to compare
        modes and fusion settings without a calibration.
        """
        if not query or not query.strip():
            raise BlankQueryError("blank knowledge query")
        if mode not in SEARCH_MODES:
            raise ValueError(f"mode must be one of {SEARCH_MODES}, not {mode!r}")
        if fusion is None:
            fusion = self.calibration.fusion if self.calibration else FusionConfig()

        instruction = addresses_assistant(query)
        text = expand(query)
        # (windows, dim) unit vectors; lexical mode never loads a query vector
        query_vectors = (
            None if mode == "lexical" else self._embedder.embed_query(text).vectors
        )
        # (chunks,) BM25 score of every chunk in store order
        lexical = self._lexical.scores(text)

        candidates = self._candidate_articles(query_vectors, lexical, mode)
        if candidates.size == 0:
            return Ranking(
                mode=mode, articles=[], signals=None, instruction=instruction
            )
        scored = self._ranker.rank(candidates, query_vectors, lexical, mode, fusion)

        ranked = [
            RankedArticle(
                article_id=self._article_ids[int(number)],
                chunk_id=int(self._chunk_ids[row]),
                score=float(score),
            )
            for number, row, score in zip(
                scored.articles, scored.best_rows, scored.scores, strict=True
            )
        ]
        per_signpost = self._signpost_cosines(query_vectors)
        nearest = int(np.argmax(per_signpost)) if per_signpost.size else -1
        signpost_cosine = float(per_signpost[nearest]) if nearest >= 0 else math.nan
        signals = Signals(
            cosine=float(scored.cosines[0]),
            lexical=float(scored.lexical[0]),
            lexical_rank=self._lexical_rank(int(scored.articles[0]), lexical),
            signpost_cosine=signpost_cosine,
        )
        signpost = (
            self._signposts[nearest]
            if signals.margin < 0 and nearest >= 0 and not instruction
            else None
        )
        return Ranking(
            mode=mode,
            articles=ranked,
            signals=signals,
            signpost=signpost,
            signpost_cosines=tuple(float(c) for c in per_signpost),
            instruction=instruction,
        )

    def _candidate_articles(
        self, query_vectors: np.ndarray | None, lexical: np.ndarray, mode: str
    ) -> np.ndarray:
        """Article numbers with a section among either retriever's best."""
        rows = []
        if mode != "lexical" and query_vectors is not None:
            _, ids = self._dense.search(query_vectors, CANDIDATE_POOL)
            found = np.unique(ids[ids >= 0])
            rows.append(np.array([self._store.position[int(i)] for i in found]))
        if mode != "dense":
            best = np.argsort(-lexical, kind="stable")[:CANDIDATE_POOL]
            rows.append(best[lexical[best] > 0])

        if not rows:
            return np.zeros(0, dtype=np.int64)
        return np.unique(self._chunk_article[np.concatenate(rows).astype(np.int64)])

    def _lexical_rank(self, article_number: int, lexical: np.ndarray) -> float:
        """Where BM25 alone would place this article (1 = first; inf = no match)."""
        # (articles,) best BM25 score of each article's sections
        per_article = np.zeros(len(self._article_ids), dtype=np.float32)
        np.maximum.at(per_article, self._chunk_article, lexical)
        own = per_article[article_number]
        return float(1 + np.count_nonzero(per_article > own)) if own > 0 else math.inf

    def _signpost_cosines(self, query_vectors: np.ndarray | None) -> np.ndarray:
        """Cosine of the query with each signpost: (signposts,), or (0,)."""
        if query_vectors is None or not self._signposts:
            return np.zeros(0, dtype=np.float32)
        # (texts, windows) -> best window per text: (texts,)
        per_text = (self._signpost_vectors @ query_vectors.T).max(axis=1)
        per_signpost = np.full(len(self._signposts), -np.inf, dtype=np.float32)
        np.maximum.at(per_signpost, self._signpost_of_text, per_text)
        return per_signpost

    def _hit(self, ranked: RankedArticle) -> SearchHit:
        chunk = self._store.by_id[ranked.chunk_id]
        article = self._store.articles[ranked.article_id]
        return SearchHit(
            article_id=article.article_id,
            title=article.title,
            url=article.url,
            topics=list(article.topics),
            score=ranked.score,
            snippet=snippet(chunk.text),
            section=chunk.section,
            anchor=chunk.anchor,
        )


def snippet(text: str, limit: int = SNIPPET_CHARACTERS) -> str:
    """Return the start of a section's text, cut at a word, for a result list."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
