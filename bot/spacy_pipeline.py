"""Build the spaCy pipeline that Rasa's ``SpacyNLP`` loads.

Explosion's trained English pipelines cannot be installed from the registries these
machines reach, and Rasa 3.6 needs spaCy 3.4. A blank English pipeline with an
``entity_ruler`` gives Rasa spaCy tokenisation and rule-based entities (UK
postcodes, council references, vehicle registrations, amounts); DIET learns the
intents and any further entities (the kind of problem, the national service asked
about, dates).

Run ``python -m bot.spacy_pipeline OUTPUT_DIR`` inside the Rasa environment.
"""

import argparse
import logging
import os
from pathlib import Path

import spacy

logger = logging.getLogger(__name__)

# The Council Tax account reference has no national format; each council sets its
# own pattern. This is the COUNCIL_TAX_REF_REGEX setting of council/settings.py,
# read from the environment here because bot/ cannot import the 3.11 side; the
# default (8 to 10 digits) must stay the same on both sides.
COUNCIL_TAX_REF_REGEX = os.environ.get("COUNCIL_TAX_REF_REGEX", r"^\d{8,10}$")

POSTCODE_OUTWARD = r"^(?i:[a-z]{1,2}\d[a-z\d]?)$"
POSTCODE_INWARD = r"^(?i:\d[a-z]{2})$"
POSTCODE_JOINED = r"^(?i:[a-z]{1,2}\d[a-z\d]?\d[a-z]{2})$"


def entity_patterns() -> list[dict[str, object]]:
    """Return the entity ruler's patterns, one list entry per pattern."""
    return [
        {
            "label": "postcode",
            "pattern": [
                {"TEXT": {"REGEX": POSTCODE_OUTWARD}},
                {"TEXT": {"REGEX": POSTCODE_INWARD}},
            ],
        },
        {"label": "postcode", "pattern": [{"TEXT": {"REGEX": POSTCODE_JOINED}}]},
        {
            "label": "enquiry_reference",
            "pattern": [{"TEXT": {"REGEX": r"^(?i:enq-\d{4}-\d{6})$"}}],
        },
        {
            # spaCy's tokenizer splits "ENQ-2026-000123" after the year.
            "label": "enquiry_reference",
            "pattern": [
                {"TEXT": {"REGEX": r"^(?i:enq-\d{4})$"}},
                {"TEXT": "-"},
                {"TEXT": {"REGEX": r"^\d{6}$"}},
            ],
        },
        {
            "label": "pcn_number",
            "pattern": [{"TEXT": {"REGEX": r"^(?i:[a-z]{2}\d{8})$"}}],
        },
        {
            "label": "vehicle_registration",
            "pattern": [
                {"TEXT": {"REGEX": r"^(?i:[a-z]{2}\d{2})$"}},
                {"TEXT": {"REGEX": r"^(?i:[a-z]{3})$"}},
            ],
        },
        {
            # The current format typed without its space, "AB12CDE".
            "label": "vehicle_registration",
            "pattern": [{"TEXT": {"REGEX": r"^(?i:[a-z]{2}\d{2}[a-z]{3})$"}}],
        },
        {
            "label": "uprn",
            "pattern": [{"LOWER": "uprn"}, {"TEXT": {"REGEX": r"^\d{1,12}$"}}],
        },
        {
            "label": "uprn",
            "pattern": [
                {"LOWER": "uprn"},
                {"TEXT": {"IN": [":", "-", "is"]}},
                {"TEXT": {"REGEX": r"^\d{1,12}$"}},
            ],
        },
        {"label": "email", "pattern": [{"LIKE_EMAIL": True}]},
        {
            "label": "council_tax_reference",
            "pattern": [{"TEXT": {"REGEX": COUNCIL_TAX_REF_REGEX}}],
        },
        {
            "label": "amount",
            "pattern": [
                {"TEXT": "£"},
                {"TEXT": {"REGEX": r"^\d[\d,]*(\.\d{1,2})?$"}},
            ],
        },
        {
            "label": "amount",
            "pattern": [
                {"TEXT": {"REGEX": r"^\d[\d,]*(\.\d{1,2})?$"}},
                {"LOWER": {"IN": ["pounds", "quid"]}},
            ],
        },
    ]


def build(output_dir: Path) -> Path:
    """Write the blank English pipeline with its entity ruler to ``output_dir``."""
    nlp = spacy.blank("en")

    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(entity_patterns())  # type: ignore[attr-defined]

    output_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_dir)
    logger.info("spaCy pipeline written to %s", output_dir)
    return output_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output_dir", type=Path)
    args = parser.parse_args()

    logging.basicConfig(level=logging.INFO)
    build(args.output_dir)


if __name__ == "__main__":
    main()
