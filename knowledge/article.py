"""Knowledge articles: Markdown files with YAML front matter.

An article is the unit a resident is sent to (one web page). Its front matter
names it (``id``), says where it lives (``url``) and what it answers
(``topics``: ids ``<area>.<topic>`` from the service taxonomy).
"""

import datetime
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

from knowledge.errors import ArticleFormatError

logger = logging.getLogger(__name__)

TOPIC_ID = re.compile(r"^[a-z0-9-]+\.[a-z0-9-]+$")
ARTICLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REQUIRED_FIELDS = ("id", "title", "url", "topics")


@dataclass(frozen=True)
class Article:
    """One help page the assistant can cite.

    ``body`` is the Markdown below the front matter, headings included.
    """

    article_id: str
    title: str
    url: str
    topics: tuple[str, ...]
    body: str
    service_area: str = ""
    last_reviewed: str = ""
    owner: str = ""
    source: str = ""


def parse_article(text: str, source: str = "") -> Article:
    """Parse one article file's text; ``source`` names it in errors.

    Raises ArticleFormatError when the front matter is missing, is not YAML,
    or lacks ``id``, ``title``, ``url`` or a list of well-formed ``topics``.
    """
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as error:
        raise ArticleFormatError(
            source, f"front matter is not valid YAML: {error}"
        ) from error

    meta = post.metadata
    missing = [field for field in REQUIRED_FIELDS if not meta.get(field)]
    if missing:
        raise ArticleFormatError(source, f"front matter lacks {', '.join(missing)}")

    article_id = str(meta["id"]).strip()
    if not ARTICLE_ID.match(article_id):
        raise ArticleFormatError(source, f"id {article_id!r} is not a lowercase slug")

    raw_topics = meta["topics"]
    if isinstance(raw_topics, str):
        raw_topics = [raw_topics]
    if not isinstance(raw_topics, list):
        raise ArticleFormatError(source, "topics must be a list of topic ids")
    topics = [str(topic) for topic in raw_topics]
    bad_topics = [topic for topic in topics if not TOPIC_ID.match(str(topic))]
    if bad_topics:
        raise ArticleFormatError(
            source, f"topics not of the form area.topic: {bad_topics}"
        )

    return Article(
        article_id=article_id,
        title=str(meta["title"]).strip(),
        url=str(meta["url"]).strip(),
        topics=tuple(topics),
        body=post.content,
        service_area=str(meta.get("service_area", "") or ""),
        last_reviewed=_as_text(meta.get("last_reviewed")),
        owner=str(meta.get("owner", "") or ""),
        source=source,
    )


def load_article(path: Path) -> Article:
    """Read and parse one article file (UTF-8)."""
    return parse_article(path.read_text(encoding="utf-8"), source=str(path))


@dataclass(frozen=True)
class ArticleSet:
    """The articles found in a folder, and the files that were refused."""

    articles: list[Article]
    refused: dict[str, str]


def load_articles(articles_dir: Path, *, strict: bool = False) -> ArticleSet:
    """Load every ``*.md`` under ``articles_dir`` (recursively, sorted by path).

    A file that does not parse, or repeats another file's id, is refused: in
    strict mode that raises ArticleFormatError, otherwise it is logged as a
    warning and left out so one bad page cannot take the whole index down.
    Files whose name starts with ``_`` or that are named README.md are notes,
    not articles, and are skipped.
    """
    articles: list[Article] = []
    refused: dict[str, str] = {}
    seen: dict[str, str] = {}

    for path in sorted(articles_dir.rglob("*.md")):
        if path.name.startswith("_") or path.name.lower() == "readme.md":
            continue

        try:
            article = load_article(path)
            if article.article_id in seen:
                raise ArticleFormatError(
                    str(path),
                    f"id {article.article_id!r} is also used by "
                    f"{seen[article.article_id]}",
                )
        except ArticleFormatError as error:
            if strict:
                raise
            logger.warning("article refused, fix the file: %s", error.detail)
            refused[str(path)] = error.reason
            continue

        seen[article.article_id] = str(path)
        articles.append(article)

    return ArticleSet(articles=articles, refused=refused)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
