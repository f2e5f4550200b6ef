"""Every view of a person's record by staff is audited: who, whose, when, why."""

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.single_view.errors import PersonNotFoundError, ViewRefusedError
from council.single_view.models import sv_view_audit
from council.single_view.service import SingleViewService
from tests.single_view.conftest import NOW, County


async def audit_rows(engine: AsyncEngine) -> list:  # type: ignore[type-arg]
    async with engine.connect() as connection:
        return list(
            await connection.execute(select(sv_view_audit).order_by(sv_view_audit.c.id))
        )


async def test_for_agent_view_writes_who_whose_when_and_why(
    engine: AsyncEngine, service: SingleViewService, county: County
) -> None:
    view = await service.for_agent(
        "agent:alice", county.catherine, "Caller asked for her bin day"
    )

    rows = await audit_rows(engine)
    assert view.person_id == county.catherine
    assert [
        (row.viewer_id, row.viewer_role, row.person_id, row.reason, row.outcome)
        for row in rows
    ] == [
        (
            "agent:alice",
            "agent",
            county.catherine,
            "Caller asked for her bin day",
            "shown",
        )
    ]
    assert rows[0].viewed_at.replace(tzinfo=None) == NOW.replace(tzinfo=None)


async def test_for_agent_councillor_view_is_audited_with_its_role(
    engine: AsyncEngine, service: SingleViewService, county: County
) -> None:
    await service.for_agent(
        "councillor:jones", county.catherine, "Casework CW-12", role="councillor"
    )

    rows = await audit_rows(engine)
    assert [(row.viewer_id, row.viewer_role) for row in rows] == [
        ("councillor:jones", "councillor")
    ]


@pytest.mark.parametrize(
    ("agent_id", "reason", "role"),
    [
        ("agent:alice", "", "agent"),
        ("agent:alice", "   ", "agent"),
        ("", "Caller asked for her bin day", "agent"),
        ("agent:alice", "Caller asked for her bin day", "resident"),
    ],
    ids=["no-reason", "blank-reason", "no-agent", "unknown-role"],
)
async def test_for_agent_without_viewer_reason_or_role_is_refused_unseen(
    engine: AsyncEngine,
    service: SingleViewService,
    county: County,
    agent_id: str,
    reason: str,
    role: str,
) -> None:
    with pytest.raises(ViewRefusedError):
        await service.for_agent(agent_id, county.catherine, reason, role=role)

    assert await audit_rows(engine) == []


async def test_for_agent_unknown_person_is_refused_and_the_attempt_audited(
    engine: AsyncEngine, service: SingleViewService, county: County
) -> None:
    with pytest.raises(PersonNotFoundError):
        await service.for_agent("agent:bob", 999_999, "Looking somebody up")

    rows = await audit_rows(engine)
    assert [(row.viewer_id, row.person_id, row.outcome) for row in rows] == [
        ("agent:bob", 999_999, "not-found")
    ]


async def test_for_resident_own_view_writes_no_audit_row(
    engine: AsyncEngine, service: SingleViewService, county: County
) -> None:
    from tests.single_view.conftest import verified

    await service.for_resident(verified())

    assert await audit_rows(engine) == []
