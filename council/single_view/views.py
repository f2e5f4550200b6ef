"""Assemble one person's view from the silo records linked to them.

Reads only the records linked at or above the threshold, plus the enquiries
that carry the person's verified email (the exact key, applied live, so an
enquiry raised minutes ago shows before the next rebuild of the index).
"""

from collections import defaultdict
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from council.enquiries.models import enquiries
from council.silos.benefits import benefits_claims
from council.silos.council_tax import ctax_accounts, ctax_instalments
from council.silos.housing import housing_cases
from council.silos.parking import parking_pcns, parking_permits
from council.silos.waste import waste_property_rounds, waste_rounds
from council.single_view.audit import aware
from council.single_view.bin_days import RoundPattern, next_collection
from council.single_view.conversations import conversations_of
from council.single_view.exact import first_names_agree
from council.single_view.models import sv_links, sv_people
from council.single_view.payments import PaymentHistory
from council.single_view.records import (
    BenefitClaim,
    Collection,
    CouncilTaxAccount,
    EnquirySummary,
    HousingCase,
    Instalment,
    LinkSummary,
    ParkingPermit,
    PenaltyCharge,
    ResidentView,
)
from council.single_view.sources import linkage_row, person_row, records_from_rows

OPEN_ENQUIRY = ("received", "assigned", "in progress")
OUTSTANDING_PCN = ("open", "challenged")
ENDED = ("ended", "closed")
RECENT_PAYMENTS = 5


@dataclass(frozen=True)
class ViewContext:
    """What every view needs besides the person: the day, the threshold."""

    today: date
    now: datetime
    threshold: float
    closed_days: Container[date]
    payments: PaymentHistory


async def build_view(
    connection: AsyncConnection, person: Mapping[str, Any], context: ViewContext
) -> ResidentView:
    """The view of ``person`` (a row of ``sv_people``)."""
    used, withheld = await _links(connection, int(person["id"]), context.threshold)
    ids: dict[str, list[str]] = defaultdict(list)
    for link in used:
        ids[link.silo].append(link.record_id)

    accounts = await _council_tax(connection, _ints(ids["ctax"]), context.today)
    cases = await _housing(connection, _ints(ids["housing"]))
    uprn = person["uprn"] or _home_uprn(accounts, cases)
    permits, pcns = await _parking(connection, _ints(ids["parking"]), context.today)
    references = [account.account_ref for account, _uprn in accounts]
    references += [pcn.pcn_number for pcn in pcns]

    signed_in = (
        await conversations_of(connection, person["subject"])
        if person["subject"]
        else []
    )
    payments = await context.payments.recent(
        emails=[person["email"]] if person["email"] else [],
        references=references,
        conversation_ids=signed_in,
        limit=RECENT_PAYMENTS,
    )
    return ResidentView(
        person_id=int(person["id"]),
        name=person["name"],
        uprn=uprn,
        as_of=context.now,
        council_tax=tuple(account for account, _uprn in accounts),
        collections=await _collections(connection, uprn, context),
        housing=tuple(case for case, _uprn in cases),
        benefits=await _benefits(connection, _ints(ids["benefits"])),
        permits=permits,
        penalty_charges=pcns,
        open_enquiries=await _enquiries(connection, person, ids["enquiries"]),
        recent_payments=tuple(payments),
        links=tuple(used),
        withheld_links=withheld,
    )


async def _links(
    connection: AsyncConnection, person_id: int, threshold: float
) -> tuple[list[LinkSummary], int]:
    rows = await connection.execute(
        select(
            sv_links.c.silo,
            sv_links.c.record_id,
            sv_links.c.method,
            sv_links.c.confidence,
        )
        .where(sv_links.c.person_id == person_id)
        .order_by(sv_links.c.silo, sv_links.c.record_id)
    )
    used, withheld = [], 0
    for row in rows:
        if row.confidence >= threshold:
            used.append(
                LinkSummary(row.silo, row.record_id, row.method, row.confidence)
            )
        else:
            withheld += 1
    return used, withheld


async def _council_tax(
    connection: AsyncConnection, account_ids: list[int], today: date
) -> list[tuple[CouncilTaxAccount, str | None]]:
    if not account_ids:
        return []
    rows = (
        await connection.execute(
            select(ctax_accounts)
            .where(ctax_accounts.c.id.in_(account_ids))
            .order_by(ctax_accounts.c.closed_on.is_not(None), ctax_accounts.c.id)
        )
    ).all()
    due = (
        await connection.execute(
            select(
                ctax_instalments.c.account_id,
                ctax_instalments.c.due_on,
                ctax_instalments.c.amount_pence,
            )
            .where(
                ctax_instalments.c.account_id.in_(account_ids),
                ctax_instalments.c.paid.is_(False),
                ctax_instalments.c.due_on >= today,
            )
            .order_by(ctax_instalments.c.account_id, ctax_instalments.c.due_on)
        )
    ).all()
    next_due: dict[int, Instalment] = {}
    for row in due:
        next_due.setdefault(row.account_id, Instalment(row.due_on, row.amount_pence))

    found = []
    for row in rows:
        is_open = row.closed_on is None
        if not is_open and row.balance_pence == 0:
            continue
        account = CouncilTaxAccount(
            account_ref=row.account_ref,
            address=row.address,
            band=row.band,
            balance_pence=row.balance_pence,
            is_open=is_open,
            next_instalment=next_due.get(row.id) if is_open else None,
        )
        found.append((account, row.uprn if is_open else None))
    return found


async def _housing(
    connection: AsyncConnection, person_ids: list[int]
) -> list[tuple[HousingCase, str | None]]:
    if not person_ids:
        return []
    rows = await connection.execute(
        select(housing_cases)
        .where(
            housing_cases.c.person_id.in_(person_ids),
            housing_cases.c.status.not_in(ENDED),
        )
        .order_by(housing_cases.c.started_on.desc())
    )
    return [
        (
            HousingCase(
                row.reference, row.kind, row.status, row.band, row.rent_balance_pence
            ),
            row.uprn if row.kind == "tenancy" else None,
        )
        for row in rows
    ]


def _home_uprn(
    accounts: list[tuple[CouncilTaxAccount, str | None]],
    cases: list[tuple[HousingCase, str | None]],
) -> str | None:
    """Where the person lives when they never confirmed it: the property of
    their open Council Tax account, else of their current tenancy."""
    for _item, uprn in [*accounts, *cases]:
        if uprn:
            return uprn
    return None


async def _collections(
    connection: AsyncConnection, uprn: str | None, context: ViewContext
) -> tuple[Collection, ...]:
    if uprn is None:
        return ()
    rows = await connection.execute(
        select(waste_rounds)
        .join(
            waste_property_rounds, waste_property_rounds.c.round_id == waste_rounds.c.id
        )
        .where(waste_property_rounds.c.uprn == uprn)
    )
    found = []
    for row in rows:
        pattern = RoundPattern(
            row.bin_type, row.weekday, row.every_weeks, row.first_collection
        )
        upcoming = next_collection(pattern, context.today, context.closed_days)
        found.append(Collection(row.bin_type, upcoming.on, row.code, upcoming.moved))
    return tuple(
        sorted(found, key=lambda collection: (collection.on, collection.bin_type))
    )


async def _benefits(
    connection: AsyncConnection, claimant_ids: list[int]
) -> tuple[BenefitClaim, ...]:
    if not claimant_ids:
        return ()
    rows = await connection.execute(
        select(benefits_claims)
        .where(
            benefits_claims.c.claimant_id.in_(claimant_ids),
            benefits_claims.c.status != "ended",
        )
        .order_by(benefits_claims.c.claim_ref)
    )
    return tuple(
        BenefitClaim(row.claim_ref, row.kind, row.status, row.weekly_amount_pence)
        for row in rows
    )


async def _parking(
    connection: AsyncConnection, customer_ids: list[int], today: date
) -> tuple[tuple[ParkingPermit, ...], tuple[PenaltyCharge, ...]]:
    if not customer_ids:
        return (), ()
    permits = await connection.execute(
        select(parking_permits)
        .where(
            parking_permits.c.customer_id.in_(customer_ids),
            parking_permits.c.valid_to >= today,
        )
        .order_by(parking_permits.c.valid_to)
    )
    pcns = await connection.execute(
        select(parking_pcns)
        .where(
            parking_pcns.c.customer_id.in_(customer_ids),
            parking_pcns.c.status.in_(OUTSTANDING_PCN),
        )
        .order_by(parking_pcns.c.pay_by)
    )
    return (
        tuple(
            ParkingPermit(
                row.permit_number, row.zone, row.vrm, row.valid_from, row.valid_to
            )
            for row in permits
        ),
        tuple(
            PenaltyCharge(
                pcn_number=row.pcn_number,
                vrm=row.vrm,
                contravention_code=row.contravention_code,
                location=row.location,
                issued_at=aware(row.issued_at),
                amount_pence=row.amount_pence,
                status=row.status,
                pay_by=row.pay_by,
            )
            for row in pcns
        ),
    )


async def _enquiries(
    connection: AsyncConnection, person: Mapping[str, Any], references: list[str]
) -> tuple[EnquirySummary, ...]:
    rows = (await connection.execute(enquiries_of(person, references))).mappings().all()
    me = person_row(person)
    found = []
    for row in rows:
        if row["status"] not in OPEN_ENQUIRY:
            continue
        if not enquiry_is_theirs(me, row, references):
            continue
        found.append(
            EnquirySummary(
                reference=row["reference"],
                category=row["category"],
                status=row["status"],
                target_date=row["target_date"],
                created_at=aware(row["created_at"]),
            )
        )
    return tuple(found)


def enquiries_of(person: Mapping[str, Any], references: list[str]) -> Select[Any]:
    """Enquiries linked to the person or carrying their verified email."""
    conditions: list[ColumnElement[bool]] = []
    if references:
        conditions.append(enquiries.c.reference.in_(references))
    if person["email"]:
        conditions.append(func.lower(enquiries.c.contact_email) == person["email"])
    if not conditions:
        conditions.append(false())
    return select(enquiries).where(or_(*conditions)).order_by(enquiries.c.created_at)


def enquiry_is_theirs(
    me: Mapping[str, Any], enquiry: Mapping[str, Any], references: list[str]
) -> bool:
    """A linked enquiry is theirs; one found by email is too, unless its
    contact name says otherwise (a partner using a shared address). ``me`` is
    the person in normal form (:func:`person_row`)."""
    if enquiry["reference"] in references:
        return True
    record = next(records_from_rows("enquiries", [enquiry]))
    return first_names_agree(me, linkage_row(record))


def _ints(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


async def person_by_id(
    connection: AsyncConnection, person_id: int
) -> Mapping[str, Any] | None:
    row = (
        (await connection.execute(select(sv_people).where(sv_people.c.id == person_id)))
        .mappings()
        .first()
    )
    return None if row is None else dict(row)
