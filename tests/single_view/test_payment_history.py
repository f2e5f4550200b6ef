"""Recent payments in the single view come from the payments the council
holds: by the person's verified email or by their account and PCN references,
never someone else's. On SQLite and PostgreSQL."""

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from council.payments.history import RecordedPayments
from council.payments.models import payments
from council.single_view.records import PaymentSummary
from council.single_view.service import SingleViewService
from tests.single_view.conftest import NOW, County, clock, verified


async def add_payment(
    engine: AsyncEngine,
    *,
    reference: str,
    description: str,
    amount_pence: int,
    status: str,
    email: str | None,
    days_ago: int,
    conversation_id: str | None = None,
) -> None:
    at = NOW - timedelta(days=days_ago)
    async with engine.begin() as connection:
        await connection.execute(
            insert(payments).values(
                return_token=secrets.token_hex(16),
                charge_kind="council_tax",
                charge_key=f"council-tax:{reference}",
                conversation_id=conversation_id
                or f"conversation-{secrets.token_hex(4)}",
                attempt=1,
                idempotency_key=secrets.token_hex(16),
                amount_pence=amount_pence,
                reference=reference,
                description=description,
                language="en",
                email=email,
                provider_metadata={},
                status=status,
                created_at=at,
                updated_at=at,
            )
        )


def service_with_payments(engine: AsyncEngine) -> SingleViewService:
    return SingleViewService(engine, payments=RecordedPayments(engine), clock=clock)


async def test_view_lists_own_payments_newest_first_by_email_and_reference(
    engine: AsyncEngine, county: County
) -> None:
    await add_payment(
        engine,
        reference="99000001",
        description="Council Tax account 99000001",
        amount_pence=20_870,
        status="success",
        email=None,
        days_ago=20,
    )
    await add_payment(
        engine,
        reference="BW-ABC123",
        description="Bulky waste collection: sofa",
        amount_pence=3_500,
        status="failed",
        email="Catherine.McDonald@Example.com",
        days_ago=3,
    )

    view = await service_with_payments(engine).for_resident(verified())

    assert view.recent_payments == (
        PaymentSummary(
            reference="BW-ABC123",
            description="Bulky waste collection: sofa",
            amount_pence=3_500,
            status="failed",
            created_at=(NOW - timedelta(days=3)).astimezone(UTC),
        ),
        PaymentSummary(
            reference="99000001",
            description="Council Tax account 99000001",
            amount_pence=20_870,
            status="success",
            created_at=(NOW - timedelta(days=20)).astimezone(UTC),
        ),
    )


async def test_view_never_lists_another_persons_payments_or_unopened_links(
    engine: AsyncEngine, county: County
) -> None:
    await add_payment(
        engine,
        reference="99000002",
        description="Council Tax account 99000002",
        amount_pence=12_345,
        status="success",
        email="c.macdonald@example.net",
        days_ago=1,
    )
    await add_payment(
        engine,
        reference="99000001",
        description="Council Tax account 99000001",
        amount_pence=41_740,
        status="created",
        email="catherine.mcdonald@example.com",
        days_ago=1,
    )

    view = await service_with_payments(engine).for_resident(verified())

    assert view.recent_payments == ()


async def test_recent_keeps_to_the_limit_and_needs_a_key(
    engine: AsyncEngine, county: County
) -> None:
    for day in range(7):
        await add_payment(
            engine,
            reference="99000001",
            description="Council Tax account 99000001",
            amount_pence=1_000 + day,
            status="success",
            email=None,
            days_ago=day,
        )
    history = RecordedPayments(engine)

    newest = await history.recent(emails=[], references=["99000001"], limit=5)
    nothing = await history.recent(emails=[], references=[], limit=5)

    assert [payment.amount_pence for payment in newest] == [
        1_000,
        1_001,
        1_002,
        1_003,
        1_004,
    ]
    assert all(isinstance(payment.created_at, datetime) for payment in newest)
    assert nothing == ()


async def test_view_lists_a_payment_started_in_a_chat_the_person_signed_in_to(
    engine: AsyncEngine, county: County
) -> None:
    # Paid from the chat: no email or account reference of theirs on it.
    await add_payment(
        engine,
        reference="BW-CHAT01",
        description="Bulky waste collection: fridge",
        amount_pence=2_800,
        status="success",
        email=None,
        days_ago=2,
        conversation_id="conversation-catherine",
    )
    await add_payment(
        engine,
        reference="BW-CHAT02",
        description="Bulky waste collection: wardrobe",
        amount_pence=3_100,
        status="success",
        email=None,
        days_ago=2,
        conversation_id="conversation-someone-else",
    )

    view = await service_with_payments(engine).for_resident(verified())

    assert [payment.reference for payment in view.recent_payments] == ["BW-CHAT01"]
