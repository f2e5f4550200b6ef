"""Train the linkage model: ``python -m council.single_view.train``.

Generates a county in memory (no database), estimates the model's parameters
without using the truth, writes ``linkage_model.json`` and then, with the
truth, reports how well the model links records the exact keys leave over.
A council would train on its own records in the same way; the truth is only
for the report.
"""

import argparse
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from council.silos.generate import SILOS, World, generate
from council.single_view import linkage
from council.single_view.sources import linkage_row, person_row, records_from_rows

logger = logging.getLogger(__name__)

PERSON_TABLES = {
    "ctax": "ctax_accounts",
    "housing": "housing_people",
    "benefits": "benefits_claimants",
    "parking": "parking_customers",
}


@dataclass(frozen=True)
class Frames:
    """A generated county as the linkage model sees it, with the truth."""

    people: list[dict[str, Any]]
    records: list[dict[str, Any]]
    person_of_resident: dict[int, str]
    resident_of_record: dict[str, int]


def frames(world: World) -> Frames:
    """People and silo records of ``world`` in normal form (no enquiries: the
    seed raises those through the enquiry service)."""
    people = []
    person_of_resident = {}
    for number, person in enumerate(world.people, start=1):
        people.append(person_row({**person, "id": number}))
        resident = world.resident_of_subject(person["subject"])
        person_of_resident[resident.id] = f"person:{number}"

    records: list[dict[str, Any]] = []
    for silo in SILOS:
        rows = world.rows.get(PERSON_TABLES[silo], [])
        records.extend(linkage_row(record) for record in records_from_rows(silo, rows))
    resident_of_record = {
        f"{silo}:{record_id}": resident
        for (silo, record_id), resident in world.truth.items()
    }
    return Frames(people, records, person_of_resident, resident_of_record)


def evaluate(
    found: Sequence[linkage.Match], truth: Frames, threshold: float
) -> dict[str, float]:
    """Precision and recall of the links at or above ``threshold``, counted
    over the records whose person is in the index."""
    linkable = {
        key
        for key, resident in truth.resident_of_record.items()
        if resident in truth.person_of_resident
    }
    kept = [match for match in found if match.probability >= threshold]
    right = sum(
        1
        for match in kept
        if truth.person_of_resident.get(
            truth.resident_of_record.get(match.record_key, -1)
        )
        == match.person_key
    )
    return {
        "links": len(kept),
        "correct": right,
        "precision": right / len(kept) if kept else 1.0,
        "recall": right / len(linkable) if linkable else 1.0,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=linkage.MODEL_PATH)
    parser.add_argument("--threshold", type=float, default=0.95)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    world = generate(arguments.residents, seed=arguments.seed, today=date(2026, 1, 5))
    data = frames(world)

    started = time.perf_counter()
    model = linkage.train(data.people, data.records)
    trained = time.perf_counter() - started
    arguments.out.write_text(json.dumps(model, indent=2, sort_keys=True) + "\n")

    found = linkage.predict(data.people, data.records, floor=0.5, model=model)
    report = evaluate(found, data, arguments.threshold)
    print(f"trained on {len(data.people):,} people and {len(data.records):,} records")
    print(f"training took {trained:.1f} s; model written to {arguments.out}")
    print(
        "at threshold {threshold}: {links} links, precision {precision:.3f}, "
        "recall {recall:.3f} (probabilistic stage alone)".format(
            threshold=arguments.threshold, **report
        )
    )


if __name__ == "__main__":
    main()
