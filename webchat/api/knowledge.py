"""Knowledge search API: the same search the assistant answers from."""

import logging

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from webchat.api.deps import ServicesDep

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])


class Result(BaseModel):
    article_id: str
    title: str
    url: str
    topics: list[str]
    score: float
    snippet: str
    section: str
    anchor: str


class SearchOut(BaseModel):
    answerable: bool
    results: list[Result]


class ArticleOut(BaseModel):
    article_id: str
    title: str
    url: str
    topics: list[str]


@router.get("/search", response_model=SearchOut)
async def search(
    deps: ServicesDep,
    q: str = Query(max_length=2000, description="The resident's question."),
    k: int = Query(default=5, ge=1, le=20),
) -> SearchOut:
    # Embedding is CPU work: run it off the event loop.
    response = await run_in_threadpool(deps.knowledge.search, q, k)
    return SearchOut(
        answerable=response.answerable,
        results=[
            Result(
                article_id=hit.article_id,
                title=hit.title,
                url=hit.url,
                topics=list(hit.topics),
                score=float(hit.score),
                snippet=hit.snippet,
                section=hit.section,
                anchor=hit.anchor,
            )
            for hit in response.results
        ],
    )


@router.get("/articles", response_model=list[ArticleOut])
async def articles(deps: ServicesDep) -> list[ArticleOut]:
    return [
        ArticleOut(
            article_id=article.article_id,
            title=article.title,
            url=article.url,
            topics=list(article.topics),
        )
        for article in deps.knowledge.articles()
    ]
