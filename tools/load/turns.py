"""What one assistant turn costs: sequential questions, CPU by process.

``python -m tools.load.turns`` starts the stack as the bench does (one gateway
worker, SQLite, in-memory trackers), asks a few unmeasured questions to warm it
up, then asks ``--questions`` questions from ``knowledge/eval/dev.yml`` one after
another (``--per-conversation`` in each new conversation), never two at once.
It prints each process's CPU time per turn and the latency p50/p95 as JSON, so
a change to one process can be measured without the whole ``make bench``.

``--baseline DIR`` compares with another checkout of the project (for example
``git worktree add /tmp/base main`` with the ``.venv``, ``.venv-rasa``,
``models`` and ``var`` links the worktree script makes): both stacks run side
by side and get the same questions in turn, ``--rounds`` times, in alternating
order, so that the background load of a shared machine falls on both alike.

With ``--py-spy PATH`` (a py-spy executable; py-spy is not one of the project's
requirements) each process is also sampled while it answers, and the collapsed
stacks go to ``var/load/turns/profile/<side>-<role>.txt``.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from tools.load import machine
from tools.load.bench import STATE_DIR
from tools.load.ledger import Ledger
from tools.load.questions import load_texts
from tools.load.resident import GatewayResident, new_conversation
from tools.load.stats import Latencies
from tools.stack import ROOT

logger = logging.getLogger(__name__)

OUTPUT_DIR = STATE_DIR / "turns"
PROFILE_DIR = OUTPUT_DIR / "profile"
SERVE_STACK = Path(__file__).with_name("serve_stack.py")
WARM_UP_QUESTIONS = 4
REPLY_TIMEOUT = 60.0
READY_TIMEOUT = 1500.0


@dataclass
class Side:
    """One stack under measurement: the checkout it runs and what it spent."""

    name: str
    root: Path
    process: "subprocess.Popen[str] | None" = None
    url: str = ""
    pids: dict[str, int] = field(default_factory=dict)
    latencies: Latencies = field(default_factory=Latencies)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def start(self, env: list[str]) -> None:
        """Start the stack (it takes minutes; see :meth:`wait_ready`)."""
        python = self.root / ".venv" / "bin" / "python"
        log = open(OUTPUT_DIR / f"{self.name}.log", "w")
        environment = {**os.environ, "PYTHONPATH": str(self.root)}
        self.process = subprocess.Popen(
            [str(python), str(SERVE_STACK), self.name, str(OUTPUT_DIR), *env],
            cwd=self.root,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )

    def wait_ready(self) -> None:
        """Read the stack's URL and pids. Raises RuntimeError if it failed."""
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(
                f"the {self.name} stack did not start; see "
                f"{OUTPUT_DIR / (self.name + '.log')}"
            )
        ready = json.loads(line)
        self.url, self.pids = ready["url"], ready["pids"]
        logger.info("%s stack ready at %s", self.name, self.url)

    def stop(self) -> None:
        if self.process is None:
            return
        stdin: IO[str] | None = self.process.stdin
        if stdin is not None:
            stdin.close()
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait(timeout=30)

    def summary(self) -> dict[str, Any]:
        turns = max(len(self.latencies.samples), 1)
        per_turn = {
            role: round(1000 * used / turns, 1)
            for role, used in self.cpu_seconds.items()
        }
        per_turn["total"] = round(sum(per_turn.values()), 1)
        return {
            "root": str(self.root),
            "turns": len(self.latencies.samples),
            "cpu_ms_per_turn": per_turn,
            "latency": self.latencies.summary(),
        }


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


def start_profilers(py_spy: Path, side: Side) -> list["subprocess.Popen[bytes]"]:
    """One ``py-spy record`` per process of ``side``, writing collapsed stacks."""
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    profilers = []
    for role, pid in side.pids.items():
        output = PROFILE_DIR / f"{side.name}-{role}.txt"
        command = [str(py_spy), "record", "--pid", str(pid), "--format", "raw"]
        command += ["--rate", "200", "--nonblocking", "--output", str(output)]
        profilers.append(
            subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        )
    time.sleep(1.0)  # py-spy attaches before the first question
    return profilers


def stop_profilers(profilers: list["subprocess.Popen[bytes]"]) -> None:
    """Stop each sampler with SIGINT, which makes py-spy write its file."""
    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)
    for profiler in profilers:
        try:
            profiler.wait(timeout=30)
        except subprocess.TimeoutExpired:
            profiler.kill()


def measure_round(
    side: Side, texts: list[str], per_conversation: int, py_spy: Path | None
) -> dict[str, Any]:
    """Ask ``texts`` of one side; add to its totals; return the round's figures."""
    profilers = start_profilers(py_spy, side) if py_spy else []
    load_before = machine.load_average()[0]
    before = {role: machine.cpu_seconds(pid) for role, pid in side.pids.items()}
    window = machine.CpuWindow([*side.pids.values(), os.getpid()])
    window.start(time.monotonic())
    latencies = asyncio.run(ask_in_turn(side.url, texts, per_conversation))
    cpu = window.finish(time.monotonic())
    spent = {
        role: machine.cpu_seconds(pid) - before[role] for role, pid in side.pids.items()
    }
    stop_profilers(profilers)

    side.latencies.extend(latencies)
    for role, used in spent.items():
        side.cpu_seconds[role] = side.cpu_seconds.get(role, 0.0) + used
    turns = len(latencies.samples)
    return {
        "side": side.name,
        "load_before": round(load_before, 2),
        **cpu,
        "cpu_ms_per_turn": {
            role: round(1000 * used / turns, 1) for role, used in spent.items()
        },
        "p50_ms": latencies.summary()["p50_ms"],
        "p95_ms": latencies.summary()["p95_ms"],
    }


def questions(count: int) -> tuple[list[str], list[str]]:
    """``count`` questions evenly spaced through the dev set, and the warm-up.

    Evenly spaced so that every service area is asked about; the warm-up
    questions come from between the measured ones.
    """
    texts = load_texts()
    if len(texts) < 2 * max(count, WARM_UP_QUESTIONS):
        raise ValueError(f"the dev set holds only {len(texts)} questions")
    step = len(texts) // count
    return texts[::step][:count], texts[step // 2 :: step][:WARM_UP_QUESTIONS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.load.turns",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--per-conversation", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--baseline", type=Path, help="another checkout to compare")
    parser.add_argument("--py-spy", type=Path, help="a py-spy executable")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the stacks' processes (repeatable)",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)

    measured, warm = questions(args.questions)
    sides = [Side("this", ROOT)]
    if args.baseline is not None:
        sides.insert(0, Side("baseline", args.baseline.resolve()))

    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    rounds = []
    try:
        for side in sides:
            side.start(args.env)
        for side in sides:
            side.wait_ready()
        for side in sides:
            asyncio.run(ask_in_turn(side.url, warm, args.per_conversation))
        for number in range(args.rounds):
            order = sides if number % 2 == 0 else sides[::-1]
            for side in order:
                figures = measure_round(
                    side, measured, args.per_conversation, args.py_spy
                )
                rounds.append({"round": number + 1, **figures})
                logger.info("%s", json.dumps(rounds[-1]))
    finally:
        for side in sides:
            side.stop()

    result = {
        "questions": args.questions,
        "per_conversation": args.per_conversation,
        "rounds": rounds,
        "sides": {side.name: side.summary() for side in sides},
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
