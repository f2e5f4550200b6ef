"""A CSV of frequently asked questions -> articles, one per question.

Columns (header row required, names case-insensitive): ``question``,
``answer``, ``url``; optional ``topics`` ("area.topic; area.topic") and
``id``. Councils keep such lists for their contact centres; each answer
becomes a short article titled with its question.
"""

import csv
import logging
from pathlib import Path

from knowledge.article import Article
from knowledge.chunking import slugify
from knowledge.errors import ImportSourceError
from knowledge.importers.topics import TopicMap, parse_topic_list, topics_for

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("question", "answer", "url")
MAX_ID_LENGTH = 60


def import_faq_csv(path: Path, *, topic_map: TopicMap | None = None) -> list[Article]:
    """Read the FAQ spreadsheet at ``path`` (UTF-8, BOM allowed).

    Raises ImportSourceError naming the missing columns, or the first row
    that lacks a question, answer or URL.
    """
    if not path.is_file():
        raise ImportSourceError(str(path), "FAQ CSV file does not exist")

    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = {name.strip().lower(): name for name in reader.fieldnames or []}
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise ImportSourceError(str(path), f"missing columns: {', '.join(missing)}")
        rows = list(reader)

    articles: list[Article] = []
    used_ids: set[str] = set()
    for line, row in enumerate(rows, start=2):
        values = {
            name: (row.get(original) or "").strip()
            for name, original in columns.items()
        }
        empty = [name for name in REQUIRED_COLUMNS if not values[name]]
        if empty:
            raise ImportSourceError(f"{path}:{line}", f"empty {', '.join(empty)}")

        article_id = _unique_id(
            values.get("id") or _faq_id(values["question"]), used_ids
        )
        topics = (
            parse_topic_list(values["topics"])
            if values.get("topics")
            else topics_for(values["url"], topic_map or {})
        )
        articles.append(
            Article(
                article_id=article_id,
                title=values["question"],
                url=values["url"],
                topics=tuple(topics),
                body=f"# {values['question']}\n\n{values['answer']}\n",
                service_area=topics[0].split(".")[0],
                source=f"{path}:{line}",
            )
        )

    logger.info("imported %d FAQ articles from %s", len(articles), path)
    return articles


def _faq_id(question: str) -> str:
    return ("faq-" + slugify(question))[:MAX_ID_LENGTH].rstrip("-")


def _unique_id(candidate: str, used: set[str]) -> str:
    article_id, n = candidate, 1
    while article_id in used:
        n += 1
        article_id = f"{candidate}-{n}"
    used.add(article_id)
    return article_id
