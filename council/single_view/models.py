"""The resident index's tables: people, their links to silo records, the
audit log of staff views, and which conversations were a resident's.

Prefixed ``sv_``. A change here needs a migration under
``council/migrations/versions``; a test compares the two.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from council.database import metadata

# One verified person: a resident who signed up to the council's online account
# (or signed in to the chat). ``subject`` is the identity provider's stable id,
# ``email`` the verified address, folded to lower case.
sv_people = Table(
    "sv_people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(200), nullable=True),
    Column("email", String(320), nullable=True),
    Column("name", String(200), nullable=False),
    Column("dob", Date, nullable=True),
    Column("phone", String(32), nullable=True),
    Column("address", String(300), nullable=True),
    Column("postcode", String(10), nullable=True),
    Column("uprn", String(12), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("subject", name="uq_sv_people_subject"),
    UniqueConstraint("email", name="uq_sv_people_email"),
)

# A silo record linked to a person, with how and how surely. One record links
# to at most one person. Only links at or above the configured threshold are
# used for answers; the rest wait for review.
sv_links = Table(
    "sv_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("sv_people.id", name="fk_sv_links_person_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("silo", String(16), nullable=False),
    Column("record_id", String(32), nullable=False),
    Column("method", String(16), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("match_weight", Float, nullable=True),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("silo", "record_id", name="uq_sv_links_silo_record"),
    CheckConstraint(
        "method IN ('email', 'uprn-dob', 'probabilistic')", name="ck_sv_links_method"
    ),
    CheckConstraint(
        "confidence >= 0 AND confidence <= 1", name="ck_sv_links_confidence"
    ),
    Index("ix_sv_links_person_id", "person_id"),
)

# Who looked at whose record, when and why. No foreign key: the log outlives
# the person's index entry, and a refused look-up is logged too.
sv_view_audit = Table(
    "sv_view_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("viewer_id", String(128), nullable=False),
    Column("viewer_role", String(16), nullable=False),
    Column("person_id", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("viewed_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(
        "viewer_role IN ('agent', 'supervisor', 'councillor')",
        name="ck_sv_view_audit_viewer_role",
    ),
    Index("ix_sv_view_audit_person_id", "person_id"),
    Index("ix_sv_view_audit_viewed_at", "viewed_at"),
)

# The conversations a signed-in resident had: the subject-access export and
# the retention job find a resident's transcripts through this.
sv_conversations = Table(
    "sv_conversations",
    metadata,
    Column("conversation_id", String(64), primary_key=True),
    Column("subject", String(200), nullable=False),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Index("ix_sv_conversations_subject", "subject"),
)
