"""A resident signs in mid-conversation; the identity belongs to that chat only."""

import uuid

import httpx
import pytest

from council import identity as assertions
from tests.identity.flows import sign_in
from tests.identity.servers import ThreadedServer
from webchat.identity import chat_key

AMARA = "amara.okafor@residents.example"
GARETH = "gareth.jones@residents.example"


def new_conversation() -> str:
    return uuid.uuid4().hex


def known_to_gateway(gateway: ThreadedServer, conversation_id: str) -> dict:
    return dict(
        httpx.get(f"{gateway.url}/probe/conversations/{conversation_id}").json()
    )


def resident_login(gateway: ThreadedServer, conversation_id: str) -> str:
    return f"{gateway.url}/auth/resident/login?conversation_id={conversation_id}"


@pytest.fixture
def browser(browser: httpx.Client, identity) -> httpx.Client:
    """A browser that started every conversation it signs in to (chat_key)."""
    secret = identity.settings.identity_assertion_secret
    real_get = browser.get

    def get(url, *args, **kwargs):
        if "/auth/resident/login?conversation_id=" in str(url):
            conversation_id = str(url).rsplit("=", 1)[1]
            browser.cookies.set(
                chat_key.COOKIE, chat_key.chat_key(secret, conversation_id)
            )
        return real_get(url, *args, **kwargs)

    browser.get = get  # type: ignore[method-assign]
    return browser


def test_resident_sign_in_refused_for_a_conversation_this_browser_did_not_start(
    gateway: ThreadedServer, provider
) -> None:
    with httpx.Client(timeout=15.0) as stranger:
        response = stranger.get(resident_login(gateway, new_conversation()))

    assert response.status_code == 400


def test_resident_sign_in_links_the_identity_to_the_conversation(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    conversation = new_conversation()
    assert known_to_gateway(gateway, conversation)["resident"] is None

    final = sign_in(browser, resident_login(gateway, conversation), AMARA)

    assert final.status_code == 200
    assert "carry on with your chat" in final.text
    resident = known_to_gateway(gateway, conversation)["resident"]
    assert resident == {
        "subject": "5f0c2d1e-8a4b-4c57-9d1a-0b6e1f2a3c41",
        "name": "Amara Okafor",
        "email": AMARA,
    }


def test_resident_sign_in_gives_an_assertion_for_that_conversation_only(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    conversation, other = new_conversation(), new_conversation()
    sign_in(browser, resident_login(gateway, conversation), AMARA)

    assertion = known_to_gateway(gateway, conversation)["assertion"]

    verified = assertions.verify(assertion, conversation)
    assert verified.name == "Amara Okafor"
    with pytest.raises(assertions.WrongConversationError):
        assertions.verify(assertion, other)
    assert known_to_gateway(gateway, other) == {"resident": None, "assertion": None}


def test_resident_sign_in_to_another_residents_conversation_is_refused(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    conversation = new_conversation()
    sign_in(browser, resident_login(gateway, conversation), AMARA)

    browser.cookies.clear()
    refused = sign_in(browser, resident_login(gateway, conversation), GARETH)

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conversation_signed_in"
    assert known_to_gateway(gateway, conversation)["resident"]["name"] == (
        "Amara Okafor"
    )


def test_resident_signing_in_twice_keeps_the_same_identity(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    conversation = new_conversation()
    sign_in(browser, resident_login(gateway, conversation), GARETH)

    again = sign_in(browser, resident_login(gateway, conversation), GARETH)

    assert again.status_code == 200
    assert known_to_gateway(gateway, conversation)["resident"]["name"] == (
        "Gareth Jones"
    )


def test_resident_sign_in_opens_no_staff_session(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    sign_in(browser, resident_login(gateway, new_conversation()), AMARA)

    assert browser.get(gateway.url + "/auth/me").status_code == 401
    assert browser.get(gateway.url + "/console/api/queue").status_code == 401


def test_resident_login_with_a_malformed_conversation_id_is_refused(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    response = browser.get(resident_login(gateway, "../../etc"))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_sign_in_request"


def test_resident_login_offers_only_residents(
    gateway: ThreadedServer, browser: httpx.Client
) -> None:
    form = browser.get(
        resident_login(gateway, new_conversation()), follow_redirects=True
    )

    assert AMARA in form.text
    assert "priya.shah@council.example" not in form.text
