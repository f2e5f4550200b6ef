"""Staff routes for enquiries: look one up by reference, move its status on.

For signed-in staff with the Agent or Supervisor role; a cookie request that
changes something needs the session's CSRF token, as on every console route.
The routes only translate: the rules (which moves are allowed, the history,
who did it, who hears of it) are :meth:`EnquiryService.change_status`'s.
"""

import logging
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from council.enquiries import Enquiry, EnquiryNotFoundError, StatusChange
from webchat.api.deps import ServicesDep
from webchat.identity.errors import MissingRoleError
from webchat.identity.guards import SignedIn
from webchat.identity.models import SignedInUser

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/staff/enquiries", tags=["staff"])

STAFF_ROLES = ("Agent", "Supervisor")


async def staff_user(principal: SignedIn) -> SignedInUser:
    """An agent or a supervisor; 401 without a sign-in, 403 without either role."""
    if not any(role in principal.user.roles for role in STAFF_ROLES):
        logger.info("Refused enquiry staff routes to a user without a staff role")
        raise MissingRoleError(" or ".join(STAFF_ROLES))
    return principal.user


Staff = Annotated[SignedInUser, Depends(staff_user)]


class StatusChangeRequest(BaseModel):
    status: str = Field(description='The new status, such as "in progress".')
    note: str = Field(default="", description="Why, for the enquiry's history.")


class HistoryEntry(BaseModel):
    status: str
    note: str
    by: str
    at: datetime


class EnquiryForStaff(BaseModel):
    reference: str
    category: str
    status: str
    source: str
    target_date: date
    created_at: datetime
    updated_at: datetime
    history: list[HistoryEntry]


@router.get("/{reference}", response_model=EnquiryForStaff)
async def enquiry(reference: str, user: Staff, deps: ServicesDep) -> EnquiryForStaff:
    """The enquiry's status and history (typed forms of the reference accepted)."""
    found = await deps.enquiries.get(reference)
    if found is None:
        raise EnquiryNotFoundError(reference[:40])
    return _for_staff(found, await deps.enquiries.history(found.reference))


@router.post("/{reference}/status", response_model=EnquiryForStaff)
async def change_status(
    reference: str, change: StatusChangeRequest, user: Staff, deps: ServicesDep
) -> EnquiryForStaff:
    """Move the enquiry to ``status`` with a note; 409 for a move not allowed."""
    changed = await deps.enquiries.change_status(
        reference, change.status, note=change.note, by=_actor(user)
    )
    return _for_staff(changed, await deps.enquiries.history(changed.reference))


def _actor(user: SignedInUser) -> str:
    """Who made a change, for the history: role and the user's stable id."""
    role = "agent" if "Agent" in user.roles else "supervisor"
    return f"{role}:{user.subject}"


def _for_staff(enquiry: Enquiry, history: list[StatusChange]) -> EnquiryForStaff:
    return EnquiryForStaff(
        reference=enquiry.reference,
        category=enquiry.category,
        status=enquiry.status.value,
        source=enquiry.source.value,
        target_date=enquiry.target_date,
        created_at=enquiry.created_at,
        updated_at=enquiry.updated_at,
        history=[
            HistoryEntry(
                status=entry.status.value, note=entry.note, by=entry.by, at=entry.at
            )
            for entry in history
        ],
    )
