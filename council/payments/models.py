"""The payment tables, declared on the project's shared metadata.

``payments`` holds one row per payment attempt: the thing paid for
(``charge_key``), the conversation, and the attempt's number, unique together,
so two simultaneous starts for the same thing in the same conversation share
one row and its ``idempotency_key``, and so one provider payment. A change here
needs a migration under ``council/migrations/versions``.
"""

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from council.database import metadata

PAYMENT_STATUSES = (
    "'created', 'started', 'submitted', 'capturable', "
    "'success', 'failed', 'cancelled', 'error'"
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("return_token", String(64), nullable=False),
    Column("charge_kind", String(32), nullable=False),
    Column("charge_key", String(200), nullable=False),
    Column("conversation_id", String(200), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("idempotency_key", String(64), nullable=False),
    Column("amount_pence", Integer, nullable=False),
    Column("reference", String(255), nullable=False),
    Column("description", String(255), nullable=False),
    Column("language", String(2), nullable=False),
    Column("email", String(320), nullable=True),
    Column("provider_metadata", JSON, nullable=False),
    Column("provider_payment_id", String(64), nullable=True),
    Column("next_url", Text, nullable=True),
    Column("status", String(16), nullable=False),
    Column("failure_code", String(8), nullable=True),
    Column("failure_message", String(255), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("return_token", name="uq_payments_return_token"),
    UniqueConstraint("idempotency_key", name="uq_payments_idempotency_key"),
    UniqueConstraint("provider_payment_id", name="uq_payments_provider_payment_id"),
    UniqueConstraint(
        "charge_key", "conversation_id", "attempt", name="uq_payments_attempt"
    ),
    CheckConstraint(f"status IN ({PAYMENT_STATUSES})", name="ck_payments_status"),
    CheckConstraint("amount_pence > 0", name="ck_payments_amount_positive"),
    Index("ix_payments_conversation_id", "conversation_id"),
    Index("ix_payments_charge_key_status", "charge_key", "status"),
)

# Every status a payment has had, and where the news came from: the provider's
# answer to create or get, the payer's return, a webhook, or our own request.
payment_status_changes = Table(
    "payment_status_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "payment_id",
        Integer,
        ForeignKey(
            "payments.id",
            name="fk_payment_status_changes_payment_id",
            ondelete="CASCADE",
        ),
        nullable=False,
    ),
    Column("status", String(16), nullable=False),
    Column("code", String(8), nullable=True),
    Column("source", String(16), nullable=False),
    Column("webhook_message_id", String(100), nullable=True),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("ix_payment_status_changes_payment_id", "payment_id"),
)

# Every webhook message id handled, so a repeated delivery is recognised and
# ignored. Inserted in the same transaction as the change it makes: a delivery
# that fails part way leaves no trace and is handled again when it is retried.
payment_webhook_messages = Table(
    "payment_webhook_messages",
    metadata,
    Column("message_id", String(100), primary_key=True, autoincrement=False),
    Column("resource_id", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

payment_refunds = Table(
    "payment_refunds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "payment_id",
        Integer,
        ForeignKey(
            "payments.id", name="fk_payment_refunds_payment_id", ondelete="CASCADE"
        ),
        nullable=False,
    ),
    Column("provider_refund_id", String(64), nullable=False),
    Column("amount_pence", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("requested_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("provider_refund_id", name="uq_payment_refunds_provider_id"),
    CheckConstraint("amount_pence > 0", name="ck_payment_refunds_amount_positive"),
    Index("ix_payment_refunds_payment_id", "payment_id"),
)
