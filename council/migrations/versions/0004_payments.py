"""Payments: attempts, their status history, webhook messages seen, refunds.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAYMENT_STATUSES = (
    "'created', 'started', 'submitted', 'capturable', "
    "'success', 'failed', 'cancelled', 'error'"
)


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("return_token", sa.String(64), nullable=False),
        sa.Column("charge_kind", sa.String(32), nullable=False),
        sa.Column("charge_key", sa.String(200), nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("amount_pence", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(255), nullable=False),
        sa.Column("description", sa.String(255), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("provider_metadata", sa.JSON, nullable=False),
        sa.Column("provider_payment_id", sa.String(64), nullable=True),
        sa.Column("next_url", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("failure_code", sa.String(8), nullable=True),
        sa.Column("failure_message", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("return_token", name="uq_payments_return_token"),
        sa.UniqueConstraint("idempotency_key", name="uq_payments_idempotency_key"),
        sa.UniqueConstraint(
            "provider_payment_id", name="uq_payments_provider_payment_id"
        ),
        sa.UniqueConstraint(
            "charge_key", "conversation_id", "attempt", name="uq_payments_attempt"
        ),
        sa.CheckConstraint(
            f"status IN ({PAYMENT_STATUSES})", name="ck_payments_status"
        ),
        sa.CheckConstraint("amount_pence > 0", name="ck_payments_amount_positive"),
    )
    op.create_index("ix_payments_conversation_id", "payments", ["conversation_id"])
    op.create_index(
        "ix_payments_charge_key_status", "payments", ["charge_key", "status"]
    )

    op.create_table(
        "payment_status_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("payment_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("code", sa.String(8), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("webhook_message_id", sa.String(100), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name="fk_payment_status_changes_payment_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_payment_status_changes_payment_id",
        "payment_status_changes",
        ["payment_id"],
    )

    op.create_table(
        "payment_webhook_messages",
        sa.Column("message_id", sa.String(100), primary_key=True, autoincrement=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("payment_id", sa.Integer, nullable=False),
        sa.Column("provider_refund_id", sa.String(64), nullable=False),
        sa.Column("amount_pence", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name="fk_payment_refunds_payment_id",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "provider_refund_id", name="uq_payment_refunds_provider_id"
        ),
        sa.CheckConstraint(
            "amount_pence > 0", name="ck_payment_refunds_amount_positive"
        ),
    )
    op.create_index("ix_payment_refunds_payment_id", "payment_refunds", ["payment_id"])


def downgrade() -> None:
    op.drop_index("ix_payment_refunds_payment_id", table_name="payment_refunds")
    op.drop_table("payment_refunds")
    op.drop_table("payment_webhook_messages")
    op.drop_index(
        "ix_payment_status_changes_payment_id", table_name="payment_status_changes"
    )
    op.drop_table("payment_status_changes")
    op.drop_index("ix_payments_charge_key_status", table_name="payments")
    op.drop_index("ix_payments_conversation_id", table_name="payments")
    op.drop_table("payments")
