"""Run the gateway: ``python -m webchat``."""

import logging

import uvicorn

from council.settings import get_settings
from webchat.app import create_app


def main() -> None:
    settings = get_settings()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    uvicorn.run(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        ws_max_size=1_048_576,
        log_level="info",
    )


if __name__ == "__main__":
    main()
