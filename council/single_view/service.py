"""The single view of the resident: one answer from every silo.

Two doors, and only two:

- :meth:`SingleViewService.for_resident` takes the verified identity from the
  gateway's signed assertion. The person is found by the verified subject (or
  the verified email, the first time); the caller passes no id, account
  reference or other key, so a resident can only ever see their own view.
- :meth:`SingleViewService.for_agent` takes a person id from staff, with who
  is looking and why, and writes the audit row before anything is shown.

Logs carry person ids, never names or details.
"""

import logging
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from council import identity
from council.identity import ExpiredAssertionError, VerifiedResident
from council.settings import get_settings
from council.single_view.audit import Outcome, ViewerRole, check_request, record_view
from council.single_view.bin_days import bank_holidays
from council.single_view.conversations import ResidentConversations
from council.single_view.errors import PersonNotFoundError
from council.single_view.index import ResidentIndex
from council.single_view.payments import NoPaymentHistory, PaymentHistory
from council.single_view.records import ResidentView
from council.single_view.views import ViewContext, build_view, person_by_id

logger = logging.getLogger(__name__)

COUNCIL_TIME_ZONE = ZoneInfo("Europe/London")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SingleViewService:
    """Answers about a person from the silos their records are linked in.

    ``engine`` must have the single view's tables (``create_tables``).
    ``payments`` answers for recent payments (:mod:`.payments`).
    ``threshold`` defaults to the setting ``SINGLE_VIEW_LINK_THRESHOLD``.
    """

    engine: AsyncEngine
    payments: PaymentHistory = field(default_factory=NoPaymentHistory)
    threshold: float = field(
        default_factory=lambda: get_settings().single_view_link_threshold
    )
    clock: Callable[[], datetime] = utc_now
    closed_days: Container[date] = field(default_factory=bank_holidays)

    @property
    def index(self) -> ResidentIndex:
        return ResidentIndex(self.engine, threshold=self.threshold, clock=self.clock)

    async def for_assertion(
        self, token: str | None, conversation_id: str, *, secret: str | None = None
    ) -> ResidentView:
        """Verify the gateway's assertion for this conversation, then answer.

        Raises an ``IdentityAssertionError`` subclass for a missing, forged,
        expired or other-conversation assertion; nothing is read then.
        """
        verified = identity.verify(token, conversation_id, secret=secret)
        return await self.for_resident(verified)

    async def for_resident(self, verified: VerifiedResident) -> ResidentView:
        """The signed-in resident's own view, found from the verified identity.

        A new resident is enrolled in the index and linked by their verified
        email at once. The conversation is recorded as theirs, for the
        subject-access export and the retention job.
        """
        now = self.clock()
        if verified.expires_at < time.time() - identity.LEEWAY_SECONDS:
            raise ExpiredAssertionError("verified identity has expired")

        person_id = await self.index.person_for(verified)
        await ResidentConversations(self.engine, self.clock).note(
            verified.subject, verified.conversation_id
        )
        view = await self._view(person_id, now)
        logger.info("Single view shown to person %d (own view)", person_id)
        return view

    async def for_agent(
        self,
        agent_id: str,
        person_id: int,
        reason: str,
        *,
        role: ViewerRole | str = ViewerRole.AGENT,
    ) -> ResidentView:
        """A person's view for staff; the view is audited before it is read.

        Raises :class:`ViewRefusedError` without a viewer id, a known role or a
        reason, and :class:`PersonNotFoundError` for an unknown person (the
        attempt is audited too).
        """
        request = check_request(agent_id, role, reason)
        now = self.clock()

        async with self.engine.begin() as connection:
            person = await person_by_id(connection, person_id)
            outcome = Outcome.SHOWN if person is not None else Outcome.NOT_FOUND
            await record_view(connection, request, person_id, outcome, now)
        if person is None:
            logger.info("Staff view of unknown person %d refused", person_id)
            raise PersonNotFoundError(f"no person {person_id}")

        view = await self._view(person_id, now)
        logger.info(
            "Single view of person %d shown to %s %s",
            person_id,
            request.role.value,
            request.viewer_id,
        )
        return view

    async def for_agent_in_conversation(
        self,
        agent_id: str,
        token: str | None,
        conversation_id: str,
        *,
        secret: str | None = None,
        role: ViewerRole | str = ViewerRole.AGENT,
    ) -> ResidentView:
        """The view of the resident signed in to the agent's live chat.

        ``token`` is the gateway's assertion of who signed in to
        ``conversation_id``; it is verified as the actions verify it, so the
        person comes from the resident's own sign-in and never from anything
        the agent chose. The caller must already have checked that the agent
        owns the chat. The view is audited as :meth:`for_agent`, with the chat
        as the reason. Raises an ``IdentityAssertionError`` subclass, and
        reads nothing, without a valid assertion for this chat.
        """
        verified = identity.verify(token, conversation_id, secret=secret)
        person_id = await self.index.person_for(verified)
        return await self.for_agent(
            agent_id, person_id, f"Live chat {conversation_id}", role=role
        )

    async def _view(self, person_id: int, now: datetime) -> ResidentView:
        context = ViewContext(
            today=now.astimezone(COUNCIL_TIME_ZONE).date(),
            now=now,
            threshold=self.threshold,
            closed_days=self.closed_days,
            payments=self.payments,
        )
        async with self.engine.connect() as connection:
            person = await person_by_id(connection, person_id)
            if person is None:
                raise PersonNotFoundError(f"no person {person_id}")
            return await build_view(connection, person, context)
