"""How fast /api/messages answers and replies: ``python -m tests.teams.bench_messages``.

Starts the Bot Connector stand-in and a test gateway on a SQLite file, then
delivers N "help" messages (full token checks, claim, background reply) and N
"my cases" messages one after another, printing the answer time (what the
Bot Connector waits for) and the time until the reply arrives.
"""

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from tests.teams.conftest import PENROSE, gateway_settings
from tests.teams.servers import Gateway
from tools.bot_connector.server import LocalBotConnector
from tools.stack import free_port


async def run(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="teams-bench-"))
    local = LocalBotConnector(free_port(), folder, bot_endpoint="").start()
    settings = gateway_settings(local, f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    gateway = Gateway(settings, free_port()).start()
    connector = local.connector
    connector.bot_endpoint = gateway.messages_url

    try:
        async with httpx.AsyncClient(trust_env=False, timeout=15) as http:
            for text in ("help", "my cases"):
                answers, replies = [], []
                for _ in range(count):
                    conversation = f"a:{uuid.uuid4().hex}"
                    activity = connector.activity(
                        "message", PENROSE, conversation, text=text
                    )
                    started = time.perf_counter()
                    response = await connector.deliver(activity, http=http)
                    answers.append(time.perf_counter() - started)
                    assert response.status_code == 202, response.text
                    while not connector.replies(conversation):
                        await asyncio.sleep(0.001)
                    replies.append(time.perf_counter() - started)
                _report(text, answers, replies)
    finally:
        gateway.stop()
        local.stop()


def _report(text: str, answers: list[float], replies: list[float]) -> None:
    def ms(values: list[float], q: float) -> str:
        return f"{statistics.quantiles(values, n=100)[int(q) - 1] * 1000:.1f}"

    print(
        f"{text!r:>10} x{len(answers)}: answer p50 {ms(answers, 50)} ms, "
        f"p95 {ms(answers, 95)} ms; reply p50 {ms(replies, 50)} ms, "
        f"p95 {ms(replies, 95)} ms"
    )


if __name__ == "__main__":
    asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
