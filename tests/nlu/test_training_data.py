"""The Rasa training data and domain are consistent, and the data is rich
enough: ``rasa data validate`` passes with warnings treated as failures, and
every intent has at least 20 examples."""

import os
import subprocess
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
MIN_EXAMPLES = 20


def intent_examples() -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in sorted((ROOT / "nlu").glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in document.get("nlu", []):
            if "intent" not in block:
                continue
            examples = block["examples"]
            if isinstance(examples, str):
                examples = [line for line in examples.splitlines() if line.strip()]
            counts[block["intent"]] += len(examples)
    return counts


def test_rasa_data_validate_passes_without_warnings():
    completed = subprocess.run(
        [
            str(RASA_PYTHON),
            "-m",
            "rasa",
            "data",
            "validate",
            "--fail-on-warnings",
            "--domain",
            "domain.yml",
            "--data",
            "nlu",
            "--config",
            "config.yml",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]


def test_every_domain_intent_has_enough_resident_examples():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    counts = intent_examples()

    thin = {i: counts[i] for i in domain["intents"] if counts[i] < MIN_EXAMPLES}

    assert len(domain["intents"]) >= 25
    assert not thin, f"intents with fewer than {MIN_EXAMPLES} examples: {thin}"
