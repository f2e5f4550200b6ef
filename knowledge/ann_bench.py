"""Exact and approximate FAISS indexes compared on large synthetic corpora.

A council corpus of a few thousand sections is searched exactly (flat) in
well under a millisecond. This module measures where that stops holding: it
makes corpora of 100k to 1M unit vectors clustered around the real section
vectors (so neighbourhoods look like real ones, unlike uniform noise), and
compares flat inner product with HNSW and IVF on build time, single-query
latency and recall@10 against the flat result.
"""

import logging
import time
from dataclasses import dataclass

import knowledge.runtime as runtime

runtime.apply_thread_limits()

import faiss  # noqa: E402  (after the thread limits, on purpose)
import numpy as np  # noqa: E402

from knowledge.embedding import normalise  # noqa: E402

logger = logging.getLogger(__name__)

RECALL_AT = 10
# Length of the noise added to a seed vector (before normalising): a point
# keeps a cosine of about 0.8 with its seed, and two points from one seed
# about 0.65, as sections of one topic do.
NOISE = 0.75
GENERATION_BATCH = 100_000
MAX_LISTS = 2048
KMEANS_ITERATIONS = 10


@dataclass(frozen=True)
class AnnResult:
    """One index kind on one corpus size; latencies in milliseconds."""

    corpus: int
    index: str
    build_seconds: float
    p50_ms: float
    p95_ms: float
    recall: float
    memory_mb: float


def synthetic_corpus(
    seeds: np.ndarray, size: int, rng: np.random.Generator
) -> np.ndarray:
    """Return (size, dim) unit vectors near the real ones.

    ``seeds`` is (n, dim) of real section vectors. Each point mixes two
    seeds at a random ratio (so points fill the space between topics instead
    of forming n tight clusters) and adds Gaussian noise (see NOISE).
    """
    count, dim = seeds.shape
    corpus = np.empty((size, dim), dtype=np.float32)
    for start in range(0, size, GENERATION_BATCH):
        rows = min(size, start + GENERATION_BATCH) - start
        first = seeds[rng.integers(0, count, rows)]
        second = seeds[rng.integers(0, count, rows)]
        ratio = rng.uniform(0.5, 1.0, (rows, 1)).astype(np.float32)
        noise = rng.standard_normal((rows, dim)).astype(np.float32)
        mixed = ratio * first + (1 - ratio) * second
        corpus[start : start + rows] = normalise(mixed + NOISE / np.sqrt(dim) * noise)
    return corpus


def _latencies(index: faiss.Index, queries: np.ndarray) -> tuple[float, float]:
    """Time one query at a time, as a resident's search arrives."""
    timings = []
    for row in range(queries.shape[0]):
        started = time.perf_counter()
        index.search(queries[row : row + 1], RECALL_AT)
        timings.append((time.perf_counter() - started) * 1000)
    p50, p95 = np.percentile(timings, [50, 95])
    return float(p50), float(p95)


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of the true top-k that an index found; both (queries, k)."""
    hits = [
        len(set(f) & set(t)) / truth.shape[1] for f, t in zip(found, truth, strict=True)
    ]
    return float(np.mean(hits))


def _memory_mb(index: faiss.Index) -> float:
    return faiss.serialize_index(index).nbytes / 2**20


def compare_indexes(
    corpus: np.ndarray,
    queries: np.ndarray,
    *,
    latency_queries: int = 100,
    hnsw_m: int = 16,
    hnsw_ef_construction: int = 40,
    hnsw_ef_search: tuple[int, ...] = (64, 256),
    ivf_nprobe: tuple[int, ...] = (8, 32),
    train_sample: int = 50_000,
    include_hnsw: bool = True,
) -> list[AnnResult]:
    """Build flat, HNSW and IVF over ``corpus`` (n, dim); search ``queries``.

    Recall is against the flat index's exact top 10. IVF trains its
    ``4 * sqrt(n)`` centroids (at most MAX_LISTS) with KMEANS_ITERATIONS
    passes over at most ``train_sample`` vectors, which keeps a
    million-vector run within minutes on two cores.
    """
    size, dim = corpus.shape
    results = []

    started = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(corpus)
    flat_build = time.perf_counter() - started
    _, truth = flat.search(queries, RECALL_AT)
    p50, p95 = _latencies(flat, queries[:latency_queries])
    results.append(
        AnnResult(size, "flat (exact)", flat_build, p50, p95, 1.0, _memory_mb(flat))
    )
    logger.info("flat over %d vectors: p50 %.2f ms", size, p50)
    del flat

    if include_hnsw:
        started = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = hnsw_ef_construction
        hnsw.add(corpus)
        build = time.perf_counter() - started
        logger.info("HNSW over %d vectors built in %.1f s", size, build)
        for ef_search in hnsw_ef_search:
            hnsw.hnsw.efSearch = ef_search
            _, found = hnsw.search(queries, RECALL_AT)
            p50, p95 = _latencies(hnsw, queries[:latency_queries])
            label = f"HNSW (M={hnsw_m}, efSearch={ef_search})"
            recall = _recall(found, truth)
            results.append(
                AnnResult(size, label, build, p50, p95, recall, _memory_mb(hnsw))
            )
        del hnsw

    nlist = min(MAX_LISTS, max(16, int(4 * np.sqrt(size))))
    rng = np.random.default_rng(0)
    sample = corpus[rng.choice(size, min(size, train_sample), replace=False)]
    started = time.perf_counter()
    quantiser = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFFlat(quantiser, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.niter = KMEANS_ITERATIONS
    # A sample of ~30 vectors per list is below FAISS's advice of 39 and it
    # says so; the centroids are good enough for the recall measured here.
    ivf.cp.max_points_per_centroid = max(1, train_sample // nlist + 1)
    ivf.train(sample)
    ivf.add(corpus)
    build = time.perf_counter() - started
    logger.info("IVF%d over %d vectors built in %.1f s", nlist, size, build)
    for nprobe in ivf_nprobe:
        ivf.nprobe = nprobe
        _, found = ivf.search(queries, RECALL_AT)
        p50, p95 = _latencies(ivf, queries[:latency_queries])
        results.append(
            AnnResult(
                size,
                f"IVF{nlist} (nprobe={nprobe})",
                build,
                p50,
                p95,
                _recall(found, truth),
                _memory_mb(ivf),
            )
        )
    del ivf

    return results
