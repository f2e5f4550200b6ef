"""Shared fixtures: the embedding model (loaded once), a tiny council corpus.

The corpus is five short articles written for these tests, laid out the way
``knowledge/articles`` is, in each test's own tmp_path.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from knowledge.build import build_index  # noqa: E402
from knowledge.embedding import Embedder  # noqa: E402
from knowledge.search import KnowledgeSearch  # noqa: E402

ARTICLES: dict[str, str] = {
    "council-tax/ways-to-pay.md": """\
---
id: council-tax-ways-to-pay
title: Ways to pay your Council Tax
url: https://council.example/council-tax/ways-to-pay
topics: [council-tax.pay]
service_area: council-tax
last_reviewed: 2026-10-01
owner: Revenues and Benefits
---
# Ways to pay your Council Tax

You can pay your Council Tax bill in several ways.

## Pay by Direct Debit

Direct Debit is the easiest way to pay. Choose the 1st, 8th, 15th or 22nd of
the month. You need your bank sort code and account number.

## Pay online or by phone with a card

Pay with a debit or credit card at any time on our payments page, or call the
automated payment line.
""",
    "waste/report-a-missed-bin.md": """\
---
id: waste-report-a-missed-bin
title: Report a missed bin collection
url: https://council.example/bins/missed
topics: [waste.missed-collection]
service_area: waste
---
# Report a missed bin collection

If your rubbish or recycling was not emptied on your collection day, tell us
within two working days.

## What happens next

The crew will come back to empty your bin within three working days.
""",
    "environment-and-neighbourhood/pest-control.md": """\
---
id: pest-control
title: Get help with rats, mice and wasps
url: https://council.example/pests
topics: [environment-and-neighbourhood.pest-control]
---
# Get help with rats, mice and wasps

Our pest control officers treat rats and mice in homes and gardens.

## Wasp nests

We remove wasp nests for a charge of 60 pounds.
""",
    "roads-and-transport/report-a-pothole.md": """\
---
id: report-a-pothole
title: Report a pothole
url: https://council.example/roads/potholes
topics: [roads-and-transport.potholes-and-road-defects]
---
# Report a pothole

Report potholes, broken pavements and blocked road drains.

## How quickly we repair potholes

Dangerous potholes are made safe within 24 hours; others within 28 days.
""",
    "libraries-and-leisure/join-the-library.md": """\
---
id: join-the-library
title: Join the library
url: https://council.example/libraries/join
topics: [libraries-and-leisure.library-membership]
---
# Join the library

Library membership is free. Borrow books, e-books and audiobooks.

## Renew or reserve books

Renew your loans online or reserve a book for collection at any branch.
""",
}


def write_corpus(folder: Path, articles: dict[str, str] = ARTICLES) -> Path:
    """Write the fixture articles under ``folder``; returns ``folder``."""
    for relative, text in articles.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real all-MiniLM-L6-v2 model, loaded once for the whole run."""
    return Embedder.load()


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "articles")


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def open_search(embedder: Embedder, index_dir: Path) -> Callable[[], KnowledgeSearch]:
    """Open the test index with the shared model and no calibration file."""

    def opener() -> KnowledgeSearch:
        return KnowledgeSearch.open(
            index_dir, embedder=embedder, calibration_path=index_dir / "none.json"
        )

    return opener


@pytest.fixture
def built_search(
    articles_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    open_search: Callable[[], KnowledgeSearch],
) -> KnowledgeSearch:
    """The fixture corpus built and opened."""
    build_index(articles_dir, index_dir, embedder=embedder)
    return open_search()
