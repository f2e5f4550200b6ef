"""Paying over the real stack: the assistant checks what identifies the bill and
hands it to the payment page; it never shows a payment link of its own and
never takes an amount or card details."""

import httpx
import pytest

from tests.e2e.test_conversation_basics import Chat
from tools.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture()
def chat(stack: Stack, gateway: httpx.Client) -> Chat:
    return Chat(stack, gateway)


def assert_no_link(chat: Chat) -> None:
    assert "http" not in chat.texts()
    assert "card details" in chat.texts()


def test_parking_fine_collects_the_pcn_and_registration(chat):
    chat.say("i got a parking ticket in truro and want to pay it")
    assert "penalty charge notice number" in chat.texts()

    chat.say("it's co12345678")
    assert "registration" in chat.texts()
    chat.say("AB12 CDE")

    assert "CO12345678" in chat.texts()
    assert chat.custom()["payment"] == {
        "kind": "penalty_charge_notice",
        "pcn_number": "CO12345678",
        "vehicle_registration": "AB12CDE",
    }
    assert_no_link(chat)


def test_wrong_pcn_number_twice_gets_help_not_the_same_question(chat):
    chat.say("pay a pcn")
    asked = chat.texts()

    chat.say("CO1234567")
    assert "does not look like a penalty charge notice number" in chat.texts()
    chat.say("no idea sorry")

    assert chat.texts() != asked
    assert "2 letters and then 8 numbers" in chat.texts()
    assert {"/request_human", "/stop"} <= chat.payloads()


def test_council_tax_question_is_answered_then_payment_offered(chat):
    chat.say("i want to pay my council tax")

    first = chat.replies[0]
    assert "council-tax.pay" in {t for s in first["sources"] for t in s["topics"]}
    assert {"/affirm", "/deny"} <= chat.payloads()

    chat.press("/affirm")
    assert "Council Tax account number" in chat.texts()
    assert chat.custom()["sign_in"]["reason"] == "pay_council_tax"

    chat.say("my account number is 12345678")
    assert chat.custom()["payment"] == {
        "kind": "council_tax",
        "council_tax_reference": "12345678",
    }
    assert_no_link(chat)


def test_council_tax_offer_can_be_turned_down(chat):
    chat.say("i want to pay my council tax")

    chat.press("/deny")

    assert "No problem" in chat.texts()
    assert chat.active_form() is None


def test_bulky_waste_collects_items_and_postcode(chat):
    chat.say("can you collect an old sofa")
    assert "What would you like us to collect" in chat.texts()

    chat.say("a sofa and a fridge freezer")
    assert "postcode" in chat.texts()
    chat.say("TR15 2QX")

    payment = chat.custom()["payment"]
    assert payment == {
        "kind": "bulky_waste",
        "items": "a sofa and a fridge freezer",
        "postcode": "TR15 2QX",
    }
    assert_no_link(chat)


def test_stop_mid_payment_sends_nothing(chat):
    chat.say("pay my parking ticket")

    chat.say("stop")

    assert "Nothing has been sent" in chat.texts()
    assert chat.active_form() is None
    assert "payment" not in chat.custom()
