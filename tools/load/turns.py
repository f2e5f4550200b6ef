"""What one assistant turn costs: sequential questions, CPU by process.

``python -m tools.load.turns`` starts the stack as the bench does (one gateway
worker, SQLite, in-memory trackers), asks a few unmeasured questions to warm it
up, then asks ``--questions`` questions from ``knowledge/eval/dev.yml`` one after
another (``--per-conversation`` in each new conversation), never two at once.
It prints each process's CPU time per turn and the latency p50/p95 as JSON, so
a change to one process can be measured before and after without the whole
``make bench``.

With ``--py-spy PATH`` (a py-spy executable; py-spy is not one of the project's
requirements) each process is also sampled while it answers, and the collapsed
stacks go to ``var/load/turns/profile/<role>.txt`` for a flame graph or a grep.
"""

import argparse
import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tools.load import machine
from tools.load.bench import STACK_ENV, STATE_DIR
from tools.load.ledger import Ledger
from tools.load.questions import load_texts
from tools.load.resident import GatewayResident, new_conversation
from tools.load.stats import Latencies
from tools.stack import Stack, free_port

logger = logging.getLogger(__name__)

OUTPUT_DIR = STATE_DIR / "turns"
PROFILE_DIR = OUTPUT_DIR / "profile"
WARM_UP_QUESTIONS = 4
REPLY_TIMEOUT = 60.0


async def ask_in_turn(
    base_url: str, texts: list[str], per_conversation: int
) -> Latencies:
    """Ask every text one after another, ``per_conversation`` in each chat."""
    latencies = Latencies()
    ledger = Ledger()
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as http:
        for start in range(0, len(texts), per_conversation):
            conversation_id = await new_conversation(http)
            resident = GatewayResident(base_url, conversation_id, ledger)
            await resident.open()
            try:
                for text in texts[start : start + per_conversation]:
                    latencies.add(await resident.ask(text, REPLY_TIMEOUT))
            finally:
                await resident.close()
    return latencies


def start_profilers(
    py_spy: Path, roles: dict[str, int]
) -> list[subprocess.Popen[bytes]]:
    """One ``py-spy record`` per process, writing collapsed stacks."""
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    profilers = []
    for role, pid in roles.items():
        command = [
            str(py_spy),
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            "200",
            "--nonblocking",
            "--output",
            str(PROFILE_DIR / f"{role}.txt"),
        ]
        profilers.append(
            subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
    time.sleep(1.0)  # py-spy attaches before the first question
    return profilers


def stop_profilers(profilers: list[subprocess.Popen[bytes]]) -> None:
    """Stop each sampler with SIGINT, which makes py-spy write its file."""
    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)
    for profiler in profilers:
        try:
            profiler.wait(timeout=30)
        except subprocess.TimeoutExpired:
            profiler.kill()


def measure(
    stack: Stack,
    texts: list[str],
    warm: list[str],
    per_conversation: int,
    py_spy: Path | None,
) -> dict[str, Any]:
    """Ask ``warm``, then ``texts`` in turn; CPU per turn by role and latency."""
    roles = {name: process.pid for name, process in stack.processes.items()}
    roles["tool"] = os.getpid()

    asyncio.run(ask_in_turn(stack.gateway_url, warm, per_conversation))

    profilers = start_profilers(py_spy, roles) if py_spy else []
    load_before = machine.load_average()
    before = {role: machine.cpu_seconds(pid) for role, pid in roles.items()}
    window = machine.CpuWindow(list(roles.values()))
    window.start(time.monotonic())
    started = time.monotonic()
    latencies = asyncio.run(ask_in_turn(stack.gateway_url, texts, per_conversation))
    seconds = time.monotonic() - started
    cpu = window.finish(time.monotonic())
    spent = {
        role: machine.cpu_seconds(pid) - before[role] for role, pid in roles.items()
    }
    stop_profilers(profilers)

    turns = len(latencies.samples)
    per_turn = {role: round(1000 * used / turns, 1) for role, used in spent.items()}
    per_turn["total"] = round(sum(per_turn.values()), 1)
    return {
        "turns": turns,
        "per_conversation": per_conversation,
        "seconds": round(seconds, 1),
        "cpu_ms_per_turn": per_turn,
        "latency": latencies.summary(),
        "load_before": load_before,
        "load_after": machine.load_average(),
        **cpu,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.load.turns", description=__doc__
    )
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--per-conversation", type=int, default=3)
    parser.add_argument("--py-spy", type=Path, help="a py-spy executable")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the stack's processes (repeatable)",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)

    texts = load_texts()
    if len(texts) < 2 * max(args.questions, WARM_UP_QUESTIONS):
        parser.error(f"the dev set holds only {len(texts)} questions")
    # Evenly spaced through the file, so every service area is asked about;
    # the warm-up questions come from between the measured ones.
    step = len(texts) // args.questions
    measured = texts[::step][: args.questions]
    warm = texts[step // 2 :: step][:WARM_UP_QUESTIONS]

    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    database = OUTPUT_DIR / "turns.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    extra = dict(item.split("=", 1) for item in args.env)
    stack = Stack(
        gateway_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        oidc_port=free_port(),
        pay_port=free_port(),
        var=OUTPUT_DIR / "stack",
        extra_env={**STACK_ENV, "DATABASE_URL": f"sqlite:///{database}", **extra},
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        stack.start()
        stack.wait_ready(timeout=900)
        result = measure(stack, measured, warm, args.per_conversation, args.py_spy)
    finally:
        stack.stop()

    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
