import math
from pathlib import Path

import pytest

from knowledge.calibration import AnswerRule, Signals
from knowledge.errors import KnowledgeError
from knowledge.eval.calibrate import fit_rule, without_own_signpost
from knowledge.eval.metrics import Observation, figures
from knowledge.eval.questions import Question, load_questions


def _question(topics: set[str] | None) -> Question:
    return Question("q", frozenset(topics or ()), out_of_scope=topics is None)


def _observed(topics: set[str] | None, ranked: list[str], cosine: float) -> Observation:
    return Observation(
        question=_question(topics),
        ranked_topics=[frozenset([t]) for t in ranked],
        signals=Signals(cosine=cosine, lexical=1.0, lexical_rank=1),
    )


def test_figures_ranking_and_decisions_counted() -> None:
    observations = [
        _observed({"a.x"}, ["a.x", "b.y"], 0.8),
        _observed({"a.x"}, ["b.y", "c.z", "a.x"], 0.6),
        _observed({"a.x"}, ["b.y"], 0.3),
        _observed(None, ["b.y"], 0.2),
    ]

    result = figures(observations, [True, True, False, False])

    assert (result.in_scope, result.out_of_scope) == (3, 1)
    assert result.top1 == pytest.approx(1 / 3)
    assert result.top3 == pytest.approx(2 / 3)
    assert result.mrr == pytest.approx((1 + 1 / 3) / 3)
    assert result.oos_declined == 1.0
    assert result.in_scope_declined == pytest.approx(1 / 3)
    assert result.answered_right == pytest.approx(1 / 3)


def test_fit_rule_dense_threshold_declines_out_of_scope_within_budget() -> None:
    observations = [_observed({"a.x"}, ["a.x"], 0.5 + n / 100) for n in range(40)]
    observations += [_observed(None, ["a.x"], 0.2 + n / 100) for n in range(10)]

    rule = fit_rule("dense", observations, max_in_scope_declined=0.05)
    decided = [rule.answerable(o.signals) for o in observations if o.signals]

    assert rule.min_cosine is not None and 0.29 < rule.min_cosine <= 0.5
    assert figures(observations, decided).oos_declined == 1.0
    assert figures(observations, decided).in_scope_declined == 0.0


def test_fit_rule_budget_respected_when_classes_overlap() -> None:
    observations = [_observed({"a.x"}, ["a.x"], n / 100) for n in range(100)]
    observations += [_observed(None, ["a.x"], 0.5) for _ in range(10)]

    rule = fit_rule("dense", observations, max_in_scope_declined=0.05)
    decided = [rule.answerable(o.signals) for o in observations if o.signals]

    assert figures(observations, decided).in_scope_declined <= 0.05


def test_without_own_signpost_uses_the_second_nearest() -> None:
    signals = Signals(cosine=0.5, lexical=1.0, lexical_rank=1, signpost_cosine=0.9)

    held_out = without_own_signpost(signals, (0.3, 0.9, 0.6))

    assert held_out is not None and held_out.signpost_cosine == 0.6
    assert not AnswerRule(min_margin=0.0).answerable(signals)
    assert not AnswerRule(min_margin=0.0).answerable(held_out)
    assert AnswerRule(min_margin=-0.2).answerable(held_out)


def test_load_questions_reads_both_kinds(tmp_path: Path) -> None:
    path = tmp_path / "dev.yml"
    path.write_text(
        '- q: "how do i pay my council tax"\n  topics: [council-tax.pay]\n'
        '- q: "renew my passport"\n  out_of_scope: true\n'
    )

    questions = load_questions(path)

    assert questions[0].topics == frozenset({"council-tax.pay"})
    assert questions[1].out_of_scope and not questions[1].topics


def test_load_questions_entry_without_label_refused(tmp_path: Path) -> None:
    path = tmp_path / "dev.yml"
    path.write_text('- q: "bins"\n')

    with pytest.raises(KnowledgeError, match="entry 1"):
        load_questions(path)


def test_metrics_empty_set_gives_nan() -> None:
    assert math.isnan(figures([], []).top1)


def test_write_report_tables_and_verdicts(tmp_path: Path) -> None:
    from knowledge.eval.report import write_report
    from knowledge.eval.run import EvalOutcome, QuestionSetResult
    from knowledge.fusion import FusionConfig

    good = figures(
        [_observed({"a.x"}, ["a.x"], 0.9), _observed(None, ["a.x"], 0.1)],
        [True, False],
    )
    outcome = EvalOutcome(
        fusion=FusionConfig(),
        fusion_table=[(FusionConfig(), good)],
        rules={"hybrid": AnswerRule(min_cosine=0.3)},
        results=[QuestionSetResult("dev", tmp_path / "dev.yml", {"hybrid": good})],
        articles=2,
        chunks=5,
    )

    write_report(tmp_path / "report.md", outcome, command="python -m knowledge.eval")

    text = (tmp_path / "report.md").read_text()
    assert "| top-1 topic accuracy | 1.000 | >= 0.85 | met |" in text
    assert "| hybrid | cosine >= 0.300 |" in text
    assert "one question moves top-1 by 100.0 percentage points" in text
