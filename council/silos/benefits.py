"""The benefits system: claimants and their Housing Benefit and Council Tax
Reduction claims. Names are held "SURNAME, Forenames", as its forms ask."""

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

benefits_claimants = Table(
    "benefits_claimants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("dob", Date, nullable=True),
    Column("email", String(320), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("address", String(300), nullable=False),
    Column("postcode", String(10), nullable=True),
)

benefits_claims = Table(
    "benefits_claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "claimant_id",
        Integer,
        ForeignKey(
            "benefits_claimants.id",
            name="fk_benefits_claims_claimant_id",
            ondelete="CASCADE",
        ),
        nullable=False,
    ),
    Column("claim_ref", String(16), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("weekly_amount_pence", Integer, nullable=False),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date, nullable=True),
    UniqueConstraint("claim_ref", name="uq_benefits_claims_claim_ref"),
    CheckConstraint(
        "kind IN ('housing-benefit', 'council-tax-reduction')",
        name="ck_benefits_claims_kind",
    ),
    CheckConstraint(
        "status IN ('assessing', 'awarded', 'ended', 'refused')",
        name="ck_benefits_claims_status",
    ),
    Index("ix_benefits_claims_claimant_id", "claimant_id"),
)
