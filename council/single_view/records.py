"""What the single view answers with: plain frozen dataclasses.

The Rasa actions, the agent console's panel and the subject-access export
read these; nothing here touches the database. Money is integer pence; the
UPRN is a string.
"""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Instalment:
    due_on: date
    amount_pence: int


@dataclass(frozen=True)
class CouncilTaxAccount:
    account_ref: str
    address: str
    band: str
    balance_pence: int
    is_open: bool
    next_instalment: Instalment | None


@dataclass(frozen=True)
class Collection:
    """The next collection of one bin type at the resident's property."""

    bin_type: str
    on: date
    round_code: str
    moved_for_bank_holiday: bool


@dataclass(frozen=True)
class HousingCase:
    reference: str
    kind: str
    status: str
    band: str | None
    rent_balance_pence: int | None


@dataclass(frozen=True)
class BenefitClaim:
    claim_ref: str
    kind: str
    status: str
    weekly_amount_pence: int


@dataclass(frozen=True)
class ParkingPermit:
    permit_number: str
    zone: str
    vrm: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class PenaltyCharge:
    pcn_number: str
    vrm: str
    contravention_code: str
    location: str
    issued_at: datetime
    amount_pence: int
    status: str
    pay_by: date


@dataclass(frozen=True)
class EnquirySummary:
    reference: str
    category: str
    status: str
    target_date: date
    created_at: datetime


@dataclass(frozen=True)
class PaymentSummary:
    """One payment as the payments service reports it."""

    reference: str
    description: str
    amount_pence: int
    status: str
    created_at: datetime


@dataclass(frozen=True)
class RefundRecord:
    amount_pence: int
    status: str
    created_at: datetime


@dataclass(frozen=True)
class PaymentRecord:
    """One payment attempt, whole, for the subject-access export.

    What was paid for, how much, its reference, where it got to and when;
    nothing about the card (the council never holds card details).
    """

    reference: str
    description: str
    amount_pence: int
    status: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    refunds: tuple[RefundRecord, ...]


@dataclass(frozen=True)
class LinkSummary:
    """A silo record the view used, with how it was linked and how surely."""

    silo: str
    record_id: str
    method: str
    confidence: float


@dataclass(frozen=True)
class ResidentView:
    """Everything the council can tell one person about their own affairs.

    Built only from links at or above the confidence threshold;
    ``withheld_links`` counts the possible matches below it, which wait for a
    person to check them and are never shown.
    """

    person_id: int
    name: str
    uprn: str | None
    as_of: datetime
    council_tax: tuple[CouncilTaxAccount, ...]
    collections: tuple[Collection, ...]
    housing: tuple[HousingCase, ...]
    benefits: tuple[BenefitClaim, ...]
    permits: tuple[ParkingPermit, ...]
    penalty_charges: tuple[PenaltyCharge, ...]
    open_enquiries: tuple[EnquirySummary, ...]
    recent_payments: tuple[PaymentSummary, ...]
    links: tuple[LinkSummary, ...]
    withheld_links: int
