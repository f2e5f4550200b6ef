"""``python -m knowledge.bench``: how fast search and index builds are.

Measures, on this machine:

1. index build throughput on the real articles (a fresh build, every chunk
   embedded; then a rebuild with nothing changed);
2. query latency (embedding plus search) for each mode, one query at a time,
   with the dev questions as the queries;
3. FAISS flat, HNSW and IVF on synthetic corpora of 100k and 1M sections
   (knowledge.ann_bench), with recall@10 against flat.

and writes docs/search-benchmark.md.
"""

import argparse
import datetime
import functools
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import knowledge.runtime as runtime

runtime.apply_thread_limits()

import numpy as np  # noqa: E402  (after the thread limits, on purpose)

from knowledge.ann_bench import AnnResult, compare_indexes, synthetic_corpus  # noqa: E402
from knowledge.build import BuildReport, build_index, default_articles_dir  # noqa: E402
from knowledge.calibration import SEARCH_MODES  # noqa: E402
from knowledge.embedding import Embedder  # noqa: E402
from knowledge.eval.questions import load_questions  # noqa: E402
from knowledge.eval.run import EVAL_DIR  # noqa: E402
from knowledge.machine import describe_machine  # noqa: E402
from knowledge.search import KnowledgeSearch  # noqa: E402

logger = logging.getLogger(__name__)

DEFAULT_REPORT = Path("docs/search-benchmark.md")
WARM_UP_QUERIES = 10


@dataclass(frozen=True)
class Latency:
    what: str
    queries: int
    p50_ms: float
    p95_ms: float


def measure_queries(search: KnowledgeSearch, queries: list[str]) -> list[Latency]:
    """Time embedding alone, then a full search in each mode, per query."""
    for query in queries[:WARM_UP_QUERIES]:
        search.search(query)

    results = [_time("embedding only", queries, search.embedder.embed_query)]
    for mode in SEARCH_MODES:
        what = f"search, {mode}" + (
            " (BM25 only, no embedding)" if mode == "lexical" else " (with embedding)"
        )
        results.append(_time(what, queries, functools.partial(_search, search, mode)))
    return results


def _search(search: KnowledgeSearch, mode: str, query: str) -> object:
    return search.search(query, mode=mode)


def _time(what: str, queries: list[str], call: Callable[[str], object]) -> Latency:
    timings = []
    for query in queries:
        started = time.perf_counter()
        call(query)
        timings.append((time.perf_counter() - started) * 1000)
    p50, p95 = np.percentile(timings, [50, 95])
    return Latency(what, len(queries), float(p50), float(p95))


def measure_builds(
    articles_dir: Path, index_dir: Path, embedder: Embedder
) -> tuple[BuildReport, BuildReport]:
    """A fresh build into ``index_dir``, then a rebuild with nothing changed."""
    fresh = build_index(articles_dir, index_dir, embedder=embedder)
    unchanged = build_index(articles_dir, index_dir, embedder=embedder)
    return fresh, unchanged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.bench",
        description="Benchmark knowledge search latency, builds and FAISS indexes.",
    )
    parser.add_argument("--articles", type=Path, default=default_articles_dir())
    parser.add_argument("--questions", type=Path, default=EVAL_DIR / "dev.yml")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[100_000, 1_000_000],
        help="synthetic corpus sizes (sections)",
    )
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]

    embedder = Embedder.load()
    with tempfile.TemporaryDirectory(prefix="knowledge-bench-") as scratch:
        index_dir = Path(scratch) / "index"
        fresh, unchanged = measure_builds(args.articles, index_dir, embedder)
        search = KnowledgeSearch.open(index_dir, embedder=embedder)
        questions = [q.text for q in load_questions(args.questions)][: args.queries]
        latencies = measure_queries(search, questions)
        seeds = search.vectors

    # (questions, dim): real questions, first window each, as ANN queries
    query_vectors = embedder.embed_passages(questions)
    rng = np.random.default_rng(20261203)
    ann: list[AnnResult] = []
    for size in args.sizes:
        corpus = synthetic_corpus(seeds, size, rng)
        ann.extend(compare_indexes(corpus, query_vectors))
        del corpus

    command = " ".join(["python -m knowledge.bench", *(argv or sys.argv[1:])])
    write_report(
        args.report,
        command=command,
        fresh=fresh,
        unchanged=unchanged,
        latencies=latencies,
        ann=ann,
        load=(load_before, os.getloadavg()[0]),
        seconds=time.perf_counter() - started,
    )
    return 0


def write_report(
    path: Path,
    *,
    command: str,
    fresh: BuildReport,
    unchanged: BuildReport,
    latencies: list[Latency],
    ann: list[AnnResult],
    load: tuple[float, float],
    seconds: float,
) -> None:
    """Write the benchmark's Markdown report."""
    machine = describe_machine()
    lines = [
        "# Knowledge search benchmark",
        "",
        "Written by `make bench-search` (the command below); do not edit by hand.",
        "",
        f"- Command: `{command}` ({seconds / 60:.1f} minutes)",
        f"- Run on {datetime.date.today().isoformat()}; machine: {machine.markdown()}",
        f"- Threads: {runtime.thread_count()} (`{runtime.THREADS_ENV}`); one-minute "
        f"load average {load[0]:.1f} before, {load[1]:.1f} after (other work on "
        "the machine slows every figure)",
        "",
        "## Index build, real articles",
        "",
        "| build | articles | chunks | embedded | seconds | chunks/s |",
        "|---|---|---|---|---|---|",
        *(
            f"| {name} | {r.articles} | {r.chunks} | {r.embedded} | "
            f"{r.seconds:.1f} | {r.chunks / r.seconds:.0f} |"
            for name, r in (
                ("fresh (all embedded)", fresh),
                ("rebuild, nothing changed", unchanged),
            )
        ),
        "",
        "## Query latency, real articles",
        "",
        "One query at a time, the dev questions as queries, after "
        f"{WARM_UP_QUERIES} warm-up searches.",
        "",
        "| what | queries | p50 ms | p95 ms |",
        "|---|---|---|---|",
        *(
            f"| {x.what} | {x.queries} | {x.p50_ms:.1f} | {x.p95_ms:.1f} |"
            for x in latencies
        ),
        "",
        "## FAISS indexes on synthetic corpora",
        "",
        "Vectors mix two real section vectors at a random ratio plus noise "
        "(knowledge/ann_bench.py); queries are the real dev questions' vectors. "
        "Latency is one query at a time (100 queries); recall@10 is against the "
        "flat index's exact top 10 (all queries).",
        "",
        "| sections | index | build s | p50 ms | p95 ms | recall@10 | size MB |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r.corpus:,} | {r.index} | {r.build_seconds:.1f} | {r.p50_ms:.2f} | "
            f"{r.p95_ms:.2f} | {r.recall:.3f} | {r.memory_mb:.0f} |"
            for r in ann
        ),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    logger.info("benchmark report written to %s", path)


if __name__ == "__main__":
    sys.exit(main())
