"""The councillor tables, declared on the project's shared metadata.

A change here needs a migration under ``council/migrations/versions``; a test
compares the migrated schema with these declarations.
"""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from council.database import metadata

# Everyone the councillor list has ever named. A member who leaves office is
# kept, inactive, so their cases still say who raised them.
councillors = Table(
    "councillors",
    metadata,
    Column("object_id", String(64), primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("ward", String(200), nullable=False),
    Column("email", String(320), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Which councillor raised which enquiry, and for which ward at the time.
councillor_cases = Table(
    "councillor_cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "enquiry_id",
        Integer,
        ForeignKey(
            "enquiries.id", name="fk_councillor_cases_enquiry_id", ondelete="CASCADE"
        ),
        nullable=False,
    ),
    Column(
        "councillor_id",
        String(64),
        ForeignKey("councillors.object_id", name="fk_councillor_cases_councillor_id"),
        nullable=False,
    ),
    Column("ward", String(200), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("enquiry_id", name="uq_councillor_cases_enquiry_id"),
    Index("ix_councillor_cases_councillor_id", "councillor_id"),
)

# The one-to-one Teams chat each councillor last wrote from: where proactive
# messages about their cases go.
councillor_conversations = Table(
    "councillor_conversations",
    metadata,
    Column(
        "councillor_id",
        String(64),
        ForeignKey(
            "councillors.object_id",
            name="fk_councillor_conversations_councillor_id",
            ondelete="CASCADE",
        ),
        primary_key=True,
        autoincrement=False,
    ),
    Column("channel_id", String(32), nullable=False),
    Column("service_url", String(500), nullable=False),
    Column("conversation_id", String(500), nullable=False),
    Column("bot_id", String(200), nullable=False),
    Column("bot_name", String(200), nullable=False),
    Column("user_id", String(200), nullable=False),
    Column("tenant_id", String(64), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
