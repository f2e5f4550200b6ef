"""Benchmark the single view: ``python -m tools.bench_single_view``.

For each county size (1,000 and 100,000 residents by default) it seeds the
silos in a fresh database, rebuilds the resident index (timing the exact keys
and the probabilistic model apart), checks the links against the generated
truth, and times single-view look-ups for signed-in residents and for agents
(p50 and p95 over a fixed sample). It prints a Markdown report with the
command and the machine; ``--write`` puts it in docs/single-view-benchmark.md.

Each size runs on each database asked for: a SQLite file in a temporary
folder, and a PostgreSQL database made for the run on the server
``POSTGRES_TEST_URL`` names (dropped afterwards; skipped with a note when the
server is not reachable). Bounded: the sizes and samples are fixed, and
nothing loops on time.
"""

import argparse
import asyncio
import logging
import os
import platform
import random
import secrets
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import func, make_url, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.database import create_engine, create_tables
from council.identity import VerifiedResident
from council.silos.seed import seed
from council.single_view.index import IndexReport, ResidentIndex
from council.single_view.models import sv_links, sv_people
from council.single_view.service import SingleViewService

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "single-view-benchmark.md"
TODAY = date(2026, 12, 21)
THRESHOLD = 0.95


@dataclass(frozen=True)
class Result:
    residents: int
    database: str
    seed_seconds: float
    rows: int
    index: IndexReport
    precision: float
    recall: float
    resident_p50_ms: float
    resident_p95_ms: float
    agent_p50_ms: float
    agent_p95_ms: float
    lookups: int


async def run_size(url: str, residents: int, lookups: int) -> Result:
    engine = create_engine(url)
    try:
        await create_tables(engine)
        seeded = await seed(
            engine,
            residents,
            seed=7,
            today=TODAY,
            max_enquiries=min(300, residents // 10),
        )
        report = await ResidentIndex(engine).rebuild()
        precision, recall = await _quality(engine, seeded.world)
        resident_ms, agent_ms = await _lookups(engine, lookups)
    finally:
        await engine.dispose()

    return Result(
        residents=residents,
        database=make_url(url).get_backend_name(),
        seed_seconds=seeded.seconds,
        rows=sum(seeded.rows.values()),
        index=report,
        precision=precision,
        recall=recall,
        resident_p50_ms=_percentile(resident_ms, 50),
        resident_p95_ms=_percentile(resident_ms, 95),
        agent_p50_ms=_percentile(agent_ms, 50),
        agent_p95_ms=_percentile(agent_ms, 95),
        lookups=len(resident_ms),
    )


async def _quality(engine: AsyncEngine, world) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Precision and recall of the usable links against the generated truth."""
    async with engine.connect() as connection:
        subjects = dict(
            (
                await connection.execute(select(sv_people.c.id, sv_people.c.subject))
            ).all()
        )
        links = (
            await connection.execute(
                select(
                    sv_links.c.person_id, sv_links.c.silo, sv_links.c.record_id
                ).where(sv_links.c.confidence >= THRESHOLD)
            )
        ).all()
    resident_of_subject = {r.subject: r.id for r in world.residents if r.subject}
    linkable = sum(
        1 for resident in world.truth.values() if world.residents[resident].subject
    )
    judged = [
        (silo, record_id, person_id)
        for person_id, silo, record_id in links
        if (silo, record_id) in world.truth
    ]
    correct = sum(
        1
        for silo, record_id, person_id in judged
        if resident_of_subject.get(subjects[person_id])
        == world.truth[(silo, record_id)]
    )
    return correct / max(len(judged), 1), correct / max(linkable, 1)


async def _lookups(engine: AsyncEngine, count: int) -> tuple[list[float], list[float]]:
    async with engine.connect() as connection:
        people = (
            await connection.execute(
                select(
                    sv_people.c.id,
                    sv_people.c.subject,
                    sv_people.c.email,
                    sv_people.c.name,
                ).order_by(sv_people.c.id)
            )
        ).all()
        total = (
            await connection.execute(select(func.count()).select_from(sv_people))
        ).scalar()
    sample = random.Random(1).sample(people, min(count, int(total or 0)))
    service = SingleViewService(engine)
    expires = int(time.time()) + 3600

    await service.for_agent("bench:warm-up", sample[0].id, "Benchmark warm-up")
    resident_ms, agent_ms = [], []
    for number, person in enumerate(sample):
        verified = VerifiedResident(
            subject=person.subject,
            name=person.name,
            email=person.email,
            conversation_id=f"bench-{number}",
            roles=(),
            expires_at=expires,
        )
        started = time.perf_counter()
        await service.for_resident(verified)
        resident_ms.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await service.for_agent("bench:agent", person.id, "Benchmark look-up")
        agent_ms.append((time.perf_counter() - started) * 1000)
    return resident_ms, agent_ms


def _percentile(values: Sequence[float], percent: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "load average at the end": load,
    }


def report(results: Sequence[Result], command: str, notes: Sequence[str]) -> str:
    import duckdb
    import splink

    lines = [
        "# Single view benchmark",
        "",
        "Made by `tools/bench_single_view.py` (`make bench-single-view`); "
        "regenerate it rather than edit it.",
        "",
        f"- Command: `{command}`",
        f"- Run: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
    ]
    lines += [f"- {key}: {value}" for key, value in machine().items()]
    lines += [
        f"- splink {splink.__version__} on DuckDB {duckdb.__version__}",
        *(f"- {note}" for note in notes),
        "",
        "## Record linkage (rebuild of the resident index)",
        "",
        "| residents | database | people | silo records | exact links "
        "| probabilistic links | usable (>= 0.95) | reading s | exact s "
        "| probabilistic s | writing s | total s | precision | recall |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        index = result.index
        lines.append(
            f"| {result.residents:,} | {result.database} | {index.people:,} "
            f"| {index.records:,} | {index.exact_links:,} "
            f"| {index.probabilistic_links:,} | {index.usable_links:,} "
            f"| {index.seconds_reading:.2f} | {index.seconds_exact:.2f} "
            f"| {index.seconds_probabilistic:.2f} | {index.seconds_writing:.2f} "
            f"| {index.seconds:.2f} | {result.precision:.3f} | {result.recall:.3f} |"
        )
    lines += [
        "",
        "Precision: usable links whose person is the record's true owner. Recall: "
        "records of residents with an online account that got a usable link to "
        "them. Both against the truth the generator keeps and no silo holds.",
        "",
        "## Single-view look-up",
        "",
        "| residents | database | look-ups | resident p50 ms | resident p95 ms "
        "| agent p50 ms | agent p95 ms | seeding s | silo rows |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.residents:,} | {result.database} | {result.lookups} "
            f"| {result.resident_p50_ms:.1f} | {result.resident_p95_ms:.1f} "
            f"| {result.agent_p50_ms:.1f} | {result.agent_p95_ms:.1f} "
            f"| {result.seed_seconds:.1f} | {result.rows:,} |"
        )
    lines += [
        "",
        "A resident look-up is `SingleViewService.for_resident` (find the person by "
        "the verified subject, note the conversation, read every linked silo, "
        "compute the bin days); an agent look-up is `for_agent` (the same read "
        "after writing the audit row). One at a time, after one warm-up call.",
        "",
        "The machine is shared with other sessions and CI: when the load average "
        "is above nproc, every figure here is slowed by waiting for a core, and "
        "runs differ by a factor of two or more. Compare runs only at similar "
        "load.",
        "",
    ]
    return "\n".join(lines)


def _postgres_database() -> tuple[str, psycopg.Connection, str]:
    base = make_url(
        os.environ.get("POSTGRES_TEST_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    admin = psycopg.connect(
        base.set(drivername="postgresql").render_as_string(False), autocommit=True
    )
    name = f"council_bench_{secrets.token_hex(4)}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = base.set(drivername="postgresql+psycopg", database=name).render_as_string(
        False
    )
    return url, admin, name


async def main_async(arguments: argparse.Namespace) -> tuple[list[Result], list[str]]:
    results, notes = [], []
    for residents in arguments.residents:
        for database in arguments.databases:
            if database == "postgresql":
                try:
                    url, admin, name = _postgres_database()
                except psycopg.OperationalError as error:
                    notes.append(f"PostgreSQL skipped: {str(error).strip()}")
                    continue
                try:
                    results.append(await run_size(url, residents, arguments.lookups))
                finally:
                    admin.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(name)
                        )
                    )
                    admin.close()
            else:
                with tempfile.TemporaryDirectory() as folder:
                    url = f"sqlite+aiosqlite:///{folder}/bench.db"
                    results.append(await run_size(url, residents, arguments.lookups))
            print(f"{residents:,} residents on {database} done", file=sys.stderr)
    return results, sorted(set(notes))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark the single view.")
    parser.add_argument("--residents", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument(
        "--databases",
        nargs="+",
        choices=("sqlite", "postgresql"),
        default=["sqlite", "postgresql"],
    )
    parser.add_argument("--write", action="store_true", help=f"write {DOC}")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    command = shlex.join(
        ["python", "-m", "tools.bench_single_view", *(argv or sys.argv[1:])]
    )
    results, notes = asyncio.run(main_async(arguments))
    text = report(results, command, notes)
    print(text)
    if arguments.write:
        DOC.write_text(text)


if __name__ == "__main__":
    main()
