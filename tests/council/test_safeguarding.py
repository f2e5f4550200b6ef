"""Messages that say someone may be at risk are recognised as residents write them."""

import pytest

from council.safeguarding import (
    REPLIES,
    SAMPLE_URGENT_HELP,
    Concern,
    concern_in,
    urgent_reply,
)


@pytest.mark.parametrize(
    "text, concern",
    [
        ("i want to kill myself", Concern.SUICIDE_OR_SELF_HARM),
        ("I don't want to be alive any more", Concern.SUICIDE_OR_SELF_HARM),
        ("been self harming again", Concern.SUICIDE_OR_SELF_HARM),
        ("my partner hits me", Concern.DOMESTIC_ABUSE),
        ("I’m scared of my husband", Concern.DOMESTIC_ABUSE),
        ("my ex keeps threatening me and the kids", Concern.DOMESTIC_ABUSE),
        ("my child isnt safe", Concern.CHILD_AT_RISK),
        ("the kids next door are left alone all day", Concern.CHILD_AT_RISK),
        ("theres a gas leak in the street", Concern.GAS),
        ("I can smell gas in my kitchen", Concern.GAS),
        ("i have nowhere to sleep tonight", Concern.HOMELESS_TONIGHT),
        ("im homeless tonight", Concern.HOMELESS_TONIGHT),
        ("evicted and have nowhere to go", Concern.HOMELESS_TONIGHT),
    ],
)
def test_concern_in_recognises_residents_wording(text, concern):
    assert concern_in(text) is concern


@pytest.mark.parametrize(
    "text",
    [
        "when is my bin day",
        "my daughter needs a school place",
        "my son's school bus is late",
        "Can I pay my Council Tax?",
        "report a pothole on the A30",
        "the dog fouling round here is killing me",
        "how do I report a gas street light that is out",
        "there's a man sleeping rough by the cathedral, who do I tell",
    ],
)
def test_concern_in_leaves_everyday_council_business_alone(text):
    assert concern_in(text) is None


def test_urgent_reply_gives_numbers_the_councils_page_and_a_person():
    body = urgent_reply(Concern.SUICIDE_OR_SELF_HARM, SAMPLE_URGENT_HELP)

    assert "116 123" in str(body["text"])
    assert "999" in str(body["text"])
    assert body["buttons"] == [
        {"title": "Speak to a person", "payload": "/request_human"}
    ]
    assert body["sources"][0]["url"] == SAMPLE_URGENT_HELP.url  # type: ignore[index]


def test_every_concern_has_a_reply_that_says_what_to_do_now():
    assert set(REPLIES) == set(Concern)
    for concern, text in REPLIES.items():
        assert "999" in text or "0800" in text, concern
