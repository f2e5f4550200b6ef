"""A chat offered to an adviser in the console, in Debian's Chromium.

The resident asks for a person in the widget; the gateway's dispatcher offers the
chat to the only adviser signed in; the console shows the offer (with a
countdown, and no accessibility violations) and the adviser accepts it.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_console_browser import (  # noqa: F401 (fixtures)
    PRIYA,
    SLOW,
    ask_for_a_person,
    browser,
    contexts,
    open_widget,
    sign_in,
)
from tests.e2e.test_widget_browser import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_console_shows_an_offer_and_the_adviser_accepts_it(contexts, stack):  # noqa: F811
    priya = sign_in(contexts(), stack, PRIYA)
    resident = open_widget(contexts(), stack)
    ask_for_a_person(resident, None)

    offer = priya.get_by_role("region", name="Chats offered to you")
    expect(offer).to_contain_text("Chat offered to you", timeout=SLOW)
    expect(offer).to_contain_text("Accept within")
    assert axe_violations(priya) == []

    offer.get_by_role("button", name="Accept offered chat").click()

    expect(priya.locator("#actions")).to_be_visible(timeout=30_000)
    expect(priya.locator("#transcript")).to_contain_text(f"Offered to {PRIYA}")
    expect(offer.get_by_role("button")).to_have_count(0)
    expect(resident.locator(".council-chat")).to_contain_text(
        f"{PRIYA} from the council has joined", timeout=30_000
    )
    expect(resident.locator(".council-chat")).not_to_contain_text("Offered to")
