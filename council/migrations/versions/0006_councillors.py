"""Councillors, the cases they raise and where to reach them in Teams.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "councillors",
        sa.Column("object_id", sa.String(64), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("ward", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "councillor_cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("enquiry_id", sa.Integer, nullable=False),
        sa.Column("councillor_id", sa.String(64), nullable=False),
        sa.Column("ward", sa.String(200), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"],
            ["enquiries.id"],
            name="fk_councillor_cases_enquiry_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["councillor_id"],
            ["councillors.object_id"],
            name="fk_councillor_cases_councillor_id",
        ),
        sa.UniqueConstraint("enquiry_id", name="uq_councillor_cases_enquiry_id"),
    )
    op.create_index(
        "ix_councillor_cases_councillor_id", "councillor_cases", ["councillor_id"]
    )

    op.create_table(
        "councillor_conversations",
        sa.Column(
            "councillor_id", sa.String(64), primary_key=True, autoincrement=False
        ),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("service_url", sa.String(500), nullable=False),
        sa.Column("conversation_id", sa.String(500), nullable=False),
        sa.Column("bot_id", sa.String(200), nullable=False),
        sa.Column("bot_name", sa.String(200), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["councillor_id"],
            ["councillors.object_id"],
            name="fk_councillor_conversations_councillor_id",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("councillor_conversations")
    op.drop_index("ix_councillor_cases_councillor_id", table_name="councillor_cases")
    op.drop_table("councillor_cases")
    op.drop_table("councillors")
