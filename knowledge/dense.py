"""The dense (vector) index: exact inner-product search with our own ids.

FAISS ``IndexIDMap2`` over ``IndexFlatIP``: the ids are the chunk ids from
knowledge.chunking, not FAISS positions, so they survive rebuilds, and
``IndexIDMap2`` can hand a stored vector back by id. The index accepts only
unit-length float32 vectors, so an inner product is a cosine similarity.
"""

import logging
from pathlib import Path

import knowledge.runtime as runtime

runtime.apply_thread_limits()

import faiss  # noqa: E402  (after the thread limits, on purpose)
import numpy as np  # noqa: E402

logger = logging.getLogger(__name__)

NORM_TOLERANCE = 1e-3


class DenseIndex:
    """Exact cosine search over chunk vectors, keyed by chunk id."""

    def __init__(self, index: faiss.IndexIDMap2) -> None:
        self._index = index

    @classmethod
    def empty(cls, dimension: int) -> "DenseIndex":
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)))

    @classmethod
    def load(cls, path: Path) -> "DenseIndex":
        index = faiss.read_index(str(path))
        if not isinstance(index, faiss.IndexIDMap2):
            index = faiss.downcast_index(index)
        if not isinstance(index, faiss.IndexIDMap2):
            raise ValueError(f"{path} is not a FAISS IndexIDMap2 of chunk vectors")
        return cls(index)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add ``vectors`` (n, dim) under ``ids`` (n,) int64.

        Raises ValueError if shapes disagree or a vector is not unit length:
        un-normalised vectors would rank long passages above relevant ones.
        """
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise ValueError(
                f"vectors must have shape (n, {self.dimension}), not {vectors.shape}"
            )
        if ids.shape != (vectors.shape[0],):
            raise ValueError(
                f"ids must have shape ({vectors.shape[0]},), not {ids.shape}"
            )
        check_unit_length(vectors)

        self._index.add_with_ids(vectors, ids)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (scores, ids), each (len(queries), k'), best first.

        ``queries`` is (q, dim) of unit vectors; scores are cosines. ``k'`` is
        ``k`` capped at the index size; FAISS pads nothing then.
        """
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        check_unit_length(queries)

        k = min(k, self.size)
        if k == 0:
            empty = np.zeros((queries.shape[0], 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        scores, ids = self._index.search(queries, k)
        return scores, ids

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """Return the stored vectors for ``ids``, shape (len(ids), dim)."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if ids.size == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([self._index.reconstruct(int(i)) for i in ids])


def check_unit_length(vectors: np.ndarray) -> None:
    """Raise ValueError unless every row of (n, dim) has length 1."""
    norms = np.linalg.norm(vectors, axis=1)
    if norms.size and not np.all(np.abs(norms - 1.0) <= NORM_TOLERANCE):
        worst = float(norms[np.argmax(np.abs(norms - 1.0))])
        raise ValueError(
            f"vectors must be L2-normalised (found a norm of {worst:.4f}); "
            "normalise them before adding or searching"
        )
