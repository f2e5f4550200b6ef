"""Building the knowledge index from articles (``python -m knowledge.build``).

A build reads every article, cuts it into chunks, embeds the chunks whose
text is new or changed (the rest reuse their vectors from the previous index
when it was built with the same model), and writes the FAISS index, the BM25
index, the chunk store and, last, the manifest into a fresh folder that then
replaces the old one. An article that is gone from the sources is gone from
the index: nothing is carried over except vectors of unchanged text.
"""

import argparse
import datetime
import json
import logging
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import knowledge.runtime as runtime

runtime.apply_thread_limits()

import numpy as np  # noqa: E402  (after the thread limits, on purpose)

from knowledge.article import Article, load_articles  # noqa: E402
from knowledge.chunking import Chunk, chunk_article  # noqa: E402
from knowledge.dense import DenseIndex  # noqa: E402
from knowledge.embedding import Embedder  # noqa: E402
from knowledge.errors import KnowledgeError  # noqa: E402
from knowledge.importers import import_faq_csv, import_html_folder  # noqa: E402
from knowledge.lexical import LexicalIndex  # noqa: E402
from knowledge.manifest import (  # noqa: E402
    IndexManifest,
    model_differences,
    read_manifest,
    write_manifest,
)
from knowledge.search import DENSE_FILE, LEXICAL_DIR  # noqa: E402
from knowledge.store import ArticleRecord, ChunkStore  # noqa: E402

logger = logging.getLogger(__name__)

ARTICLES_ENV = "KNOWLEDGE_ARTICLES_DIR"
INDEX_ENV = "KNOWLEDGE_INDEX_DIR"
DEFAULT_ARTICLES_DIR = Path("knowledge/articles")
DEFAULT_INDEX_DIR = Path("var/knowledge-index")


@dataclass(frozen=True)
class BuildReport:
    """What a build did. ``removed`` counts chunks of the previous index that
    are no longer in any article (``removed_articles`` the whole articles)."""

    articles: int
    chunks: int
    embedded: int
    reused: int
    removed: int
    removed_articles: int
    refused: int
    seconds: float

    def summary(self) -> str:
        return (
            f"{self.articles} articles, {self.chunks} chunks: "
            f"{self.embedded} embedded, {self.reused} reused, {self.removed} removed "
            f"({self.removed_articles} articles); {self.refused} files refused; "
            f"{self.seconds:.1f} s"
        )


def default_articles_dir() -> Path:
    return Path(os.environ.get(ARTICLES_ENV, "") or DEFAULT_ARTICLES_DIR)


def default_index_dir() -> Path:
    return Path(os.environ.get(INDEX_ENV, "") or DEFAULT_INDEX_DIR)


def build_index(
    articles_dir: Path,
    index_dir: Path,
    *,
    model_path: Path | None = None,
    embedder: Embedder | None = None,
    html_dir: Path | None = None,
    faq_csv: Path | None = None,
    strict: bool = False,
) -> BuildReport:
    """Build (or bring up to date) the index in ``index_dir``.

    Sources are the Markdown articles under ``articles_dir`` plus, when
    given, saved HTML pages under ``html_dir`` and a FAQ CSV. With ``strict``
    a malformed article raises ArticleFormatError instead of being skipped.
    The index folder is replaced only once the new index is complete.
    """
    started = time.perf_counter()
    embedder = embedder or Embedder.load(model_path)

    article_set = load_articles(Path(articles_dir), strict=strict)
    articles = list(article_set.articles)
    if html_dir is not None:
        articles.extend(import_html_folder(Path(html_dir)))
    if faq_csv is not None:
        articles.extend(import_faq_csv(Path(faq_csv)))
    _check_unique_ids(articles)

    chunks = [chunk for article in articles for chunk in chunk_article(article)]
    # An article without text has no chunk and so nothing to be found by.
    with_text = {chunk.article_id for chunk in chunks}
    articles = [article for article in articles if article.article_id in with_text]
    if not articles:
        raise KnowledgeError(f"no articles with text found in {articles_dir}")
    previous = _previous_index(Path(index_dir), embedder)

    vectors, embedded = _vectors_for(chunks, previous, embedder)
    store = ChunkStore([ArticleRecord.of(a) for a in articles], chunks)
    _write_index(Path(index_dir), store, vectors, embedder)

    old_ids = set(previous.by_id) if previous else set()
    old_articles = set(previous.articles) if previous else set()
    report = BuildReport(
        articles=len(articles),
        chunks=len(chunks),
        embedded=embedded,
        reused=len(chunks) - embedded,
        removed=len(old_ids - set(store.by_id)),
        removed_articles=len(old_articles - set(store.articles)),
        refused=len(article_set.refused),
        seconds=time.perf_counter() - started,
    )
    logger.info("knowledge index built in %s: %s", index_dir, report.summary())
    return report


class _PreviousIndex:
    """Vectors of the last build, reusable when a chunk's text is unchanged."""

    def __init__(self, store: ChunkStore, dense: DenseIndex) -> None:
        self.by_id = store.by_id
        self.articles = store.articles
        self._dense = dense
        self._by_hash = {chunk.content_hash: chunk.chunk_id for chunk in store.chunks}

    def vector_ids(self, chunks: list[Chunk]) -> list[int | None]:
        return [self._by_hash.get(chunk.content_hash) for chunk in chunks]

    def vectors(self, ids: list[int]) -> np.ndarray:
        return self._dense.vectors(np.array(ids, dtype=np.int64))


def _previous_index(index_dir: Path, embedder: Embedder) -> _PreviousIndex | None:
    if not (index_dir / "manifest.json").is_file():
        return None

    try:
        manifest = read_manifest(index_dir)
        differences = model_differences(manifest.model, embedder.fingerprint)
        if differences:
            logger.info(
                "previous index was built with another model (%s); embedding all",
                ", ".join(sorted(differences)),
            )
            return None
        store = ChunkStore.load(index_dir)
        dense = DenseIndex.load(index_dir / DENSE_FILE)
    except (KnowledgeError, OSError, ValueError, RuntimeError) as error:
        logger.warning("previous index unreadable, embedding all: %s", error)
        return None

    return _PreviousIndex(store, dense)


def _vectors_for(
    chunks: list[Chunk], previous: _PreviousIndex | None, embedder: Embedder
) -> tuple[np.ndarray, int]:
    """Return (len(chunks), dim) vectors in chunk order, and how many were new."""
    vectors = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    old_ids = previous.vector_ids(chunks) if previous else [None] * len(chunks)

    reused_rows = [row for row, old in enumerate(old_ids) if old is not None]
    if previous and reused_rows:
        kept_ids = [old_ids[row] for row in reused_rows]
        vectors[reused_rows] = previous.vectors([i for i in kept_ids if i is not None])

    new_rows = [row for row, old in enumerate(old_ids) if old is None]
    if new_rows:
        passages = [chunks[row].passage for row in new_rows]
        logger.info("embedding %d new or changed chunks", len(new_rows))
        vectors[new_rows] = embedder.embed_passages(passages)

    return vectors, len(new_rows)


def _write_index(
    index_dir: Path, store: ChunkStore, vectors: np.ndarray, embedder: Embedder
) -> None:
    staging = index_dir.with_name(f".{index_dir.name}.building-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)

    dense = DenseIndex.empty(embedder.dimension)
    ids = np.array([chunk.chunk_id for chunk in store.chunks], dtype=np.int64)
    dense.add(ids, vectors)
    dense.save(staging / DENSE_FILE)

    passages = [chunk.passage for chunk in store.chunks]
    LexicalIndex.build(passages).save(staging / LEXICAL_DIR)
    store.save(staging)

    write_manifest(
        staging,
        IndexManifest(
            model=embedder.fingerprint,
            articles=len(store.articles),
            chunks=len(store.chunks),
            built_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            max_seq_length=embedder.max_seq_length,
        ),
    )
    _replace_folder(staging, index_dir)


def _replace_folder(staging: Path, index_dir: Path) -> None:
    # Two renames: a reader opening the index meanwhile sees either the old
    # complete folder or the new one, or briefly none (IndexNotBuiltError).
    retired = index_dir.with_name(f".{index_dir.name}.retired-{os.getpid()}")
    if index_dir.exists():
        index_dir.rename(retired)
    staging.rename(index_dir)
    if retired.exists():
        shutil.rmtree(retired)


def _check_unique_ids(articles: list[Article]) -> None:
    seen: dict[str, str] = {}
    for article in articles:
        if article.article_id in seen:
            raise KnowledgeError(
                f"article id {article.article_id!r} comes from both "
                f"{seen[article.article_id]} and {article.source}"
            )
        seen[article.article_id] = article.source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.build",
        description="Build or update the knowledge search index.",
    )
    parser.add_argument("--articles", type=Path, default=default_articles_dir())
    parser.add_argument("--index", type=Path, default=default_index_dir())
    parser.add_argument("--html", type=Path, help="folder of saved council web pages")
    parser.add_argument("--faq-csv", type=Path, help="CSV of question,answer,url")
    parser.add_argument("--model", type=Path, help="embedding model folder")
    parser.add_argument(
        "--strict", action="store_true", help="fail on a malformed article"
    )
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    try:
        report = build_index(
            args.articles,
            args.index,
            model_path=args.model,
            html_dir=args.html,
            faq_csv=args.faq_csv,
            strict=args.strict,
        )
    except KnowledgeError as error:
        logger.error("build failed: %s", error.detail)
        return 1

    print(json.dumps(asdict(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
