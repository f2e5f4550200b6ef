"""What the machine is, how busy it is, and what our own processes cost.

Linux only: everything is read from ``/proc``, so the load tool needs no extra
package. Figures that cannot be read are reported as ``None`` rather than
guessed.
"""

import logging
import os
import platform
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def describe(rasa_python: Path | None = None) -> dict[str, object]:
    """The machine the figures were measured on, for the report."""
    return {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "kernel": platform.release(),
        "python_gateway": platform.python_version(),
        "python_rasa": _python_version(rasa_python),
        "fd_limit": resource.getrlimit(resource.RLIMIT_NOFILE),
    }


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def raise_fd_limit(wanted: int) -> tuple[int, int]:
    """Raise this process's open-file limit to at least ``wanted`` if allowed.

    Child processes inherit the limit, which is how the gateway started by the
    bench gets room for thousands of sockets. Returns the (soft, hard) limit
    now in force; the caller decides whether that is enough.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return soft, hard

    if hard != resource.RLIM_INFINITY and hard < wanted:
        # Only a privileged process may raise the hard limit (CAP_SYS_RESOURCE).
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))
            return resource.getrlimit(resource.RLIMIT_NOFILE)
        except (ValueError, OSError):
            logger.warning(
                "Cannot raise the open-file hard limit from %d to %d; run as a "
                "user allowed to, or raise it with `ulimit -Hn`",
                hard,
                wanted,
            )
            wanted = hard

    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def rss_bytes(pid: int) -> int | None:
    """Resident set size of one process, or None if it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def open_files(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process (0 if it has gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name in field 2 may hold spaces; the fields after it do not.
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def busy_cpu_seconds() -> float:
    """CPU time spent busy by the whole machine since boot, over all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    # guest time is already counted in user time (proc(5)); leave it out.
    return (sum(values[:8]) - idle) / CLOCK_TICKS


@dataclass
class CpuWindow:
    """How much CPU our processes and everything else used over a measurement."""

    pids: list[int]
    started_busy: float = 0.0
    started_ours: float = 0.0
    started_at: float = 0.0

    def start(self, now: float) -> None:
        self.started_at = now
        self.started_busy = busy_cpu_seconds()
        self.started_ours = sum(cpu_seconds(pid) for pid in self.pids)

    def finish(self, now: float) -> dict[str, float]:
        """Cores used on average by our processes and by everyone else."""
        elapsed = max(now - self.started_at, 1e-6)
        busy = busy_cpu_seconds() - self.started_busy
        ours = sum(cpu_seconds(pid) for pid in self.pids) - self.started_ours
        return {
            "ours_cores": round(ours / elapsed, 2),
            "others_cores": round(max(busy - ours, 0.0) / elapsed, 2),
        }


def busiest_processes(
    exclude: set[int], count: int = 6, window: float = 1.0
) -> list[str]:
    """Other processes using the most CPU over ``window`` seconds, as cores.

    Names are the program and, for ``python -m``, the module: never the rest of
    the command line, which may carry keys or tokens.
    """
    before = {pid: cpu_seconds(pid) for pid in _pids() if pid not in exclude}
    time.sleep(window)
    used = sorted(
        ((cpu_seconds(pid) - start, pid) for pid, start in before.items()),
        reverse=True,
    )
    return [
        f"{_program(pid)} {seconds / window:.2f}"
        for seconds, pid in used[:count]
        if seconds > 0.05 * window
    ]


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _program(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [word.decode(errors="replace") for word in argv if word]
    if not words:
        return "?"
    name = Path(words[0]).name
    if "-m" in words[:-1]:
        return f"{name} -m {words[words.index('-m') + 1]}"
    if len(words) > 1 and words[1].endswith(".py"):
        return f"{name} {Path(words[1]).name}"
    if "-c" in words:
        return f"{name} -c"
    return name


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        return None
    return None


def _python_version(python: Path | None) -> str | None:
    if python is None or not python.exists():
        return None
    try:
        output = subprocess.run(
            [str(python), "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return output.stdout.strip().removeprefix("Python ") or None
