"""What the single view asks of the payments service.

The payments service (``council/payments``) keeps each payment attempt with
the payer's email and the system-of-record reference it paid (a Council Tax
account, a PCN). The single view needs only its recent payments for a person,
found by those keys, so it depends on this small protocol and not on the
service's tables. Wiring: the gateway and the action server pass an adapter
over ``PaymentService`` as ``SingleViewService(engine, payments=...)``; until
then :class:`NoPaymentHistory` answers with nothing (see
``docs/single-view.md``).
"""

from collections.abc import Sequence
from typing import Protocol

from council.single_view.records import PaymentSummary


class PaymentHistory(Protocol):
    async def recent(
        self, *, emails: Sequence[str], references: Sequence[str], limit: int
    ) -> Sequence[PaymentSummary]:
        """The newest payments, newest first, made with one of ``emails`` or
        for one of ``references`` (account references, PCN numbers)."""
        ...


class NoPaymentHistory:
    """Payments not wired yet: no payments to show."""

    async def recent(
        self, *, emails: Sequence[str], references: Sequence[str], limit: int
    ) -> Sequence[PaymentSummary]:
        return ()
