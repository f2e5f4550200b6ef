"""Reporting a problem over the real stack, happy and unhappy paths.

The report form asks for the kind of problem, the place, a description and an
optional email address, then raises a real enquiry. The unhappy paths: a wrong
postcode twice (help instead of a third identical question), a change of mind,
asking for a person, and typed intent syntax in the middle of the form.
"""

import re

import httpx
import pytest

from tests.e2e.test_conversation_basics import Chat
from tools.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture()
def chat(stack: Stack, gateway: httpx.Client) -> Chat:
    return Chat(stack, gateway)


ASK_LOCATION = "Where is the problem?"
REFERENCE = re.compile(r"ENQ-\d{4}-\d{6}")
DATE = re.compile(
    r"by (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} \w+ \d{4}"
)
POTHOLES = "roads-and-transport.potholes-and-road-defects"


def start_pothole_report(chat: Chat) -> None:
    chat.say("there's a massive pothole on my road")
    assert ASK_LOCATION in chat.texts()
    assert chat.slot("problem_category") == POTHOLES


def raise_pothole_report(chat: Chat, email: str) -> str:
    """Report a pothole at TR1 3AY with ``email``; the enquiry reference."""
    start_pothole_report(chat)
    chat.say("TR1 3AY")
    chat.say("a deep hole by the bus stop")
    chat.say(email)
    return REFERENCE.search(chat.texts()).group(0)


def test_pothole_report_raises_an_enquiry_with_reference_and_target_date(chat):
    start_pothole_report(chat)

    chat.say("Fore Street, Redruth, outside the library")
    assert "describe the problem" in chat.texts()
    chat.say("About a foot wide and deep. It's been there since last Tuesday")
    assert "email address" in chat.texts()
    chat.say("jo.bloggs@example.com")

    reference = REFERENCE.search(chat.texts())
    assert reference, chat.texts()
    assert DATE.search(chat.texts()), chat.texts()
    enquiry = chat.custom()["enquiry"]
    assert enquiry["reference"] == reference.group(0)
    assert enquiry["category"] == POTHOLES
    assert chat.active_form() is None


def test_report_can_be_checked_later_by_reference_and_email(chat, stack, gateway):
    reference = raise_pothole_report(chat, "sam.trelawny@example.co.uk")

    checker = Chat(stack, gateway)
    checker.say("can you check on my enquiry")
    checker.say(reference)
    assert "email address" in checker.texts()
    checker.say("Sam.Trelawny@example.co.uk")

    assert f"Enquiry {reference} about potholes and road defects is received" in (
        checker.texts()
    )
    assert checker.custom()["enquiry"] == {"reference": reference, "status": "received"}


def test_reference_in_the_first_message_is_not_asked_for_again(chat, stack, gateway):
    reference = raise_pothole_report(chat, "kensa@example.com")
    number = int(reference.rsplit("-", 1)[1])

    checker = Chat(stack, gateway)
    checker.say(f"whats happening with my report enq 2026 {number}")

    assert "email address" in checker.texts()
    checker.say("kensa@example.com")
    assert f"Enquiry {reference}" in checker.texts()


def test_enquiry_check_with_the_wrong_email_reveals_nothing(chat, stack, gateway):
    reference = raise_pothole_report(chat, "kerensa@example.com")

    checker = Chat(stack, gateway)
    checker.say("check an enquiry")
    checker.say(reference)
    checker.say("someone.else@example.com")

    assert "could not find an enquiry with that reference and email" in (
        checker.texts()
    )
    assert "received" not in checker.texts()


def test_unclear_problem_is_offered_as_category_buttons(chat):
    chat.say("i want to report something")
    assert "What kind of problem" in chat.texts()
    category_button = (
        '/inform{"problem_category": "environment-and-neighbourhood.fly-tipping"}'
    )
    assert category_button in chat.payloads()

    chat.press(category_button)

    assert chat.slot("problem_category") == "environment-and-neighbourhood.fly-tipping"
    assert ASK_LOCATION in chat.texts()


def test_problem_described_in_words_maps_to_a_taxonomy_topic(chat):
    chat.say("report a problem")
    chat.say("loud music from next door every night")

    assert chat.slot("problem_category") == (
        "environment-and-neighbourhood.noise-nuisance"
    )


def test_wrong_postcode_twice_explains_the_format_and_offers_a_way_out(chat):
    start_pothole_report(chat)

    chat.say("TR1 3A")
    first = chat.texts()
    chat.say("TR99 ZZ")
    second = chat.texts()

    assert "does not look like a full UK postcode" in first
    assert ASK_LOCATION in first
    assert ASK_LOCATION not in second
    assert "TR1 3AY" in second
    assert {"/request_human", "/stop"} <= chat.payloads()
    assert chat.custom()["form_help"] == {"slot": "location"}


def test_third_wrong_postcode_stops_the_form_instead_of_asking_again(chat):
    start_pothole_report(chat)
    chat.say("TR1 3A")
    chat.say("TR99 ZZ")

    chat.say("XX9")

    assert ASK_LOCATION not in chat.texts()
    assert "nothing has been sent" in chat.texts()
    assert "/request_human" in chat.payloads()
    assert chat.active_form() is None
    assert chat.slot("enquiry_reference") is None


def test_right_postcode_after_help_carries_on(chat):
    start_pothole_report(chat)
    chat.say("TR1 3A")
    chat.say("TR99 ZZ")

    chat.say("tr13ay")

    assert chat.slot("postcode") == "TR1 3AY"
    assert "describe the problem" in chat.texts()


def test_stop_button_after_help_ends_the_report(chat):
    start_pothole_report(chat)
    chat.say("TR1 3A")
    chat.say("TR99 ZZ")

    chat.press("/stop")

    assert "Nothing has been sent" in chat.texts()
    assert chat.active_form() is None


def test_change_of_mind_mid_form_drops_the_report(chat):
    start_pothole_report(chat)
    chat.say("Fore Street, Redruth")

    chat.say("actually i've changed my mind")

    assert "nothing has been sent" in chat.texts()
    assert "/report_problem" in chat.payloads()
    assert chat.active_form() is None
    assert chat.slot("location") is None


def test_another_task_mid_form_switches_to_it(chat):
    start_pothole_report(chat)

    chat.say("i want to pay a parking fine")

    assert "penalty charge notice number" in chat.texts()
    assert chat.active_form() == "pcn_payment_form"
    assert chat.slot("problem_category") is None


def test_speak_to_a_person_mid_form_asks_for_a_handoff_to_the_right_area(chat):
    start_pothole_report(chat)

    chat.say("can i speak to a real person please")

    assert "see if a person from the council can join" in chat.texts()
    assert chat.custom()["handoff"] == {
        "reason": "resident_asked",
        "area": "roads-and-transport",
    }
    assert chat.active_form() is None


def test_person_button_after_help_says_why_a_person_is_needed(chat):
    start_pothole_report(chat)
    chat.say("TR1 3A")
    chat.say("TR99 ZZ")

    chat.press("/request_human")

    assert chat.custom()["handoff"]["reason"] == "form_not_completed"


def test_typed_restart_mid_form_is_text_and_the_form_carries_on(chat):
    start_pothole_report(chat)

    chat.say("/restart")

    tracker = chat.tracker()
    assert not [e for e in tracker["events"] if e["event"] == "restart"]
    assert tracker["active_loop"]["name"] == "report_problem_form"
    assert tracker["slots"]["problem_category"] == POTHOLES
    assert "plain words" in chat.texts()
    assert ASK_LOCATION in chat.texts()


@pytest.mark.parametrize(
    "typed",
    [
        '/inform{"postcode": "TR1 3AY"}',
        '/inform{"location": "Fore Street, Redruth"}',
    ],
)
def test_typed_inform_json_mid_form_never_fills_a_slot(chat, typed):
    start_pothole_report(chat)

    chat.say(typed)

    tracker = chat.tracker()
    assert tracker["slots"]["location"] is None
    assert tracker["slots"]["postcode"] is None
    assert tracker["active_loop"]["name"] == "report_problem_form"
    assert "plain words" in chat.texts()


def test_email_can_be_declined_with_the_no_thanks_button(chat):
    start_pothole_report(chat)
    chat.say("the lane behind the school in Camborne")
    chat.say("a pothole the size of a dinner plate")
    assert "/deny" in chat.payloads()

    chat.press("/deny")

    assert REFERENCE.search(chat.texts()), chat.texts()
    assert chat.slot("contact_email") == ""


def test_no_thanks_or_a_new_question_is_not_a_form_answer(chat):
    start_pothole_report(chat)

    chat.say("no thanks")
    assert chat.slot("location") is None
    chat.say("Fore Street, Redruth, outside the library")
    chat.say("no thanks")
    assert chat.slot("problem_details") is None
    chat.say("who is my councillor")

    assert chat.slot("problem_details") is None
    assert chat.active_form() == "report_problem_form"
    assert not REFERENCE.search(chat.texts())


def test_question_mid_form_is_answered_and_the_form_asks_again(chat):
    start_pothole_report(chat)

    chat.say("How can I pay my Council Tax?")

    topics = {
        t for reply in chat.replies for s in reply["sources"] for t in s["topics"]
    }
    assert "council-tax.pay" in topics
    assert ASK_LOCATION in chat.texts()
    assert chat.slot("location") is None
    assert chat.active_form() == "report_problem_form"
