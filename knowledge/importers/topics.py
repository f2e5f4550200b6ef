"""Topic ids for imported content, which carries none of its own.

A page may name its topics in a ``<meta name="knowledge-topics">`` tag; a
topic map (YAML, URL path prefix -> topic ids) covers whole site sections;
anything else is filed under ``imported.<first path segment>`` so it is still
searchable and easy to find and re-file.
"""

import logging
import re
from pathlib import Path
from urllib.parse import urlparse

import yaml

from knowledge.errors import ImportSourceError

logger = logging.getLogger(__name__)

FALLBACK_AREA = "imported"
TopicMap = dict[str, list[str]]


def load_topic_map(path: Path | None) -> TopicMap:
    """Read a YAML mapping of URL path prefixes to lists of topic ids."""
    if path is None:
        return {}

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ImportSourceError(str(path), "topic map must map path prefixes to lists")
    return {
        "/" + str(prefix).strip("/"): [str(t) for t in (topics or [])]
        for prefix, topics in data.items()
    }


def topics_for(url: str, topic_map: TopicMap) -> list[str]:
    """Pick topics for a page by its URL: longest matching prefix, else fallback."""
    path = "/" + urlparse(url).path.strip("/")
    matches = [
        prefix
        for prefix in topic_map
        if path == prefix or path.startswith(prefix.rstrip("/") + "/")
    ]
    if matches:
        return topic_map[max(matches, key=len)]

    first = next((part for part in path.split("/") if part), "general")
    return [f"{FALLBACK_AREA}.{_slug(first)}"]


def parse_topic_list(raw: str) -> list[str]:
    """Split "a.b, c.d" or "a.b; c.d" into topic ids."""
    return [topic.strip() for topic in re.split(r"[,;\s]+", raw) if topic.strip()]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "general"
