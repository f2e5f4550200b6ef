"""Run the gateway: ``python -m webchat``."""

import uvicorn

from council import logs
from council.settings import get_settings
from webchat.app import create_app


def main() -> None:
    settings = get_settings()
    logs.configure()
    uvicorn.run(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        ws_max_size=settings.max_request_bytes,
        # Logging is configured above: uvicorn's lines go through it too.
        log_config=None,
    )


if __name__ == "__main__":
    main()
