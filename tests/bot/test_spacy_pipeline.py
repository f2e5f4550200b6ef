"""The blank English spaCy pipeline's rule-based entities."""

import pytest
import spacy

from bot.spacy_pipeline import build


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    return spacy.load(build(tmp_path_factory.mktemp("spacy") / "en_council"))


@pytest.mark.parametrize(
    "text, label, value",
    [
        ("my postcode is TR1 3AY", "postcode", "TR1 3AY"),
        ("it's pl15 8ab", "postcode", "pl15 8ab"),
        ("ref ENQ-2026-000123 please", "enquiry_reference", "ENQ-2026-000123"),
        ("parking ticket CO12345678", "pcn_number", "CO12345678"),
        ("the car is AB12 CDE", "vehicle_registration", "AB12 CDE"),
        ("account 12345678", "council_tax_reference", "12345678"),
        ("i paid £12.50", "amount", "£12.50"),
        ("uprn 010001234567", "uprn", "uprn 010001234567"),
        ("UPRN: 100040012345", "uprn", "UPRN: 100040012345"),
        ("reg AB12CDE", "vehicle_registration", "AB12CDE"),
        ("email me at jo.bloggs@example.co.uk", "email", "jo.bloggs@example.co.uk"),
        ("it was 70 quid", "amount", "70 quid"),
    ],
)
def test_entity_ruler_finds_council_entities(nlp, text, label, value):
    entities = [(ent.label_, ent.text) for ent in nlp(text).ents]

    assert (label, value) in entities


@pytest.mark.parametrize(
    "text", ["hello there", "TR1 bins", "ENQ-26-1", "on the A30 near Bodmin", "jo@"]
)
def test_entity_ruler_ignores_text_without_entities(nlp, text):
    assert list(nlp(text).ents) == []
