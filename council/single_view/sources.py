"""Person-like records from each silo, in one shape for linking.

Every silo has its own idea of a person: the Council Tax account's liable
person, the housing system's person, the benefits claimant, the parking
customer, an enquiry's contact. :func:`read_records` reads them all and
:func:`linkage_row` turns each into the same normal-form row (see
:mod:`council.single_view.names`), keyed ``"<silo>:<record id>"``. The same
functions serve the index (rows from the database) and model training (rows
from a generated world), so the model sees what the index will.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from council.enquiries.models import enquiries
from council.silos.benefits import benefits_claimants
from council.silos.council_tax import ctax_accounts
from council.silos.housing import housing_people
from council.silos.parking import parking_customers
from council.single_view.models import sv_people
from council.single_view.names import (
    first_name_forms,
    first_name_key,
    normal_email,
    normal_phone,
    normal_postcode,
    normal_uprn,
    postcode_district,
    split_name,
    surname_key,
)

SILOS = ("ctax", "housing", "benefits", "parking", "enquiries")


@dataclass(frozen=True)
class SourceRecord:
    """One silo's record of a person, as the silo holds it."""

    silo: str
    record_id: str
    name: str | None
    forename: str | None = None
    surname: str | None = None
    dob: date | None = None
    email: str | None = None
    phone: str | None = None
    postcode: str | None = None
    uprn: str | None = None

    @property
    def key(self) -> str:
        return f"{self.silo}:{self.record_id}"


def records_from_rows(
    silo: str, rows: Iterable[Mapping[str, Any]]
) -> Iterator[SourceRecord]:
    """Silo rows (from the database or a generated world) as source records."""
    for row in rows:
        if silo == "ctax":
            yield SourceRecord(
                silo,
                str(row["id"]),
                row["liable_name"],
                dob=row["liable_dob"],
                email=row["email"],
                phone=row["phone"],
                postcode=row["postcode"],
                uprn=row["uprn"],
            )
        elif silo == "housing":
            yield SourceRecord(
                silo,
                str(row["id"]),
                None,
                forename=row["forename"],
                surname=row["surname"],
                dob=row["dob"],
                email=row["email"],
                phone=row["phone"],
                postcode=row["postcode"],
                uprn=row["uprn"],
            )
        elif silo in ("benefits", "parking"):
            yield SourceRecord(
                silo,
                str(row["id"]),
                row["name"],
                dob=row.get("dob"),
                email=row["email"],
                phone=row["phone"],
                postcode=row["postcode"],
            )
        elif silo == "enquiries":
            yield SourceRecord(
                silo,
                str(row["reference"]),
                row["contact_name"],
                email=row["contact_email"],
                phone=row["contact_phone"],
            )
        else:
            raise ValueError(f"unknown silo {silo!r}")


async def read_records(
    connection: AsyncConnection, *, email: str | None = None
) -> list[SourceRecord]:
    """Every silo's person-like records, or only those with ``email`` (any case)."""
    queries: dict[str, Select[Any]] = {
        "ctax": select(
            ctax_accounts.c.id,
            ctax_accounts.c.liable_name,
            ctax_accounts.c.liable_dob,
            ctax_accounts.c.email,
            ctax_accounts.c.phone,
            ctax_accounts.c.postcode,
            ctax_accounts.c.uprn,
        ),
        "housing": select(
            housing_people.c.id,
            housing_people.c.forename,
            housing_people.c.surname,
            housing_people.c.dob,
            housing_people.c.email,
            housing_people.c.phone,
            housing_people.c.postcode,
            housing_people.c.uprn,
        ),
        "benefits": select(
            benefits_claimants.c.id,
            benefits_claimants.c.name,
            benefits_claimants.c.dob,
            benefits_claimants.c.email,
            benefits_claimants.c.phone,
            benefits_claimants.c.postcode,
        ),
        "parking": select(
            parking_customers.c.id,
            parking_customers.c.name,
            parking_customers.c.email,
            parking_customers.c.phone,
            parking_customers.c.postcode,
        ),
        "enquiries": select(
            enquiries.c.reference,
            enquiries.c.contact_name,
            enquiries.c.contact_email,
            enquiries.c.contact_phone,
        ),
    }
    found: list[SourceRecord] = []
    for silo, query in queries.items():
        if email is not None:
            column = query.selected_columns[
                "contact_email" if silo == "enquiries" else "email"
            ]
            query = query.where(func.lower(column) == email.lower())
        rows = (await connection.execute(query)).mappings().all()
        found.extend(records_from_rows(silo, rows))
    return found


async def read_people(connection: AsyncConnection) -> list[Mapping[str, Any]]:
    """Every person in the index, with what they verified."""
    query = select(
        sv_people.c.id,
        sv_people.c.name,
        sv_people.c.dob,
        sv_people.c.email,
        sv_people.c.phone,
        sv_people.c.postcode,
        sv_people.c.uprn,
    )
    return [dict(row) for row in (await connection.execute(query)).mappings()]


def linkage_row(record: SourceRecord) -> dict[str, Any]:
    """The record in normal form, as the linkage model compares it."""
    if record.name is not None:
        parsed = split_name(record.name)
        first, surname = parsed.first_name, parsed.surname
    else:
        first, surname = first_name_key(record.forename), surname_key(record.surname)
    return _row(
        record.key,
        first,
        surname,
        record.dob,
        record.email,
        record.phone,
        record.postcode,
        record.uprn,
    )


def person_row(person: Mapping[str, Any]) -> dict[str, Any]:
    """A person of the index in the same normal form, keyed ``person:<id>``."""
    parsed = split_name(person["name"])
    return _row(
        f"person:{person['id']}",
        parsed.first_name,
        parsed.surname,
        person["dob"],
        person["email"],
        person["phone"],
        person["postcode"],
        person["uprn"],
    )


def _row(
    key: str,
    first: str | None,
    surname: str | None,
    dob: date | None,
    email: str | None,
    phone: str | None,
    postcode: str | None,
    uprn: str | None,
) -> dict[str, Any]:
    return {
        "unique_id": key,
        "first_name": first,
        "first_name_forms": first_name_forms(first) if first else None,
        "surname": surname,
        "dob": dob.isoformat() if dob else None,
        "email": normal_email(email),
        "phone": normal_phone(phone),
        "postcode": normal_postcode(postcode),
        "district": postcode_district(postcode),
        "uprn": normal_uprn(uprn),
    }
