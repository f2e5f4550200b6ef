"""What the simulated residents ask: questions from the knowledge dev set."""

import random
from pathlib import Path

import yaml

from tools.stack import ROOT

DEV_SET = ROOT / "knowledge" / "eval" / "dev.yml"

# Read as plain YAML rather than through knowledge.eval: importing the knowledge
# package sets thread-count variables in os.environ, which the stack's processes
# would then inherit, and the benchmark must run them as they normally run.


def load_texts(path: Path = DEV_SET) -> list[str]:
    """Every question's text, in the file's order."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [str(entry["q"]) for entry in entries if str(entry.get("q", "")).strip()]


def plans(
    texts: list[str], residents: int, questions: int, seed: int
) -> list[list[str]]:
    """``questions`` questions for each of ``residents``, the same for a seed.

    Both sides of the comparison get the same plans, so they answer the same
    questions in the same order.
    """
    if not texts:
        raise ValueError("no questions to ask: the dev set is empty")
    chooser = random.Random(seed)
    return [[chooser.choice(texts) for _ in range(questions)] for _ in range(residents)]
