"""Status observers: told of every stored change, never of a refused one, and
never able to undo a change by failing. On SQLite and PostgreSQL."""

import logging
from collections.abc import Callable

import pytest

from council.enquiries import (
    EnquiryService,
    EnquiryStatus,
    InvalidTransitionError,
    NewEnquiry,
    StatusChanged,
)

MakeEnquiry = Callable[..., NewEnquiry]


async def test_change_status_tells_every_observer_what_changed_and_who(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    heard: list[tuple[str, StatusChanged]] = []

    async def first(event: StatusChanged) -> None:
        heard.append(("first", event))

    async def second(event: StatusChanged) -> None:
        heard.append(("second", event))

    service.observers += [first, second]
    enquiry = await service.create(make_enquiry())

    await service.change_status(
        enquiry.reference, "assigned", note="Highways team", by="agent:alice"
    )

    assert [name for name, _event in heard] == ["first", "second"]
    event = heard[0][1]
    assert event.enquiry.reference == enquiry.reference
    assert event.enquiry.status is EnquiryStatus.ASSIGNED
    assert event.previous is EnquiryStatus.RECEIVED
    assert (event.change.status, event.change.note, event.change.by) == (
        EnquiryStatus.ASSIGNED,
        "Highways team",
        "agent:alice",
    )


async def test_refused_transition_tells_no_observer(
    service: EnquiryService, make_enquiry: MakeEnquiry
) -> None:
    heard: list[StatusChanged] = []

    async def listen(event: StatusChanged) -> None:
        heard.append(event)

    enquiry = await service.create(make_enquiry())
    await service.change_status(enquiry.reference, "closed", by="agent:alice")
    service.observers.append(listen)

    with pytest.raises(InvalidTransitionError):
        await service.change_status(enquiry.reference, "in progress", by="agent:bob")

    assert heard == []


async def test_failing_observer_leaves_the_change_stored_and_others_told(
    service: EnquiryService,
    make_enquiry: MakeEnquiry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    heard: list[str] = []

    async def broken(event: StatusChanged) -> None:
        raise RuntimeError("Teams is down")

    async def listen(event: StatusChanged) -> None:
        heard.append(event.enquiry.reference)

    service.observers += [broken, listen]
    enquiry = await service.create(make_enquiry())

    with caplog.at_level(logging.ERROR, logger="council.enquiries.service"):
        changed = await service.change_status(
            enquiry.reference, "in progress", by="agent:alice"
        )

    assert changed.status is EnquiryStatus.IN_PROGRESS
    stored = await service.get(enquiry.reference)
    assert stored is not None and stored.status is EnquiryStatus.IN_PROGRESS
    assert heard == [enquiry.reference]
    assert "A status observer failed" in caplog.text
    history = await service.history(enquiry.reference)
    assert [entry.status for entry in history] == [
        EnquiryStatus.RECEIVED,
        EnquiryStatus.IN_PROGRESS,
    ]
