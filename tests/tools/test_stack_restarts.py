"""`make run` starts a process that exited again, and gives up on one that
keeps exiting. Real child processes; the clock is the test's."""

import subprocess
import sys

import pytest

from tools.stack import Restarts

EXITS_AT_ONCE = [sys.executable, "-c", "raise SystemExit(3)"]


class Processes:
    """A stack whose one process, "actions", exits as soon as it starts."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.started = 0
        self.restart_process("actions")

    def restart_process(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(EXITS_AT_ONCE)
        self.processes[name].wait(timeout=30)
        self.started += 1

    def tails(self, lines: int = 30) -> str:
        return "--- actions ---\nthe last lines of its log"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_exited_process_is_started_again(capsys) -> None:
    stack = Processes()

    revived = Restarts(clock=Clock()).revive(stack)

    assert revived == ["actions"]
    assert stack.started == 2
    assert "actions exited with 3; starting it again" in capsys.readouterr().out


def test_a_process_that_keeps_exiting_stops_the_stack_with_its_log() -> None:
    stack = Processes()
    restarts = Restarts(allowed=3, window_seconds=60, clock=Clock())
    for _ in range(3):
        restarts.revive(stack)

    with pytest.raises(RuntimeError, match="actions exited 4 times in 60 s"):
        restarts.revive(stack)
    assert stack.started == 4


def test_restarts_long_ago_do_not_count_against_a_process() -> None:
    stack = Processes()
    clock = Clock()
    restarts = Restarts(allowed=3, window_seconds=60, clock=clock)
    for _ in range(3):
        restarts.revive(stack)

    clock.now += 61
    assert restarts.revive(stack) == ["actions"]
