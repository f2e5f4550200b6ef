from pathlib import Path

import pytest

from knowledge.article import load_articles, parse_article
from knowledge.errors import ArticleFormatError

GOOD = """\
---
id: pay-council-tax
title: Pay your Council Tax
url: https://council.example/pay
topics: [council-tax.pay]
last_reviewed: 2026-10-01
---
# Pay your Council Tax
Text.
"""


def test_parse_article_front_matter_read() -> None:
    article = parse_article(GOOD)

    assert article.article_id == "pay-council-tax"
    assert article.topics == ("council-tax.pay",)
    assert article.last_reviewed == "2026-10-01"
    assert article.body.startswith("# Pay your Council Tax")


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        (GOOD.replace("url: https://council.example/pay\n", ""), "lacks url"),
        (GOOD.replace("[council-tax.pay]", "[pay]"), "area.topic"),
        (GOOD.replace("id: pay-council-tax", "id: Pay Council Tax"), "slug"),
        (GOOD.replace("title: Pay", "title: [Pay"), "YAML"),
    ],
)
def test_parse_article_bad_front_matter_refused(broken: str, reason: str) -> None:
    with pytest.raises(ArticleFormatError, match=reason):
        parse_article(broken, source="pay.md")


def test_load_articles_bad_file_skipped_unless_strict(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text(GOOD)
    (tmp_path / "bad.md").write_text("no front matter")
    (tmp_path / "README.md").write_text("# Notes for editors")

    loaded = load_articles(tmp_path)

    assert [a.article_id for a in loaded.articles] == ["pay-council-tax"]
    assert list(loaded.refused) == [str(tmp_path / "bad.md")]
    with pytest.raises(ArticleFormatError):
        load_articles(tmp_path, strict=True)


def test_load_articles_duplicate_id_refused(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD)
    (tmp_path / "b.md").write_text(GOOD)

    with pytest.raises(ArticleFormatError, match="also used by"):
        load_articles(tmp_path, strict=True)
