"""An adviser changes the status of the enquiry they looked up, never another."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from council.database import create_engine
from council.enquiries import EnquiryService
from council.enquiries.records import Location, NewEnquiry
from council.settings import Settings
from tests.e2e.test_console_browser import (  # noqa: F401 (fixtures)
    PRIYA,
    browser,
    contexts,
    sign_in,
)

pytestmark = pytest.mark.e2e


def raise_enquiry(stack, details: str) -> str:
    """An enquiry in the stack's own database, as a resident's report makes it."""

    async def create() -> str:
        url = Settings(database_url=stack.environment()["DATABASE_URL"])
        engine = create_engine(url.async_database_url)
        try:
            enquiry = await EnquiryService(engine).create(
                NewEnquiry(
                    category="roads-and-transport.potholes-and-road-defects",
                    details=details,
                    location=Location(description="Lemon Street, Truro"),
                )
            )
        finally:
            await engine.dispose()
        return enquiry.reference

    # Playwright's sync API runs an event loop in this thread: use another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, create()).result()


def status_of(page, reference: str) -> str:
    body = page.evaluate(
        """async (reference) => {
          const response = await fetch("/api/staff/enquiries/" + reference,
            {credentials: "same-origin"});
          return (await response.json()).status;
        }""",
        reference,
    )
    return str(body)


def test_status_form_changes_only_the_enquiry_on_show(contexts, stack):  # noqa: F811
    looked_up = raise_enquiry(stack, "A deep pothole by the bus stop")
    other = raise_enquiry(stack, "Another pothole near the library")
    priya = sign_in(contexts(), stack, PRIYA)
    priya.get_by_text("Change an enquiry's status").click()
    reference = priya.get_by_label("Enquiry reference")
    reference.fill(looked_up)
    priya.get_by_role("button", name="Look up").click()
    expect(priya.locator("#status-result")).to_contain_text(f"{looked_up} is received")

    reference.fill(other)
    priya.get_by_label("New status").select_option("closed")
    priya.get_by_role("button", name="Change status").click()

    expect(priya.locator("#error")).to_contain_text(f"Look up {other}")
    expect(priya.locator("#status-result")).to_be_hidden()
    assert status_of(priya, other) == "received"

    priya.get_by_role("button", name="Look up").click()
    expect(priya.locator("#status-result")).to_contain_text(f"{other} is received")
    priya.get_by_role("button", name="Change status").click()
    expect(priya.locator("#status-result")).to_contain_text(f"{other} is closed")
    assert status_of(priya, looked_up) == "received"
