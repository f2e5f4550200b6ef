"""Run the payment sandbox: ``python -m tools.pay_sandbox --port 9480``."""

import argparse
import logging

import uvicorn

from council.settings import DEVELOPMENT_SECRET
from tools.pay_sandbox.app import Sandbox, create_sandbox_app
from tools.pay_sandbox.store import Store
from tools.pay_sandbox.webhooks import WebhookSender

logger = logging.getLogger(__name__)

DEFAULT_PORT = 9480


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tools.pay_sandbox", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--public-url",
        default="",
        help="the address payers reach (default http://HOST:PORT)",
    )
    parser.add_argument("--api-key", default=DEVELOPMENT_SECRET, help="the bearer key")
    parser.add_argument("--webhook-url", default="", help="where to send webhooks")
    parser.add_argument(
        "--webhook-secret",
        default=DEVELOPMENT_SECRET,
        help="the webhook signing secret",
    )
    parser.add_argument(
        "--expiry-seconds",
        type=float,
        default=90 * 60,
        help="how long a payer has on the card page (GOV.UK Pay: 90 minutes)",
    )
    parser.add_argument(
        "--rate-limit", type=int, default=15, help="create requests a second (P0900)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    public_url = (args.public_url or f"http://{args.host}:{args.port}").rstrip("/")
    sandbox = Sandbox(
        api_key=args.api_key,
        public_url=public_url,
        webhooks=WebhookSender(url=args.webhook_url, secret=args.webhook_secret),
        store=Store(expiry_seconds=args.expiry_seconds),
        rate_limit=args.rate_limit,
    )
    logger.info(
        "Payment sandbox at %s (webhooks %s)", public_url, args.webhook_url or "off"
    )
    uvicorn.run(
        create_sandbox_app(sandbox),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )


if __name__ == "__main__":
    main()
