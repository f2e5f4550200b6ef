"""The widget on the demo page, driven in Debian's Chromium by Playwright."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser, stack) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    opened.goto(stack.gateway_url + "/")
    yield opened
    context.close()


def ask(page: Page, question: str) -> None:
    expect(page.get_by_role("status")).to_contain_text("Connected", timeout=30_000)
    page.get_by_label("Your message").fill(question)
    page.get_by_role("button", name="Send").click()


def pay_article_urls(stack) -> set[str]:
    articles = httpx.get(stack.gateway_url + "/api/knowledge/articles").json()
    return {a["url"] for a in articles if "council-tax.pay" in a["topics"]}


def test_resident_asks_in_the_widget_and_sees_the_answer_and_its_link(page, stack):
    ask(page, "How can I pay my Council Tax?")

    answer = page.locator(".council-chat__message--bot").first
    expect(answer).to_be_visible(timeout=60_000)
    expect(answer.locator("p").first).not_to_be_empty()
    link = answer.get_by_role("link").first
    href = link.get_attribute("href") or ""
    assert href.split("#", 1)[0] in pay_article_urls(stack)
    expect(link).not_to_be_empty()


def test_widget_shows_markup_typed_by_a_resident_as_text(page):
    typed = '<img src=x onerror="window.hacked=1"><b>bold</b>'

    ask(page, typed)

    mine = page.locator(".council-chat__message--resident").last
    expect(mine).to_contain_text(typed, timeout=30_000)
    assert mine.locator("b, img").count() == 0
    assert page.evaluate("window.hacked") is None


def test_widget_explains_an_empty_message_without_sending_it(page):
    expect(page.get_by_role("status")).to_contain_text("Connected", timeout=30_000)

    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("alert")).to_contain_text("Type a message")
    assert page.locator(".council-chat__message").count() == 0


def test_widget_keeps_the_conversation_after_a_reload(page):
    ask(page, "How can I pay my Council Tax?")
    expect(page.locator(".council-chat__message--bot")).to_have_count(1, timeout=60_000)

    page.reload()

    expect(page.locator(".council-chat__message--bot")).to_have_count(1, timeout=30_000)
    expect(page.locator(".council-chat__message--resident")).to_have_count(1)
