"""The housing system: its people, their tenancies and housing applications."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from council.database import metadata

housing_people = Table(
    "housing_people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("forename", String(100), nullable=True),
    Column("surname", String(100), nullable=False),
    Column("dob", Date, nullable=True),
    Column("email", String(320), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("address", String(300), nullable=False),
    Column("postcode", String(10), nullable=True),
    Column("uprn", String(12), nullable=True),
)

housing_cases = Table(
    "housing_cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "person_id",
        Integer,
        ForeignKey(
            "housing_people.id", name="fk_housing_cases_person_id", ondelete="CASCADE"
        ),
        nullable=False,
    ),
    Column("reference", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(24), nullable=False),
    Column("band", String(8), nullable=True),
    Column("rent_balance_pence", Integer, nullable=True),
    Column("uprn", String(12), nullable=True),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date, nullable=True),
    UniqueConstraint("reference", name="uq_housing_cases_reference"),
    CheckConstraint("kind IN ('tenancy', 'application')", name="ck_housing_cases_kind"),
    Index("ix_housing_cases_person_id", "person_id"),
)
