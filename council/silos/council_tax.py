"""The Council Tax system: accounts and their instalment plans.

An account belongs to a property for a period and names the liable person as
the clerk typed it. Amounts are integer pence; a positive balance is owed.
"""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from council.database import metadata

ctax_accounts = Table(
    "ctax_accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_ref", String(16), nullable=False),
    Column("liable_name", String(200), nullable=False),
    Column("liable_dob", Date, nullable=True),
    Column("email", String(320), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("address", String(300), nullable=False),
    Column("postcode", String(10), nullable=True),
    Column("uprn", String(12), nullable=True),
    Column("band", String(1), nullable=False),
    Column("balance_pence", Integer, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    UniqueConstraint("account_ref", name="uq_ctax_accounts_account_ref"),
    Index("ix_ctax_accounts_uprn", "uprn"),
)

ctax_instalments = Table(
    "ctax_instalments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "account_id",
        Integer,
        ForeignKey(
            "ctax_accounts.id",
            name="fk_ctax_instalments_account_id",
            ondelete="CASCADE",
        ),
        nullable=False,
    ),
    Column("due_on", Date, nullable=False),
    Column("amount_pence", Integer, nullable=False),
    Column("paid", Boolean, nullable=False),
    Index("ix_ctax_instalments_account_id_due_on", "account_id", "due_on"),
)
