"""Thread limits for the numeric libraries the knowledge search uses.

OpenMP, MKL and OpenBLAS read their thread counts from the environment once,
when first loaded, so :func:`prepare_environment` must run before torch or
faiss is imported; ``knowledge/__init__.py`` calls it. :func:`apply_thread_limits`
then sets torch's and faiss's own counters, which also covers a process that
imported torch before this package.

``KNOWLEDGE_THREADS`` chooses the count (default 1). A search embeds one short
query, too little work to share: with two threads the second spends its time
waiting for the first, and on two busy cores a query took about three times
the CPU and longer on the clock than with one (docs/benchmarks.md, "CPU per
turn, before and after"). Building the index embeds thousands of passages in
batches, where ``KNOWLEDGE_THREADS=2`` can help on an idle machine.
"""

import logging
import os

logger = logging.getLogger(__name__)

THREADS_ENV = "KNOWLEDGE_THREADS"
DEFAULT_THREADS = 1

_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

_applied: int | None = None


def thread_count() -> int:
    """Return the thread count from ``KNOWLEDGE_THREADS`` or the default.

    Raises ValueError naming the variable when it is not a positive integer.
    """
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return DEFAULT_THREADS

    try:
        threads = int(raw)
    except ValueError:
        threads = 0
    if threads < 1:
        raise ValueError(f"{THREADS_ENV} must be a positive integer, not {raw!r}")
    return threads


def prepare_environment() -> int:
    """Write the thread count into the variables the native libraries read.

    Also turns off the tokenizers' own thread pool (it warns and deadlocks
    after a fork) and forbids Hugging Face downloads: the model is on disk.
    Returns the thread count.
    """
    threads = thread_count()

    for variable in _THREAD_VARIABLES:
        os.environ[variable] = str(threads)
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    return threads


def apply_thread_limits() -> int:
    """Set torch's and faiss's thread counts; safe to call more than once."""
    global _applied

    threads = prepare_environment()
    if _applied == threads:
        return threads

    import faiss
    import torch

    torch.set_num_threads(threads)
    faiss.omp_set_num_threads(threads)
    _applied = threads

    logger.info("knowledge search uses %d thread(s) (%s)", threads, THREADS_ENV)
    return threads
