import numpy as np
import pytest

from knowledge.dense import DenseIndex
from knowledge.embedding import Embedder, normalise


def _unit(rng: np.random.Generator, n: int, dim: int = 8) -> np.ndarray:
    return normalise(rng.standard_normal((n, dim)).astype(np.float32))


def test_dense_index_unnormalised_vectors_refused() -> None:
    index = DenseIndex.empty(8)
    vectors = np.full((2, 8), 3.0, dtype=np.float32)

    with pytest.raises(ValueError, match="L2-normalised"):
        index.add(np.array([1, 2]), vectors)
    with pytest.raises(ValueError, match="L2-normalised"):
        index.search(vectors[:1], 1)


def test_dense_index_scores_equal_cosine_similarity() -> None:
    rng = np.random.default_rng(7)
    raw = rng.standard_normal((50, 8)).astype(np.float32) * 10
    query = rng.standard_normal((1, 8)).astype(np.float32)
    index = DenseIndex.empty(8)
    index.add(np.arange(100, 150), normalise(raw))

    scores, ids = index.search(normalise(query), 50)

    cosine = (raw @ query[0]) / (np.linalg.norm(raw, axis=1) * np.linalg.norm(query))
    np.testing.assert_allclose(scores[0], cosine[ids[0] - 100], atol=1e-5)
    np.testing.assert_allclose(scores[0], np.sort(cosine)[::-1], atol=1e-5)


def test_dense_index_own_ids_returned_and_vectors_reconstructed() -> None:
    rng = np.random.default_rng(3)
    vectors = _unit(rng, 5)
    ids = np.array([2**62 + 5, 17, 9_000_000_000, 3, 4], dtype=np.int64)
    index = DenseIndex.empty(8)
    index.add(ids, vectors)

    _, found = index.search(vectors[:1], 1)

    assert found[0, 0] == 2**62 + 5
    np.testing.assert_allclose(index.vectors(ids[::-1]), vectors[::-1], atol=1e-6)


def test_embedder_vectors_unit_length(embedder: Embedder) -> None:
    vectors = embedder.embed_passages(["Pay your Council Tax", "Report a pothole"])

    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
