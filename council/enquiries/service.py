"""The enquiry service: raise an enquiry, look it up, move it along.

The one place the rules about enquiries live. The assistant's Rasa actions, the
agent console and the councillor channel all call this; they only translate.
Logs carry references and ids, never what the resident wrote or who they are.
"""

import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from council.enquiries.categories import Category, load_categories
from council.enquiries.errors import (
    EnquiryChangedError,
    EnquiryNotFoundError,
    IdempotencyKeyReusedError,
)
from council.enquiries.models import enquiries, enquiry_status_changes
from council.enquiries.records import (
    Enquiry,
    EnquirySource,
    Location,
    NewEnquiry,
    StatusChange,
    StatusChanged,
)
from council.enquiries.references import allocate_number, format_reference
from council.enquiries.references import parse_reference as standard_reference
from council.enquiries.service_levels import target_date
from council.enquiries.status import EnquiryStatus, check_transition, parse_status
from council.enquiries.validation import (
    CheckedEnquiry,
    check_actor,
    check_new_enquiry,
    check_note,
)
from council.enquiries.working_days import WorkingDays

logger = logging.getLogger(__name__)

COUNCIL_TIME_ZONE = ZoneInfo("Europe/London")
RECEIVED_NOTE = "Enquiry received"
STATUS_CHANGE_ATTEMPTS = 3

StatusObserver = Callable[[StatusChanged], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class EnquiryService:
    """Raises and keeps the council's enquiries in the SQL database.

    ``engine`` must have the enquiry tables (``council.database.create_tables``).
    ``clock`` gives the current time as an aware datetime; the reference year
    and the day the target date counts from are taken in UK time.
    ``observers`` are awaited, in order, after each status change is stored
    (the gateway adds the councillors' Teams notifier at start); the domain
    knows nothing of who listens.
    """

    engine: AsyncEngine
    clock: Callable[[], datetime] = utc_now
    calendar: WorkingDays = field(default_factory=WorkingDays)
    categories: Mapping[str, Category] = field(default_factory=load_categories)
    observers: list[StatusObserver] = field(default_factory=list)

    async def create(self, new: NewEnquiry) -> Enquiry:
        """Validate ``new``, store it as a received enquiry and return it.

        With an ``idempotency_key`` already used for the same request, returns
        the enquiry that request made and stores nothing; with one used for a
        different request, raises :class:`IdempotencyKeyReusedError`. Invalid
        fields raise an ``InvalidEnquiryError`` subclass naming the field.
        """
        checked = check_new_enquiry(new, self.categories)
        fingerprint = checked.fingerprint()

        if checked.idempotency_key is not None:
            earlier = await self._replay(checked.idempotency_key, fingerprint)
            if earlier is not None:
                return earlier

        now = self.clock().astimezone(UTC)
        received_on = now.astimezone(COUNCIL_TIME_ZONE).date()
        due = target_date(checked.category, received_on, self.calendar)

        try:
            created = await self._insert(checked, fingerprint, now, received_on, due)
        except IntegrityError:
            # The counter row already makes creations take turns, so only a
            # creation with the same key slipping past it could get here; the
            # unique key is the last line of defence.
            if checked.idempotency_key is None:
                raise
            earlier = await self._replay(checked.idempotency_key, fingerprint)
            if earlier is None:
                raise
            return earlier

        logger.info(
            "Enquiry %s created (category %s, source %s, conversation %s)",
            created.reference,
            created.category,
            created.source.value,
            created.conversation_id,
        )
        logger.debug("Enquiry %s details: %r", created.reference, created.details)
        return created

    async def get(self, reference: str) -> Enquiry | None:
        """The enquiry with ``reference`` (typed forms accepted), or ``None``."""
        standard = standard_reference(reference)
        if standard is None:
            return None

        async with self.engine.connect() as connection:
            row = await _row_by_reference(connection, standard)
        return None if row is None else _enquiry(row)

    async def find_for_resident(self, reference: str, email: str) -> Enquiry | None:
        """The enquiry if ``email`` is its contact email, else ``None``.

        For a resident who is not signed in. Whether the reference is unknown
        or the email is wrong, the answer is the same ``None``, so the check
        reveals nothing about other people's enquiries. Email case is ignored.
        """
        enquiry = await self.get(reference)

        held = enquiry.contact_email if enquiry is not None else None
        if enquiry is None or held is None or not _same_email(held, email):
            logger.info("Status check by reference and email found no match")
            return None

        logger.info("Status check by reference and email for %s", enquiry.reference)
        return enquiry

    async def change_status(
        self,
        reference: str,
        status: EnquiryStatus | str,
        *,
        note: str = "",
        by: str,
    ) -> Enquiry:
        """Move the enquiry to ``status`` and record the change in its history.

        ``by`` says who did it ("agent:alice", "councillor:jones"). Raises
        :class:`EnquiryNotFoundError`, :class:`InvalidTransitionError` naming
        both statuses, or :class:`EnquiryChangedError` if others kept changing
        it meanwhile. Two simultaneous changes never both apply to the same
        starting status: each update only applies if the status is still the
        one it was checked against.

        Once the change is stored, every observer hears of it; an observer
        that fails is logged and never undoes or fails the change.
        """
        requested = parse_status(status)
        note = check_note(note)
        by = check_actor(by)
        standard = standard_reference(reference) or reference

        for _attempt in range(STATUS_CHANGE_ATTEMPTS):
            current = await self.get(standard)
            if current is None:
                raise EnquiryNotFoundError(standard)

            check_transition(current.reference, current.status, requested)

            changed = await self._apply_change(current, requested, note, by)
            if changed is not None:
                logger.info(
                    "Enquiry %s moved from %s to %s by %s",
                    changed.reference,
                    current.status.value,
                    requested.value,
                    by,
                )
                await self._tell_observers(
                    StatusChanged(
                        enquiry=changed,
                        previous=current.status,
                        change=StatusChange(
                            status=requested, note=note, by=by, at=changed.updated_at
                        ),
                    )
                )
                return changed

        raise EnquiryChangedError(standard)

    async def _tell_observers(self, event: StatusChanged) -> None:
        for observer in list(self.observers):
            try:
                await observer(event)
            except Exception:
                # The change is stored and stays; a listener's failure (Teams
                # down, a bug) must not turn it into an error for the agent.
                logger.exception(
                    "A status observer failed for enquiry %s", event.enquiry.reference
                )

    async def history(self, reference: str) -> list[StatusChange]:
        """Every status the enquiry has had, oldest first, starting at received.

        Raises :class:`EnquiryNotFoundError` for an unknown reference.
        """
        standard = standard_reference(reference) or reference

        query = (
            select(enquiry_status_changes)
            .join(enquiries, enquiries.c.id == enquiry_status_changes.c.enquiry_id)
            .where(enquiries.c.reference == standard)
            .order_by(enquiry_status_changes.c.changed_at, enquiry_status_changes.c.id)
        )
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
            if not rows and await _row_by_reference(connection, standard) is None:
                raise EnquiryNotFoundError(standard)

        return [
            StatusChange(
                status=EnquiryStatus(row.status),
                note=row.note,
                by=row.changed_by,
                at=_aware(row.changed_at),
            )
            for row in rows
        ]

    async def _replay(self, idempotency_key: str, fingerprint: str) -> Enquiry | None:
        async with self.engine.connect() as connection:
            row = await _row_by_key(connection, idempotency_key)
        return None if row is None else _replayed(row, idempotency_key, fingerprint)

    async def _insert(
        self,
        checked: CheckedEnquiry,
        fingerprint: str,
        now: datetime,
        received_on: date,
        due: date,
    ) -> Enquiry:
        async with self.engine.connect() as connection:
            async with connection.begin() as transaction:
                number = await allocate_number(connection, received_on.year)

                if checked.idempotency_key is not None:
                    row = await _row_by_key(connection, checked.idempotency_key)
                    if row is not None:
                        await transaction.rollback()
                        return _replayed(row, checked.idempotency_key, fingerprint)

                reference = format_reference(received_on.year, number)
                enquiry_id = await _insert_enquiry(
                    connection, checked, reference, fingerprint, now, due
                )
                await _insert_change(
                    connection,
                    enquiry_id,
                    EnquiryStatus.RECEIVED,
                    RECEIVED_NOTE,
                    checked.source.value,
                    now,
                )

        return Enquiry(
            reference=reference,
            category=checked.category,
            details=checked.details,
            location=checked.location,
            contact_name=checked.contact_name,
            contact_email=checked.contact_email,
            contact_phone=checked.contact_phone,
            source=checked.source,
            conversation_id=checked.conversation_id,
            status=EnquiryStatus.RECEIVED,
            target_date=due,
            created_at=now,
            updated_at=now,
        )

    async def _apply_change(
        self, current: Enquiry, requested: EnquiryStatus, note: str, by: str
    ) -> Enquiry | None:
        """Apply the change if the status is still ``current.status``; ``None``
        if someone else changed it first."""
        now = self.clock().astimezone(UTC)

        async with self.engine.begin() as connection:
            result = await connection.execute(
                update(enquiries)
                .where(
                    enquiries.c.reference == current.reference,
                    enquiries.c.status == current.status.value,
                )
                .values(status=requested.value, updated_at=now)
                .returning(enquiries.c.id)
            )
            enquiry_id = result.scalar()
            if enquiry_id is None:
                return None

            await _insert_change(connection, enquiry_id, requested, note, by, now)

        return replace(current, status=requested, updated_at=now)


async def _row_by_reference(connection: AsyncConnection, reference: str) -> Any:
    query = select(enquiries).where(enquiries.c.reference == reference)
    return (await connection.execute(query)).first()


async def _row_by_key(connection: AsyncConnection, idempotency_key: str) -> Any:
    query = select(enquiries).where(enquiries.c.idempotency_key == idempotency_key)
    return (await connection.execute(query)).first()


async def _insert_enquiry(
    connection: AsyncConnection,
    checked: CheckedEnquiry,
    reference: str,
    fingerprint: str,
    now: datetime,
    due: date,
) -> int:
    result = await connection.execute(
        insert(enquiries)
        .values(
            reference=reference,
            category=checked.category,
            details=checked.details,
            postcode=checked.location.postcode,
            uprn=checked.location.uprn,
            location_description=checked.location.description,
            contact_name=checked.contact_name,
            contact_email=checked.contact_email,
            contact_phone=checked.contact_phone,
            source=checked.source.value,
            conversation_id=checked.conversation_id,
            idempotency_key=checked.idempotency_key,
            request_fingerprint=fingerprint,
            status=EnquiryStatus.RECEIVED.value,
            target_date=due,
            created_at=now,
            updated_at=now,
        )
        .returning(enquiries.c.id)
    )
    return int(result.scalar_one())


async def _insert_change(
    connection: AsyncConnection,
    enquiry_id: int,
    status: EnquiryStatus,
    note: str,
    by: str,
    at: datetime,
) -> None:
    await connection.execute(
        insert(enquiry_status_changes).values(
            enquiry_id=enquiry_id,
            status=status.value,
            note=note,
            changed_by=by,
            changed_at=at,
        )
    )


def _same_email(held: str, given: str) -> bool:
    """Case-insensitive, in constant time for equal lengths."""
    return hmac.compare_digest(
        held.casefold().encode("utf-8"),
        (given or "").strip().casefold().encode("utf-8"),
    )


def _replayed(row: Any, idempotency_key: str, fingerprint: str) -> Enquiry:
    if row.request_fingerprint != fingerprint:
        raise IdempotencyKeyReusedError(idempotency_key, row.reference)

    logger.info("Enquiry %s returned again for a retried creation", row.reference)
    return _enquiry(row)


def _enquiry(row: Any) -> Enquiry:
    return Enquiry(
        reference=row.reference,
        category=row.category,
        details=row.details,
        location=Location(
            postcode=row.postcode,
            uprn=row.uprn,
            description=row.location_description,
        ),
        contact_name=row.contact_name,
        contact_email=row.contact_email,
        contact_phone=row.contact_phone,
        source=EnquirySource(row.source),
        conversation_id=row.conversation_id,
        status=EnquiryStatus(row.status),
        target_date=row.target_date,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
    )


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
