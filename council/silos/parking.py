"""The parking system: its customers, resident permits and penalty charge
notices (PCNs). A PCN's keeper is a customer record too, made from the
vehicle keeper's details when the notice was issued."""

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
    UniqueConstraint,
)

from council.database import metadata

parking_customers = Table(
    "parking_customers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("address", String(300), nullable=False),
    Column("postcode", String(10), nullable=True),
)

parking_permits = Table(
    "parking_permits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "customer_id",
        Integer,
        ForeignKey(
            "parking_customers.id",
            name="fk_parking_permits_customer_id",
            ondelete="CASCADE",
        ),
        nullable=False,
    ),
    Column("permit_number", String(16), nullable=False),
    Column("zone", String(16), nullable=False),
    Column("vrm", String(10), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    UniqueConstraint("permit_number", name="uq_parking_permits_permit_number"),
    Index("ix_parking_permits_customer_id", "customer_id"),
)

parking_pcns = Table(
    "parking_pcns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "customer_id",
        Integer,
        ForeignKey(
            "parking_customers.id",
            name="fk_parking_pcns_customer_id",
            ondelete="CASCADE",
        ),
        nullable=False,
    ),
    Column("pcn_number", String(12), nullable=False),
    Column("vrm", String(10), nullable=False),
    Column("contravention_code", String(4), nullable=False),
    Column("location", String(200), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("amount_pence", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("pay_by", Date, nullable=False),
    UniqueConstraint("pcn_number", name="uq_parking_pcns_pcn_number"),
    CheckConstraint(
        "status IN ('open', 'paid', 'challenged', 'cancelled')",
        name="ck_parking_pcns_status",
    ),
    Index("ix_parking_pcns_customer_id", "customer_id"),
)
