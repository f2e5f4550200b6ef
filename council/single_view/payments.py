"""What the single view asks of the payments service.

The payments service (``council/payments``) keeps each payment attempt with
the payer's email and the system-of-record reference it paid (a Council Tax
account, a PCN). The single view needs only its recent payments for a person,
found by those keys, so it depends on this small protocol and not on the
service's tables. The action server and the agent's panel pass
:class:`council.payments.history.RecordedPayments`; :class:`NoPaymentHistory`
answers with nothing where payments are not needed (see
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
    """No payments to show: for callers that do not need them."""

    async def recent(
        self, *, emails: Sequence[str], references: Sequence[str], limit: int
    ) -> Sequence[PaymentSummary]:
        return ()
