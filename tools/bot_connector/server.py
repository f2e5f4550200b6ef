"""Run the stand-in over HTTPS: in a thread of the test process, or as a process.

The TLS certificate comes from a fresh local test CA (``trustme``), whose PEM is
written to ``state_dir/ca.pem``; the bot trusts it through ``BOT_CA_FILE``.
"""

import threading
import time
from pathlib import Path

import uvicorn

from tools.bot_connector.app import create_connector_app
from tools.bot_connector.service import BotConnector
from tools.oidc_provider.keys import make_tls

DEFAULT_APP_ID = "00000000-0000-0000-0000-00000000b07a"
DEFAULT_TENANT_ID = "11111111-2222-3333-4444-555555555555"
DEFAULT_SECRET = "local-bot-secret-for-the-stand-in"


class LocalBotConnector:
    """The stand-in on ``https://127.0.0.1:{port}``, serving in a thread."""

    def __init__(
        self,
        port: int,
        state_dir: Path,
        bot_endpoint: str,
        *,
        app_id: str = DEFAULT_APP_ID,
        app_secret: str = DEFAULT_SECRET,
        tenant_id: str = DEFAULT_TENANT_ID,
    ):
        self.port = port
        self.state_dir = state_dir
        self.connector = BotConnector(
            base_url=f"https://127.0.0.1:{port}",
            app_id=app_id,
            app_secret=app_secret,
            tenant_id=tenant_id,
            bot_endpoint=bot_endpoint,
        )
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def ca_file(self) -> Path:
        return self.state_dir / "ca.pem"

    def config(self) -> uvicorn.Config:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        tls = make_tls(self.state_dir, self.ca_file)
        return uvicorn.Config(
            create_connector_app(self.connector),
            host="127.0.0.1",
            port=self.port,
            ssl_certfile=str(tls.cert_file),
            ssl_keyfile=str(tls.key_file),
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )

    def start(self) -> "LocalBotConnector":
        self._server = uvicorn.Server(self.config())
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the Bot Connector stand-in did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
