import numpy as np

from knowledge.embedding import normalise
from knowledge.fusion import FusionConfig
from knowledge.ranking import ArticleRanker


def _ranker() -> ArticleRanker:
    # Article 0: chunks 0, 1; article 1: chunk 2; article 2: chunks 3, 4.
    vectors = normalise(
        np.array(
            [[1, 0, 0], [0.6, 0.8, 0], [0.9, 0.1, 0.4], [0, 0, 1], [0, 1, 0]],
            dtype=np.float32,
        )
    )
    return ArticleRanker(np.array([0, 0, 1, 2, 2]), vectors)


def test_article_ranker_dense_best_section_per_article() -> None:
    query = normalise(np.array([[1.0, 0.05, 0.0]], dtype=np.float32))

    scored = _ranker().rank(
        np.array([0, 1, 2]), query, np.zeros(5), "dense", FusionConfig()
    )

    assert scored.articles.tolist() == [0, 1, 2]
    assert scored.best_rows.tolist() == [0, 2, 4]
    np.testing.assert_allclose(scored.scores, scored.cosines, atol=1e-6)


def test_article_ranker_whole_article_weight_favours_consistent_article() -> None:
    # Article 0: two sections at cosine 0.8 whose mean points at the query;
    # article 1: one section at cosine 0.85.
    vectors = np.array(
        [[0.8, 0.6, 0.0], [0.8, -0.6, 0.0], [0.85, 0.0, 0.5268]], dtype=np.float32
    )
    ranker = ArticleRanker(np.array([0, 0, 1]), normalise(vectors))
    query = np.array([[1.0, 0.0, 0.0]], dtype=np.float32)
    candidates = np.array([0, 1])

    best_only = ranker.rank(
        candidates, query, np.zeros(3), "dense", FusionConfig(article_weight=0.0)
    )
    with_whole = ranker.rank(
        candidates, query, np.zeros(3), "dense", FusionConfig(article_weight=1.0)
    )

    assert best_only.articles.tolist() == [1, 0]
    assert with_whole.articles.tolist() == [0, 1]


def test_article_ranker_lexical_mode_needs_no_query_vector() -> None:
    lexical = np.array([0.0, 1.0, 0.0, 3.0, 0.5])

    scored = _ranker().rank(np.array([0, 2]), None, lexical, "lexical", FusionConfig())

    assert scored.articles.tolist() == [2, 0]
    assert scored.best_rows.tolist() == [3, 1]
    assert np.isnan(scored.cosines).all()
