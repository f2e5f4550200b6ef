"""Saved council web pages -> articles.

Keeps the page's own words and headings and drops what every page repeats:
navigation, header, footer, cookie banners, scripts and forms. The main
content is ``<main>`` (or ``role="main"``, or ``<article>``, or the body).
"""

import logging
import re
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from knowledge.article import Article
from knowledge.chunking import slugify
from knowledge.errors import ImportSourceError
from knowledge.importers.topics import (
    TopicMap,
    load_topic_map,
    parse_topic_list,
    topics_for,
)

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://council.example/"
HTML_SUFFIXES = (".html", ".htm")

_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "input",
)
_NOISE_ROLES = ("navigation", "banner", "contentinfo", "search", "dialog")
_NOISE_NAMES = re.compile(
    r"breadcrumb|cookie|skip-?link|site-?(header|footer)|feedback|share|related",
    re.IGNORECASE,
)
_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "dt", "dd", "pre")


def import_html_folder(
    folder: Path,
    *,
    base_url: str = DEFAULT_BASE_URL,
    topic_map: TopicMap | None = None,
    topic_map_path: Path | None = None,
) -> list[Article]:
    """Read every ``.html``/``.htm`` page under ``folder`` as one article.

    The URL is the page's canonical link if it has one, else ``base_url`` plus
    the file's path without its suffix. Pages with no text are skipped with a
    warning. Raises ImportSourceError if ``folder`` is not a folder.
    """
    if not folder.is_dir():
        raise ImportSourceError(str(folder), "is not a folder of saved pages")
    topic_map = topic_map if topic_map is not None else load_topic_map(topic_map_path)

    articles = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix in HTML_SUFFIXES):
        relative = path.relative_to(folder).with_suffix("").as_posix()
        fallback_url = urljoin(base_url, relative)
        article = page_to_article(
            path.read_text(encoding="utf-8", errors="replace"),
            fallback_url=fallback_url,
            topic_map=topic_map,
            source=str(path),
        )
        if article is None:
            logger.warning("saved page %s has no text; skipped", path)
            continue
        articles.append(article)

    logger.info("imported %d articles from saved pages in %s", len(articles), folder)
    return articles


def page_to_article(
    page: str, *, fallback_url: str, topic_map: TopicMap, source: str = ""
) -> Article | None:
    """Convert one saved page; ``None`` if it has no readable content."""
    soup = BeautifulSoup(page, "html.parser")
    url = _canonical_url(soup) or fallback_url
    meta_topics = _meta(soup, "knowledge-topics")

    content = _main_content(soup)
    _strip_noise(content)
    lines, first_heading = _markdown_lines(content)
    if not lines:
        return None

    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    title = first_heading or page_title.split("|")[0].split(" - ")[0].strip()
    if not title:
        title = url.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").capitalize()
    if first_heading is None:
        lines.insert(0, f"# {title}")

    topics = (
        parse_topic_list(meta_topics) if meta_topics else topics_for(url, topic_map)
    )
    return Article(
        article_id=_article_id(url),
        title=title,
        url=url,
        topics=tuple(topics),
        body="\n\n".join(lines) + "\n",
        service_area=topics[0].split(".")[0],
        owner=_meta(soup, "author") or "",
        source=source,
    )


def _canonical_url(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and link.get("href"):
        return str(link["href"])
    og_url = soup.find("meta", property="og:url")
    if isinstance(og_url, Tag) and og_url.get("content"):
        return str(og_url["content"])
    return None


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find("meta", attrs={"name": name})
    if isinstance(tag, Tag) and tag.get("content"):
        return str(tag["content"])
    return None


def _main_content(soup: BeautifulSoup) -> Tag:
    for candidate in (
        soup.find("main"),
        soup.find(None, {"role": "main"}),
        soup.find("article"),
        soup.body,
    ):
        if isinstance(candidate, Tag):
            return candidate
    return soup


def _strip_noise(content: Tag) -> None:
    for tag in content.find_all(_NOISE_TAGS):
        tag.decompose()
    for tag in content.find_all(None, {"role": list(_NOISE_ROLES)}):
        tag.decompose()
    for tag in content.find_all(True):
        if tag.decomposed:
            continue
        classes: list[str] = list(tag.get("class") or [])
        names = " ".join([str(tag.get("id") or ""), *(str(c) for c in classes)])
        if names.strip() and _NOISE_NAMES.search(names):
            tag.decompose()


def _markdown_lines(content: Tag) -> tuple[list[str], str | None]:
    """Return the content as Markdown blocks, and the first h1's text."""
    lines: list[str] = []
    first_heading: str | None = None

    for block in content.find_all(_BLOCKS):
        # A paragraph inside a list item is already in the item's text.
        if block.find_parent(_BLOCKS) is not None:
            continue
        text = _text(block)
        if not text:
            continue

        name = block.name
        if name[0] == "h" and name[1:].isdigit():
            level = int(name[1:])
            if level == 1 and first_heading is None:
                first_heading = text
            lines.append(f"{'#' * level} {text}")
        elif name == "li":
            lines.append(f"- {text}")
        elif name == "tr":
            cells = [_text(cell) for cell in block.find_all(["th", "td"])]
            lines.append(" | ".join(cell for cell in cells if cell))
        else:
            lines.append(text)

    return lines, first_heading


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def _article_id(url: str) -> str:
    path = re.sub(r"^[a-z]+://[^/]+", "", url).strip("/")
    return slugify(path.replace("/", " ")) if path else "home"
