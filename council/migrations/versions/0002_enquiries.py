"""Enquiries, their status history and the per-year reference counters.

Revision ID: 0002
Revises: 0001
Created: 2026-11-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enquiries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("postcode", sa.String(8), nullable=True),
        sa.Column("uprn", sa.String(12), nullable=True),
        sa.Column("location_description", sa.String(500), nullable=True),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("contact_email", sa.String(320), nullable=True),
        sa.Column("contact_phone", sa.String(32), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_fingerprint", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("target_date", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("reference", name="uq_enquiries_reference"),
        sa.UniqueConstraint("idempotency_key", name="uq_enquiries_idempotency_key"),
        sa.CheckConstraint(
            "status IN ('received', 'assigned', 'in progress', 'resolved', 'closed')",
            name="ck_enquiries_status",
        ),
        sa.CheckConstraint(
            "source IN ('assistant', 'agent', 'councillor')",
            name="ck_enquiries_source",
        ),
    )
    op.create_index("ix_enquiries_category_status", "enquiries", ["category", "status"])
    op.create_index("ix_enquiries_uprn", "enquiries", ["uprn"])
    op.create_index("ix_enquiries_postcode", "enquiries", ["postcode"])
    op.create_index("ix_enquiries_conversation_id", "enquiries", ["conversation_id"])

    op.create_table(
        "enquiry_status_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("enquiry_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"],
            ["enquiries.id"],
            name="fk_enquiry_status_changes_enquiry_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_enquiry_status_changes_enquiry_id",
        "enquiry_status_changes",
        ["enquiry_id"],
    )

    op.create_table(
        "enquiry_reference_counters",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("enquiry_reference_counters")
    op.drop_index(
        "ix_enquiry_status_changes_enquiry_id", table_name="enquiry_status_changes"
    )
    op.drop_table("enquiry_status_changes")
    for index in (
        "ix_enquiries_conversation_id",
        "ix_enquiries_postcode",
        "ix_enquiries_uprn",
        "ix_enquiries_category_status",
    ):
        op.drop_index(index, table_name="enquiries")
    op.drop_table("enquiries")
