"""The action server's one knowledge search, loaded once at start."""

import logging
from functools import lru_cache

from council.settings import get_settings
from knowledge.search import KnowledgeSearch

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def load_search() -> KnowledgeSearch:
    """Open the knowledge index and model; later calls return the same object."""
    settings = get_settings()
    search = KnowledgeSearch.open(
        settings.knowledge_index_dir, model_path=settings.embedding_model_path
    )
    logger.info("Knowledge index loaded for the action server")
    return search
