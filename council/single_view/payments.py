"""What the single view asks of the payments service.

The payments service (``council/payments``) keeps each payment attempt with
the conversation it was started in, the payer's email when known and the
system-of-record reference it paid (a Council Tax account, a PCN). The single
view needs only a person's payments, found by those keys, so it depends on
this small protocol and not on the service's tables. The action server, the
agent's panel and the subject-access export pass
:class:`council.payments.history.RecordedPayments`; :class:`NoPaymentHistory`
answers with nothing where payments are not needed (see
``docs/single-view.md``).
"""

from collections.abc import Sequence
from typing import Protocol

from council.single_view.records import PaymentRecord, PaymentSummary


class PaymentHistory(Protocol):
    async def recent(
        self,
        *,
        emails: Sequence[str],
        references: Sequence[str],
        conversation_ids: Sequence[str] = (),
        limit: int,
    ) -> Sequence[PaymentSummary]:
        """The newest payments, newest first, made with one of ``emails``, for
        one of ``references`` (account references, PCN numbers) or in one of
        ``conversation_ids`` (chats the person was signed in to)."""
        ...

    async def everything(
        self,
        *,
        emails: Sequence[str],
        references: Sequence[str],
        conversation_ids: Sequence[str],
    ) -> Sequence[PaymentRecord]:
        """Every payment attempt held, newest first, made with one of
        ``emails``, for one of ``references`` or in one of
        ``conversation_ids``; none when no key is given."""
        ...


class NoPaymentHistory:
    """No payments to show: for callers that do not need them."""

    async def recent(
        self,
        *,
        emails: Sequence[str],
        references: Sequence[str],
        conversation_ids: Sequence[str] = (),
        limit: int,
    ) -> Sequence[PaymentSummary]:
        return ()

    async def everything(
        self,
        *,
        emails: Sequence[str],
        references: Sequence[str],
        conversation_ids: Sequence[str],
    ) -> Sequence[PaymentRecord]:
        return ()
