import csv
from pathlib import Path

import pytest

from knowledge.article import load_articles
from knowledge.build import build_index
from knowledge.embedding import Embedder
from knowledge.errors import ImportSourceError
from knowledge.importers import import_faq_csv, import_html_folder, write_article
from knowledge.search import KnowledgeSearch

PAGE = """\
<!doctype html>
<html><head>
  <title>Garden waste collections - Example Council</title>
  <link rel="canonical" href="https://www.example.gov.uk/bins/garden-waste">
  <script>var tracking = "Council Tax garden waste";</script>
</head><body>
  <div class="cookie-banner">We use cookies. Accept all cookies.</div>
  <header><a href="/">Example Council home</a> Search the site</header>
  <nav><ul><li>Council Tax</li><li>Parking fines</li></ul></nav>
  <main>
    <ol class="breadcrumb"><li>Home</li><li>Bins</li></ol>
    <h1>Garden waste collections</h1>
    <p>We collect garden waste every two weeks from a brown bin.</p>
    <h2>Join the garden waste service</h2>
    <p>A subscription costs <strong>48 pounds</strong> a year.</p>
    <ul><li>Grass cuttings and hedge trimmings</li><li>Leaves and twigs</li></ul>
    <h2>Collection dates</h2>
    <table><tr><th>Month</th><th>Week</th></tr><tr><td>March</td><td>1</td></tr></table>
    <form><button>Was this page useful?</button></form>
  </main>
  <footer>Accessibility statement. Copyright Example Council.</footer>
</body></html>
"""

NO_MAIN_PAGE = """\
<html><head><title>Blue Badge | Example Council</title>
<meta name="knowledge-topics" content="roads-and-transport.blue-badge"></head>
<body><nav>Menu</nav><p>Apply for a Blue Badge parking permit for disabled people.</p>
</body></html>
"""


def _write_export(folder: Path) -> Path:
    (folder / "bins").mkdir(parents=True)
    (folder / "bins" / "garden-waste.html").write_text(PAGE)
    (folder / "parking").mkdir()
    (folder / "parking" / "blue-badge.htm").write_text(NO_MAIN_PAGE)
    (folder / "empty.html").write_text("<html><body><nav>Menu</nav></body></html>")
    return folder


def _write_faq(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Question", "Answer", "URL", "Topics"])
        writer.writerow(
            [
                "Can I get a refund on my parking permit?",
                "Yes. Cancel the permit online and we refund the unused whole months.",
                "https://www.example.gov.uk/parking/permits",
                "roads-and-transport.parking-permits",
            ]
        )
        writer.writerow(
            [
                "How do I register a birth?",
                "Book an appointment with the register office within 42 days.",
                "https://www.example.gov.uk/registration/births",
                "",
            ]
        )
    return path


def test_import_html_folder_keeps_content_and_drops_page_furniture(
    tmp_path: Path,
) -> None:
    articles = import_html_folder(_write_export(tmp_path / "site"))

    by_id = {article.article_id: article for article in articles}
    garden = by_id["bins-garden-waste"]
    assert sorted(by_id) == ["bins-garden-waste", "parking-blue-badge"]
    assert garden.title == "Garden waste collections"
    assert garden.url == "https://www.example.gov.uk/bins/garden-waste"
    assert "## Join the garden waste service" in garden.body
    assert "- Grass cuttings and hedge trimmings" in garden.body
    assert "Month | Week" in garden.body
    for furniture in (
        "cookies",
        "Parking fines",
        "Copyright",
        "tracking",
        "useful",
        "Home",
    ):
        assert furniture not in garden.body
    assert garden.topics == ("imported.bins",)


def test_import_html_folder_page_without_main_uses_title_and_meta_topics(
    tmp_path: Path,
) -> None:
    articles = import_html_folder(_write_export(tmp_path / "site"))

    badge = next(a for a in articles if a.article_id == "parking-blue-badge")
    assert badge.title == "Blue Badge"
    assert badge.url == "https://council.example/parking/blue-badge"
    assert badge.topics == ("roads-and-transport.blue-badge",)
    assert "Menu" not in badge.body


def test_import_faq_csv_rows_become_articles(tmp_path: Path) -> None:
    articles = import_faq_csv(_write_faq(tmp_path / "faq.csv"))

    assert [a.article_id for a in articles] == [
        "faq-can-i-get-a-refund-on-my-parking-permit",
        "faq-how-do-i-register-a-birth",
    ]
    assert articles[0].topics == ("roads-and-transport.parking-permits",)
    assert articles[1].topics == ("imported.registration",)
    assert articles[1].title == "How do I register a birth?"


def test_import_faq_csv_missing_column_refused(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text("question,reply\nWhen?,Now\n")

    with pytest.raises(ImportSourceError, match="missing columns: answer, url"):
        import_faq_csv(path)


def test_imported_content_searchable_after_build(
    tmp_path: Path, articles_dir: Path, index_dir: Path, embedder: Embedder
) -> None:
    site = _write_export(tmp_path / "site")
    faq = _write_faq(tmp_path / "faq.csv")

    report = build_index(
        articles_dir, index_dir, embedder=embedder, html_dir=site, faq_csv=faq
    )
    search = KnowledgeSearch.open(index_dir, embedder=embedder)

    assert report.articles == 5 + 2 + 2
    hit = search.search("garden waste subscription price per year", k=1).results[0]
    assert (hit.article_id, hit.anchor) == (
        "bins-garden-waste",
        "join-the-garden-waste-service",
    )
    assert hit.url == "https://www.example.gov.uk/bins/garden-waste"
    refund = search.search("parking permit refund", k=1).results[0]
    assert refund.article_id == "faq-can-i-get-a-refund-on-my-parking-permit"


def test_write_article_round_trips_through_the_loader(tmp_path: Path) -> None:
    articles = import_html_folder(_write_export(tmp_path / "site"))
    out = tmp_path / "imported"

    for article in articles:
        write_article(article, out)

    reloaded = load_articles(out, strict=True).articles
    assert {
        a.article_id: (a.title, a.url, a.topics, a.body.strip()) for a in reloaded
    } == {a.article_id: (a.title, a.url, a.topics, a.body.strip()) for a in articles}
    assert (out / "imported" / "bins-garden-waste.md").is_file()
