"""The console's single-view panel in Debian's Chromium.

An adviser signed in through the local OIDC provider takes a chat whose
resident signed in: the panel shows the resident's Council Tax balance in a
labelled table, and markup in the resident's name shows as text. After a
reload the console asks for the panel of the chat it shows, and of another
only when the adviser opens it: one audit row per panel.
"""

import asyncio
import ssl
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright, expect
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.enquiries import Location, NewEnquiry
from council.single_view.models import sv_people, sv_view_audit
from tests.e2e.test_widget_browser import CHROMIUM, CHROMIUM_ARGS
from tests.identity.flows import sign_in
from tests.single_view.conftest import County
from tests.single_view.console_gateway import (
    CATHERINE,
    OTHER_CATHERINE,
    Console,
    provider,
    serve_console,
)
from tools.oidc_provider.process import LocalProvider

__all__ = ["provider"]

pytestmark = pytest.mark.browser

MARKUP = '<img src=x onerror="window.hacked=1">Kate<script>window.hacked=2</script>'
PRIYA = "priya.shah@council.example"


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest, database_url: str) -> str:
    """One database is enough for what the browser shows."""
    return database_url


@pytest_asyncio.fixture(loop_scope="function")
async def console(
    database_url: str, county: County, provider: LocalProvider
) -> AsyncIterator[Console]:
    async with serve_console(database_url, provider) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="function")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


def session_cookie(console: Console, provider: LocalProvider) -> httpx.Cookies:
    """Sign Priya in as a browser would; returns the gateway's cookies."""
    context = ssl.create_default_context(cafile=str(provider.ca_file))
    with httpx.Client(verify=context, trust_env=False, timeout=15.0) as client:
        sign_in(client, f"{console.url}/auth/login?next=/console", PRIYA)
        return client.cookies


async def test_panel_shows_the_balance_and_markup_in_a_name_as_text(
    console: Console,
    provider: LocalProvider,
    browser: Browser,
    engine: AsyncEngine,
    county: County,
) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            sv_people.update()
            .where(sv_people.c.id == county.catherine)
            .values(name=MARKUP)
        )
    cookies = await asyncio.to_thread(session_cookie, console, provider)
    context = await browser.new_context()
    await context.add_cookies(
        [
            {"name": cookie.name, "value": cookie.value, "url": console.url}
            for cookie in cookies.jar
        ]
    )
    page = await context.new_page()
    await page.goto(console.url + "/console")
    await expect(page.locator("#connection")).to_contain_text("Connected")

    conversation_id = await console.waiting_chat()
    await console.sign_in(conversation_id, CATHERINE)
    await page.locator(f'button[data-conversation-id="{conversation_id}"]').click()

    panel = page.get_by_role("region", name="About the resident")
    await expect(panel).to_be_visible()
    council_tax = panel.get_by_role("table", name="Council Tax")
    await expect(council_tax).to_contain_text("£417.40")
    await expect(
        council_tax.get_by_role("columnheader", name="Balance")
    ).to_be_visible()
    await expect(panel.locator(".console-sv-name")).to_have_text(MARKUP)
    assert await panel.locator("img, script").count() == 0
    assert await page.evaluate("() => window.hacked") is None
    await context.close()


async def test_adviser_moves_an_enquiry_on_from_the_console(
    console: Console, provider: LocalProvider, browser: Browser
) -> None:
    enquiry = await console.services.enquiries.create(
        NewEnquiry(
            category="waste.missed-collection",
            details="Bins not collected on Monday",
            location=Location(postcode="TR1 2AB"),
        )
    )
    cookies = await asyncio.to_thread(session_cookie, console, provider)
    context = await browser.new_context()
    await context.add_cookies(
        [
            {"name": cookie.name, "value": cookie.value, "url": console.url}
            for cookie in cookies.jar
        ]
    )
    page = await context.new_page()
    await page.goto(console.url + "/console")
    await expect(page.locator("#connection")).to_contain_text("Connected")

    await page.get_by_text("Change an enquiry's status").click()
    await page.get_by_label("Enquiry reference").fill(enquiry.reference.lower())
    # The form changes only an enquiry the adviser has looked up and seen.
    await page.get_by_role("button", name="Look up").click()
    result = page.locator("#status-result")
    await expect(result).to_contain_text(f"{enquiry.reference} is received")
    await page.get_by_label("New status").select_option("in progress")
    await page.get_by_label("Note for the enquiry's history").fill("Crew sent")
    await page.get_by_role("button", name="Change status").click()

    await expect(result).to_contain_text(f"{enquiry.reference} is in progress")
    await expect(result).to_contain_text("Crew sent")
    await page.get_by_label("New status").select_option("closed")
    await page.get_by_role("button", name="Change status").click()
    await expect(result).to_contain_text(f"{enquiry.reference} is closed")
    await page.get_by_label("New status").select_option("resolved")
    await page.get_by_role("button", name="Change status").click()
    await expect(page.locator("#error")).to_have_text(
        "An enquiry that is closed cannot be moved to resolved."
    )
    stored = await console.services.enquiries.get(enquiry.reference)
    assert stored is not None and stored.status.value == "closed"
    await context.close()


async def audited(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(
            (
                await connection.execute(
                    select(func.count()).select_from(sv_view_audit)
                )
            ).scalar_one()
        )


async def settled_audit_count(engine: AsyncEngine, expected: int) -> int:
    """The audit count once it reaches ``expected``, read again a moment later
    so a late extra row would show."""
    for _ in range(200):
        if await audited(engine) >= expected:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    return await audited(engine)


async def test_reloaded_console_asks_for_a_panel_only_for_the_chat_shown(
    console: Console,
    provider: LocalProvider,
    browser: Browser,
    engine: AsyncEngine,
) -> None:
    cookies = await asyncio.to_thread(session_cookie, console, provider)
    context = await browser.new_context()
    await context.add_cookies(
        [
            {"name": cookie.name, "value": cookie.value, "url": console.url}
            for cookie in cookies.jar
        ]
    )
    page = await context.new_page()
    await page.goto(console.url + "/console")
    await expect(page.locator("#connection")).to_contain_text("Connected")
    panel = page.get_by_role("region", name="About the resident")
    name = panel.locator(".console-sv-name")
    for resident in (CATHERINE, OTHER_CATHERINE):
        conversation_id = await console.waiting_chat()
        await console.sign_in(conversation_id, resident)
        await page.locator(f'button[data-conversation-id="{conversation_id}"]').click()
        await expect(name).to_have_text(resident.name)
    taken = await settled_audit_count(engine, 2)

    await page.reload()
    await expect(page.locator("#connection")).to_contain_text("Connected")
    await expect(name).to_have_text(CATHERINE.name)
    after_reload = await settled_audit_count(engine, 3)
    await page.locator("#mine button:not([aria-current])").click()
    await expect(name).to_have_text(OTHER_CATHERINE.name)
    after_opening = await settled_audit_count(engine, 4)
    await page.locator("#mine button:not([aria-current])").click()
    await expect(name).to_have_text(CATHERINE.name)
    after_going_back = await settled_audit_count(engine, 4)
    await context.close()

    assert (taken, after_reload, after_opening, after_going_back) == (2, 3, 4, 4)
