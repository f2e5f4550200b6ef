"""Enquiry categories: the topic ids of the council's service taxonomy.

An enquiry is filed under the same ``<area>.<topic>`` id that the knowledge
articles and the agent queues use, so a report, the help page about it and the
queue that deals with it line up.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

logger = logging.getLogger(__name__)

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yml")


@dataclass(frozen=True)
class Category:
    """One kind of enquiry: a taxonomy topic and the service area it sits in."""

    category_id: str
    area_title: str
    scope: str


@lru_cache(maxsize=4)
def load_categories(path: Path = TAXONOMY_PATH) -> Mapping[str, Category]:
    """Every topic of the taxonomy file at ``path``, by ``<area>.<topic>`` id.

    Read once per path. Raises ``ValueError`` naming the file when it does not
    have the taxonomy's shape (``areas: {area: {title, topics: {topic: scope}}}``).
    """
    document = yaml.safe_load(path.read_text(encoding="utf-8"))

    areas = document.get("areas") if isinstance(document, dict) else None
    if not isinstance(areas, dict) or not areas:
        raise ValueError(f"{path}: expected a mapping 'areas' of service areas")

    categories: dict[str, Category] = {}
    for area_id, area in areas.items():
        topics = area.get("topics") if isinstance(area, dict) else None
        if not isinstance(topics, dict):
            raise ValueError(f"{path}: area {area_id!r} has no mapping 'topics'")

        for topic_id, scope in topics.items():
            category_id = f"{area_id}.{topic_id}"
            categories[category_id] = Category(
                category_id, str(area.get("title", area_id)), str(scope)
            )

    logger.info("Loaded %d enquiry categories from %s", len(categories), path.name)
    return MappingProxyType(categories)
