"""Cross-validate the NLU model: intent macro F1 on held-out folds.

Runs inside the Rasa environment::

    .venv-rasa/bin/python -m tests.nlu.cross_validation --folds 5 --json out.json

Rasa's own ``rasa test nlu --cross-validation`` reports weighted F1 per fold and
macro F1 only over all folds together; the quality bar is macro F1 on each held
-out fold (every intent counts the same, however many examples it has), so this
runs the same procedure and reports both. Folds are stratified by intent with a
fixed seed. Test messages pass through the gateway channel's typed-text guard
first, exactly as residents' messages do, so text starting with "/" is scored
as text rather than unpacked as intent syntax. A prediction of
``nlu_fallback`` counts as wrong.
"""

import argparse
import asyncio
import json
import logging
import os
import platform
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import structlog
import yaml
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.model_training import train_nlu
from rasa.shared.data import is_nlu_file
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from bot.channel import neutralise_typed_text

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
SEED = 42
FALLBACK = "nlu_fallback"


def config_with_epochs(config_path: Path, epochs: int | None, folder: Path) -> Path:
    """The pipeline config, with DIET's epochs replaced when ``epochs`` is given."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    if epochs is not None:
        for component in config["pipeline"]:
            if component["name"] == "DIETClassifier":
                component["epochs"] = epochs

    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def nlu_data(folder: Path) -> TrainingData:
    """The NLU examples in ``folder`` (its rules and stories files are skipped)."""
    files = sorted(p for p in folder.glob("*.yml") if is_nlu_file(str(p)))
    return TrainingData().merge(*(load_data(str(path)) for path in files))


def folds(data: TrainingData, count: int) -> list[tuple[TrainingData, list[Message]]]:
    """``count`` stratified (train, held-out examples) splits of ``data``."""
    examples = list(data.intent_examples)
    intents = [example.get("intent") for example in examples]
    splitter = StratifiedKFold(n_splits=count, shuffle=True, random_state=SEED)

    splits = []
    for train_index, test_index in splitter.split(examples, intents):
        train = TrainingData(
            training_examples=[examples[i] for i in train_index],
            entity_synonyms=data.entity_synonyms,
            regex_features=data.regex_features,
            lookup_tables=data.lookup_tables,
        )
        splits.append((train, [examples[i] for i in test_index]))
    return splits


async def predict(model: str, held_out: list[Message]) -> tuple[list[str], list[str]]:
    """For each held-out message (guarded as the channel does): the intent the
    NLU gave it, and the classifier's best intent before the fallback."""
    processor = Agent.load(model).processor
    final, best = [], []
    for example in held_out:
        text = neutralise_typed_text(example.get("text"))
        parsed = await processor.parse_message(UserMessage(text))
        ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
        final.append(str((parsed.get("intent") or {}).get("name")))
        best.append(str(ranking[0]["name"]) if ranking else FALLBACK)
    return final, best


def run(
    nlu_path: Path,
    config_path: Path,
    fold_count: int,
    epochs: int | None,
    only: int | None = None,
) -> dict[str, Any]:
    """Train and test on each fold (or the first ``only`` of them); return the
    figures for the report."""
    data = nlu_data(nlu_path)
    started = time.monotonic()

    per_fold: list[dict[str, Any]] = []
    all_targets: list[str] = []
    all_predictions: list[str] = []
    misses: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        config = config_with_epochs(config_path, epochs, folder)

        splits = folds(data, fold_count)[:only]
        for number, (train, held_out) in enumerate(splits, 1):
            fold_started = time.monotonic()
            data_file = folder / "train.yml"
            RasaYAMLWriter().dump(data_file, train)
            model = train_nlu(str(config), str(data_file), str(folder / "models"))
            assert model is not None, "Rasa trained no model"

            targets = [str(example.get("intent")) for example in held_out]
            predictions, best = asyncio.run(predict(model, held_out))
            labels = sorted(set(targets))
            per_fold.append(
                {
                    "fold": number,
                    "examples": len(targets),
                    "macro_f1": f1_score(
                        targets, predictions, labels=labels, average="macro"
                    ),
                    "macro_f1_before_fallback": f1_score(
                        targets, best, labels=labels, average="macro"
                    ),
                    "fallbacks": predictions.count(FALLBACK),
                    "seconds": round(time.monotonic() - fold_started, 1),
                }
            )
            logger.info("Fold %d: macro F1 %.3f", number, per_fold[-1]["macro_f1"])
            all_targets += targets
            all_predictions += predictions
            misses += [
                {"text": example.get("text"), "intent": target, "predicted": got}
                for example, target, got in zip(
                    held_out, targets, predictions, strict=True
                )
                if target != got
            ]

    labels = sorted(set(all_targets))
    per_intent = f1_score(all_targets, all_predictions, labels=labels, average=None)
    confusions = Counter(
        (target, predicted)
        for target, predicted in zip(all_targets, all_predictions, strict=True)
        if target != predicted
    )
    return {
        "folds": per_fold,
        "macro_f1_overall": f1_score(
            all_targets, all_predictions, labels=labels, average="macro"
        ),
        "macro_f1_min_fold": min(fold["macro_f1"] for fold in per_fold),
        "macro_f1_mean_fold": sum(f["macro_f1"] for f in per_fold) / len(per_fold),
        "per_intent_f1": dict(zip(labels, map(float, per_intent), strict=True)),
        "top_confusions": [
            {"intent": t, "predicted": p, "count": n}
            for (t, p), n in confusions.most_common(12)
        ],
        "misses": misses,
        "examples": len(all_targets),
        "intents": len(labels),
        "fold_count": fold_count,
        "folds_run": len(per_fold),
        "diet_epochs": epochs,
        "seconds": round(time.monotonic() - started, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average at the end "
        f"{os.getloadavg()[0]:.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--epochs", type=int, default=None, help="DIET epochs (default: config's)"
    )
    parser.add_argument(
        "--only", type=int, default=None, help="run only the first N folds"
    )
    parser.add_argument("--nlu", type=Path, default=ROOT / "nlu")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()

    logging.basicConfig(level=logging.INFO)
    for noisy in ("rasa", "tensorflow", "absl"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Rasa's structlog prints every parse at debug level.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING)
    )
    results = run(args.nlu, args.config, args.folds, args.epochs, args.only)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    logger.info(
        "Macro F1: overall %.3f, lowest fold %.3f",
        results["macro_f1_overall"],
        results["macro_f1_min_fold"],
    )


if __name__ == "__main__":
    main()
