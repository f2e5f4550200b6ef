"""Probabilistic record linkage with Splink on its DuckDB backend.

A Fellegi-Sunter model compares each silo record with the people of the index
on first name (exact, a shared nickname form, or close), surname (exact or
close), date of birth (exact or one character apart), postcode (exact or the
same district), email, phone and UPRN. Its parameters were estimated without
labels, by expectation maximisation on a generated county
(``python -m council.single_view.train``), and are kept in
``linkage_model.json`` beside this module: linking reads the model, it does
not retrain, so the same records always give the same links.

The prior chance that a record and a person match is set from the number of
people at each run (about one in that many), since the model was trained on a
county of another size.

Everything here is synchronous CPU work in an in-memory DuckDB: call it from a
worker thread.
"""

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

logger = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).with_name("linkage_model.json")

SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("first_name", pa.string()),
        ("first_name_forms", pa.list_(pa.string())),
        ("surname", pa.string()),
        ("dob", pa.string()),
        ("email", pa.string()),
        ("phone", pa.string()),
        ("postcode", pa.string()),
        ("district", pa.string()),
        ("uprn", pa.string()),
    ]
)

# Candidate pairs: a pair is scored only if it agrees on one of these. The
# surname rule also asks for the district, so common surnames stay cheap.
BLOCKING_RULES = (
    block_on("dob"),
    block_on("postcode"),
    block_on("email"),
    block_on("phone"),
    block_on("uprn"),
    block_on("surname", "district"),
    block_on("first_name", "district"),
)


@dataclass(frozen=True)
class Match:
    """The best person for one record, and how sure the model is."""

    record_key: str
    person_key: str
    probability: float
    weight: float


def model_settings() -> SettingsCreator:
    """The model's comparisons and blocking rules, before training."""
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.CustomComparison(
                output_column_name="first_name",
                comparison_description="first name",
                comparison_levels=[
                    cll.NullLevel("first_name"),
                    cll.ExactMatchLevel("first_name"),
                    cll.ArrayIntersectLevel("first_name_forms", 1),
                    cll.JaroWinklerLevel("first_name", 0.88),
                    cll.ElseLevel(),
                ],
            ),
            cl.CustomComparison(
                output_column_name="surname",
                comparison_description="surname",
                comparison_levels=[
                    cll.NullLevel("surname"),
                    cll.ExactMatchLevel("surname"),
                    cll.JaroWinklerLevel("surname", 0.92),
                    cll.ElseLevel(),
                ],
            ),
            cl.CustomComparison(
                output_column_name="dob",
                comparison_description="date of birth",
                comparison_levels=[
                    cll.NullLevel("dob"),
                    cll.ExactMatchLevel("dob"),
                    cll.LevenshteinLevel("dob", 1),
                    cll.ElseLevel(),
                ],
            ),
            # One comparison for the address, not one per field: the UPRN and
            # the postcode agree together, and counting both would count the
            # same evidence twice.
            cl.CustomComparison(
                output_column_name="address",
                comparison_description="address",
                comparison_levels=[
                    cll.And(cll.NullLevel("uprn"), cll.NullLevel("postcode")),
                    cll.ExactMatchLevel("uprn"),
                    cll.ExactMatchLevel("postcode"),
                    cll.ExactMatchLevel("district"),
                    cll.ElseLevel(),
                ],
            ),
            cl.ExactMatch("email"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def predict(
    people: Sequence[dict[str, Any]],
    records: Sequence[dict[str, Any]],
    *,
    floor: float,
    model: dict[str, Any] | None = None,
) -> list[Match]:
    """For each record, the most likely person if the probability is at least
    ``floor``; records with no such person are left out."""
    if not people or not records:
        return []

    settings = dict(model if model is not None else load_model())
    settings["probability_two_random_records_match"] = 1 / max(len(people), 2)

    database = DuckDBAPI()
    linker = Linker(
        [
            database.register(_table(people), dataset_display_name="people"),
            database.register(_table(records), dataset_display_name="records"),
        ],
        settings,
        log_level=None,
    )
    scored = linker.inference.predict(
        threshold_match_probability=floor, warning_mode="never"
    )
    best = scored.query_sql(
        """
        SELECT record_key, person_key, match_probability, match_weight FROM (
            SELECT
                CASE WHEN starts_with(unique_id_l, 'person:')
                     THEN unique_id_r ELSE unique_id_l END AS record_key,
                CASE WHEN starts_with(unique_id_l, 'person:')
                     THEN unique_id_l ELSE unique_id_r END AS person_key,
                match_probability,
                match_weight,
                row_number() OVER (
                    PARTITION BY CASE WHEN starts_with(unique_id_l, 'person:')
                                      THEN unique_id_r ELSE unique_id_l END
                    ORDER BY match_weight DESC, unique_id_l, unique_id_r
                ) AS rank
            FROM {this}
        ) WHERE rank = 1
        """
    )
    return [
        Match(
            record_key=row["record_key"],
            person_key=row["person_key"],
            probability=float(row["match_probability"]),
            weight=float(row["match_weight"]),
        )
        for row in best.as_record_list()
    ]


def train(
    people: Sequence[dict[str, Any]],
    records: Sequence[dict[str, Any]],
    *,
    seed: int = 1,
) -> dict[str, Any]:
    """Estimate the model's parameters from unlabelled data; return the model.

    u (how often non-matches agree) by random sampling; m (how often matches
    agree) by expectation maximisation in three passes, each blocked on a
    different field so that every comparison is estimated at least once.
    """
    database = DuckDBAPI()
    linker = Linker(
        [
            database.register(_table(people), dataset_display_name="people"),
            database.register(_table(records), dataset_display_name="records"),
        ],
        model_settings(),
        log_level=None,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("dob", "surname")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=3e6, seed=seed)
    # No pass is blocked on the address: pairs at one address are mostly
    # people of one household, and expectation maximisation would learn to
    # find households instead of people.
    for rule in (
        block_on("dob"),
        block_on("email"),
        block_on("first_name", "surname"),
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return linker.misc.save_model_to_json()


def load_model(path: Path = MODEL_PATH) -> dict[str, Any]:
    """The trained model as Splink's settings dictionary."""
    model: dict[str, Any] = json.loads(path.read_text())
    return model


def _table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=SCHEMA)
