"""Charges from the council's own systems: Council Tax accounts and penalty
charge notices as the single view's silos hold them.

The amount a resident pays is the balance or the notice amount those systems
state, never anything typed. A reference they do not hold is looked up in the
fallback source (the sample records, in development), so sample references
keep working beside seeded ones.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.payments.charges import (
    PCN_NUMBER,
    Charge,
    ChargeKind,
    ChargeRequest,
    ChargeSource,
    compact,
    council_tax_reference,
    utc_now,
)
from council.payments.errors import InvalidChargeRequestError, NothingToPayError
from council.payments.money import MAX_AMOUNT_PENCE
from council.silos.council_tax import ctax_accounts
from council.silos.parking import parking_pcns


@dataclass
class CouncilRecordCharges:
    """A :class:`ChargeSource` over the Council Tax and parking systems."""

    engine: AsyncEngine
    fallback: ChargeSource
    clock: Callable[[], datetime] = utc_now

    async def find(self, request: ChargeRequest) -> Charge:
        charge = None
        if request.kind is ChargeKind.COUNCIL_TAX:
            charge = await self._council_tax(request)
        elif request.kind is ChargeKind.PENALTY_CHARGE_NOTICE:
            charge = await self._penalty_charge_notice(request)
        return charge or await self.fallback.find(request)

    async def _council_tax(self, request: ChargeRequest) -> Charge | None:
        reference = council_tax_reference(request.require("council_tax_reference"))
        query = select(
            ctax_accounts.c.uprn,
            ctax_accounts.c.balance_pence,
            ctax_accounts.c.closed_on,
        ).where(ctax_accounts.c.account_ref == reference)
        async with self.engine.connect() as connection:
            account = (await connection.execute(query)).first()
        if account is None:
            return None

        key = f"council-tax:{reference}"
        if account.closed_on is not None or account.balance_pence <= 0:
            raise NothingToPayError(key)
        return Charge(
            kind=ChargeKind.COUNCIL_TAX,
            key=key,
            amount_pence=min(account.balance_pence, MAX_AMOUNT_PENCE),
            reference=reference,
            description=f"Council Tax account {reference}",
            metadata={"council_tax_account": reference, "uprn": account.uprn or ""},
            as_of=self.clock(),
        )

    async def _penalty_charge_notice(self, request: ChargeRequest) -> Charge | None:
        number = compact(request.require("pcn_number"))
        registration = compact(request.require("vehicle_registration"))
        if not PCN_NUMBER.fullmatch(number):
            raise InvalidChargeRequestError("pcn_number", "not 2 letters and 8 digits")

        query = select(
            parking_pcns.c.vrm, parking_pcns.c.amount_pence, parking_pcns.c.status
        ).where(parking_pcns.c.pcn_number == number)
        async with self.engine.connect() as connection:
            notice = (await connection.execute(query)).first()
        if notice is None or compact(notice.vrm) != registration:
            # Not this system's notice, or not for this vehicle: the fallback
            # decides (and says "not found" the same way either way).
            return None

        key = f"pcn:{number}"
        if notice.status != "open":
            raise NothingToPayError(key)
        return Charge(
            kind=ChargeKind.PENALTY_CHARGE_NOTICE,
            key=key,
            amount_pence=notice.amount_pence,
            reference=number,
            description=f"Penalty charge notice {number}",
            metadata={"pcn_number": number, "vehicle_registration": registration},
            as_of=self.clock(),
        )
