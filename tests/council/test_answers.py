"""The assistant's answer from a search: the best section, cited, in whole
sentences, or a plain no."""

from dataclasses import dataclass, field

from council.answers import NOT_FOUND_TEXT, compose_answer


@dataclass(frozen=True)
class FakeHit:
    snippet: str
    article_id: str = "parking-appeal"
    title: str = "Challenge a parking fine"
    url: str = "https://council.example/parking/challenge"
    topics: list[str] = field(default_factory=lambda: ["parking.pcn-appeals"])
    section: str = "How to challenge"
    anchor: str = "how-to-challenge"


@dataclass(frozen=True)
class FakeSearch:
    results: list[FakeHit]
    answerable: bool = True


def test_answer_cites_the_section_it_used():
    answer = compose_answer(FakeSearch([FakeHit("Write to us within 28 days.")]))

    assert answer.text == "Write to us within 28 days."
    assert answer.sources[0].url == (
        "https://council.example/parking/challenge#how-to-challenge"
    )


def test_answer_from_a_snippet_cut_mid_sentence_ends_at_a_whole_sentence():
    snippet = (
        "You can challenge a penalty charge notice online. Do it within 14 days "
        "to keep the discount. Send photos and proof that you…"
    )

    answer = compose_answer(FakeSearch([FakeHit(snippet)]))

    assert answer.text == (
        "You can challenge a penalty charge notice online. Do it within 14 days "
        "to keep the discount."
    )


def test_answer_from_a_long_section_is_cut_at_a_sentence_end():
    long = "Bins go out by 7am. " * 60

    answer = compose_answer(FakeSearch([FakeHit(long)]))

    assert len(answer.text) <= 600
    assert answer.text.endswith("7am.")


def test_unanswerable_search_says_so_and_offers_a_person():
    answer = compose_answer(FakeSearch([FakeHit("anything")], answerable=False))

    assert answer.text == NOT_FOUND_TEXT
    assert not answer.answerable
    assert answer.buttons == [
        {"title": "Speak to a person", "payload": "/request_human"}
    ]
