"""One evaluation run: choose fusion, fit rules, measure, write results."""

import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.calibration import (
    SEARCH_MODES,
    AnswerRule,
    Calibration,
    save_calibration,
)
from knowledge.embedding import Embedder, QueryVectors
from knowledge.eval.calibrate import (
    MAX_IN_SCOPE_DECLINED,
    fit_rule,
    without_own_signpost,
)
from knowledge.eval.metrics import Figures, Observation, figures
from knowledge.eval.questions import Question, load_questions
from knowledge.eval.report import write_report
from knowledge.fusion import FusionConfig
from knowledge.search import KnowledgeSearch

logger = logging.getLogger(__name__)

EVAL_DIR = Path(__file__).resolve().parent

FUSION_CANDIDATES = tuple(
    FusionConfig(method, rrf_k=k, dense_weight=w, article_weight=a)
    for a in (0.0, 0.5, 1.0, 1.5)
    for method, k, w in (
        ("rrf", 10, 0.5),
        ("rrf", 60, 0.5),
        ("weighted", 60, 0.7),
        ("weighted", 60, 0.8),
        ("weighted", 60, 0.9),
    )
)


class CachingEmbedder(Embedder):
    """Embeds each distinct query once per run: modes and fusions share it."""

    def __init__(self, real: Embedder) -> None:
        super().__init__(real._model, real.fingerprint)
        self._cache: dict[str, QueryVectors] = {}

    def embed_query(self, query: str) -> QueryVectors:
        if query not in self._cache:
            self._cache[query] = super().embed_query(query)
        return self._cache[query]


@dataclass
class QuestionSetResult:
    """Figures of each mode on one question set."""

    name: str
    path: Path
    figures: dict[str, Figures]


@dataclass
class EvalOutcome:
    fusion: FusionConfig
    fusion_table: list[tuple[FusionConfig, Figures]]
    rules: dict[str, AnswerRule]
    results: list[QuestionSetResult]
    articles: int
    chunks: int
    model: dict[str, object] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [f"fusion: {self.fusion.describe()}"]
        for result in self.results:
            for mode, fig in result.figures.items():
                lines.append(
                    f"{result.name:4s} {mode:8s} top1={fig.top1:.3f} "
                    f"top3={fig.top3:.3f} mrr={fig.mrr:.3f} "
                    f"oos_declined={fig.oos_declined:.3f} "
                    f"in_scope_declined={fig.in_scope_declined:.3f}"
                )
        return "\n".join(lines)


def observe(
    search: KnowledgeSearch,
    questions: list[Question],
    mode: str,
    fusion: FusionConfig,
) -> list[Observation]:
    """Rank every question; keep the result topics and the best hit's signals."""
    topics = {a.article_id: frozenset(a.topics) for a in search.articles()}
    observations = []
    for question in questions:
        ranking = search.rank(question.text, mode, fusion)
        fit_signals = (
            without_own_signpost(ranking.signals, ranking.signpost_cosines)
            if question.out_of_scope
            else None
        )
        observations.append(
            Observation(
                question=question,
                ranked_topics=[topics[r.article_id] for r in ranking.articles[:10]],
                signals=ranking.signals,
                fit_signals=fit_signals,
                instruction=ranking.instruction,
            )
        )
    return observations


def decisions(observations: list[Observation], rule: AnswerRule | None) -> list[bool]:
    return [o.answerable_under(rule) for o in observations]


def choose_fusion(
    search: KnowledgeSearch, dev: list[Question]
) -> tuple[FusionConfig, list[tuple[FusionConfig, Figures]]]:
    """Pick the fusion with the best dev top-1 (then MRR, then top-3)."""
    table = []
    for fusion in FUSION_CANDIDATES:
        observed = observe(search, dev, "hybrid", fusion)
        table.append((fusion, figures(observed, decisions(observed, None))))

    best = max(table, key=lambda row: (round(row[1].top1, 6), row[1].mrr, row[1].top3))
    logger.info("chosen fusion: %s", best[0].describe())
    return best[0], table


def run_evaluation(
    *,
    index_dir: Path,
    dev_path: Path,
    test_path: Path | None,
    calibration_path: Path,
    report_path: Path | None,
    command: str,
    max_in_scope_declined: float = MAX_IN_SCOPE_DECLINED,
) -> EvalOutcome:
    """Calibrate on ``dev_path``, measure on it and on ``test_path``.

    Writes the calibration to ``calibration_path`` and, when given, the
    Markdown report to ``report_path``. The test set is only measured; no
    choice is made on it.
    """
    embedder = CachingEmbedder(Embedder.load())
    uncalibrated = Calibration(fusion=FusionConfig(), rules={})
    search = KnowledgeSearch.open(
        index_dir, embedder=embedder, calibration=uncalibrated
    )
    dev = load_questions(dev_path)

    fusion, fusion_table = choose_fusion(search, dev)
    dev_observed = {mode: observe(search, dev, mode, fusion) for mode in SEARCH_MODES}
    rules = {
        mode: fit_rule(mode, dev_observed[mode], max_in_scope_declined)
        for mode in SEARCH_MODES
    }

    results = [_measure("dev", dev_path, dev_observed, rules)]
    if test_path is not None:
        test = load_questions(test_path)
        test_observed = {
            mode: observe(search, test, mode, fusion) for mode in SEARCH_MODES
        }
        results.append(_measure("test", test_path, test_observed, rules))

    outcome = EvalOutcome(
        fusion=fusion,
        fusion_table=fusion_table,
        rules=rules,
        results=results,
        articles=len(search.articles()),
        chunks=search.chunk_count,
        model=dict(search.manifest["model"]),  # type: ignore[call-overload]
    )
    calibration = Calibration(
        fusion=fusion,
        rules=rules,
        model_revision=embedder.fingerprint.revision,
        calibrated_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        source=f"{dev_path.name} ({len(dev)} questions)",
        figures={
            result.name: {mode: fig.as_dict() for mode, fig in result.figures.items()}
            for result in results
        },
    )
    save_calibration(calibration, calibration_path)
    if report_path is not None:
        write_report(report_path, outcome, command=command)
    return outcome


def _measure(
    name: str,
    path: Path,
    observed: dict[str, list[Observation]],
    rules: dict[str, AnswerRule],
) -> QuestionSetResult:
    return QuestionSetResult(
        name=name,
        path=path,
        figures={
            mode: figures(observations, decisions(observations, rules[mode]))
            for mode, observations in observed.items()
        },
    )
