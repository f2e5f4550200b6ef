from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from knowledge.build import build_index
from knowledge.embedding import Embedder
from knowledge.errors import KnowledgeError
from knowledge.search import KnowledgeSearch
from knowledge.store import ChunkStore


class CountingEmbedder(Embedder):
    """The real model, recording every passage it is asked to embed."""

    def __init__(self, real: Embedder) -> None:
        super().__init__(real._model, real.fingerprint)
        self.embedded: list[str] = []

    def embed_passages(self, passages: list[str], batch_size: int = 32) -> np.ndarray:
        self.embedded.extend(passages)
        return super().embed_passages(passages, batch_size)


def test_build_index_unchanged_rebuild_embeds_nothing(
    articles_dir: Path, index_dir: Path, embedder: Embedder
) -> None:
    counting = CountingEmbedder(embedder)
    first = build_index(articles_dir, index_dir, embedder=counting)
    counting.embedded.clear()

    second = build_index(articles_dir, index_dir, embedder=counting)

    assert first.embedded == first.chunks > 0
    assert counting.embedded == []
    assert (second.embedded, second.reused) == (0, first.chunks)


def test_build_index_edited_article_only_its_changed_section_reembedded(
    articles_dir: Path, index_dir: Path, embedder: Embedder
) -> None:
    counting = CountingEmbedder(embedder)
    build_index(articles_dir, index_dir, embedder=counting)
    counting.embedded.clear()
    path = articles_dir / "waste/report-a-missed-bin.md"
    path.write_text(path.read_text().replace("three working days", "two working days"))

    report = build_index(articles_dir, index_dir, embedder=counting)

    assert report.embedded == 1
    assert len(counting.embedded) == 1
    assert counting.embedded[0].startswith(
        "Report a missed bin collection > What happens"
    )
    assert "two working days" in counting.embedded[0]


def test_build_index_reused_vectors_equal_fresh_embeddings(
    articles_dir: Path, index_dir: Path, embedder: Embedder
) -> None:
    build_index(articles_dir, index_dir, embedder=embedder)
    (articles_dir / "libraries-and-leisure/join-the-library.md").unlink()
    build_index(articles_dir, index_dir, embedder=embedder)

    store = ChunkStore.load(index_dir)
    from knowledge.dense import DenseIndex

    dense = DenseIndex.load(index_dir / "dense.faiss")
    stored = dense.vectors(np.array([c.chunk_id for c in store.chunks]))
    fresh = embedder.embed_passages([c.passage for c in store.chunks])
    np.testing.assert_allclose(stored, fresh, atol=1e-5)


def test_build_index_chunk_ids_stable_after_delete_and_readd(
    articles_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    open_search: Callable[[], KnowledgeSearch],
) -> None:
    path = articles_dir / "council-tax/ways-to-pay.md"
    text = path.read_text()
    build_index(articles_dir, index_dir, embedder=embedder)
    before = {c.chunk_id: c.anchor for c in ChunkStore.load(index_dir).chunks}

    path.unlink()
    removed = build_index(articles_dir, index_dir, embedder=embedder)
    path.write_text(text)
    readded = build_index(articles_dir, index_dir, embedder=embedder)

    after = {c.chunk_id: c.anchor for c in ChunkStore.load(index_dir).chunks}
    assert after == before
    assert removed.removed_articles == 1 and removed.removed == 3
    assert readded.embedded == 3
    hit = open_search().search("direct debit dates", k=1).results[0]
    assert (hit.article_id, hit.anchor) == (
        "council-tax-ways-to-pay",
        "pay-by-direct-debit",
    )


def test_build_index_counts_reported(
    articles_dir: Path, index_dir: Path, embedder: Embedder
) -> None:
    (articles_dir / "broken.md").write_text("---\ntitle: no id\n---\n# x\n")

    report = build_index(articles_dir, index_dir, embedder=embedder)

    assert (report.articles, report.chunks, report.refused) == (5, 11, 1)
    assert sorted(p.name for p in index_dir.iterdir()) == [
        "articles.json",
        "bm25",
        "chunks.jsonl",
        "dense.faiss",
        "manifest.json",
    ]


def test_build_index_no_articles_refused(tmp_path: Path, embedder: Embedder) -> None:
    (tmp_path / "articles").mkdir()

    with pytest.raises(KnowledgeError, match="no articles"):
        build_index(tmp_path / "articles", tmp_path / "index", embedder=embedder)

    assert not (tmp_path / "index").exists()
