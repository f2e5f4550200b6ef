"""The single view: the simulated silos and the resident index.

The silos' tables (``ctax_``, ``waste_``, ``housing_``, ``benefits_``,
``parking_``) stand in for the council's separate systems; the ``sv_`` tables
are the resident index, its links, the audit log of staff views and the
conversations of signed-in residents.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _council_tax()
    _waste()
    _housing()
    _benefits()
    _parking()
    _resident_index()


def downgrade() -> None:
    for index, table in (
        ("ix_sv_conversations_subject", "sv_conversations"),
        ("ix_sv_view_audit_viewed_at", "sv_view_audit"),
        ("ix_sv_view_audit_person_id", "sv_view_audit"),
        ("ix_sv_links_person_id", "sv_links"),
        ("ix_parking_pcns_customer_id", "parking_pcns"),
        ("ix_parking_permits_customer_id", "parking_permits"),
        ("ix_benefits_claims_claimant_id", "benefits_claims"),
        ("ix_housing_cases_person_id", "housing_cases"),
        ("ix_ctax_instalments_account_id_due_on", "ctax_instalments"),
        ("ix_ctax_accounts_uprn", "ctax_accounts"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "sv_conversations",
        "sv_view_audit",
        "sv_links",
        "sv_people",
        "parking_pcns",
        "parking_permits",
        "parking_customers",
        "benefits_claims",
        "benefits_claimants",
        "housing_cases",
        "housing_people",
        "waste_property_rounds",
        "waste_rounds",
        "waste_properties",
        "ctax_instalments",
        "ctax_accounts",
    ):
        op.drop_table(table)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _contact() -> list[sa.Column]:
    return [
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=True),
    ]


def _council_tax() -> None:
    op.create_table(
        "ctax_accounts",
        _id(),
        sa.Column("account_ref", sa.String(16), nullable=False),
        sa.Column("liable_name", sa.String(200), nullable=False),
        sa.Column("liable_dob", sa.Date, nullable=True),
        *_contact(),
        sa.Column("uprn", sa.String(12), nullable=True),
        sa.Column("band", sa.String(1), nullable=False),
        sa.Column("balance_pence", sa.Integer, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.UniqueConstraint("account_ref", name="uq_ctax_accounts_account_ref"),
    )
    op.create_index("ix_ctax_accounts_uprn", "ctax_accounts", ["uprn"])

    op.create_table(
        "ctax_instalments",
        _id(),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("amount_pence", sa.Integer, nullable=False),
        sa.Column("paid", sa.Boolean, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ctax_accounts.id"],
            name="fk_ctax_instalments_account_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_ctax_instalments_account_id_due_on",
        "ctax_instalments",
        ["account_id", "due_on"],
    )


def _waste() -> None:
    op.create_table(
        "waste_properties",
        sa.Column("uprn", sa.String(12), primary_key=True),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False),
    )
    op.create_table(
        "waste_rounds",
        _id(),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("bin_type", sa.String(16), nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("every_weeks", sa.Integer, nullable=False),
        sa.Column("first_collection", sa.Date, nullable=False),
        sa.UniqueConstraint("code", name="uq_waste_rounds_code"),
        sa.CheckConstraint(
            "bin_type IN ('rubbish', 'recycling', 'food', 'garden')",
            name="ck_waste_rounds_bin_type",
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_waste_rounds_weekday"),
        sa.CheckConstraint(
            "every_weeks BETWEEN 1 AND 4", name="ck_waste_rounds_every_weeks"
        ),
    )
    op.create_table(
        "waste_property_rounds",
        sa.Column("uprn", sa.String(12), nullable=False),
        sa.Column("round_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("uprn", "round_id", name="pk_waste_property_rounds"),
        sa.ForeignKeyConstraint(
            ["uprn"],
            ["waste_properties.uprn"],
            name="fk_waste_property_rounds_uprn",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["waste_rounds.id"],
            name="fk_waste_property_rounds_round_id",
            ondelete="CASCADE",
        ),
    )


def _housing() -> None:
    op.create_table(
        "housing_people",
        _id(),
        sa.Column("forename", sa.String(100), nullable=True),
        sa.Column("surname", sa.String(100), nullable=False),
        sa.Column("dob", sa.Date, nullable=True),
        *_contact(),
        sa.Column("uprn", sa.String(12), nullable=True),
    )
    op.create_table(
        "housing_cases",
        _id(),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("band", sa.String(8), nullable=True),
        sa.Column("rent_balance_pence", sa.Integer, nullable=True),
        sa.Column("uprn", sa.String(12), nullable=True),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.UniqueConstraint("reference", name="uq_housing_cases_reference"),
        sa.CheckConstraint(
            "kind IN ('tenancy', 'application')", name="ck_housing_cases_kind"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["housing_people.id"],
            name="fk_housing_cases_person_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_housing_cases_person_id", "housing_cases", ["person_id"])


def _benefits() -> None:
    op.create_table(
        "benefits_claimants",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("dob", sa.Date, nullable=True),
        *_contact(),
    )
    op.create_table(
        "benefits_claims",
        _id(),
        sa.Column("claimant_id", sa.Integer, nullable=False),
        sa.Column("claim_ref", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("weekly_amount_pence", sa.Integer, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.UniqueConstraint("claim_ref", name="uq_benefits_claims_claim_ref"),
        sa.CheckConstraint(
            "kind IN ('housing-benefit', 'council-tax-reduction')",
            name="ck_benefits_claims_kind",
        ),
        sa.CheckConstraint(
            "status IN ('assessing', 'awarded', 'ended', 'refused')",
            name="ck_benefits_claims_status",
        ),
        sa.ForeignKeyConstraint(
            ["claimant_id"],
            ["benefits_claimants.id"],
            name="fk_benefits_claims_claimant_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_benefits_claims_claimant_id", "benefits_claims", ["claimant_id"]
    )


def _parking() -> None:
    op.create_table(
        "parking_customers",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        *_contact(),
    )
    op.create_table(
        "parking_permits",
        _id(),
        sa.Column("customer_id", sa.Integer, nullable=False),
        sa.Column("permit_number", sa.String(16), nullable=False),
        sa.Column("zone", sa.String(16), nullable=False),
        sa.Column("vrm", sa.String(10), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.UniqueConstraint("permit_number", name="uq_parking_permits_permit_number"),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["parking_customers.id"],
            name="fk_parking_permits_customer_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_parking_permits_customer_id", "parking_permits", ["customer_id"]
    )
    op.create_table(
        "parking_pcns",
        _id(),
        sa.Column("customer_id", sa.Integer, nullable=False),
        sa.Column("pcn_number", sa.String(12), nullable=False),
        sa.Column("vrm", sa.String(10), nullable=False),
        sa.Column("contravention_code", sa.String(4), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount_pence", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pay_by", sa.Date, nullable=False),
        sa.UniqueConstraint("pcn_number", name="uq_parking_pcns_pcn_number"),
        sa.CheckConstraint(
            "status IN ('open', 'paid', 'challenged', 'cancelled')",
            name="ck_parking_pcns_status",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["parking_customers.id"],
            name="fk_parking_pcns_customer_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_parking_pcns_customer_id", "parking_pcns", ["customer_id"])


def _resident_index() -> None:
    op.create_table(
        "sv_people",
        _id(),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("dob", sa.Date, nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("postcode", sa.String(10), nullable=True),
        sa.Column("uprn", sa.String(12), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("subject", name="uq_sv_people_subject"),
        sa.UniqueConstraint("email", name="uq_sv_people_email"),
    )
    op.create_table(
        "sv_links",
        _id(),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("silo", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("match_weight", sa.Float, nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("silo", "record_id", name="uq_sv_links_silo_record"),
        sa.CheckConstraint(
            "method IN ('email', 'uprn-dob', 'probabilistic')",
            name="ck_sv_links_method",
        ),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 1", name="ck_sv_links_confidence"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["sv_people.id"],
            name="fk_sv_links_person_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_sv_links_person_id", "sv_links", ["person_id"])
    op.create_table(
        "sv_view_audit",
        _id(),
        sa.Column("viewer_id", sa.String(128), nullable=False),
        sa.Column("viewer_role", sa.String(16), nullable=False),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "viewer_role IN ('agent', 'supervisor', 'councillor')",
            name="ck_sv_view_audit_viewer_role",
        ),
    )
    op.create_index("ix_sv_view_audit_person_id", "sv_view_audit", ["person_id"])
    op.create_index("ix_sv_view_audit_viewed_at", "sv_view_audit", ["viewed_at"])
    op.create_table(
        "sv_conversations",
        sa.Column("conversation_id", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sv_conversations_subject", "sv_conversations", ["subject"])
