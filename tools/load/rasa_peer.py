"""A second Rasa server with Rasa's own socket.io channel, for the comparison.

It loads the same model and calls the same action server as the stack's Rasa.
It is Rasa as a team would run it: the front door differs, and so does the one
change the gateway channel makes to Rasa when it loads (the action response
schema checked once, ``bot/action_validation.py``), which this peer does not
get. Its credentials file is written under ``var/`` (the project's own
credentials.yml lists only the gateway channel).
"""

import logging
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tools.stack import RASA_PYTHON, ROOT, Stack

logger = logging.getLogger(__name__)

# Session persistence stays off: with it on, Rasa 3.6 calls python-socketio's
# ``enter_room`` without awaiting it (a coroutine in the python-socketio 5.18
# that its environment installs), the socket never joins its session's room, and
# every answer goes nowhere.
CREDENTIALS = """\
# Written by tools/load for the benchmark's comparison peer only: Rasa's
# socket.io channel with the one fix it needs to send custom payloads.
tools.load.socketio_channel.PeerSocketIOInput:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: false
"""


@dataclass
class SocketIOPeer:
    """``rasa run`` with the socket.io channel on ``port``, beside ``stack``."""

    stack: Stack
    port: int
    state_dir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the process (call after the stack's start); returns at once."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        credentials = self.state_dir / "credentials-socketio.yml"
        credentials.write_text(CREDENTIALS)
        endpoints = self.stack.var / "rasa" / f"endpoints-{self.stack.rasa_port}.yml"
        log = open(self.state_dir / "rasa-socketio.log", "wb")

        self.process = subprocess.Popen(
            [
                str(RASA_PYTHON),
                "-m",
                "rasa",
                "run",
                "--model",
                str(self.stack.model),
                "--port",
                str(self.port),
                "--interface",
                "127.0.0.1",
                "--credentials",
                str(credentials),
                "--endpoints",
                str(endpoints),
            ],
            cwd=ROOT,
            env=self.stack.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        logger.info("Started the socket.io Rasa peer (pid %d)", self.process.pid)

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Poll the channel's health route until it answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError("the socket.io Rasa peer exited; see its log")
            try:
                response = httpx.get(self.url + "/webhooks/socketio/", timeout=2.0)
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1.0)
        raise RuntimeError(f"the socket.io Rasa peer was not ready in {timeout}s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            logger.warning("The socket.io Rasa peer did not stop in 15 s; killing it")
            self.process.kill()
            self.process.wait()
