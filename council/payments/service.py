"""The payment service: start a payment, confirm its outcome, refund it.

The one place the rules about payments live; Rasa actions, the gateway and the
agent console only translate. The amount always comes from a
:class:`~council.payments.charges.ChargeSource`, never from the resident. The
payer is sent to the provider's hosted page (``next_url``); this service never
sees card details. Outcomes arrive from the payer's return (confirmed with a
strongly consistent GET) and from signed webhooks, in any order and any number
of times; a payment only moves forward and a finished one never moves again.
Logs carry attempt and provider ids, never personal data.
"""

import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from council.payments.charges import Charge, ChargeKind, ChargeRequest, ChargeSource
from council.payments.client import PayClient
from council.payments.errors import (
    CancelRefusedError,
    NothingToPayError,
    PaymentError,
    PaymentNotFoundAtProviderError,
    PaymentNotFoundError,
    PaymentNotRefundableError,
    PaymentProviderError,
)
from council.payments.models import (
    payment_refunds,
    payment_status_changes,
    payment_webhook_messages,
    payments,
)
from council.payments.provider import NewPayment, ProviderPayment
from council.payments.records import (
    PaymentAttempt,
    PaymentLink,
    Refund,
    WebhookOutcome,
    WebhookResult,
)
from council.payments.status import PaymentStatus, earlier_than
from council.payments.webhooks import WebhookEvent, parse_event, verify_signature

logger = logging.getLogger(__name__)

ATTEMPT_TRIES = 4
RETURN_PATH = "/payments/return/"

OnFinished = Callable[[PaymentAttempt], Awaitable[None]]


class Move(Enum):
    """What one status report did to an attempt."""

    NONE = "none"
    FORWARD = "forward"
    FINISHED = "finished"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class PaymentService:
    """Takes payments through the provider and keeps them in the SQL database.

    ``engine`` must have the payment tables (``council.database.create_tables``).
    ``return_base_url`` is the gateway's public address; the payer comes back to
    ``{return_base_url}/payments/return/{token}``. ``webhook_secrets`` are the
    signing secrets accepted (more than one while rotating). ``on_finished`` is
    awaited once for each attempt that reaches a finished status, after the
    change is stored (the gateway uses it to tell the conversation).
    """

    engine: AsyncEngine
    client: PayClient
    charges: ChargeSource
    return_base_url: str
    webhook_secrets: Sequence[str]
    clock: Callable[[], datetime] = utc_now
    on_finished: OnFinished | None = field(default=None, repr=False)

    async def start_payment(
        self,
        request: ChargeRequest | Mapping[str, Any],
        conversation_id: str,
        *,
        email: str | None = None,
        language: str = "en",
    ) -> PaymentLink:
        """The link for paying what ``request`` identifies, from this conversation.

        ``request`` is a :class:`ChargeRequest` or the assistant's ``payment``
        JSON. The amount is the system of record's, less payments taken since
        the record's balance date. Called again for the same thing in the same
        conversation (a double tap, a retried call, at the same moment or
        later) it returns the same attempt and provider payment while the
        provider says that one is unfinished; after a failed, cancelled or
        expired attempt (the payer has 90 minutes) it starts a new one.

        Raises :class:`NothingToPayError` when nothing is owed (also once
        paid), the charge source's errors, and provider errors.
        """
        if not isinstance(request, ChargeRequest):
            request = ChargeRequest.from_payment_request(request)
        if language not in ("en", "cy"):
            raise PaymentError(f"language {language!r} is not en or cy")

        charge = await self.charges.find(request)
        due = charge.amount_pence - await self._paid_since(charge)
        if due <= 0:
            raise NothingToPayError(charge.key)

        attempt = await self._current_attempt(
            charge, due, conversation_id, email, language
        )
        if attempt.provider_payment_id is None or attempt.next_url is None:
            attempt = await self._create_at_provider(attempt)

        logger.info(
            "Payment attempt %d (%s, attempt %d) for conversation %s: %s",
            attempt.id,
            attempt.charge_kind.value,
            attempt.attempt,
            conversation_id,
            attempt.status.value,
        )
        return PaymentLink(attempt, request.amount_mentioned_pence)

    async def confirm_return(self, return_token: str) -> PaymentAttempt:
        """The attempt the payer came back from, with its status confirmed by
        the provider (GET is strongly consistent). Raises
        :class:`PaymentNotFoundError` for an unknown token."""
        attempt = await self._by_token(return_token)
        if attempt is None:
            raise PaymentNotFoundError("unknown return token")
        if attempt.provider_payment_id is None or attempt.finished:
            return attempt

        payment = await self.client.get_payment(attempt.provider_payment_id)
        return await self._record(attempt, payment, source="return")

    async def handle_webhook(self, body: bytes, signature: str | None) -> WebhookResult:
        """Check and apply one webhook delivery; ``body`` is the raw request body.

        The signature is checked before the body is parsed
        (:class:`WebhookSignatureError`). A message id seen before is
        ``REPLAYED`` and changes nothing; an older status than the payment's
        is ``UNCHANGED``; a payment that is not ours is ``UNKNOWN_PAYMENT``.
        """
        verify_signature(body, signature, self.webhook_secrets)
        event = parse_event(body)

        if event.payment is None:
            logger.info("Webhook %s (%s) ignored", event.message_id, event.event_type)
            return WebhookResult(WebhookOutcome.IGNORED)

        finished_now = False
        attempt: PaymentAttempt | None = None
        try:
            async with self.engine.begin() as connection:
                # The message id is claimed first, so a repeat (even one arriving
                # this very moment) fails here and changes nothing. Writing
                # first also takes SQLite's write lock before anything is read.
                await _claim_message(connection, event, self.clock())
                row = await _row_by_provider_id(connection, event.resource_id)
                if row is None:
                    outcome = WebhookOutcome.UNKNOWN_PAYMENT
                else:
                    attempt = _attempt(row)
                    move = await self._apply(
                        connection, attempt, event.payment, "webhook", event.message_id
                    )
                    finished_now = move is Move.FINISHED
                    outcome = (
                        WebhookOutcome.UNCHANGED
                        if move is Move.NONE
                        else WebhookOutcome.APPLIED
                    )
                await _set_message_outcome(connection, event.message_id, outcome)
        except IntegrityError:
            outcome, attempt, finished_now = WebhookOutcome.REPLAYED, None, False

        logger.info(
            "Webhook %s (%s) for payment %s: %s",
            event.message_id,
            event.event_type,
            event.resource_id,
            outcome.value,
        )
        if attempt is None or outcome is WebhookOutcome.REPLAYED:
            return WebhookResult(outcome, attempt)

        current = await self.get(attempt.id)
        if finished_now and current is not None:
            await self._notify(current)
        return WebhookResult(outcome, current)

    async def get(self, attempt_id: int) -> PaymentAttempt | None:
        async with self.engine.connect() as connection:
            row = (
                await connection.execute(
                    select(payments).where(payments.c.id == attempt_id)
                )
            ).first()
        return None if row is None else _attempt(row)

    async def for_conversation(self, conversation_id: str) -> list[PaymentAttempt]:
        """Every attempt made from the conversation, oldest first."""
        query = (
            select(payments)
            .where(payments.c.conversation_id == conversation_id)
            .order_by(payments.c.id)
        )
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_attempt(row) for row in rows]

    async def history(self, attempt_id: int) -> list[tuple[PaymentStatus, str]]:
        """Each status the attempt took and where the news came from, in order."""
        query = (
            select(payment_status_changes.c.status, payment_status_changes.c.source)
            .where(payment_status_changes.c.payment_id == attempt_id)
            .order_by(payment_status_changes.c.id)
        )
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [(PaymentStatus(row.status), row.source) for row in rows]

    async def cancel(self, attempt_id: int) -> PaymentAttempt:
        """Cancel an unfinished attempt at the provider (``P0040``).

        A payment that finished meanwhile keeps its outcome; the attempt is
        returned as the provider reports it.
        """
        attempt = await self._existing(attempt_id)
        if attempt.finished:
            return attempt
        return await self._cancel_at_provider(attempt)

    async def refund(self, attempt_id: int, amount_pence: int, *, by: str) -> Refund:
        """Refund part or all of a successful payment.

        Reads the provider's ``refund_amount_available`` first and sends it
        with the refund, so a refund made meanwhile (by another agent, or in
        the provider's admin tool) makes this one fail rather than both apply.
        Raises :class:`PaymentNotRefundableError` or ``RefundRefusedError``.
        """
        attempt = await self._existing(attempt_id)
        if (
            attempt.status is not PaymentStatus.SUCCESS
            or not attempt.provider_payment_id
        ):
            raise PaymentNotRefundableError(f"attempt {attempt_id} is {attempt.status}")

        payment = await self.client.get_payment(attempt.provider_payment_id)
        available = payment.refund_amount_available
        if not 0 < amount_pence <= available:
            raise PaymentNotRefundableError(
                f"refund of {amount_pence} with {available} available"
            )

        refund = await self.client.refund_payment(
            attempt.provider_payment_id, amount_pence, available
        )
        async with self.engine.begin() as connection:
            await connection.execute(
                insert(payment_refunds).values(
                    payment_id=attempt.id,
                    provider_refund_id=refund.refund_id,
                    amount_pence=refund.amount_pence,
                    status=refund.status,
                    requested_by=by,
                    created_at=self.clock(),
                )
            )
        logger.info(
            "Refund %s of attempt %d requested by %s", refund.refund_id, attempt.id, by
        )
        return Refund(
            provider_refund_id=refund.refund_id,
            amount_pence=refund.amount_pence,
            status=refund.status,
            requested_by=by,
            created_at=refund.created_at,
        )

    async def _current_attempt(
        self,
        charge: Charge,
        due: int,
        conversation_id: str,
        email: str | None,
        language: str,
    ) -> PaymentAttempt:
        """The unfinished attempt for this charge and conversation, or a new one.

        Two callers at once both try to insert the same attempt number; the
        unique constraint lets one in and the other reads what it made.
        """
        for _try in range(ATTEMPT_TRIES):
            current = await self._latest_attempt(charge.key, conversation_id)

            if current is not None and not current.finished:
                # Ask the provider first: the payer may have paid, cancelled or
                # let it expire without coming back, and the webhook may be late.
                try:
                    current = await self._refresh(current)
                except PaymentNotFoundAtProviderError:
                    # A provider that lost the payment (a restarted sandbox)
                    # will never finish it; close the attempt and make another.
                    logger.warning(
                        "The provider has no payment for attempt %d; closing it",
                        current.id,
                    )
                    current = await self._set_locally(
                        current, PaymentStatus.ERROR, "P0050"
                    )
                if not current.finished:
                    if current.amount_pence == due:
                        return current
                    # The balance changed since this attempt was made: the old
                    # amount must not be paid, so that payment is cancelled.
                    await self._cancel_at_provider(current)
                continue

            if current is not None and current.status is PaymentStatus.SUCCESS:
                raise NothingToPayError(charge.key)

            number = 1 if current is None else current.attempt + 1
            try:
                return await self._insert_attempt(
                    charge, due, conversation_id, number, email, language
                )
            except IntegrityError:
                logger.debug("Attempt %d made by a concurrent call; reading it", number)
                continue

        raise PaymentError(
            f"attempt for {charge.key} kept changing",
            public_message="Please try the payment again in a moment.",
        )

    async def _insert_attempt(
        self,
        charge: Charge,
        due: int,
        conversation_id: str,
        number: int,
        email: str | None,
        language: str,
    ) -> PaymentAttempt:
        now = self.clock()
        values = {
            "return_token": secrets.token_urlsafe(24),
            "charge_kind": charge.kind.value,
            "charge_key": charge.key,
            "conversation_id": conversation_id,
            "attempt": number,
            "idempotency_key": uuid.uuid4().hex,
            "amount_pence": due,
            "reference": charge.reference[:255],
            "description": charge.description[:255],
            "language": language,
            "email": email,
            "provider_metadata": dict(charge.metadata),
            "status": PaymentStatus.CREATED.value,
            "created_at": now,
            "updated_at": now,
        }
        async with self.engine.begin() as connection:
            result = await connection.execute(
                insert(payments).values(**values).returning(payments.c.id)
            )
            attempt_id = int(result.scalar_one())
            await _insert_change(
                connection,
                attempt_id,
                PaymentStatus.CREATED,
                None,
                "service",
                None,
                now,
            )

        attempt = await self.get(attempt_id)
        assert attempt is not None
        return attempt

    async def _create_at_provider(self, attempt: PaymentAttempt) -> PaymentAttempt:
        """Create the provider payment for ``attempt``, with its own key.

        A retry of this (after a timeout, or by a concurrent caller) sends the
        same key and body, so the provider returns the payment it made.
        """
        row = await self._row(attempt.id)
        new = NewPayment(
            amount_pence=attempt.amount_pence,
            reference=attempt.reference,
            description=attempt.description,
            return_url=self._return_url(attempt.return_token),
            language=row.language,
            email=row.email,
            metadata=row.provider_metadata or None,
        )
        payment = await self.client.create_payment(new, attempt.idempotency_key)
        if payment.amount_pence != attempt.amount_pence:
            raise PaymentProviderError(
                f"provider payment {payment.payment_id} has amount "
                f"{payment.amount_pence}, attempt {attempt.id} {attempt.amount_pence}"
            )

        async with self.engine.begin() as connection:
            result = await connection.execute(
                update(payments)
                .where(
                    payments.c.id == attempt.id,
                    (payments.c.provider_payment_id.is_(None))
                    | (payments.c.provider_payment_id == payment.payment_id),
                )
                .values(
                    provider_payment_id=payment.payment_id,
                    next_url=payment.next_url,
                    updated_at=self.clock(),
                )
            )
            if result.rowcount != 1:
                raise PaymentProviderError(
                    f"attempt {attempt.id} already has another provider payment"
                )
        linked = await self._existing(attempt.id)
        return await self._record(linked, payment, source="provider")

    async def _refresh(self, attempt: PaymentAttempt) -> PaymentAttempt:
        if attempt.provider_payment_id is None:
            return attempt
        payment = await self.client.get_payment(attempt.provider_payment_id)
        return await self._record(attempt, payment, source="provider")

    async def _cancel_at_provider(self, attempt: PaymentAttempt) -> PaymentAttempt:
        if attempt.provider_payment_id is None:
            # The create never answered: any payment it made has no link held
            # by anyone and expires unpaid; this attempt is closed here.
            return await self._set_locally(attempt, PaymentStatus.CANCELLED, "P0040")

        try:
            await self.client.cancel_payment(attempt.provider_payment_id)
        except CancelRefusedError:
            logger.info("Attempt %d finished before it could be cancelled", attempt.id)
        return await self._refresh(attempt)

    async def _set_locally(
        self, attempt: PaymentAttempt, status: PaymentStatus, code: str | None
    ) -> PaymentAttempt:
        async with self.engine.begin() as connection:
            move = await self._move(
                connection, attempt.id, status, code, None, "service", None
            )
        current = await self._existing(attempt.id)
        if move is Move.FINISHED:
            await self._notify(current)
        return current

    async def _record(
        self, attempt: PaymentAttempt, payment: ProviderPayment, *, source: str
    ) -> PaymentAttempt:
        """Apply what the provider reported; notify once if it finished."""
        async with self.engine.begin() as connection:
            move = await self._apply(connection, attempt, payment, source, None)
        current = await self._existing(attempt.id)
        if move is Move.FINISHED:
            await self._notify(current)
        return current

    async def _apply(
        self,
        connection: AsyncConnection,
        attempt: PaymentAttempt,
        payment: ProviderPayment,
        source: str,
        message_id: str | None,
    ) -> "Move":
        """Move the attempt to the provider's status if that is forward."""
        if payment.payment_id != attempt.provider_payment_id:
            raise PaymentProviderError(
                f"payment {payment.payment_id} is not attempt {attempt.id}'s"
            )
        return await self._move(
            connection,
            attempt.id,
            payment.status,
            payment.code,
            payment.message,
            source,
            message_id,
        )

    async def _move(
        self,
        connection: AsyncConnection,
        attempt_id: int,
        status: PaymentStatus,
        code: str | None,
        message: str | None,
        source: str,
        message_id: str | None,
    ) -> "Move":
        """The one place a status changes: only from an earlier, unfinished
        status, checked in the UPDATE itself, so concurrent reports of the same
        outcome apply once."""
        earlier = [earlier_status.value for earlier_status in earlier_than(status)]
        if not earlier:
            return Move.NONE

        now = self.clock()
        values: dict[str, Any] = {"status": status.value, "updated_at": now}
        if status.finished:
            values["finished_at"] = now
            if status is not PaymentStatus.SUCCESS:
                values["failure_code"] = code
                values["failure_message"] = (message or "")[:255] or None

        result = await connection.execute(
            update(payments)
            .where(payments.c.id == attempt_id, payments.c.status.in_(earlier))
            .values(**values)
        )
        if result.rowcount != 1:
            return Move.NONE

        await _insert_change(
            connection, attempt_id, status, code, source, message_id, now
        )
        logger.info(
            "Payment attempt %d is now %s (%s, from %s)",
            attempt_id,
            status.value,
            code or "no code",
            source,
        )
        return Move.FINISHED if status.finished else Move.FORWARD

    async def _notify(self, attempt: PaymentAttempt) -> None:
        if self.on_finished is None:
            return
        try:
            await self.on_finished(attempt)
        except Exception:
            # The outcome is stored; telling the chat is a courtesy that must
            # not make the provider retry a webhook already applied.
            logger.exception(
                "Telling the conversation of attempt %d failed", attempt.id
            )

    async def _paid_since(self, charge: Charge) -> int:
        """Payments that succeeded for ``charge`` after its balance date."""
        query = select(func.coalesce(func.sum(payments.c.amount_pence), 0)).where(
            payments.c.charge_key == charge.key,
            payments.c.status == PaymentStatus.SUCCESS.value,
            payments.c.created_at >= charge.as_of.astimezone(UTC),
        )
        async with self.engine.connect() as connection:
            return int((await connection.execute(query)).scalar_one())

    async def _latest_attempt(
        self, charge_key: str, conversation_id: str
    ) -> PaymentAttempt | None:
        query = (
            select(payments)
            .where(
                payments.c.charge_key == charge_key,
                payments.c.conversation_id == conversation_id,
            )
            .order_by(payments.c.attempt.desc())
            .limit(1)
        )
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else _attempt(row)

    async def _by_token(self, return_token: str) -> PaymentAttempt | None:
        query = select(payments).where(payments.c.return_token == return_token)
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else _attempt(row)

    async def _row(self, attempt_id: int) -> Any:
        async with self.engine.connect() as connection:
            query = select(payments).where(payments.c.id == attempt_id)
            return (await connection.execute(query)).one()

    async def _existing(self, attempt_id: int) -> PaymentAttempt:
        attempt = await self.get(attempt_id)
        if attempt is None:
            raise PaymentNotFoundError(f"no attempt {attempt_id}")
        return attempt

    def _return_url(self, return_token: str) -> str:
        return self.return_base_url.rstrip("/") + RETURN_PATH + return_token


async def _claim_message(
    connection: AsyncConnection, event: WebhookEvent, at: datetime
) -> None:
    """Insert the message id; raises IntegrityError if it was seen before."""
    await connection.execute(
        insert(payment_webhook_messages).values(
            message_id=event.message_id,
            resource_id=event.resource_id,
            event_type=event.event_type,
            outcome="pending",
            received_at=at,
        )
    )


async def _set_message_outcome(
    connection: AsyncConnection, message_id: str, outcome: WebhookOutcome
) -> None:
    await connection.execute(
        update(payment_webhook_messages)
        .where(payment_webhook_messages.c.message_id == message_id)
        .values(outcome=outcome.value)
    )


async def _row_by_provider_id(connection: AsyncConnection, payment_id: str) -> Any:
    query = select(payments).where(payments.c.provider_payment_id == payment_id)
    return (await connection.execute(query)).first()


async def _insert_change(
    connection: AsyncConnection,
    attempt_id: int,
    status: PaymentStatus,
    code: str | None,
    source: str,
    message_id: str | None,
    at: datetime,
) -> None:
    await connection.execute(
        insert(payment_status_changes).values(
            payment_id=attempt_id,
            status=status.value,
            code=code,
            source=source,
            webhook_message_id=message_id,
            changed_at=at,
        )
    )


def _attempt(row: Any) -> PaymentAttempt:
    return PaymentAttempt(
        id=row.id,
        return_token=row.return_token,
        charge_kind=ChargeKind(row.charge_kind),
        charge_key=row.charge_key,
        conversation_id=row.conversation_id,
        attempt=row.attempt,
        idempotency_key=row.idempotency_key,
        amount_pence=row.amount_pence,
        reference=row.reference,
        description=row.description,
        provider_payment_id=row.provider_payment_id,
        next_url=row.next_url,
        status=PaymentStatus(row.status),
        failure_code=row.failure_code,
        failure_message=row.failure_message,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        finished_at=_aware(row.finished_at) if row.finished_at else None,
    )


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
