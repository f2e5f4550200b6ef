"""The chunk store: what the index knows about each article and chunk.

It lives beside the vectors in the index folder. Its chunk order is the BM25
row order, and its chunk ids are the FAISS ids, so the three agree by
construction: a chunk absent from the store is absent from search.
"""

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge.article import Article
from knowledge.chunking import Chunk

logger = logging.getLogger(__name__)

CHUNKS_FILE = "chunks.jsonl"
ARTICLES_FILE = "articles.json"


@dataclass(frozen=True)
class ArticleRecord:
    """An article as search results show it (no body)."""

    article_id: str
    title: str
    url: str
    topics: list[str]
    service_area: str = ""
    last_reviewed: str = ""
    owner: str = ""

    @classmethod
    def of(cls, article: Article) -> "ArticleRecord":
        return cls(
            article_id=article.article_id,
            title=article.title,
            url=article.url,
            topics=list(article.topics),
            service_area=article.service_area,
            last_reviewed=article.last_reviewed,
            owner=article.owner,
        )


class ChunkStore:
    """Articles and chunks of one index, looked up by id or position."""

    def __init__(self, articles: list[ArticleRecord], chunks: list[Chunk]) -> None:
        self.articles = {article.article_id: article for article in articles}
        self.chunks = chunks
        self.by_id = {chunk.chunk_id: chunk for chunk in chunks}
        self.position = {chunk.chunk_id: row for row, chunk in enumerate(chunks)}

        unknown = {c.article_id for c in chunks} - set(self.articles)
        if unknown:
            raise ValueError(f"chunks refer to articles not in the store: {unknown}")
        if len(self.by_id) != len(chunks):
            raise ValueError("two chunks share an id; article ids must be unique")

    @classmethod
    def load(cls, index_dir: Path) -> "ChunkStore":
        articles_data = json.loads((index_dir / ARTICLES_FILE).read_text("utf-8"))
        articles = [ArticleRecord(**entry) for entry in articles_data]

        chunks = []
        with (index_dir / CHUNKS_FILE).open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    chunks.append(Chunk(**json.loads(line)))
        return cls(articles, chunks)

    def save(self, index_dir: Path) -> None:
        articles = [asdict(article) for article in self.articles.values()]
        (index_dir / ARTICLES_FILE).write_text(
            json.dumps(articles, indent=1, ensure_ascii=False) + "\n", "utf-8"
        )
        with (index_dir / CHUNKS_FILE).open("w", encoding="utf-8") as lines:
            for chunk in self.chunks:
                lines.write(json.dumps(asdict(chunk), ensure_ascii=False) + "\n")
