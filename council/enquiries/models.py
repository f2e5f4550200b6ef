"""The enquiry tables, declared on the project's shared metadata.

A change here needs a migration under ``council/migrations/versions``; a test
compares the migrated schema with these declarations.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
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

enquiries = Table(
    "enquiries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(20), nullable=False),
    Column("category", String(100), nullable=False),
    Column("details", Text, nullable=False),
    Column("postcode", String(8), nullable=True),
    Column("uprn", String(12), nullable=True),
    Column("location_description", String(500), nullable=True),
    Column("contact_name", String(200), nullable=True),
    Column("contact_email", String(320), nullable=True),
    Column("contact_phone", String(32), nullable=True),
    Column("source", String(16), nullable=False),
    Column("conversation_id", String(200), nullable=True),
    Column("idempotency_key", String(200), nullable=True),
    Column("request_fingerprint", String(64), nullable=True),
    Column("status", String(16), nullable=False),
    Column("target_date", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("reference", name="uq_enquiries_reference"),
    UniqueConstraint("idempotency_key", name="uq_enquiries_idempotency_key"),
    CheckConstraint(
        "status IN ('received', 'assigned', 'in progress', 'resolved', 'closed')",
        name="ck_enquiries_status",
    ),
    CheckConstraint(
        "source IN ('assistant', 'agent', 'councillor')", name="ck_enquiries_source"
    ),
    Index("ix_enquiries_category_status", "category", "status"),
    Index("ix_enquiries_uprn", "uprn"),
    Index("ix_enquiries_postcode", "postcode"),
    Index("ix_enquiries_conversation_id", "conversation_id"),
)

enquiry_status_changes = Table(
    "enquiry_status_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "enquiry_id",
        Integer,
        ForeignKey(
            "enquiries.id",
            name="fk_enquiry_status_changes_enquiry_id",
            ondelete="CASCADE",
        ),
        nullable=False,
    ),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("changed_by", String(100), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("ix_enquiry_status_changes_enquiry_id", "enquiry_id"),
)

# One row per year holds the last reference number given out that year.
# Creating an enquiry increments the row in the creating transaction, so the
# row lock makes concurrent creations take turns and numbers never repeat.
enquiry_reference_counters = Table(
    "enquiry_reference_counters",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last_number", Integer, nullable=False),
)
