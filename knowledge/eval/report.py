"""The evaluation report, docs/knowledge-eval.md."""

import datetime
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.eval.metrics import Figures
from knowledge.machine import describe_machine

if TYPE_CHECKING:
    from knowledge.eval.run import EvalOutcome

logger = logging.getLogger(__name__)

TARGETS = {
    "top1": (">=", 0.85),
    "top3": (">=", 0.95),
    "oos_declined": (">=", 0.90),
    "in_scope_declined": ("<=", 0.05),
}
MODE_NAMES = {"hybrid": "hybrid", "dense": "dense only", "lexical": "BM25 only"}


def write_report(path: Path, outcome: "EvalOutcome", *, command: str) -> None:
    """Write the Markdown report of one evaluation run to ``path``."""
    today = datetime.date.today().isoformat()
    model = outcome.model
    lines = [
        "# Knowledge search evaluation",
        "",
        "Written by `make eval` (the command below); do not edit by hand.",
        "",
        f"- Command: `{command}`",
        f"- Run on {today}; machine: {describe_machine().markdown()}",
        f"- Corpus: {outcome.articles} articles, {outcome.chunks} chunks",
        f"- Model: {model.get('name')} (revision {model.get('revision')}, "
        f"{model.get('dimension')} dimensions, {model.get('normalisation')} "
        "normalised)",
        f"- Hybrid fusion chosen on dev: {outcome.fusion.describe()}",
        "",
        "Top-1 and top-3 count a question as right when a result carries one of its",
        "labelled topics; MRR uses the first right result in the top 10. *Declined*",
        "means `answerable` was false: out-of-scope questions should be declined,",
        "in-scope ones should not (every in-scope decline counts as wrong).",
        "Targets: top-1 >= 0.85, top-3 >= 0.95, out-of-scope declined >= 0.90,",
        "in-scope declined <= 0.05 (hybrid).",
        "",
    ]

    for result in outcome.results:
        role = (
            "calibration set"
            if result.name == "dev"
            else "held out: nothing is fitted on it"
        )
        sample = next(iter(result.figures.values()))
        lines += [
            f"## {result.name}: `{result.path.name}` ({role})",
            "",
            f"{sample.in_scope} in-scope and {sample.out_of_scope} out-of-scope "
            f"questions: one question moves top-1 by {_step(sample.in_scope)} "
            "percentage points and out-of-scope declined by "
            f"{_step(sample.out_of_scope)}.",
            "",
            *_figures_table(result.figures),
            "",
        ]

    lines += [
        "## Answer rules (fitted on dev)",
        "",
        "Each mode's rule declines as many dev out-of-scope questions as it can while",
        "declining at most 4% of dev in-scope ones (a margin under the 5% target).",
        "Out-of-scope dev questions are fitted as if the signpost nearest to each",
        "were missing, since the signposts were written knowing the dev questions;",
        "the dev figures above use the real signposts. In every mode, a query that",
        "instructs the assistant (what to say, who to be) is declined before the",
        "rule (knowledge.instructions), and counts as declined in the fitting.",
        "",
        "| mode | answerable when |",
        "|---|---|",
        *(
            f"| {MODE_NAMES[mode]} | {rule.describe()} |"
            for mode, rule in outcome.rules.items()
        ),
        "",
        "## Fusion candidates (hybrid, dev, before any declining)",
        "",
        "| fusion | top-1 | top-3 | MRR |",
        "|---|---|---|---|",
        *(
            f"| {fusion.describe()} | {fig.top1:.3f} | {fig.top3:.3f} | {fig.mrr:.3f} |"
            for fusion, fig in outcome.fusion_table
        ),
        "",
    ]

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    logger.info("evaluation report written to %s", path)


def _figures_table(by_mode: dict[str, Figures]) -> list[str]:
    rows = [
        ("top-1 topic accuracy", "top1"),
        ("top-3 topic accuracy", "top3"),
        ("MRR", "mrr"),
        ("out-of-scope declined", "oos_declined"),
        ("in-scope wrongly declined", "in_scope_declined"),
        ("in-scope answered and right", "answered_right"),
    ]
    modes = list(by_mode)
    lines = [
        "| | " + " | ".join(MODE_NAMES[m] for m in modes) + " | target | hybrid |",
        "|---|" + "---|" * (len(modes) + 2),
    ]
    for label, name in rows:
        values = " | ".join(f"{getattr(by_mode[m], name):.3f}" for m in modes)
        op, goal = TARGETS.get(name, ("", None))
        target = f"{op} {goal:.2f}" if goal is not None else ""
        verdict = ""
        if goal is not None and "hybrid" in by_mode:
            value = getattr(by_mode["hybrid"], name)
            met = value >= goal if op == ">=" else value <= goal
            verdict = "met" if met else "not met"
        lines.append(f"| {label} | {values} | {target} | {verdict} |")
    return lines


def _step(count: int) -> str:
    return f"{100 / count:.1f}" if count else "n/a"
