"""The property and waste system: properties by UPRN and collection rounds.

A round collects one bin type on one weekday every so many weeks, counted
from a first collection date; a property is on one round per bin type it has
(garden waste only for subscribers). The UPRN is a string: leading zeros
matter.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)

from council.database import metadata

BIN_TYPES = ("rubbish", "recycling", "food", "garden")

waste_properties = Table(
    "waste_properties",
    metadata,
    Column("uprn", String(12), primary_key=True),
    Column("address", String(300), nullable=False),
    Column("town", String(100), nullable=False),
    Column("postcode", String(10), nullable=False),
)

waste_rounds = Table(
    "waste_rounds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(32), nullable=False),
    Column("bin_type", String(16), nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("every_weeks", Integer, nullable=False),
    Column("first_collection", Date, nullable=False),
    UniqueConstraint("code", name="uq_waste_rounds_code"),
    CheckConstraint(
        "bin_type IN ('rubbish', 'recycling', 'food', 'garden')",
        name="ck_waste_rounds_bin_type",
    ),
    CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_waste_rounds_weekday"),
    CheckConstraint("every_weeks BETWEEN 1 AND 4", name="ck_waste_rounds_every_weeks"),
)

waste_property_rounds = Table(
    "waste_property_rounds",
    metadata,
    Column(
        "uprn",
        String(12),
        ForeignKey(
            "waste_properties.uprn",
            name="fk_waste_property_rounds_uprn",
            ondelete="CASCADE",
        ),
        nullable=False,
    ),
    Column(
        "round_id",
        Integer,
        ForeignKey(
            "waste_rounds.id",
            name="fk_waste_property_rounds_round_id",
            ondelete="CASCADE",
        ),
        nullable=False,
    ),
    PrimaryKeyConstraint("uprn", "round_id", name="pk_waste_property_rounds"),
)
