"""The form answers and entities residents type, as the actions read them.

These are the checks behind every slot: a postcode that is not a UK postcode is
refused, a description of a place is kept, a word like "crater" becomes the
pothole topic. (They test ``actions/``; they sit beside the NLU tests because
they are the other half of understanding a message.)
"""

from datetime import date

import pytest

from actions.failed_answers import FAILURES_SLOT, after_failure, failures_for
from actions.out_of_scope import service_for
from actions.problem_categories import area_of, is_topic, topic_for_words
from actions.typed_values import (
    Place,
    UnusableAnswer,
    asks_the_assistant,
    declines,
    is_typed_command,
    read_amount_pence,
    read_council_tax_reference,
    read_details,
    read_email,
    read_enquiry_reference,
    read_past_date,
    read_pcn_number,
    read_place,
    read_postcode,
    read_vehicle_registration,
)
from council.settings import get_settings

TODAY = date(2026, 3, 12)  # a Thursday


@pytest.mark.parametrize(
    "typed, place",
    [
        ("TR1 3AY", Place(postcode="TR1 3AY")),
        ("tr13ay", Place(postcode="TR1 3AY")),
        (
            "outside the co-op, Fore Street, Redruth TR15 2QX",
            Place(
                postcode="TR15 2QX",
                description="outside the co-op, Fore Street, Redruth TR15 2QX",
            ),
        ),
        ("the A30 near Bodmin", Place(description="the A30 near Bodmin")),
        ("uprn 010001234567", Place(uprn="010001234567")),
    ],
)
def test_read_place_accepts_postcodes_uprns_and_descriptions(typed, place):
    assert read_place(typed) == place


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("TR1 3A", "invalid_postcode"),
        ("TR99 ZZ", "invalid_postcode"),
        ("Fore Street TR1 3A", "invalid_postcode"),
        ("XX9", "invalid_postcode"),
        ("Truro", "invalid_location"),
        ("my house", "invalid_location"),
        ("here", "invalid_location"),
    ],
)
def test_read_place_refuses_wrong_postcodes_and_vague_places(typed, problem):
    with pytest.raises(UnusableAnswer) as refused:
        read_place(typed)

    assert refused.value.message == problem


def test_read_postcode_wants_a_postcode_not_a_description():
    assert read_postcode("it's pl25 4dj") == "PL25 4DJ"
    with pytest.raises(UnusableAnswer):
        read_postcode("behind the church")


@pytest.mark.parametrize(
    "reader, typed, value",
    [
        (read_pcn_number, "pcn co 12345678", "CO12345678"),
        (read_vehicle_registration, "the reg is wk19 xyz", "WK19XYZ"),
        (read_vehicle_registration, "A123 BCD", "A123BCD"),
        (read_vehicle_registration, "ABC 123D", "ABC123D"),
        (read_vehicle_registration, "ABC 12", "ABC12"),
        (read_enquiry_reference, "its enq 2026 123 thanks", "ENQ-2026-000123"),
        (read_council_tax_reference, "account 12345678.", "12345678"),
        (read_email, "my email is Sam@Example.CO.UK.", "Sam@example.co.uk"),
        (read_details, "a big hole", "a big hole"),
    ],
)
def test_readers_return_the_standard_form(reader, typed, value):
    assert reader(typed) == value


@pytest.mark.parametrize(
    "reader, typed",
    [
        (read_pcn_number, "CO1234567"),
        (read_vehicle_registration, "no idea"),
        (read_enquiry_reference, "ENQ-26-1"),
        (read_council_tax_reference, "1234"),
        (read_email, "jo@"),
        (read_details, "massive"),
        (read_details, "no thanks"),
        (read_place, "no thanks"),
        (read_place, "Nope."),
    ],
)
def test_readers_refuse_what_is_not_the_value(reader, typed):
    with pytest.raises(UnusableAnswer):
        reader(typed)


def test_council_tax_reference_format_is_the_councils_setting():
    assert read_council_tax_reference("it's CT-00123", r"^CT-\d{5}$") == "CT-00123"
    with pytest.raises(UnusableAnswer):
        read_council_tax_reference("12345678", r"^CT-\d{5}$")


def test_council_tax_reference_format_comes_from_the_setting(monkeypatch):
    monkeypatch.setenv("COUNCIL_TAX_REF_REGEX", r"^CT-\d{5}$")
    get_settings.cache_clear()
    try:
        assert read_council_tax_reference("mine is ct-00123") == "CT-00123"
        with pytest.raises(UnusableAnswer):
            read_council_tax_reference("12345678")
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    "typed, pence", [("£12.50", 1250), ("70 quid", 7000), ("£1,200", 120000)]
)
def test_amounts_are_read_in_pence(typed, pence):
    assert read_amount_pence(typed) == pence


@pytest.mark.parametrize("typed", ["£12,50", "1k", "£5 and £6", "£1.505"])
def test_ambiguous_amounts_are_refused(typed):
    with pytest.raises(UnusableAnswer):
        read_amount_pence(typed)


@pytest.mark.parametrize(
    "typed, day",
    [
        ("yesterday", date(2026, 3, 11)),
        ("since last tuesday", date(2026, 3, 10)),
        ("3 days ago", date(2026, 3, 9)),
        ("friday", date(2026, 3, 6)),
        ("on 12 march", date(2026, 3, 12)),
        ("13 march", date(2025, 3, 13)),
        ("12/03/2026", date(2026, 3, 12)),
    ],
)
def test_dates_are_read_as_past_days(typed, day):
    assert read_past_date(typed, TODAY) == day


def test_future_dates_are_refused():
    with pytest.raises(UnusableAnswer):
        read_past_date("01/04/2026", TODAY)


def test_typed_command_is_recognised_by_the_channels_mark():
    assert is_typed_command('\u2060/inform{"postcode": "TR1 3AY"}')
    assert not is_typed_command("/inform")


@pytest.mark.parametrize("typed", ["no", "No thanks!", "nope", "skip"])
def test_declining_an_optional_question(typed):
    assert declines(typed)


@pytest.mark.parametrize(
    "words, topic",
    [
        (
            "there's a crater in the road",
            "roads-and-transport.potholes-and-road-defects",
        ),
        (
            "the drain is blocked and flooding",
            "roads-and-transport.potholes-and-road-defects",
        ),
        ("lamp post flickering", "roads-and-transport.street-lighting"),
        ("someone dumped a fridge", "environment-and-neighbourhood.fly-tipping"),
        ("bins were missed on monday", "waste.missed-collection"),
        ("barking dog all day", "environment-and-neighbourhood.noise-nuisance"),
        ("a burnt out car", "environment-and-neighbourhood.abandoned-vehicles"),
        (
            "graffitti on the skate park",
            "environment-and-neighbourhood.graffiti-and-street-cleaning",
        ),
    ],
)
def test_residents_words_map_to_taxonomy_topics(words, topic):
    assert topic_for_words(words) == topic
    assert is_topic(topic)


def test_words_that_name_no_problem_map_to_nothing():
    assert topic_for_words("the whole street is lovely") is None
    assert area_of(None) is None
    assert area_of("waste.missed-collection") == "waste"


@pytest.mark.parametrize(
    "text, service",
    [
        ("renew my passport", "passport"),
        ("change address on driving licence", "driving"),
        ("my tax code is wrong", "tax"),
        ("universal credit is late", "benefits"),
        ("register with a gp", "health"),
        ("my bike was stolen", "police"),
        ("my visa runs out", "immigration"),
        ("council tax band", None),
    ],
)
def test_national_services_are_recognised(text, service):
    assert service_for(text) == service


class FakeTracker:
    def __init__(self, slots):
        self.slots = slots

    def get_slot(self, name):
        return self.slots.get(name)


def test_third_failed_answer_ends_the_form():
    tracker = FakeTracker({FAILURES_SLOT: {"location": 2}})

    updates = after_failure(tracker, "location")

    assert updates[FAILURES_SLOT] == {"location": 3}
    assert updates["requested_slot"] is None
    assert failures_for(FakeTracker({}), "location") == 0


def test_first_failed_answer_keeps_the_form_going():
    updates = after_failure(FakeTracker({}), "location")

    assert updates == {"location": None, FAILURES_SLOT: {"location": 1}}


@pytest.mark.parametrize(
    "typed, intent, asks",
    [
        ("who is my councillor", "ask_question", True),
        ("What day are bins collected?", "ask_question", True),
        ("where the bus stop is on Fore Street", "inform", False),
        ("a deep hole by the bus stop", "ask_question", False),
    ],
)
def test_a_new_question_is_not_taken_as_a_form_answer(typed, intent, asks):
    assert asks_the_assistant(typed, intent) is asks
