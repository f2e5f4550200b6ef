"""Casework: enquiries councillors raise for constituents, and who raised them.

Built on :class:`~council.enquiries.EnquiryService`: a case is an enquiry with
source ``councillor`` plus a row linking it to the councillor. The service also
keeps the conversation each councillor last wrote from, so that a change to one
of their cases can be sent to them unprompted. Logs carry references and
councillor ids only, never what a constituent reported.
"""

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from council.councillors.errors import NotYourCaseError
from council.councillors.models import (
    councillor_cases,
    councillor_conversations,
    councillors,
)
from council.councillors.records import ConversationReference, Councillor
from council.enquiries import (
    Enquiry,
    EnquiryService,
    EnquirySource,
    EnquiryStatus,
    NewEnquiry,
)
from council.enquiries.models import enquiries
from council.enquiries.references import parse_reference

logger = logging.getLogger(__name__)

OPEN_STATUSES = tuple(
    status.value
    for status in EnquiryStatus
    if status not in (EnquiryStatus.RESOLVED, EnquiryStatus.CLOSED)
)
MAX_LISTED = 50


@dataclass
class CaseworkService:
    """Councillors' casework on the enquiry tables; ``engine`` must be migrated."""

    engine: AsyncEngine
    enquiries: EnquiryService

    async def councillor(self, object_id: str | None) -> Councillor | None:
        """The active councillor with this Entra object id, or ``None``."""
        if not object_id:
            return None

        query = select(councillors).where(
            councillors.c.object_id == object_id.strip().lower(),
            councillors.c.active,
        )
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return Councillor(row.object_id, row.name, row.ward, row.email)

    async def raise_case(self, councillor: Councillor, new: NewEnquiry) -> Enquiry:
        """Create the enquiry as the councillor's and link it to them.

        ``new.idempotency_key`` should name the request (the Teams activity or
        card): a repeat returns the case already raised and links nothing
        twice. Validation errors are the enquiry service's.
        """
        enquiry = await self.enquiries.create(
            replace(new, source=EnquirySource.COUNCILLOR)
        )

        try:
            async with self.engine.begin() as connection:
                enquiry_id = (
                    await connection.execute(
                        select(enquiries.c.id).where(
                            enquiries.c.reference == enquiry.reference
                        )
                    )
                ).scalar_one()
                already = (
                    await connection.execute(
                        select(councillor_cases.c.id).where(
                            councillor_cases.c.enquiry_id == enquiry_id
                        )
                    )
                ).first()
                if already is None:
                    await connection.execute(
                        insert(councillor_cases).values(
                            enquiry_id=enquiry_id,
                            councillor_id=councillor.object_id,
                            ward=councillor.ward,
                            raised_at=datetime.now(UTC),
                        )
                    )
        except IntegrityError:
            # A repeat of the same request linked it a moment ago.
            logger.info("Case %s was already linked", enquiry.reference)

        logger.info(
            "Case %s raised by councillor %s", enquiry.reference, councillor.object_id
        )
        return enquiry

    async def open_cases(self, councillor: Councillor) -> list[Enquiry]:
        """The councillor's cases not yet resolved or closed, newest first."""
        query = (
            select(enquiries.c.reference)
            .join(councillor_cases, councillor_cases.c.enquiry_id == enquiries.c.id)
            .where(
                councillor_cases.c.councillor_id == councillor.object_id,
                enquiries.c.status.in_(OPEN_STATUSES),
            )
            .order_by(enquiries.c.created_at.desc(), enquiries.c.id.desc())
            .limit(MAX_LISTED)
        )
        async with self.engine.connect() as connection:
            references = list((await connection.execute(query)).scalars())

        found = [await self.enquiries.get(reference) for reference in references]
        return [enquiry for enquiry in found if enquiry is not None]

    async def case(self, councillor: Councillor, reference: str) -> Enquiry:
        """One of the councillor's own cases; raises :class:`NotYourCaseError`."""
        standard = parse_reference(reference)
        owner = await self.owner_of(standard) if standard else None
        if standard is None or owner is None or owner.object_id != councillor.object_id:
            raise NotYourCaseError(f"{reference!r} is not a case of this councillor")

        enquiry = await self.enquiries.get(standard)
        if enquiry is None:
            raise NotYourCaseError(f"{standard} vanished")
        return enquiry

    async def owner_of(self, reference: str) -> Councillor | None:
        """The councillor who raised the case, or ``None`` if none did."""
        standard = parse_reference(reference)
        if standard is None:
            return None

        query = (
            select(councillors)
            .join(
                councillor_cases,
                councillor_cases.c.councillor_id == councillors.c.object_id,
            )
            .join(enquiries, enquiries.c.id == councillor_cases.c.enquiry_id)
            .where(enquiries.c.reference == standard)
        )
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return Councillor(row.object_id, row.name, row.ward, row.email)

    async def remember_conversation(
        self, councillor: Councillor, reference: ConversationReference
    ) -> None:
        """Keep ``reference`` as where to reach the councillor from now on."""
        values = {
            "channel_id": reference.channel_id,
            "service_url": reference.service_url,
            "conversation_id": reference.conversation_id,
            "bot_id": reference.bot_id,
            "bot_name": reference.bot_name,
            "user_id": reference.user_id,
            "tenant_id": reference.tenant_id,
            "updated_at": datetime.now(UTC),
        }
        key = councillor_conversations.c.councillor_id == councillor.object_id

        for _attempt in range(2):
            try:
                async with self.engine.begin() as connection:
                    changed = await connection.execute(
                        update(councillor_conversations).where(key).values(**values)
                    )
                    if changed.rowcount == 0:
                        await connection.execute(
                            insert(councillor_conversations).values(
                                councillor_id=councillor.object_id, **values
                            )
                        )
                return
            except IntegrityError:
                # Two activities from the same councillor at once: the other
                # inserted first, so the second attempt updates.
                continue

    async def conversation_of(
        self, councillor: Councillor
    ) -> ConversationReference | None:
        """Where the councillor last wrote from, or ``None`` if never."""
        query = select(councillor_conversations).where(
            councillor_conversations.c.councillor_id == councillor.object_id
        )
        async with self.engine.connect() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return ConversationReference(
            channel_id=row.channel_id,
            service_url=row.service_url,
            conversation_id=row.conversation_id,
            bot_id=row.bot_id,
            bot_name=row.bot_name,
            user_id=row.user_id,
            tenant_id=row.tenant_id,
        )
