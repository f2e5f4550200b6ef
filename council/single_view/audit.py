"""The log of staff views of residents' records: who, whose, when and why.

Every view by an agent, supervisor or councillor is written before anything
is shown, in its own committed transaction, so no view goes unrecorded. A
resident's subject-access export lists the views of their record.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from council.single_view.errors import ViewRefusedError
from council.single_view.models import sv_view_audit

MIN_REASON_CHARS = 5
MAX_REASON_CHARS = 500
MAX_VIEWER_CHARS = 128


class ViewerRole(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    COUNCILLOR = "councillor"


class Outcome(StrEnum):
    SHOWN = "shown"
    NOT_FOUND = "not-found"


@dataclass(frozen=True)
class ViewRecord:
    viewer_id: str
    viewer_role: str
    person_id: int
    reason: str
    outcome: str
    viewed_at: datetime


@dataclass(frozen=True)
class ViewRequest:
    """A checked request: a known role, a viewer id and a reason."""

    viewer_id: str
    role: ViewerRole
    reason: str


def check_request(viewer_id: str, role: ViewerRole | str, reason: str) -> ViewRequest:
    """Refuse a view without a viewer, with an unknown role, or without a reason."""
    viewer = (viewer_id or "").strip()
    if not viewer or len(viewer) > MAX_VIEWER_CHARS:
        raise ViewRefusedError("a view needs the viewer's id")
    try:
        checked_role = ViewerRole(role)
    except ValueError as error:
        raise ViewRefusedError(f"unknown viewer role {role!r}") from error
    text = " ".join((reason or "").split())
    if len(text) < MIN_REASON_CHARS:
        raise ViewRefusedError("a view needs a reason")
    return ViewRequest(viewer, checked_role, text[:MAX_REASON_CHARS])


async def record_view(
    connection: AsyncConnection,
    request: ViewRequest,
    person_id: int,
    outcome: Outcome,
    at: datetime,
) -> None:
    await connection.execute(
        insert(sv_view_audit).values(
            viewer_id=request.viewer_id,
            viewer_role=request.role.value,
            person_id=person_id,
            reason=request.reason,
            outcome=outcome.value,
            viewed_at=at,
        )
    )


async def views_of(connection: AsyncConnection, person_id: int) -> list[ViewRecord]:
    """Every recorded view of the person's record, oldest first."""
    rows = await connection.execute(
        select(sv_view_audit)
        .where(sv_view_audit.c.person_id == person_id)
        .order_by(sv_view_audit.c.viewed_at, sv_view_audit.c.id)
    )
    return [
        ViewRecord(
            viewer_id=row.viewer_id,
            viewer_role=row.viewer_role,
            person_id=row.person_id,
            reason=row.reason,
            outcome=row.outcome,
            viewed_at=aware(row.viewed_at),
        )
        for row in rows
    ]


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
