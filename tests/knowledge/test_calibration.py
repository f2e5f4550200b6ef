import math
from pathlib import Path

import pytest

from knowledge.calibration import (
    AnswerRule,
    Calibration,
    Signals,
    load_calibration,
    save_calibration,
)
from knowledge.fusion import FusionConfig

RULE = AnswerRule(
    min_cosine=0.5, agreed_min_cosine=0.3, agreement_rank=2, min_margin=0.0
)


@pytest.mark.parametrize(
    ("signals", "answerable"),
    [
        (
            Signals(
                cosine=0.6, lexical=0.0, lexical_rank=math.inf, signpost_cosine=0.2
            ),
            True,
        ),
        (Signals(cosine=0.4, lexical=3.0, lexical_rank=2, signpost_cosine=0.2), True),
        (Signals(cosine=0.4, lexical=3.0, lexical_rank=3, signpost_cosine=0.2), False),
        (Signals(cosine=0.2, lexical=3.0, lexical_rank=1, signpost_cosine=0.1), False),
        (Signals(cosine=0.6, lexical=3.0, lexical_rank=1, signpost_cosine=0.7), False),
        (Signals(cosine=0.6, lexical=0.0, lexical_rank=math.inf), True),
    ],
)
def test_answer_rule_hybrid_signals_decide(signals: Signals, answerable: bool) -> None:
    assert RULE.answerable(signals) is answerable


def test_answer_rule_empty_always_answers() -> None:
    assert AnswerRule().answerable(Signals(-1.0, 0.0, math.inf))


def test_calibration_saved_then_loaded_equal(tmp_path: Path) -> None:
    calibration = Calibration(
        fusion=FusionConfig("weighted", dense_weight=0.8, article_weight=1.0),
        rules={"hybrid": RULE, "lexical": AnswerRule(min_lexical=3.1)},
        model_revision="abc",
        figures={"dev": {"hybrid": {"top1": 0.9}}},
    )

    path = save_calibration(calibration, tmp_path / "calibration.json")

    assert load_calibration(path) == calibration


def test_load_calibration_missing_file_warns_and_returns_none(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert load_calibration(tmp_path / "absent.json") is None
    assert "make eval" in caplog.text


def test_packaged_calibration_loads_with_a_rule_per_mode() -> None:
    calibration = load_calibration()

    assert calibration is not None
    assert set(calibration.rules) == {"hybrid", "dense", "lexical"}
