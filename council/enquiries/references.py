"""Enquiry references: ``ENQ-2026-000123``, the year and a number in that year.

A resident reads the reference out on the phone or types it into the chat, so
it is short, and parsing forgives the ways people retype it ("enq 2026 123").
Numbers come from a per-year counter row that the creating transaction
increments: on PostgreSQL the row lock, on SQLite the database's single writer,
make concurrent creations take turns, and a rolled back creation gives its
number back.
"""

import logging
import re

from sqlalchemy import Insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from council.enquiries.models import enquiry_reference_counters as counters

logger = logging.getLogger(__name__)

PREFIX = "ENQ"
NUMBER_DIGITS = 6

TYPED_REFERENCE = re.compile(r"ENQ[\s\-_/]*([0-9]{4})[\s\-_/]*([0-9]{1,9})")


def format_reference(year: int, number: int) -> str:
    """The reference for the ``number``-th enquiry of ``year``.

    Numbers past 999,999 in a year simply grow a digit; references stay unique.
    """
    return f"{PREFIX}-{year:04d}-{number:0{NUMBER_DIGITS}d}"


def parse_reference(text: str) -> str | None:
    """The reference in its standard form, or ``None`` if ``text`` is not one.

    Case, spaces and separators are forgiven and leading zeros may be left out:
    "enq 2026 123" -> "ENQ-2026-000123".
    """
    match = TYPED_REFERENCE.fullmatch(str(text).strip().upper())
    if match is None:
        return None
    return format_reference(int(match[1]), int(match[2]))


async def allocate_number(connection: AsyncConnection, year: int) -> int:
    """Take the next reference number of ``year`` inside the caller's transaction.

    This must be the transaction's first statement: it writes at once, so on
    SQLite the transaction holds the write lock before it reads anything, and on
    PostgreSQL it holds the year's counter row until it commits or rolls back.
    Whatever the transaction reads afterwards, such as an earlier enquiry with
    the same idempotency key, is therefore up to date.
    """
    await connection.execute(_insert_if_missing(connection.dialect.name, year))

    number = (
        await connection.execute(
            update(counters)
            .where(counters.c.year == year)
            .values(last_number=counters.c.last_number + 1)
            .returning(counters.c.last_number)
        )
    ).scalar_one()

    logger.debug("Reference number %d of %d taken", number, year)
    return int(number)


async def last_number(connection: AsyncConnection, year: int) -> int:
    """The last number given out in ``year``; 0 before the first."""
    value = (
        await connection.execute(
            select(counters.c.last_number).where(counters.c.year == year)
        )
    ).scalar()
    return int(value or 0)


def _insert_if_missing(dialect: str, year: int) -> Insert:
    values = {"year": year, "last_number": 0}

    if dialect == "postgresql":
        return (
            postgresql.insert(counters)
            .values(values)
            .on_conflict_do_nothing(index_elements=["year"])
        )
    if dialect == "sqlite":
        return (
            sqlite.insert(counters)
            .values(values)
            .on_conflict_do_nothing(index_elements=["year"])
        )

    # Other databases would need their own "insert if missing" form; generic
    # INSERT fails on an existing row, so refuse clearly instead.
    raise NotImplementedError(
        f"enquiry references need SQLite or PostgreSQL, not {dialect}"
    )
