from knowledge.article import parse_article
from knowledge.chunking import chunk_article, chunk_id_for, plain_text, slugify

ARTICLE = """\
---
id: garden-waste
title: Garden waste collections
url: https://council.example/garden-waste
topics: [waste.garden-waste]
---
# Garden waste collections

Intro about the paid service.

## Join the service

Sign up online.

### Prices

It costs 48 pounds a year.

## Join the service

A second section with the same heading.

## Empty heading

### Only a child
Child text with a [link](https://example.org) and **bold** words.
"""


def test_chunk_article_headings_give_paths_and_anchors() -> None:
    chunks = chunk_article(parse_article(ARTICLE))

    sections = [(chunk.section, chunk.anchor) for chunk in chunks]

    assert sections == [
        ("Garden waste collections", "garden-waste-collections"),
        ("Garden waste collections > Join the service", "join-the-service"),
        ("Garden waste collections > Join the service > Prices", "prices"),
        ("Garden waste collections > Join the service", "join-the-service-1"),
        ("Garden waste collections > Empty heading > Only a child", "only-a-child"),
    ]


def test_chunk_article_markup_stripped_but_words_kept() -> None:
    chunks = chunk_article(parse_article(ARTICLE))

    assert chunks[-1].text == "Child text with a link and bold words."
    assert chunks[-1].passage.startswith("Garden waste collections > Empty heading")


def test_chunk_article_same_text_twice_gives_same_ids_and_hashes() -> None:
    first = chunk_article(parse_article(ARTICLE))
    second = chunk_article(parse_article(ARTICLE))

    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert [c.content_hash for c in first] == [c.content_hash for c in second]
    assert len({c.chunk_id for c in first}) == len(first)


def test_chunk_article_edited_section_changes_only_its_hash() -> None:
    edited = ARTICLE.replace("48 pounds", "52 pounds")

    before = {c.anchor: c for c in chunk_article(parse_article(ARTICLE))}
    after = {c.anchor: c for c in chunk_article(parse_article(edited))}

    changed = [a for a in before if before[a].content_hash != after[a].content_hash]
    assert changed == ["prices"]
    assert before["prices"].chunk_id == after["prices"].chunk_id


def test_chunk_article_long_section_split_into_parts_sharing_anchor() -> None:
    paragraphs = "\n\n".join(f"Paragraph {n} " + "word " * 60 for n in range(6))
    article = parse_article(ARTICLE.replace("Sign up online.", paragraphs))

    parts = [
        c
        for c in chunk_article(article, max_words=130)
        if c.anchor == "join-the-service"
    ]

    assert len(parts) >= 3
    assert [c.part for c in parts] == list(range(len(parts)))
    assert all(len(c.text.split()) <= 130 for c in parts)
    assert len({c.chunk_id for c in parts}) == len(parts)


def test_chunk_id_for_is_positive_int64() -> None:
    ids = [chunk_id_for(f"article-{n}", "anchor", 0) for n in range(1000)]

    assert all(0 < i < 2**63 for i in ids)
    assert len(set(ids)) == 1000


def test_slugify_heading_matches_rendered_anchor() -> None:
    assert slugify("Pay by Direct Debit") == "pay-by-direct-debit"
    assert slugify("Café opening hours: 9am–5pm!") == "cafe-opening-hours-9am5pm"


def test_plain_text_table_and_list_marks_removed() -> None:
    text = plain_text("| Band | Cost |\n|---|---|\n| A | 100 |\n\n- one\n1. two")

    assert text == "Band Cost\nA 100\n\none\ntwo"
