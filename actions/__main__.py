"""Run the action server in one process: ``python -m actions --port 5055``.

rasa-sdk's own entry point runs Sanic's multi-process manager, which refuses to
start once anything in the process has fixed multiprocessing's start method
(loading the embedding model does, through tqdm's lock). The knowledge index must
load once, before the first request, so this runs rasa-sdk's application in a
single process instead.
"""

import argparse

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor

from council import logs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    logs.configure()

    executor = ActionExecutor()
    executor.register_package("actions")

    app = create_app(executor, cors_origins=[])
    app.run(
        host=args.host,
        port=args.port,
        single_process=True,
        access_log=False,
        motd=False,
    )


if __name__ == "__main__":
    main()
