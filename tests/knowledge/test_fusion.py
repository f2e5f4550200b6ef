import numpy as np
import pytest

from knowledge.fusion import FusionConfig, fuse, rank_positions


def test_rank_positions_zero_scores_have_no_rank() -> None:
    ranks = rank_positions(np.array([0.5, 0.0, 2.0, 0.5]))

    assert ranks.tolist() == [2.0, np.inf, 1.0, 3.0]


def test_fuse_rrf_item_first_in_both_wins() -> None:
    dense = np.array([0.9, 0.2, 0.5])
    lexical = np.array([7.0, 9.0, 0.0])

    fused = fuse(dense, lexical, FusionConfig("rrf", rrf_k=60))

    expected = [1 / 61 + 1 / 62, 1 / 63 + 1 / 61, 1 / 62]
    np.testing.assert_allclose(fused, expected)


def test_fuse_weighted_bm25_scaled_by_best() -> None:
    fused = fuse(
        np.array([0.8, 0.4]),
        np.array([2.0, 4.0]),
        FusionConfig("weighted", dense_weight=0.75),
    )

    np.testing.assert_allclose(fused, [0.75 * 0.8 + 0.25 * 0.5, 0.75 * 0.4 + 0.25])


def test_fuse_weighted_no_lexical_match_leaves_dense_order() -> None:
    dense = np.array([0.3, 0.6, 0.1])

    fused = fuse(dense, np.zeros(3), FusionConfig("weighted", dense_weight=0.5))

    assert np.argsort(-fused).tolist() == [1, 0, 2]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"method": "max"}, "fusion method"),
        ({"dense_weight": 1.5}, "dense_weight"),
        ({"rrf_k": 0}, "rrf_k"),
        ({"article_weight": -1.0}, "article_weight"),
    ],
)
def test_fusion_config_bad_arguments_named(arguments: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FusionConfig(**arguments)
