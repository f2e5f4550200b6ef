"""The widget on the demo page, driven in Debian's Chromium by Playwright."""

from collections.abc import Iterator
from pathlib import Path

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


def test_widget_replaces_a_typed_card_number_once_the_gateway_hid_it(page):
    ask(page, "my card is 4444 3333 2222 1111 can I pay")

    mine = page.locator(".council-chat__message--resident").last
    expect(mine).to_contain_text("[card number removed]", timeout=30_000)
    expect(mine).not_to_contain_text("4444 3333")
    expect(page.locator(".council-chat__message--system").last).to_contain_text(
        "hidden what looked like card details"
    )


def test_widget_links_the_national_service_a_question_is_sent_to(page):
    ask(page, "how do i renew my passport")

    answer = page.locator(".council-chat__message--bot").last
    link = answer.get_by_role("link", name="https://www.gov.uk/apply-renew-passport")
    expect(link).to_be_visible(timeout=60_000)
    assert link.get_attribute("href") == "https://www.gov.uk/apply-renew-passport"


def test_widget_explains_an_empty_message_without_sending_it(page):
    expect(page.get_by_role("status")).to_contain_text("Connected", timeout=30_000)

    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("alert")).to_contain_text("Type a message")
    assert page.locator(".council-chat__message").count() == 0


def test_widget_keeps_the_conversation_after_a_reload(page):
    ask(page, "How can I pay my Council Tax?")
    expect(page.locator(".council-chat__message--bot").first).to_be_visible(
        timeout=60_000
    )

    page.reload()

    expect(page.locator(".council-chat__message--bot").first).to_be_visible(
        timeout=30_000
    )
    expect(page.locator(".council-chat__message--resident")).to_have_count(1)


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a",
                                             "wcag21aa", "wcag22aa"]}
        })"""
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def test_widget_page_has_no_axe_violations_before_and_after_an_answer(page):
    expect(page.get_by_role("status")).to_contain_text("Connected", timeout=30_000)
    assert axe_violations(page) == []

    ask(page, "How can I pay my Council Tax?")
    expect(page.locator(".council-chat__message--bot").first).to_be_visible(
        timeout=60_000
    )

    assert axe_violations(page) == []


def test_widget_can_be_used_by_keyboard_alone(page):
    expect(page.get_by_role("status")).to_contain_text("Connected", timeout=30_000)

    page.keyboard.press("Tab")  # skip link
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "council-chat-input":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("How can I pay my Council Tax?")
    page.keyboard.press("Enter")

    expect(page.locator(".council-chat__message--bot").first).to_be_visible(
        timeout=60_000
    )


def test_widget_reflows_at_400_percent_zoom_without_sideways_scrolling(browser, stack):
    # WCAG 1.4.10: 1280 CSS pixels at 400% zoom is a 320 pixel wide viewport.
    context = browser.new_context(viewport={"width": 320, "height": 256})
    zoomed = context.new_page()
    zoomed.goto(stack.gateway_url + "/")
    expect(zoomed.get_by_label("Your message")).to_be_visible(timeout=30_000)

    scroll_width = zoomed.evaluate("document.documentElement.scrollWidth")
    context.close()

    assert scroll_width <= 320
