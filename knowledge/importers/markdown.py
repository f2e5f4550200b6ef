"""Writing imported articles out as Markdown files with front matter.

The written files are ordinary articles: officers can edit them, fix their
topics, and keep them under ``knowledge/articles/`` like any other.
"""

import logging
from pathlib import Path

import yaml

from knowledge.article import Article

logger = logging.getLogger(__name__)


def article_markdown(article: Article) -> str:
    """Return the article as a Markdown file's text (front matter, then body)."""
    meta: dict[str, object] = {
        "id": article.article_id,
        "title": article.title,
        "url": article.url,
        "topics": list(article.topics),
    }
    if article.service_area:
        meta["service_area"] = article.service_area
    if article.last_reviewed:
        meta["last_reviewed"] = article.last_reviewed
    if article.owner:
        meta["owner"] = article.owner

    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=88)
    return f"---\n{front}---\n{article.body.lstrip()}"


def write_article(article: Article, out_dir: Path) -> Path:
    """Write ``<out_dir>/<area>/<id>.md``; returns the path written."""
    area = article.topics[0].split(".")[0] if article.topics else "imported"
    path = out_dir / area / f"{article.article_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(article_markdown(article), encoding="utf-8")
    return path
