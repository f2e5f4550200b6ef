"""Start the payment sandbox as a real process, for tests and ``tools.stack``."""

import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from council.settings import DEVELOPMENT_SECRET

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class SandboxProcess:
    """One sandbox on ``port`` sending webhooks to ``webhook_url`` (if set)."""

    port: int
    webhook_url: str = ""
    webhook_secret: str = DEVELOPMENT_SECRET
    api_key: str = DEVELOPMENT_SECRET
    expiry_seconds: float = 90 * 60
    rate_limit: int = 15
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def gateway_environment(self) -> dict[str, str]:
        """The settings that point the gateway's payment service here."""
        return {
            "PAY_API_URL": self.url,
            "PAY_API_KEY": self.api_key,
            "PAY_WEBHOOK_SECRET": self.webhook_secret,
        }

    def start(self, log_file: Path) -> None:
        """Start the process; returns at once (see :meth:`wait_ready`)."""
        log_file.parent.mkdir(parents=True, exist_ok=True)
        output = open(log_file, "wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tools.pay_sandbox",
                "--port",
                str(self.port),
                "--api-key",
                self.api_key,
                "--webhook-url",
                self.webhook_url,
                "--webhook-secret",
                self.webhook_secret,
                "--expiry-seconds",
                str(self.expiry_seconds),
                "--rate-limit",
                str(self.rate_limit),
            ],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        output.close()
        logger.info("Started the payment sandbox (pid %d)", self.process.pid)

    def wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"sandbox exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError as error:
                last = error
            time.sleep(0.05)
        raise RuntimeError(f"sandbox not ready after {timeout}s: {last!r}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            logger.warning("The payment sandbox did not stop in 10 s; killing it")
            self.process.kill()
            self.process.wait()
