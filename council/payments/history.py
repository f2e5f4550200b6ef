"""A person's recent payments, from the payment attempts the council keeps.

Implements the single view's ``PaymentHistory`` protocol
(:mod:`council.single_view.payments`) over the ``payments`` table, so the
single view never reads the payment tables itself. A payment is the person's
when it was made with their verified email or paid one of their references
(a Council Tax account reference, a PCN number).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.payments.models import payments
from council.payments.status import PaymentStatus
from council.single_view.records import PaymentSummary

logger = logging.getLogger(__name__)

# A link made but never opened moved no money and tells the person nothing.
NOT_SHOWN = (PaymentStatus.CREATED.value,)


@dataclass
class RecordedPayments:
    """``PaymentHistory`` over the payments service's own records."""

    engine: AsyncEngine

    async def recent(
        self, *, emails: Sequence[str], references: Sequence[str], limit: int
    ) -> Sequence[PaymentSummary]:
        """The newest payments, newest first, by email (case ignored) or by
        reference; none when neither is given."""
        conditions: list[ColumnElement[bool]] = []
        lowered = sorted({email.strip().lower() for email in emails if email})
        if lowered:
            conditions.append(func.lower(payments.c.email).in_(lowered))
        if references:
            conditions.append(payments.c.reference.in_(list(references)))
        if not conditions or limit <= 0:
            return ()

        query = (
            select(
                payments.c.reference,
                payments.c.description,
                payments.c.amount_pence,
                payments.c.status,
                payments.c.created_at,
            )
            .where(or_(*conditions), payments.c.status.not_in(NOT_SHOWN))
            .order_by(payments.c.created_at.desc(), payments.c.id.desc())
            .limit(limit)
        )
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()

        logger.debug("Found %d recent payments", len(rows))
        return tuple(_summary(row) for row in rows)


def _summary(row: Any) -> PaymentSummary:
    return PaymentSummary(
        reference=row.reference,
        description=row.description,
        amount_pence=row.amount_pence,
        status=row.status,
        created_at=_aware(row.created_at),
    )


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
