"""The agent console and the supervisors' page in Debian's Chromium, on the real stack.

A resident asks for a person in the widget; advisers sign in through the local
OIDC provider in the browser (the console sends them to ``/auth/login``, they pick
themselves on the provider's form and come back), take the chat, note, transfer
and close it; the resident rates the chat and downloads the transcript.
"""

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    WebSocketRoute,
    expect,
    sync_playwright,
)

from tests.e2e.test_widget_browser import CHROMIUM, CHROMIUM_ARGS, axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PRIYA = "Priya Shah"
TOM = "Tom Evans"
RUTH = "Ruth Morgan"  # Agent and Supervisor
MARKUP = '<img src=x onerror="window.hacked=1"><script>window.hacked=2</script>'
SLOW = 60_000  # Rasa on a busy two-core CI machine


def provider_certificate_pin(stack) -> str:
    """The base64 SHA-256 of the local provider's TLS key, for Chromium to trust.

    Chromium trusts exactly this key (``--ignore-certificate-errors-spki-list``)
    rather than ignoring certificate errors altogether.
    """
    chain = (stack.identity_provider().state_dir / "server-chain.pem").read_bytes()
    leaf = x509.load_pem_x509_certificates(chain)[0]
    spki = leaf.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


@pytest.fixture(scope="module")
def browser(stack) -> Iterator[Browser]:
    pin = f"--ignore-certificate-errors-spki-list={provider_certificate_pin(stack)}"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, pin]
        )
        yield launched
        launched.close()


@pytest.fixture()
def contexts(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """New browser contexts (separate cookie jars), all closed after the test."""
    opened: list[BrowserContext] = []

    def open_context() -> BrowserContext:
        context = browser.new_context(accept_downloads=True)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


def sign_in(
    context: BrowserContext,
    stack,
    name: str,
    path: str = "/console",
    before: Callable[[Page], None] | None = None,
) -> Page:
    """Open ``path``, follow the sign-in to the provider, pick ``name``, come back."""
    page = context.new_page()
    if before is not None:
        before(page)
    page.goto(stack.gateway_url + path)
    expect(
        page.get_by_role("heading", name="Sign in (local test provider)")
    ).to_be_visible()
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_url(stack.gateway_url + path)
    expect(page.locator("#connection")).to_contain_text("Connected", timeout=30_000)
    return page


def open_widget(context: BrowserContext, stack) -> Page:
    page = context.new_page()
    page.goto(stack.gateway_url + "/")
    expect(page.get_by_role("status")).to_contain_text("Connected", timeout=30_000)
    return page


def ask(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()


def conversation_of(page: Page) -> str:
    """The widget's conversation id, from where it keeps it (localStorage)."""
    return str(
        page.evaluate(
            """() => localStorage.getItem(Object.keys(localStorage)
                   .find(key => key.endsWith(":conversation")))"""
        )
    )


def ask_for_a_person(resident: Page, question: str | None) -> str:
    if question:
        ask(resident, question)
        expect(resident.locator(".council-chat__message--bot").last).to_be_visible(
            timeout=SLOW
        )
    ask(resident, "can I speak to a real person please")
    expect(resident.locator(".council-chat__queue")).to_contain_text(
        "in the queue", timeout=SLOW
    )
    return conversation_of(resident)


def accept(adviser: Page, conversation_id: str) -> None:
    button = adviser.locator(f'#queues [data-conversation-id="{conversation_id}"]')
    expect(button).to_be_visible(timeout=30_000)
    button.click()
    expect(adviser.locator("#actions")).to_be_visible(timeout=30_000)


def agent_option(adviser: Page, name: str) -> str:
    option = adviser.locator("#transfer-to option", has_text=name)
    expect(option).to_have_count(1, timeout=30_000)
    return str(option.get_attribute("value"))


def test_console_adviser_notes_transfers_and_a_colleague_closes_then_resident_rates(
    contexts, stack
):
    priya = sign_in(contexts(), stack, PRIYA)
    tom = sign_in(contexts(), stack, TOM)
    resident = open_widget(contexts(), stack)
    conversation_id = ask_for_a_person(resident, "How can I pay my Council Tax?")

    accept(priya, conversation_id)
    transcript = priya.locator("#transcript")
    expect(transcript).to_contain_text("How can I pay my Council Tax?")
    expect(transcript.locator(".console-understood").first).to_contain_text("Intent")
    expect(transcript.locator(".console-sources a").first).to_be_visible()
    expect(resident.get_by_role("heading", name=re.compile(PRIYA))).to_be_visible()

    priya.get_by_label("Reply to the resident").press_sequentially("Hello, I am Priya")
    expect(resident.locator(".council-chat__typing")).to_have_text(
        f"{PRIYA} is typing…"
    )
    priya.get_by_role("button", name="Send reply").click()
    expect(resident.locator(".council-chat__message--agent").last).to_contain_text(
        "Hello, I am Priya"
    )

    resident.get_by_label("Your message").press_sequentially("My bin was missed")
    expect(priya.locator("#typing")).to_be_visible()
    resident.get_by_role("button", name="Send", exact=True).click()
    expect(transcript).to_contain_text("My bin was missed")

    priya.get_by_label("Note for advisers").fill("Resident sounds worried")
    priya.get_by_role("button", name="Add private note").click()
    note = transcript.locator(".console-event--note")
    expect(note).to_contain_text("Private note by Priya Shah")
    expect(note).to_contain_text("Resident sounds worried")

    priya.get_by_text("Create an enquiry").click()
    expect(priya.get_by_label("Details")).to_have_value(re.compile("My bin was missed"))
    priya.get_by_label("Category").select_option("council-tax.pay")
    priya.get_by_label("Postcode (optional)").fill("TR1 1AA")
    priya.get_by_role("button", name="Create enquiry").click()
    expect(priya.locator("#enquiry-result")).to_contain_text(re.compile(r"ENQ-\d{4}-"))

    priya.get_by_text("Transfer the chat").click()
    assert axe_violations(priya) == []
    priya.get_by_label("Adviser", exact=True).select_option(agent_option(priya, TOM))
    priya.get_by_role("button", name="Transfer to adviser").click()
    expect(priya.locator("#chat-state")).to_contain_text(
        f"transferred this chat to {TOM}"
    )
    expect(priya.locator("#actions")).to_be_hidden()
    expect(resident.locator(".council-chat__message--system").last).to_contain_text(
        f"{TOM} from the council has joined"
    )

    expect(tom.locator("#mine button").last).to_contain_text("Chat", timeout=30_000)
    tom.locator("#mine button").last.click()
    tom_transcript = tom.locator("#transcript")
    expect(tom_transcript).to_contain_text("My bin was missed")
    expect(tom_transcript.locator(".console-event--note")).to_contain_text(
        "Resident sounds worried"
    )
    tom.get_by_label("Reply to the resident").fill("Tom here. The enquiry is raised.")
    tom.get_by_role("button", name="Send reply").click()
    expect(resident.locator(".council-chat__message--agent").last).to_contain_text(
        "Tom here"
    )
    tom.get_by_label("Wrap-up reason").select_option("enquiry raised")
    tom.get_by_role("button", name="Close chat").click()
    expect(tom.locator("#chat-state")).to_contain_text("closed")

    expect(resident.get_by_role("heading", name="This chat has ended")).to_be_visible()
    assert (
        "Resident sounds worried" not in resident.locator(".council-chat").inner_text()
    )
    resident.get_by_label("4 – Satisfied").check()
    resident.get_by_label("Tell us more (optional)").fill("Quick and kind.")
    resident.get_by_role("button", name="Send feedback").click()
    expect(resident.locator(".council-chat__thanks")).to_be_focused()

    with resident.expect_download() as download:
        resident.get_by_role(
            "link", name=re.compile("Download the conversation")
        ).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "My bin was missed" in text
    assert "Hello, I am Priya" in text
    assert "Tom here. The enquiry is raised." in text
    assert "Resident sounds worried" not in text


def test_console_transfer_to_a_team_puts_the_chat_first_in_its_queue(contexts, stack):
    priya = sign_in(contexts(), stack, PRIYA)
    ruth = sign_in(contexts(), stack, RUTH, path="/supervisor")
    resident = open_widget(contexts(), stack)
    conversation_id = ask_for_a_person(resident, "How can I pay my Council Tax?")
    accept(priya, conversation_id)

    priya.get_by_text("Transfer the chat").click()
    team = priya.get_by_label("Team")
    team_name = team.locator("option").first.inner_text()
    team.select_option(index=0)
    priya.get_by_role("button", name="Transfer to team").click()

    expect(priya.locator("#chat-state")).to_contain_text("transferred this chat")
    expect(resident.locator(".council-chat__queue")).to_contain_text("in the queue")
    waiting = priya.locator(f'[data-conversation-id="{conversation_id}"]')
    expect(waiting).to_have_accessible_name(re.compile(team_name), timeout=30_000)
    expect(priya.locator("#queues li", has=waiting)).to_contain_text("Priority")
    # Other tests' residents may be waiting too: count the priority chats.
    priority = ruth.locator("#waiting tr", has_text=team_name).filter(has_text="Yes")
    expect(priority.first).to_be_visible(timeout=30_000)
    waiting_before = priority.count()
    expect(ruth.locator("#queues tr", has_text=team_name)).to_be_visible()
    expect(ruth.locator("#agents tr", has_text=PRIYA)).to_contain_text("Available")
    assert axe_violations(ruth) == []

    accept(priya, conversation_id)
    expect(priority).to_have_count(waiting_before - 1, timeout=30_000)
    priya.get_by_role("button", name="Hand back to the assistant").click()
    expect(resident.locator(".council-chat__message--system").last).to_contain_text(
        "back with the council's assistant", timeout=30_000
    )


def forward_and_keep(routes: list[WebSocketRoute]) -> Callable[[WebSocketRoute], None]:
    """A websocket route that passes every frame through and lets the test add one."""

    def handler(route: WebSocketRoute) -> None:
        route.connect_to_server()
        routes.append(route)

    return handler


def test_console_and_widget_show_markup_in_messages_names_and_notes_as_text(
    contexts, stack
):
    routes: list[WebSocketRoute] = []
    priya = sign_in(
        contexts(),
        stack,
        PRIYA,
        before=lambda page: page.route_web_socket(
            re.compile(r"/ws/agent$"), forward_and_keep(routes)
        ),
    )
    resident_routes: list[WebSocketRoute] = []
    resident_context = contexts()
    resident_context.route_web_socket(
        re.compile(r"/ws/conversations/"), forward_and_keep(resident_routes)
    )
    resident = open_widget(resident_context, stack)
    conversation_id = ask_for_a_person(resident, None)
    accept(priya, conversation_id)

    ask(resident, MARKUP)
    transcript = priya.locator("#transcript")
    expect(transcript.locator(".console-event--resident").last).to_contain_text(MARKUP)
    priya.get_by_label("Reply to the resident").fill(f"Agent says {MARKUP}")
    priya.get_by_role("button", name="Send reply").click()
    priya.get_by_label("Note for advisers").fill(f"Note {MARKUP}")
    priya.get_by_role("button", name="Add private note").click()
    expect(transcript.locator(".console-event--note")).to_contain_text(f"Note {MARKUP}")
    expect(resident.locator(".council-chat__message--agent").last).to_contain_text(
        f"Agent says {MARKUP}"
    )

    # The resident index and the queues come from the server; frames with markup
    # in a resident's details and an adviser's name are added to the real socket.
    routes[0].send(
        json.dumps(
            {
                "type": "single_view",
                "conversation_id": conversation_id,
                "resident": {"name": MARKUP, "addresses": [MARKUP]},
            }
        )
    )
    routes[0].send(
        json.dumps(
            {
                "type": "queues",
                "queues": [],
                "agents": [
                    {
                        "agent_id": "x",
                        "name": MARKUP,
                        "presence": "available",
                        "chats": 0,
                        "capacity": 2,
                    }
                ],
            }
        )
    )
    expect(priya.locator("#single-view")).to_contain_text(MARKUP)
    expect(priya.locator("#transfer-to option", has_text=MARKUP)).to_have_count(1)

    # An adviser's name reaches the widget in typing frames and events.
    resident_routes[-1].send(
        json.dumps({"type": "typing", "author": "agent", "name": MARKUP})
    )
    expect(resident.locator(".council-chat__typing")).to_have_text(
        f"{MARKUP} is typing…"
    )
    resident_routes[-1].send(
        json.dumps(
            {
                "type": "event",
                "event": {
                    "seq": 1_000_000,
                    "author": "agent",
                    "kind": "message",
                    "agent_name": MARKUP,
                    "text": "Named",
                },
            }
        )
    )
    expect(resident.locator(".council-chat__message--agent").last).to_contain_text(
        f"{MARKUP}:Named"
    )

    for page in (priya, resident):
        assert page.locator("main img, main script:not([src])").count() == 0
        assert page.evaluate("window.hacked") is None

    priya.get_by_role("button", name="Close chat").click()
    with resident.expect_download() as download:
        resident.get_by_role(
            "link", name=re.compile("Download the conversation")
        ).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"Agent says {MARKUP}" in text
    assert f"Note {MARKUP}" not in text


def test_console_shows_no_axe_violations_before_and_with_a_chat(contexts, stack):
    priya = sign_in(contexts(), stack, PRIYA)
    assert axe_violations(priya) == []

    resident = open_widget(contexts(), stack)
    accept(priya, ask_for_a_person(resident, None))
    priya.get_by_text("Create an enquiry").click()
    priya.get_by_role("button", name="Send reply").click()  # shows the error
    expect(priya.get_by_role("alert")).to_contain_text("Type a reply")

    assert axe_violations(priya) == []
    priya.get_by_role("button", name="Close chat").click()
    expect(priya.locator("#chat-state")).to_contain_text("closed")
