"""The resident widget in Debian's Chromium through every state of a chat.

The adviser's side is driven over the agents' websocket, as the console drives
it, so these tests look at the widget alone: quick replies, the queue, typing
indicators both ways, an adviser's links, the end of the chat with its rating and
transcript, what a screen reader hears, axe-core in each state, keyboard use,
visible focus and reflow at 400% zoom.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from websockets.sync.client import ClientConnection

from tests.e2e.test_handoff import agent_frames_until, agent_socket, signed_in_browser
from tests.e2e.test_widget_browser import CHROMIUM, CHROMIUM_ARGS, axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PRIYA = "priya.shah@council.example"
SLOW = 60_000  # Rasa on a busy two-core CI machine
COMMENT_MAX = 1200


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
    context = browser.new_context(accept_downloads=True)
    opened = context.new_page()
    opened.goto(stack.gateway_url + "/")
    expect(opened.get_by_role("status")).to_contain_text("Connected", timeout=30_000)
    yield opened
    context.close()


class Adviser:
    """Priya at the console, as frames on the agents' socket."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    def send(self, **frame: Any) -> None:
        self.socket.send(json.dumps(frame))

    def wait_for(self, done) -> dict[str, Any]:
        return agent_frames_until(self.socket, done)[-1]

    def accept(self, conversation_id: str) -> None:
        self.wait_for(
            lambda f: (
                f["type"] == "queues"
                and any(conversation_id in q["waiting"] for q in f["queues"])
            )
        )
        self.send(type="accept", conversation_id=conversation_id)
        self.wait_for(lambda f: f["type"] == "transcript")


@pytest.fixture()
def adviser(stack) -> Iterator[Adviser]:
    browser = signed_in_browser(stack, PRIYA)
    with agent_socket(stack, browser) as socket:
        agent_frames_until(socket, lambda f: f["type"] == "queues")
        yield Adviser(socket)
    browser.close()


def conversation_of(page: Page) -> str:
    return str(
        page.evaluate(
            """() => localStorage.getItem(Object.keys(localStorage)
                   .find(key => key.endsWith(":conversation")))"""
        )
    )


def announcements(page: Page) -> list[str]:
    """What the widget's live region has said (its latest few lines)."""
    return page.locator("[data-council-chat-announcer] p").all_inner_texts()


def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab until the focused element's text or label is ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => (document.activeElement.innerText ||
                      document.activeElement.getAttribute('aria-label') ||
                      document.activeElement.id || '').trim()"""
        )
        if focused == name:
            return
    raise AssertionError(f"{name!r} never took the focus")


FOCUS_IS_VISIBLE = """() => {
    const el = document.activeElement;
    const yellow = 'rgb(255, 221, 0)';
    const seen = (style) => style.backgroundColor === yellow ||
        (style.outlineStyle !== 'none' && style.outlineColor === yellow) ||
        style.boxShadow.includes(yellow);
    if (el.type === 'radio') {
        return seen(getComputedStyle(el.labels[0], '::before'));
    }
    return seen(getComputedStyle(el));
}"""

IN_VIEW = """() => {
    const box = document.activeElement.getBoundingClientRect();
    return box.bottom > 0 && box.top < innerHeight && box.right > 0 &&
        box.left < innerWidth;
}"""


def widget_tab_stops(page: Page) -> list[str]:
    """Tab through the widget from its heading; check each stop as it goes."""
    page.locator("#council-chat-title").evaluate(
        "title => { title.tabIndex = -1; title.focus(); }"
    )
    stops = []
    for _ in range(30):
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "() => !!document.activeElement.closest('.council-chat')"
        )
        if not inside:
            break
        name = page.evaluate(
            "() => document.activeElement.id || document.activeElement.innerText"
        )
        assert page.evaluate(FOCUS_IS_VISIBLE), f"no visible focus on {name!r}"
        assert page.evaluate(IN_VIEW), f"{name!r} is out of view when focused"
        stops.append(str(name))
    return stops


def test_widget_from_question_to_rating_is_accessible_in_every_state(
    page: Page, adviser: Adviser
):
    assert axe_violations(page) == []  # idle

    tab_to(page, "council-chat-input")
    page.keyboard.type("What can you do?")
    page.keyboard.press("Enter")
    suggested = page.get_by_role("group", name="Suggested replies")
    expect(suggested).to_be_visible(timeout=SLOW)
    expect(page.locator(".council-chat__sending")).to_have_count(0)
    spoken = [s for s in announcements(page) if not s.endswith("is typing…")]
    assert len(spoken) == 1 and spoken[0].startswith("Assistant: ")
    assert axe_violations(page) == []  # answered, with quick replies
    assert "council-chat-input" in widget_tab_stops(page)

    page.get_by_role("button", name="Speak to a person").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your message")).to_be_focused()
    expect(page.locator(".council-chat__queue")).to_contain_text(
        "in the queue", timeout=SLOW
    )
    expect(suggested).to_have_count(0)  # only the latest turn's buttons are offered
    assert axe_violations(page) == []  # queued

    conversation_id = conversation_of(page)
    adviser.accept(conversation_id)
    expect(
        page.get_by_role("heading", name="Chat with Priya Shah from the council")
    ).to_be_visible()
    expect(page.locator(".council-chat__queue")).to_be_hidden()
    adviser.send(type="typing", conversation_id=conversation_id)
    expect(page.locator(".council-chat__typing")).to_have_text("Priya Shah is typing…")
    expect(page.locator("[data-council-chat-announcer]")).to_contain_text(
        "Priya Shah is typing…"
    )
    adviser.send(
        type="message",
        conversation_id=conversation_id,
        client_message_id="links-1",
        text="Read https://council.example/bins or [our waste page]"
        "(https://council.example/waste).",
    )
    said = page.locator(".council-chat__message--agent").last
    links = said.get_by_role("link")
    expect(links).to_have_count(2)
    expect(page.locator(".council-chat__typing")).to_be_hidden()
    assert links.nth(0).get_attribute("href") == "https://council.example/bins"
    assert links.nth(1).get_attribute("href") == "https://council.example/waste"
    expect(links.nth(0)).to_have_accessible_name(
        "https://council.example/bins (opens in new tab)"
    )
    expect(links.nth(1)).to_have_accessible_name("our waste page (opens in new tab)")
    assert [s for s in announcements(page) if "Read https" in s] == [
        "Priya Shah: Read https://council.example/bins or our waste page."
    ]
    assert axe_violations(page) == []  # with an adviser

    page.get_by_label("Your message").press_sequentially("thanks")
    typing = adviser.wait_for(lambda f: f["type"] == "typing")
    assert typing["conversation_id"] == conversation_id
    assert typing["author"] == "resident"

    adviser.send(type="close", conversation_id=conversation_id, wrap_up="answered")
    expect(page.get_by_role("heading", name="This chat has ended")).to_be_visible()
    expect(page.get_by_label("Your message")).to_be_hidden()
    assert axe_violations(page) == []  # closed, with the rating form

    page.get_by_role("button", name="Send feedback").click()
    summary = page.locator(".council-chat__error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select how satisfied you are with this chat")
    expect(
        page.get_by_role("group", name="How satisfied are you with this chat?")
    ).to_be_visible()
    fieldset = page.locator(".council-chat__fieldset")
    assert "council-chat-score-error" in (
        fieldset.get_attribute("aria-describedby") or ""
    )
    assert axe_violations(page) == []  # with the error summary

    summary.get_by_role("link").click()
    expect(page.get_by_label("1 – Very dissatisfied")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("4 – Satisfied")).to_be_checked()
    comment = page.get_by_label("Tell us more (optional)")
    comment.fill("x" * (COMMENT_MAX + 1))
    expect(page.locator(".council-chat__count")).to_have_text(
        "You have 1 character too many"
    )
    page.get_by_role("button", name="Send feedback").click()
    expect(summary).to_contain_text("1200 characters or fewer")
    expect(summary).to_be_focused()
    comment.fill("Helpful, thank you.")
    expect(page.locator(".council-chat__count")).to_have_text(
        f"You have {COMMENT_MAX - 19} characters remaining"
    )
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".council-chat__thanks")).to_be_focused()

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the conversation")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "What can you do?" in text
    assert "Priya Shah: Read https://council.example/bins" in text

    shown = page.locator(".council-chat__message").count()
    page.reload()
    expect(page.locator(".council-chat__thanks")).to_be_visible(timeout=30_000)
    expect(page.locator(".council-chat__message")).to_have_count(shown)
    page.wait_for_timeout(1500)
    assert announcements(page) == []  # the replayed history is not read out again

    page.get_by_role("button", name="Start a new chat").click()
    expect(page.get_by_label("Your message")).to_be_focused()
    expect(page.locator(".council-chat__message")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Connected")
    assert conversation_of(page) not in ("None", conversation_id)


def test_widget_reflows_and_keeps_focus_in_view_at_400_percent_zoom_with_an_adviser(
    browser: Browser, stack, adviser: Adviser
):
    # WCAG 1.4.10 and 2.4.11: 1280 CSS pixels at 400% is 320 pixels wide.
    context = browser.new_context(viewport={"width": 320, "height": 256})
    zoomed = context.new_page()
    zoomed.goto(stack.gateway_url + "/")
    expect(zoomed.get_by_role("status")).to_contain_text("Connected", timeout=30_000)
    zoomed.get_by_label("Your message").fill("can I speak to a real person please")
    zoomed.get_by_role("button", name="Send", exact=True).click()
    expect(zoomed.locator(".council-chat__queue")).to_be_visible(timeout=SLOW)
    conversation_id = conversation_of(zoomed)

    adviser.accept(conversation_id)
    adviser.send(
        type="message",
        conversation_id=conversation_id,
        client_message_id="long-1",
        text="A long address: https://council.example/" + "very-long-path-" * 12,
    )
    expect(zoomed.locator(".council-chat__message--agent")).to_have_count(1)
    assert zoomed.evaluate("document.documentElement.scrollWidth") <= 320
    assert "council-chat-input" in widget_tab_stops(zoomed)

    adviser.send(type="close", conversation_id=conversation_id, wrap_up="answered")
    expect(zoomed.get_by_role("heading", name="This chat has ended")).to_be_visible()
    zoomed.get_by_role("button", name="Send feedback").click()
    expect(zoomed.locator(".council-chat__error-summary")).to_be_visible()

    assert zoomed.evaluate("document.documentElement.scrollWidth") <= 320
    stops = widget_tab_stops(zoomed)
    assert "council-chat-score-1" in stops and "council-chat-comment" in stops
    context.close()


def test_widget_offers_to_leave_a_message_when_no_adviser_is_available(page: Page):
    page.get_by_label("Your message").fill("can I speak to a real person please")
    page.get_by_role("button", name="Send", exact=True).click()

    told = page.locator(".council-chat__message--system").last
    expect(told).to_contain_text("No adviser is free", timeout=SLOW)
    expect(page.locator(".council-chat__queue")).to_be_hidden()
    options = told.get_by_role("group", name="Suggested replies").get_by_role("button")
    expect(options.first).to_be_visible()
    assert axe_violations(page) == []

    replies = page.locator(".council-chat__message--bot").count()
    options.first.click()
    expect(page.locator(".council-chat__message--bot")).to_have_count(
        replies + 1, timeout=SLOW
    )
    expect(page.get_by_role("alert")).to_be_hidden()
