"""Start one stack from the tree on ``PYTHONPATH``; stop it when stdin closes.

``python tools/load/serve_stack.py NAME OUT_DIR [VAR=VALUE ...]``, run with the
working directory and ``PYTHONPATH`` at a checkout of the project: the stack is
that checkout's code, started as the bench starts it (one gateway worker,
SQLite, in-memory trackers) on free ports. When it is ready this prints one
JSON line, the gateway's URL and each process's pid, then waits for stdin to
close. :mod:`tools.load.turns` runs it once per tree it compares, which is why
it is run as a file and imports only what older checkouts have too.
"""

import json
import logging
import sys
from pathlib import Path

from tools.load.bench import STACK_ENV
from tools.stack import Stack, free_port

logger = logging.getLogger(__name__)


def main() -> int:
    name, out_dir = sys.argv[1], Path(sys.argv[2])
    extra = dict(item.split("=", 1) for item in sys.argv[3:])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    var = out_dir / name
    var.mkdir(parents=True, exist_ok=True)
    database = var / "turns.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    stack = Stack(
        gateway_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        oidc_port=free_port(),
        pay_port=free_port(),
        var=var,
        extra_env={**STACK_ENV, "DATABASE_URL": f"sqlite:///{database}", **extra},
    )
    try:
        stack.start()
        stack.wait_ready(timeout=1200)
        pids = {role: process.pid for role, process in stack.processes.items()}
        print(json.dumps({"url": stack.gateway_url, "pids": pids}), flush=True)
        sys.stdin.read()
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
