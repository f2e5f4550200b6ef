"""A person's recent payments, from the payment attempts the council keeps.

Implements the single view's ``PaymentHistory`` protocol
(:mod:`council.single_view.payments`) over the ``payments`` and
``payment_refunds`` tables, so the single view never reads the payment tables
itself. A payment is the person's when it was made with their verified email
or paid one of their references (a Council Tax account reference, a PCN
number); for the subject-access export, also when it was started in a chat
they were signed in to. No card details are held, so none can be read.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from council.payments.models import payment_refunds, payments
from council.payments.status import PaymentStatus
from council.single_view.records import PaymentRecord, PaymentSummary, RefundRecord

logger = logging.getLogger(__name__)

# A link made but never opened moved no money and tells the person nothing.
NOT_SHOWN = (PaymentStatus.CREATED.value,)


@dataclass
class RecordedPayments:
    """``PaymentHistory`` over the payments service's own records."""

    engine: AsyncEngine

    async def recent(
        self,
        *,
        emails: Sequence[str],
        references: Sequence[str],
        conversation_ids: Sequence[str] = (),
        limit: int,
    ) -> Sequence[PaymentSummary]:
        """The newest payments, newest first, by email (case ignored), by
        reference or by a chat the person was signed in to; none when no key
        is given."""
        belonging = _belonging(emails, references, conversation_ids)
        if belonging is None or limit <= 0:
            return ()

        query = (
            select(
                payments.c.reference,
                payments.c.description,
                payments.c.amount_pence,
                payments.c.status,
                payments.c.created_at,
            )
            .where(belonging, payments.c.status.not_in(NOT_SHOWN))
            .order_by(payments.c.created_at.desc(), payments.c.id.desc())
            .limit(limit)
        )
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()

        logger.debug("Found %d recent payments", len(rows))
        return tuple(_summary(row) for row in rows)

    async def everything(
        self,
        *,
        emails: Sequence[str],
        references: Sequence[str],
        conversation_ids: Sequence[str],
    ) -> Sequence[PaymentRecord]:
        """Every attempt held, newest first, with its refunds: by email (case
        ignored), by reference or by the conversation it was started in.

        Links made but never opened are included: the export lists all that
        is held. None when no key is given.
        """
        belonging = _belonging(emails, references, conversation_ids)
        if belonging is None:
            return ()

        query = (
            select(
                payments.c.id,
                payments.c.reference,
                payments.c.description,
                payments.c.amount_pence,
                payments.c.status,
                payments.c.created_at,
                payments.c.updated_at,
                payments.c.finished_at,
            )
            .where(belonging)
            .order_by(payments.c.created_at.desc(), payments.c.id.desc())
        )
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            refunds = await _refunds(connection, [row.id for row in rows])

        logger.debug("Found %d payments for an export", len(rows))
        return tuple(_record(row, refunds.get(row.id, ())) for row in rows)


def _belonging(
    emails: Sequence[str],
    references: Sequence[str],
    conversation_ids: Sequence[str],
) -> ColumnElement[bool] | None:
    """Payments made with any of the keys, or None when there are no keys."""
    conditions: list[ColumnElement[bool]] = []
    lowered = sorted({email.strip().lower() for email in emails if email})
    if lowered:
        conditions.append(func.lower(payments.c.email).in_(lowered))
    if references:
        conditions.append(payments.c.reference.in_(list(references)))
    if conversation_ids:
        conditions.append(payments.c.conversation_id.in_(list(conversation_ids)))
    return or_(*conditions) if conditions else None


async def _refunds(
    connection: AsyncConnection, payment_ids: Sequence[int]
) -> dict[int, tuple[RefundRecord, ...]]:
    if not payment_ids:
        return {}
    rows = await connection.execute(
        select(
            payment_refunds.c.payment_id,
            payment_refunds.c.amount_pence,
            payment_refunds.c.status,
            payment_refunds.c.created_at,
        )
        .where(payment_refunds.c.payment_id.in_(list(payment_ids)))
        .order_by(payment_refunds.c.created_at, payment_refunds.c.id)
    )
    found: dict[int, list[RefundRecord]] = {}
    for row in rows:
        found.setdefault(row.payment_id, []).append(
            RefundRecord(
                amount_pence=row.amount_pence,
                status=row.status,
                created_at=_aware(row.created_at),
            )
        )
    return {payment_id: tuple(each) for payment_id, each in found.items()}


def _record(row: Any, refunds: tuple[RefundRecord, ...]) -> PaymentRecord:
    return PaymentRecord(
        reference=row.reference,
        description=row.description,
        amount_pence=row.amount_pence,
        status=row.status,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        finished_at=_aware(row.finished_at) if row.finished_at is not None else None,
        refunds=refunds,
    )


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
