"""The enquiry service against a real database: SQLite and PostgreSQL."""

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.enquiries import (
    EnquiryChangedError,
    EnquiryNotFoundError,
    EnquiryService,
    EnquirySource,
    EnquiryStatus,
    IdempotencyKeyReusedError,
    InvalidLocationError,
    InvalidStatusError,
    InvalidTransitionError,
    Location,
    NewEnquiry,
    UnknownCategoryError,
)
from council.enquiries.models import enquiries, enquiry_status_changes
from council.errors import CouncilError

MakeEnquiry = Callable[..., NewEnquiry]


class Clock:
    """A clock the test sets."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> Clock:
    """Wednesday 3 June 2026, 11:30 in the UK."""
    return Clock(datetime(2026, 6, 3, 10, 30, tzinfo=UTC))


async def count(engine: AsyncEngine, table: Table = enquiries) -> int:
    """How many rows ``table`` holds."""
    async with engine.connect() as connection:
        value = await connection.scalar(select(func.count()).select_from(table))
    return int(value or 0)


async def test_create_valid_enquiry_is_received_with_normalised_fields(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    enquiry = await service.create(
        make_enquiry(
            location=Location(postcode=" tr13ay ", uprn="010003456789"),
            contact_email="Morwenna@Example.COM",
            source="councillor",
        )
    )

    assert enquiry.status is EnquiryStatus.RECEIVED
    assert enquiry.location == Location(postcode="TR1 3AY", uprn="010003456789")
    assert enquiry.contact_email == "Morwenna@example.com"
    assert enquiry.source is EnquirySource.COUNCILLOR
    assert enquiry.is_open
    assert await service.get(enquiry.reference) == enquiry


async def test_create_first_enquiries_of_the_year_are_numbered_from_one(
    engine: AsyncEngine, clock: Clock, make_enquiry: MakeEnquiry
) -> None:
    service = EnquiryService(engine, clock=clock)

    first = await service.create(make_enquiry())
    second = await service.create(make_enquiry())

    assert first.reference == "ENQ-2026-000001"
    assert second.reference == "ENQ-2026-000002"
    assert re.fullmatch(r"ENQ-\d{4}-\d{6}", first.reference)


async def test_create_in_a_new_year_starts_the_numbers_again(
    engine: AsyncEngine, clock: Clock, make_enquiry: MakeEnquiry
) -> None:
    service = EnquiryService(engine, clock=clock)
    await service.create(make_enquiry())
    await service.create(make_enquiry())

    clock.moment = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    enquiry = await service.create(make_enquiry())

    assert enquiry.reference == "ENQ-2027-000001"


async def test_create_retried_with_the_same_key_makes_one_enquiry(
    engine: AsyncEngine, service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    request = make_enquiry(idempotency_key="conversation-1:7")

    first = await service.create(request)
    retried = await service.create(request)

    assert retried == first
    assert await count(engine) == 1
    assert len(await service.history(first.reference)) == 1


async def test_create_retried_takes_no_new_reference_number(
    engine: AsyncEngine, clock: Clock, make_enquiry: MakeEnquiry
) -> None:
    service = EnquiryService(engine, clock=clock)
    await service.create(make_enquiry(idempotency_key="conversation-1:7"))
    await service.create(make_enquiry(idempotency_key="conversation-1:7"))

    other = await service.create(make_enquiry(idempotency_key="conversation-1:9"))

    assert other.reference == "ENQ-2026-000002"


async def test_create_with_a_used_key_and_different_details_is_refused(
    engine: AsyncEngine, service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    first = await service.create(make_enquiry(idempotency_key="conversation-1:7"))

    with pytest.raises(IdempotencyKeyReusedError) as refused:
        await service.create(
            make_enquiry(idempotency_key="conversation-1:7", details="A missed bin")
        )

    assert refused.value.reference == first.reference
    assert refused.value.status == 409
    assert await count(engine) == 1


async def test_create_twenty_at_once_gives_twenty_distinct_references(
    engine: AsyncEngine, service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    created = await asyncio.gather(
        *(service.create(make_enquiry(details=f"Pothole {n}")) for n in range(20))
    )

    references = {enquiry.reference for enquiry in created}
    numbers = sorted(int(reference[-6:]) for reference in references)
    assert len(references) == 20
    assert numbers == list(range(1, 21))
    assert await count(engine) == 20


async def test_create_twenty_at_once_with_one_key_makes_one_enquiry(
    engine: AsyncEngine, service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    request = make_enquiry(idempotency_key="conversation-1:7")

    created = await asyncio.gather(*(service.create(request) for _ in range(20)))

    assert {enquiry.reference for enquiry in created} == {created[0].reference}
    assert await count(engine) == 1
    assert await count(engine, enquiry_status_changes) == 1


async def test_create_unknown_category_is_refused_and_takes_no_number(
    engine: AsyncEngine, clock: Clock, make_enquiry: MakeEnquiry
) -> None:
    service = EnquiryService(engine, clock=clock)

    with pytest.raises(UnknownCategoryError) as refused:
        await service.create(make_enquiry(category="roads-and-transport.dragons"))
    enquiry = await service.create(make_enquiry())

    assert refused.value.field == "category"
    assert refused.value.status == 400
    assert enquiry.reference == "ENQ-2026-000001"


async def test_create_bad_postcode_is_refused_and_nothing_is_stored(
    engine: AsyncEngine, service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    with pytest.raises(InvalidLocationError) as refused:
        await service.create(make_enquiry(location=Location(postcode="TR1 3A")))

    assert refused.value.field == "location.postcode"
    assert "postcode" in refused.value.public_message
    assert await count(engine) == 0


async def test_create_target_date_follows_the_category_service_level(
    engine: AsyncEngine, clock: Clock, make_enquiry: MakeEnquiry
) -> None:
    service = EnquiryService(engine, clock=clock)  # Wednesday 3 June 2026

    pothole = await service.create(make_enquiry())
    missed_bin = await service.create(make_enquiry(category="waste.missed-collection"))
    noise = await service.create(
        make_enquiry(category="environment-and-neighbourhood.noise-nuisance")
    )

    assert pothole.target_date == date(2026, 6, 10)
    assert missed_bin.target_date == date(2026, 6, 5)
    assert noise.target_date == date(2026, 6, 17)


async def test_create_before_easter_target_date_skips_the_bank_holidays(
    engine: AsyncEngine, clock: Clock, make_enquiry: MakeEnquiry
) -> None:
    clock.moment = datetime(2026, 4, 2, 16, 0, tzinfo=UTC)  # Thursday
    service = EnquiryService(engine, clock=clock)

    missed_bin = await service.create(make_enquiry(category="waste.missed-collection"))

    # Good Friday, the weekend and Easter Monday are not working days.
    assert missed_bin.target_date == date(2026, 4, 8)


async def test_create_late_evening_in_summer_counts_from_the_uk_date(
    engine: AsyncEngine, clock: Clock, make_enquiry: MakeEnquiry
) -> None:
    clock.moment = datetime(2026, 6, 4, 23, 30, tzinfo=UTC)  # Friday 00:30 in the UK
    service = EnquiryService(engine, clock=clock)

    missed_bin = await service.create(make_enquiry(category="waste.missed-collection"))

    assert missed_bin.target_date == date(2026, 6, 9)


async def test_create_logs_the_reference_but_no_personal_details_above_debug(
    service: EnquiryService,
    make_enquiry: MakeEnquiry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="council.enquiries")
    request = make_enquiry()

    enquiry = await service.create(request)
    await service.find_for_resident(enquiry.reference, "morwenna@example.com")

    above_debug = [
        record.getMessage()
        for record in caplog.records
        if record.levelno > logging.DEBUG
    ]
    personal = [
        request.details,
        "Morwenna",
        "morwenna@example.com",
        "01872 322000",
        "TR1 3AY",
    ]
    assert any(enquiry.reference in message for message in above_debug)
    assert not [
        message for message in above_debug for value in personal if value in message
    ]


async def test_get_unknown_or_malformed_reference_returns_none(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    await service.create(make_enquiry())

    assert await service.get("ENQ-2026-999999") is None
    assert await service.get("not a reference") is None


async def test_get_reference_typed_loosely_finds_the_enquiry(
    engine: AsyncEngine, clock: Clock, make_enquiry: MakeEnquiry
) -> None:
    service = EnquiryService(engine, clock=clock)
    enquiry = await service.create(make_enquiry())

    found = await service.get(" enq 2026 1 ")

    assert found == enquiry


async def test_find_for_resident_with_the_right_email_finds_the_enquiry(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    enquiry = await service.create(make_enquiry())

    found = await service.find_for_resident(enquiry.reference, " MORWENNA@example.com")

    assert found == enquiry


async def test_find_for_resident_with_a_wrong_email_gets_none(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    enquiry = await service.create(make_enquiry())

    assert (
        await service.find_for_resident(enquiry.reference, "other@example.com") is None
    )
    assert await service.find_for_resident(enquiry.reference, "") is None


async def test_find_for_resident_unknown_reference_gets_the_same_none(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    await service.create(make_enquiry())

    found = await service.find_for_resident("ENQ-2026-000999", "morwenna@example.com")

    assert found is None


async def test_find_for_resident_enquiry_without_email_is_never_found(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    enquiry = await service.create(make_enquiry(contact_email=None))

    assert await service.find_for_resident(enquiry.reference, "") is None


async def test_change_status_through_the_lifecycle_records_every_change(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    enquiry = await service.create(make_enquiry())

    await service.change_status(
        enquiry.reference,
        EnquiryStatus.ASSIGNED,
        note="Highways team",
        by="agent:alice",
    )
    await service.change_status(enquiry.reference, "in progress", by="officer:bob")
    resolved = await service.change_status(
        enquiry.reference, EnquiryStatus.RESOLVED, note="Filled", by="officer:bob"
    )
    closed = await service.change_status(
        enquiry.reference, EnquiryStatus.CLOSED, by="system:auto-close"
    )
    history = await service.history(enquiry.reference)

    assert resolved.status is EnquiryStatus.RESOLVED
    assert closed.status is EnquiryStatus.CLOSED and not closed.is_open
    assert await service.get(enquiry.reference) == closed
    assert [(change.status.value, change.note, change.by) for change in history] == [
        ("received", "Enquiry received", "assistant"),
        ("assigned", "Highways team", "agent:alice"),
        ("in progress", "", "officer:bob"),
        ("resolved", "Filled", "officer:bob"),
        ("closed", "", "system:auto-close"),
    ]
    assert all(change.at.tzinfo is not None for change in history)


async def test_change_status_of_a_closed_enquiry_is_refused_naming_both(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    enquiry = await service.create(make_enquiry())
    await service.change_status(enquiry.reference, EnquiryStatus.CLOSED, by="agent:a")

    with pytest.raises(InvalidTransitionError) as refused:
        await service.change_status(
            enquiry.reference, EnquiryStatus.IN_PROGRESS, by="agent:a"
        )

    assert refused.value.status == 409
    assert (refused.value.current, refused.value.requested) == ("closed", "in progress")
    assert "closed" in refused.value.public_message
    assert "in progress" in refused.value.public_message
    assert len(await service.history(enquiry.reference)) == 2


async def test_change_status_to_the_status_it_has_is_refused(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    enquiry = await service.create(make_enquiry())

    with pytest.raises(InvalidTransitionError):
        await service.change_status(
            enquiry.reference, EnquiryStatus.RECEIVED, by="agent:a"
        )


async def test_change_status_to_unknown_status_text_is_refused(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    enquiry = await service.create(make_enquiry())

    with pytest.raises(InvalidStatusError) as refused:
        await service.change_status(enquiry.reference, "done", by="agent:a")

    assert refused.value.status == 400
    assert "in progress" in refused.value.public_message


async def test_change_status_of_unknown_reference_is_not_found(
    service: EnquiryService,
) -> None:
    with pytest.raises(EnquiryNotFoundError) as refused:
        await service.change_status("ENQ-2026-000404", "assigned", by="agent:a")

    assert refused.value.status == 404
    assert isinstance(refused.value, CouncilError)


async def test_change_status_twice_at_once_from_one_status_applies_once(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    enquiry = await service.create(make_enquiry())

    outcomes = await asyncio.gather(
        *(
            service.change_status(enquiry.reference, EnquiryStatus.CLOSED, by=who)
            for who in ("agent:alice", "agent:bob")
        ),
        return_exceptions=True,
    )

    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1
    assert isinstance(refused[0], InvalidTransitionError | EnquiryChangedError)
    history = await service.history(enquiry.reference)
    assert [change.status for change in history] == [
        EnquiryStatus.RECEIVED,
        EnquiryStatus.CLOSED,
    ]


async def test_history_of_unknown_reference_is_not_found(
    service: EnquiryService,
) -> None:
    with pytest.raises(EnquiryNotFoundError):
        await service.history("ENQ-2026-000404")
