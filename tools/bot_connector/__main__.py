"""Run the stand-in: ``python -m tools.bot_connector --port 9444``.

Prints the gateway settings that point at it. Talk to the gateway with
``curl --cacert var/bot-connector/ca.pem https://127.0.0.1:9444/_control/deliver
-d '{"text": "help", "aad_object_id": "<an object id from the councillor list>"}'``
and read the replies at ``/_control/conversations/<conversation id>``.
"""

import argparse
import logging
from pathlib import Path

import uvicorn

from tools.bot_connector.server import LocalBotConnector

ROOT = Path(__file__).resolve().parent.parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.bot_connector")
    parser.add_argument("--port", type=int, default=9444)
    parser.add_argument(
        "--state-dir", type=Path, default=ROOT / "var" / "bot-connector"
    )
    parser.add_argument("--bot-endpoint", default="http://127.0.0.1:8000/api/messages")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    local = LocalBotConnector(args.port, args.state_dir, args.bot_endpoint)
    server = local.config()
    for name, value in local.connector.gateway_environment().items():
        print(f"{name}={value}")
    print(f"BOT_CA_FILE={local.ca_file}")

    uvicorn.Server(server).run()


if __name__ == "__main__":
    main()
