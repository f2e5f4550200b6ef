"""Start the local provider as a real process, for tests and ``tools.stack``."""

import logging
import os
import ssl
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
class LocalProvider:
    """One provider process on ``port``, keeping its files in ``state_dir``."""

    port: int
    state_dir: Path
    path: str = "/council"
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def issuer(self) -> str:
        return f"https://127.0.0.1:{self.port}{self.path}"

    @property
    def ca_file(self) -> Path:
        return self.state_dir / "ca.pem"

    @property
    def signing_key_pem(self) -> bytes:
        """The provider's private signing key: tests mint tokens with it."""
        return (self.state_dir / "signing-key.pem").read_bytes()

    @property
    def signing_kid(self) -> str:
        return (self.state_dir / "signing-kid").read_text()

    def gateway_environment(self) -> dict[str, str]:
        """The gateway settings that point agents and residents at this provider."""
        return {
            "IDENTITY_CA_FILE": str(self.ca_file),
            "AGENT_OIDC_AUTHORITY": self.issuer,
            "AGENT_CLIENT_ID": "council-console",
            "AGENT_CLIENT_SECRET": DEVELOPMENT_SECRET,
            "RESIDENT_OIDC_AUTHORITY": self.issuer,
            "RESIDENT_CLIENT_ID": "council-webchat",
            "RESIDENT_CLIENT_SECRET": DEVELOPMENT_SECRET,
        }

    def start(self, log_file: Path | None = None) -> None:
        """Start the process; returns at once (see :meth:`wait_ready`)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.ca_file.unlink(missing_ok=True)
        output = open(log_file or self.state_dir / "provider.log", "wb")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tools.oidc_provider",
                "--port",
                str(self.port),
                "--path",
                self.path,
                "--state-dir",
                str(self.state_dir),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        logger.info("Started the local OIDC provider (pid %d)", self.process.pid)

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Poll discovery over TLS, trusting only the provider's own CA."""
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"provider exited with {self.process.returncode}")
            try:
                context = ssl.create_default_context(cafile=str(self.ca_file))
                url = self.issuer + "/.well-known/openid-configuration"
                if httpx.get(url, verify=context, timeout=2.0).status_code == 200:
                    return
            except (OSError, httpx.HTTPError) as error:
                last = error
            time.sleep(0.1)
        raise RuntimeError(f"provider not ready after {timeout}s: {last!r}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            logger.warning("The OIDC provider did not stop in 10 s; killing it")
            self.process.kill()
            self.process.wait()
