"""Fixtures: the payment sandbox as a real process, and the payment routes served
by uvicorn on a real socket where the sandbox sends its webhooks.

The sandbox runs once per session; each test that takes ``gateway`` serves the
payment routes on the session's webhook port, on the test's own event loop and
database (SQLite and PostgreSQL, from ``tests/council/conftest.py``).
"""

import asyncio
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import uvicorn
from fastapi import FastAPI, Request, Response
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.database import create_engine, create_tables
from council.payments import (
    PayClient,
    PaymentAttempt,
    PaymentService,
    PriceList,
    SampleCharges,
)
from council.payments.models import (
    payment_refunds,
    payment_status_changes,
    payment_webhook_messages,
    payments,
)
from tests.council import conftest as council_databases
from tools.pay_sandbox.process import SandboxProcess
from tools.stack import free_port
from webchat import errors
from webchat.api import payments as payment_routes

# The databases of the council services' tests: each test taking ``engine``
# runs on SQLite and on PostgreSQL.
postgres_server = council_databases.postgres_server
postgres_session_url = council_databases.postgres_session_url
database_url = council_databases.database_url


@pytest_asyncio.fixture(loop_scope="function")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated database whose payment tables are empty.

    Only the payment tables are emptied: emptying every table of the shared
    PostgreSQL database, as the enquiry tests do, costs over half a second.
    """
    made = create_engine(database_url)
    await create_tables(made)
    if made.dialect.name == "postgresql":
        async with made.begin() as connection:
            for table in PAYMENT_TABLES:
                await connection.execute(delete(table))

    yield made
    await made.dispose()


# After the sample PCNs' discount period, so full amounts apply.
TODAY = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

SUCCESS_CARD = "4444333322221111"
DECLINED_CARD = "4000000000000002"
PCN = {
    "kind": "penalty_charge_notice",
    "pcn_number": "CO12345678",
    "vehicle_registration": "AB12 CDE",
}
# Children first, so the foreign keys hold at every step.
PAYMENT_TABLES = (
    payment_refunds,
    payment_status_changes,
    payment_webhook_messages,
    payments,
)
FORM_ACTION = re.compile(r"<form method='post' action='([^']+)'")


@dataclass
class WebhookPort:
    port: int
    secret: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="session")
def webhook_port() -> WebhookPort:
    return WebhookPort(free_port(), secrets.token_hex(16))


@pytest.fixture(scope="session")
def sandbox_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pay-sandbox") / "sandbox.log"


@pytest.fixture(scope="session")
def sandbox(webhook_port: WebhookPort, sandbox_log: Path) -> Iterator[SandboxProcess]:
    running = SandboxProcess(
        port=free_port(),
        webhook_url=f"{webhook_port.url}/payments/webhook",
        webhook_secret=webhook_port.secret,
        api_key="api_test_" + secrets.token_hex(16),
        # The suite creates payments faster than GOV.UK Pay's 15 a second on a
        # quiet machine, and its client retries within milliseconds; the 429
        # path is tested through the sandbox's fault injection instead.
        rate_limit=1000,
    )
    running.start(sandbox_log)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def make_client(sandbox: SandboxProcess, **options: object) -> PayClient:
    values: dict[str, object] = {
        "timeout_seconds": 5.0,
        "first_wait_seconds": 0.01,
        "max_wait_seconds": 0.05,
    }
    values.update(options)
    return PayClient(sandbox.url, sandbox.api_key, **values)  # type: ignore[arg-type]


@pytest_asyncio.fixture(loop_scope="function")
async def client(sandbox: SandboxProcess) -> AsyncIterator[PayClient]:
    made = make_client(sandbox)
    yield made
    await made.aclose()


@dataclass
class Finished:
    """The attempts the service reported finished, in order."""

    attempts: list[PaymentAttempt] = field(default_factory=list)

    async def __call__(self, attempt: PaymentAttempt) -> None:
        self.attempts.append(attempt)


@pytest.fixture
def finished() -> Finished:
    return Finished()


def charges() -> SampleCharges:
    return SampleCharges.load(prices=PriceList.load(), clock=lambda: TODAY)


@pytest.fixture
def service(
    engine: AsyncEngine,
    client: PayClient,
    webhook_port: WebhookPort,
    finished: Finished,
) -> PaymentService:
    return PaymentService(
        engine=engine,
        client=client,
        charges=charges(),
        return_base_url=webhook_port.url,
        webhook_secrets=[webhook_port.secret],
        on_finished=finished,
    )


@dataclass
class Gateway:
    """The payment routes on a real socket, and the webhooks they received."""

    url: str
    deliveries: list[tuple[bytes, str | None]]
    engine: AsyncEngine

    async def webhook_messages(self, payment_id: str) -> list[tuple[str, str]]:
        """(event type, outcome) of each webhook handled for ``payment_id``."""
        query = (
            select(
                payment_webhook_messages.c.event_type,
                payment_webhook_messages.c.outcome,
            )
            .where(payment_webhook_messages.c.resource_id == payment_id)
            .order_by(payment_webhook_messages.c.received_at)
        )
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [(row.event_type, row.outcome) for row in rows]

    async def wait_for_webhooks(
        self, payment_id: str, events: set[str], timeout: float = 10.0
    ) -> list[tuple[str, str]]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            handled = await self.webhook_messages(payment_id)
            if events <= {event for event, _ in handled}:
                return handled
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"webhooks {events} not handled: {handled}")
            await asyncio.sleep(0.05)


def payments_app(
    service: PaymentService, deliveries: list[tuple[bytes, str | None]]
) -> FastAPI:
    """The gateway's payment routes and error handling, recording each webhook
    request as it arrived (so a test can replay or alter a real delivery)."""
    app = FastAPI()
    errors.install_handlers(app)
    app.include_router(payment_routes.router)
    app.state.payments = service

    @app.middleware("http")
    async def keep_webhooks(request: Request, call_next: object) -> Response:
        if request.url.path == "/payments/webhook":
            body = await request.body()
            deliveries.append((body, request.headers.get("Pay-Signature")))
        return await call_next(request)  # type: ignore[operator,no-any-return]

    return app


@pytest_asyncio.fixture(loop_scope="function")
async def gateway(
    service: PaymentService, webhook_port: WebhookPort, engine: AsyncEngine
) -> AsyncIterator[Gateway]:
    deliveries: list[tuple[bytes, str | None]] = []
    config = uvicorn.Config(
        payments_app(service, deliveries),
        host="127.0.0.1",
        port=webhook_port.port,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)

    yield Gateway(webhook_port.url, deliveries, engine)

    server.should_exit = True
    await task


@pytest_asyncio.fixture(loop_scope="function")
async def payer() -> AsyncIterator[httpx.AsyncClient]:
    """The payer's browser: follows nothing by itself, so each step is seen."""
    async with httpx.AsyncClient(timeout=10.0, follow_redirects=False) as browser:
        yield browser


async def pay_with_card(
    payer: httpx.AsyncClient, next_url: str, card_number: str, cvc: str = "123"
) -> httpx.Response:
    """Open the hosted page, fill in the card form, submit it; the response is
    the page's answer (a 303 to the return URL once the payment finished)."""
    page = await payer.get(next_url)
    assert page.status_code == 200, page.text
    action = FORM_ACTION.search(page.text)
    assert action is not None, page.text

    return await payer.post(
        httpx.URL(next_url).join(action.group(1)),
        data={
            "card_number": card_number,
            "expiry_month": "12",
            "expiry_year": str(TODAY.year + 3),
            "cardholder_name": "Morwenna Trevithick",
            "cvc": cvc,
            "action": "pay",
        },
    )


async def payments_at_sandbox(sandbox: SandboxProcess) -> int:
    async with httpx.AsyncClient() as http:
        return int((await http.get(sandbox.url + "/healthz")).json()["payments"])


async def add_fault(
    sandbox: SandboxProcess, status: int, times: int, after_processing: bool = False
) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(
            sandbox.url + "/_sandbox/faults",
            json={
                "status": status,
                "times": times,
                "after_processing": after_processing,
            },
            headers={"Authorization": f"Bearer {sandbox.api_key}"},
        )
        response.raise_for_status()


async def move_sandbox_clock(sandbox: SandboxProcess, seconds: float) -> None:
    """Move the sandbox's time on: its unfinished payments age by ``seconds``."""
    async with httpx.AsyncClient() as http:
        response = await http.post(
            sandbox.url + "/_sandbox/clock",
            json={"advance_seconds": seconds},
            headers={"Authorization": f"Bearer {sandbox.api_key}"},
        )
        response.raise_for_status()
