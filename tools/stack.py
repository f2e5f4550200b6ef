"""Start the whole assistant locally: Rasa, the action server and the gateway.

``make run`` calls ``python -m tools.stack``; the end-to-end tests use
:class:`Stack` to start the same real processes on free ports. Each process logs
to ``var/log/<name>.log``.
"""

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

import httpx

from council.settings import DEVELOPMENT_SECRET
from tools.oidc_provider.process import LocalProvider
from tools.pay_sandbox.process import SandboxProcess

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
APP_PYTHON = Path(sys.executable)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stack:
    """The three processes of the assistant, started and stopped together."""

    gateway_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    oidc_port: int = 9443
    pay_port: int = 9480
    model: Path = ROOT / "models" / "council.tar.gz"
    var: Path = ROOT / "var"
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    provider: LocalProvider | None = None
    pay_sandbox: SandboxProcess | None = None
    commands: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("GATEWAY_RASA_SECRET", DEVELOPMENT_SECRET)
        env.setdefault("RASA_TOKEN", DEVELOPMENT_SECRET)
        env.setdefault("HF_HUB_OFFLINE", "1")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.update(self.identity_provider().gateway_environment())
        env.update(self.payment_sandbox().gateway_environment())
        env.setdefault("SESSION_COOKIE_SECURE", "false")
        env.update(self.extra_env)
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "GATEWAY_PORT": str(self.gateway_port),
                "RASA_URL": f"http://127.0.0.1:{self.rasa_port}",
                "ACTION_SERVER_URL": f"http://127.0.0.1:{self.actions_port}",
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
            }
        )
        return env

    def identity_provider(self) -> LocalProvider:
        """The local OIDC provider that stands in for Entra ID in development."""
        if self.provider is None:
            self.provider = LocalProvider(
                port=self.oidc_port, state_dir=self.var / f"oidc-{self.oidc_port}"
            )
        return self.provider

    def payment_sandbox(self) -> SandboxProcess:
        """The local stand-in for GOV.UK Pay, with its hosted card page."""
        if self.pay_sandbox is None:
            self.pay_sandbox = SandboxProcess(
                port=self.pay_port,
                webhook_url=f"{self.gateway_url}/payments/webhook",
            )
        return self.pay_sandbox

    def start(self) -> None:
        """Start every process; returns at once (see :meth:`wait_ready`)."""
        env = self.environment()
        endpoints = self._write_endpoints(env)
        (self.var / "log").mkdir(parents=True, exist_ok=True)

        provider = self.identity_provider()
        provider.start(self.var / "log" / "oidc-provider.log")
        provider.wait_ready()
        sandbox = self.payment_sandbox()
        sandbox.start(self.var / "log" / "pay-sandbox.log")
        sandbox.wait_ready()

        self._spawn(
            "actions",
            [str(APP_PYTHON), "-m", "actions", "--port", str(self.actions_port)],
            env,
        )
        self._spawn(
            "rasa",
            [
                str(RASA_PYTHON),
                "-m",
                "rasa",
                "run",
                "--model",
                str(self.model),
                "--port",
                str(self.rasa_port),
                "--interface",
                "127.0.0.1",
                "--enable-api",
                "--auth-token",
                env["RASA_TOKEN"],
                "--credentials",
                str(ROOT / "credentials.yml"),
                "--endpoints",
                str(endpoints),
            ],
            env,
        )
        self._spawn("gateway", [str(APP_PYTHON), "-m", "webchat"], env)

    def wait_ready(self, timeout: float = 420.0) -> dict[str, object]:
        """Poll ``/healthz`` until 200; raise with the logs' tails if it never is."""
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                response = httpx.get(self.gateway_url + "/healthz", timeout=5.0)
                last = response.json()
                if response.status_code == 200:
                    return dict(response.json())
            except (httpx.HTTPError, ValueError) as error:
                last = repr(error)
            time.sleep(1.0)
        raise RuntimeError(f"stack not ready after {timeout}s: {last}\n{self.tails()}")

    def stop(self) -> None:
        if self.provider is not None:
            self.provider.stop()
        if self.pay_sandbox is not None:
            self.pay_sandbox.stop()
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in self.processes.items():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop in 15 s; killing it", name)
                process.kill()

    def tails(self, lines: int = 30) -> str:
        parts = []
        for name in self.processes:
            path = self.var / "log" / f"{name}.log"
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {name} ---\n" + "\n".join(text))
        return "\n".join(parts)

    def stop_process(self, name: str) -> None:
        """Stop one process (for fault tests); :meth:`restart_process` undoes it."""
        process = self.processes[name]
        process.terminate()
        process.wait(timeout=15)

    def restart_process(self, name: str) -> None:
        command, env = self.commands[name]
        self._spawn(name, command, env)

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.commands[name] = (command, env)
        log = open(self.var / "log" / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        logger.info("Started %s (pid %d)", name, self.processes[name].pid)

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}\n{self.tails()}"
                )

    def _write_endpoints(self, env: dict[str, str]) -> Path:
        """Rasa's endpoints: the action server, and Redis stores when configured."""
        lines = ["action_endpoint:", f"  url: {env['ACTION_ENDPOINT_URL']}"]

        redis_url = env.get("REDIS_URL", "")
        if redis_url:
            parsed = urlparse(redis_url)
            db = (parsed.path or "/0").lstrip("/") or "0"
            for store in ("tracker_store", "lock_store"):
                lines += [
                    f"{store}:",
                    "  type: redis",
                    f"  url: {parsed.hostname or '127.0.0.1'}",
                    f"  port: {parsed.port or 6379}",
                    f"  db: {db}",
                ]
                if parsed.password:
                    lines.append(f"  password: {parsed.password}")
                lines.append("  key_prefix: council")

        path = self.var / "rasa" / f"endpoints-{self.rasa_port}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
        return path


class Restartable(Protocol):
    processes: dict[str, subprocess.Popen[bytes]]

    def restart_process(self, name: str) -> None: ...

    def tails(self, lines: int = 30) -> str: ...


@dataclass
class Restarts:
    """``make run``'s answer to a process that exits: start it again, within
    reason. A process that keeps exiting stops the stack with its log's tail.

    In production the service manager does this (``Restart=on-failure`` in
    systemd, see docs/operations.md).
    """

    allowed: int = 5
    window_seconds: float = 300.0
    clock: Callable[[], float] = time.monotonic
    recent: dict[str, deque[float]] = field(default_factory=dict)

    def revive(self, stack: Restartable) -> list[str]:
        """Start again every process that has exited; the names restarted."""
        revived = []
        for name, process in list(stack.processes.items()):
            if process.poll() is None:
                continue

            now = self.clock()
            recent = self.recent.setdefault(name, deque())
            while recent and now - recent[0] > self.window_seconds:
                recent.popleft()
            if len(recent) >= self.allowed:
                raise RuntimeError(
                    f"{name} exited {len(recent) + 1} times in "
                    f"{self.window_seconds:.0f} s; stopping\n{stack.tails()}"
                )

            recent.append(now)
            print(
                f"{name} exited with {process.returncode}; starting it again "
                f"(its log: var/log/{name}.log)",
                flush=True,
            )
            stack.restart_process(name)
            revived.append(name)
        return revived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="gateway port")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    stack = Stack(gateway_port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        stack.start()
        print("Starting Rasa, the action server and the gateway (logs in var/log/)…")
        stack.wait_ready()
        url = stack.gateway_url
        print(
            f"\nReady.\n  Chat page:       {url}/\n"
            f"  Agent console:   {url}/console (sign in as a seeded agent)\n"
            f"  Supervisors:     {url}/supervisor\n"
            f"  Payment sandbox: {stack.payment_sandbox().url}\n"
            f"  Health:          {url}/healthz\n"
            f"  REST API:        {url}/api/conversations\n"
            f"  Knowledge API:   {url}/api/knowledge/search?q=council+tax\n"
            f"  API description: {url}/openapi.json\n\nPress Ctrl+C to stop."
        )
        restarts = Restarts()
        while True:
            restarts.revive(stack)
            time.sleep(2)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
