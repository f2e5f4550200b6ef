"""The analytics route and page, served by the real gateway app.

The gateway is ``create_app`` itself, on a real socket, signing staff in through
the local OIDC provider (a real TLS process) and reading a SQLite log seeded by
playing chats through the real services. Only its start-up is skipped: Rasa and
the knowledge index play no part in these figures. The page is driven in
Debian's Chromium.
"""

import asyncio
import base64
import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from council.database import create_engine, create_tables
from tests.e2e.test_widget_browser import CHROMIUM, CHROMIUM_ARGS, axe_violations
from tests.identity.conftest import identity_settings, provider  # noqa: F401
from tests.identity.flows import bearer, mint
from tests.identity.servers import ThreadedServer
from tests.webchat.analytics_chats import SCRIPT, conversation_service, play_a_week
from tools.oidc_provider.process import LocalProvider
from tools.stack import free_port
from webchat.app import create_app
from webchat.identity import IdentityService, build_identity

RUTH = "Ruth Morgan"  # Agent and Supervisor
SUPERVISOR_SUB = "8a3d5f94-1b6c-4e27-9f40-6d2e8b1c7a05"


@dataclass
class GatewayServices:
    """The part of the gateway's services these routes use: sign-in and the log."""

    identity: IdentityService
    engine: AsyncEngine


async def seed(url: str) -> None:
    engine = create_engine(url)
    await create_tables(engine)
    async with conversation_service(engine) as service:
        await play_a_week(service)
    await engine.dispose()


@pytest.fixture(scope="module")
def gateway(
    provider: LocalProvider,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ThreadedServer]:
    database = tmp_path_factory.mktemp("analytics") / "council.db"
    url = f"sqlite+aiosqlite:///{database}"
    # In a thread of its own: Playwright's sync API keeps an event loop running
    # in this one once a browser has started.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, seed(url)).result()

    settings = identity_settings(provider)
    app = create_app(settings)
    # No pool: the server's event loop ends with the server, and no connection
    # may outlive it.
    engine = create_async_engine(url, poolclass=NullPool)
    app.state.services = GatewayServices(build_identity(settings), engine)
    server = ThreadedServer(app, free_port()).start()
    yield server
    server.stop()


def token(issuer: LocalProvider, *roles: str) -> dict[str, str]:
    return bearer(mint(issuer, roles=list(roles)))


def test_the_figures_need_a_sign_in(gateway):
    response = httpx.get(gateway.url + "/api/analytics")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_signed_in"


def test_an_adviser_without_the_supervisor_role_is_refused(gateway, provider):  # noqa: F811
    headers = token(provider, "Agent")

    response = httpx.get(gateway.url + "/api/analytics", headers=headers)
    page = httpx.get(gateway.url + "/supervisor/analytics", headers=headers)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "missing_role"
    assert page.status_code == 403


def test_a_supervisor_gets_the_weeks_figures_uncached(gateway, provider):  # noqa: F811
    response = httpx.get(
        gateway.url + "/api/analytics",
        headers=token(provider, "Agent", "Supervisor"),
    )

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["conversations"] == {
        "started": 5,
        "without_messages": 1,
        "resolved_by_assistant": 3,
        "handed_to_people": 1,
        "assistant_share": 0.75,
    }
    assert body["unanswered"]["questions"][1] == {"text": SCRIPT, "count": 1}
    assert body["satisfaction"]["mean"] == 3.67


@pytest.mark.parametrize(
    "query",
    ["from=2026-13-01", "from=2026-12-05&to=2026-12-01", "to=03/12/2026"],
)
def test_bad_dates_get_the_one_error_shape(gateway, provider, query):  # noqa: F811
    response = httpx.get(
        f"{gateway.url}/api/analytics?{query}",
        headers=token(provider, "Supervisor"),
    )

    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == "invalid_period"
    assert "YYYY-MM-DD" in response.json()["error"]["message"]


def test_the_page_sends_a_stranger_to_sign_in(gateway):
    response = httpx.get(gateway.url + "/supervisor/analytics")

    assert response.status_code == 303
    assert response.headers["location"] == "/auth/login?next=/supervisor/analytics"


def certificate_pin(provider: LocalProvider) -> str:  # noqa: F811
    """The base64 SHA-256 of the provider's TLS key, for Chromium to trust."""
    chain = (Path(provider.state_dir) / "server-chain.pem").read_bytes()
    leaf = x509.load_pem_x509_certificates(chain)[0]
    spki = leaf.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


@pytest.fixture(scope="module")
def browser(provider: LocalProvider) -> Iterator[Browser]:  # noqa: F811
    pin = f"--ignore-certificate-errors-spki-list={certificate_pin(provider)}"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, pin]
        )
        yield launched
        launched.close()


@pytest.fixture()
def supervisor(browser: Browser, gateway: ThreadedServer) -> Iterator[Page]:
    """Ruth signed in on the analytics page, as a supervisor would arrive there."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(gateway.url + "/supervisor/analytics")
    expect(
        page.get_by_role("heading", name="Sign in (local test provider)")
    ).to_be_visible()
    page.get_by_role("button", name=RUTH, exact=True).click()
    page.wait_for_url(gateway.url + "/supervisor/analytics")
    yield page
    context.close()


@pytest.mark.browser
def test_the_page_shows_the_figures_as_charts_and_tables(supervisor):
    page = supervisor
    expect(page.locator("#status")).to_contain_text("Figures for chats started")

    expect(page.locator("#started")).to_have_text("5")
    expect(page.locator("#resolved")).to_have_text("3 (75%)")
    expect(page.locator("#handed")).to_have_text("1")
    expect(page.locator("#mean-rating")).to_have_text("3.7 out of 5")
    expect(page.locator(".analytics-chart svg")).to_have_count(4)
    expect(page.locator("#areas-table tbody tr")).to_have_text(
        ["Bins, rubbish and recycling1"]
    )
    expect(page.locator("#topics-table")).to_contain_text("Council Tax: pay")
    expect(page.locator("#rating-table tbody tr").nth(1)).to_have_text("21")
    expect(page.locator("#supervisor-name")).to_have_text(RUTH)


@pytest.mark.browser
def test_a_question_with_markup_shows_as_text(supervisor):
    page = supervisor
    rows = page.locator("#gaps-table tbody tr")

    expect(rows).to_have_count(2)
    expect(page.locator("#gaps-total")).to_have_text(
        "3 questions could not be answered."
    )
    expect(rows.nth(0).locator("td")).to_have_text(["Can I keep bees?", "2"])
    expect(rows.nth(1).locator("td").first).to_have_text(SCRIPT)
    assert page.locator("#gaps-table script").count() == 0
    assert page.evaluate("window.hacked") is None


@pytest.mark.browser
def test_the_page_has_no_axe_violations(supervisor):
    expect(supervisor.locator("#status")).to_contain_text("Figures for chats started")

    assert axe_violations(supervisor) == []


@pytest.mark.browser
def test_bad_dates_on_the_page_are_explained(supervisor, gateway):
    supervisor.goto(gateway.url + "/supervisor/analytics?from=2026-12-05&to=2026-12-01")

    expect(supervisor.get_by_role("alert")).to_contain_text("YYYY-MM-DD")
    expect(supervisor.locator("#figures")).to_be_hidden()
    assert axe_violations(supervisor) == []
