"""The exact keys link, unless the first names contradict them."""

from datetime import date

from council.single_view.exact import exact_links
from council.single_view.sources import SourceRecord, linkage_row, person_row

PEOPLE = [
    person_row(
        {
            "id": 1,
            "name": "Catherine McDonald",
            "dob": date(1980, 3, 14),
            "email": "kate@example.com",
            "phone": None,
            "postcode": "TR1 2AB",
            "uprn": "000012345678",
        }
    ),
    person_row(
        {
            "id": 2,
            "name": "Thomas McDonald",
            "dob": date(1980, 3, 14),
            "email": None,
            "phone": None,
            "postcode": "TR1 2AB",
            "uprn": "000012345678",
        }
    ),
]


def record(name: str, **fields: object) -> dict[str, object]:
    return linkage_row(SourceRecord("parking", "7", name, **fields))  # type: ignore[arg-type]


def test_exact_links_email_with_nickname_links_by_email() -> None:
    links = exact_links(PEOPLE, [record("Kate Macdonald", email="KATE@example.com")])

    assert [(link.person_key, link.method) for link in links] == [("person:1", "email")]


def test_exact_links_shared_email_used_by_partner_is_not_settled() -> None:
    assert exact_links(PEOPLE, [record("Tom McDonald", email="kate@example.com")]) == []


def test_exact_links_twins_at_one_address_told_apart_by_first_name() -> None:
    links = exact_links(
        PEOPLE,
        [record("Tommy McDonald", dob=date(1980, 3, 14), uprn="000012345678")],
    )

    assert [(link.person_key, link.method) for link in links] == [
        ("person:2", "uprn-dob")
    ]
