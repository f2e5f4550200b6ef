"""What is owed: the systems of record the payment amount comes from.

The assistant identifies the thing to pay (a penalty charge notice and its
vehicle, a Council Tax account, a list of bulky items and a postcode) and never
an amount. A :class:`ChargeSource` turns that into a :class:`Charge` with the
amount the council's own records say is due.

:class:`SampleCharges` reads made-up penalty charge notices and Council Tax
balances from a YAML file marked as sample data, and prices bulky waste from a
:class:`PriceList`. The single view of the resident replaces it with the real
stores by implementing the same protocol.
"""

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import yaml

from council.payments.errors import (
    ChargeNotFoundError,
    InvalidChargeRequestError,
    NothingToPayError,
    UnknownBulkyItemError,
)
from council.payments.money import MAX_AMOUNT_PENCE
from council.settings import get_settings

HERE = Path(__file__).resolve().parent
SAMPLE_CHARGES = HERE / "sample_charges.yaml"
SAMPLE_PRICE_LIST = HERE / "bulky_waste_prices.yaml"

COUNCIL_TIME_ZONE = ZoneInfo("Europe/London")
PCN_DISCOUNT_DAYS = 14
PCN_NUMBER = re.compile(r"[A-Z]{2}[0-9]{8}")
POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})")


class ChargeKind(StrEnum):
    """The kinds of thing the assistant can take a payment for."""

    PENALTY_CHARGE_NOTICE = "penalty_charge_notice"
    COUNCIL_TAX = "council_tax"
    BULKY_WASTE = "bulky_waste"


@dataclass(frozen=True)
class ChargeRequest:
    """What the resident wants to pay, as the assistant identified it.

    ``identifiers`` are the form's answers (``pcn_number`` and
    ``vehicle_registration``; ``council_tax_reference``; ``items`` and
    ``postcode``). An amount the resident mentioned travels separately in
    ``amount_mentioned_pence`` and is only ever compared with the charge.
    """

    kind: ChargeKind
    identifiers: Mapping[str, str]
    amount_mentioned_pence: int | None = None

    @classmethod
    def from_payment_request(cls, request: Mapping[str, Any]) -> "ChargeRequest":
        """Read the ``payment`` request the assistant's actions reply with."""
        try:
            kind = ChargeKind(str(request.get("kind", "")))
        except ValueError:
            raise InvalidChargeRequestError(
                "kind", f"{request.get('kind')!r} is not a kind of payment"
            ) from None

        mentioned = request.get("amount_mentioned_pence")
        identifiers = {
            name: str(value).strip()
            for name, value in request.items()
            if name not in {"kind", "amount_mentioned_pence"} and value is not None
        }
        return cls(
            kind=kind,
            identifiers=identifiers,
            amount_mentioned_pence=mentioned if isinstance(mentioned, int) else None,
        )

    def require(self, name: str) -> str:
        value = self.identifiers.get(name, "").strip()
        if not value:
            raise InvalidChargeRequestError(name, "missing")
        return value


@dataclass(frozen=True)
class Charge:
    """An amount due, as the system of record states it.

    ``key`` identifies the thing paid for across conversations and attempts
    (``"pcn:CO12345678"``); ``reference`` is what the council's finance team
    reconciles by, sent to the provider; ``description`` is shown to the payer;
    ``metadata`` (at most 10 short values) is kept by the provider with the
    payment: the UPRN, the account or notice number. ``as_of`` is when the
    amount was taken from the record.
    """

    kind: ChargeKind
    key: str
    amount_pence: int
    reference: str
    description: str
    metadata: Mapping[str, str]
    as_of: datetime


class ChargeSource(Protocol):
    """Finds the amount due for a request; raises ``ChargeNotFoundError``,
    ``NothingToPayError`` or ``InvalidChargeRequestError``."""

    async def find(self, request: ChargeRequest) -> Charge: ...


@dataclass(frozen=True)
class PricedItem:
    name: str
    fee_pence: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class PriceList:
    """The council's fees for bulky waste collections, in pence."""

    items: tuple[PricedItem, ...]
    minimum_charge_pence: int
    max_items: int

    @classmethod
    def load(cls, path: Path = SAMPLE_PRICE_LIST) -> "PriceList":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = tuple(
            PricedItem(
                name=name,
                fee_pence=int(entry["fee_pence"]),
                names=tuple(str(alias).lower() for alias in entry["names"]),
            )
            for name, entry in data["items"].items()
        )
        return cls(
            items=items,
            minimum_charge_pence=int(data["minimum_charge_pence"]),
            max_items=int(data["max_items"]),
        )

    def quote(self, items_text: str) -> tuple[int, dict[str, int]]:
        """The fee for a list of items as a resident wrote it, and the items
        counted by name: "a sofa and 2 chairs" -> (3000, {"sofa": 1, "chair": 2}).

        Raises :class:`UnknownBulkyItemError` if any part of the list matches
        no priced item, and ``InvalidChargeRequestError`` for too many items.
        """
        counted: dict[str, int] = {}
        for part in _list_parts(items_text):
            quantity, wording = _quantity(part)
            item = self._match(wording)
            if item is None:
                raise UnknownBulkyItemError([entry.name for entry in self.items])
            counted[item.name] = counted.get(item.name, 0) + quantity

        if not counted:
            raise InvalidChargeRequestError("items", "no items given")
        total_items = sum(counted.values())
        if total_items > self.max_items:
            raise InvalidChargeRequestError(
                "items",
                f"{total_items} items, over {self.max_items}",
                public_message=(
                    f"One collection takes at most {self.max_items} items. "
                    "Please book the rest separately."
                ),
            )

        fees = {entry.name: entry.fee_pence for entry in self.items}
        total = sum(fees[name] * count for name, count in counted.items())
        return max(total, self.minimum_charge_pence), counted

    def _match(self, wording: str) -> PricedItem | None:
        best: tuple[int, PricedItem] | None = None
        for item in self.items:
            for name in item.names:
                pattern = rf"\b{re.escape(name)}(?:s|es)?\b"
                if re.search(pattern, wording) and (
                    best is None or len(name) > best[0]
                ):
                    best = (len(name), item)
        return None if best is None else best[1]


NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "couple of": 2,
    "pair of": 2,
}


def _list_parts(text: str) -> list[str]:
    parts = re.split(r",|;|\n|&|\+|\band\b|\bplus\b", text.lower())
    return [part.strip(" .") for part in parts if part.strip(" .")]


def _quantity(part: str) -> tuple[int, str]:
    """The count a list part starts with (digits or words), and the rest."""
    match = re.match(r"(\d{1,2})\s*(?:x\s*)?(.*)", part)
    if match:
        return int(match[1]), match[2]
    for words, count in sorted(NUMBER_WORDS.items(), key=lambda kv: -len(kv[0])):
        if part.startswith(words + " "):
            return count, part[len(words) + 1 :]
    return 1, part


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SampleCharges:
    """A :class:`ChargeSource` over the sample YAML file and a price list.

    SAMPLE DATA for development and tests (see ``sample_charges.yaml``); the
    single view of the resident replaces this with the council's real records.
    """

    notices: Mapping[str, Mapping[str, Any]]
    accounts: Mapping[str, Mapping[str, Any]]
    as_of: datetime
    prices: PriceList = field(default_factory=PriceList.load)
    clock: Callable[[], datetime] = utc_now

    @classmethod
    def load(
        cls,
        path: Path = SAMPLE_CHARGES,
        prices: PriceList | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> "SampleCharges":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        notices = {
            str(entry["pcn_number"]).upper(): entry
            for entry in data.get("penalty_charge_notices", [])
        }
        accounts = {
            str(entry["reference"]).upper(): entry
            for entry in data.get("council_tax_accounts", [])
        }
        return cls(
            notices=notices,
            accounts=accounts,
            as_of=datetime.fromisoformat(str(data["as_of"])),
            prices=prices or PriceList.load(),
            clock=clock,
        )

    async def find(self, request: ChargeRequest) -> Charge:
        if request.kind is ChargeKind.PENALTY_CHARGE_NOTICE:
            return self._penalty_charge_notice(request)
        if request.kind is ChargeKind.COUNCIL_TAX:
            return self._council_tax(request)
        return self._bulky_waste(request)

    def _penalty_charge_notice(self, request: ChargeRequest) -> Charge:
        number = compact(request.require("pcn_number"))
        registration = compact(request.require("vehicle_registration"))
        if not PCN_NUMBER.fullmatch(number):
            raise InvalidChargeRequestError("pcn_number", "not 2 letters and 8 digits")

        notice = self.notices.get(number)
        if notice is None or compact(notice["vehicle_registration"]) != registration:
            raise ChargeNotFoundError(ChargeKind.PENALTY_CHARGE_NOTICE.value)
        key = f"pcn:{number}"
        if notice.get("paid"):
            raise NothingToPayError(key)

        issued_on = date.fromisoformat(str(notice["issued_on"]))
        today = self.clock().astimezone(COUNCIL_TIME_ZONE).date()
        discounted = today <= issued_on + timedelta(days=PCN_DISCOUNT_DAYS)
        amount = int(
            notice["discounted_amount_pence" if discounted else "full_amount_pence"]
        )
        return Charge(
            kind=ChargeKind.PENALTY_CHARGE_NOTICE,
            key=key,
            amount_pence=amount,
            reference=number,
            description=f"Penalty charge notice {number}",
            metadata={"pcn_number": number, "vehicle_registration": registration},
            as_of=self.as_of,
        )

    def _council_tax(self, request: ChargeRequest) -> Charge:
        reference = council_tax_reference(request.require("council_tax_reference"))
        account = self.accounts.get(reference)
        if account is None:
            raise ChargeNotFoundError(ChargeKind.COUNCIL_TAX.value)
        key = f"council-tax:{reference}"
        balance = int(account["balance_pence"])
        if balance <= 0:
            raise NothingToPayError(key)

        return Charge(
            kind=ChargeKind.COUNCIL_TAX,
            key=key,
            amount_pence=min(balance, MAX_AMOUNT_PENCE),
            reference=reference,
            description=f"Council Tax account {reference}",
            metadata={
                "council_tax_account": reference,
                "uprn": str(account["uprn"]),
            },
            as_of=self.as_of,
        )

    def _bulky_waste(self, request: ChargeRequest) -> Charge:
        postcode = _postcode(request.require("postcode"))
        fee, counted = self.prices.quote(request.require("items"))

        # One booking per list and postcode: the same list asked for again is
        # the same thing to pay, whatever the wording's spacing or order.
        listing = ";".join(f"{name}x{counted[name]}" for name in sorted(counted))
        digest = hashlib.sha256(f"{postcode}|{listing}".encode()).hexdigest()[:10]
        reference = f"BW-{digest.upper()}"
        shown = ", ".join(
            f"{count} x {name}" if count > 1 else name
            for name, count in counted.items()
        )
        return Charge(
            kind=ChargeKind.BULKY_WASTE,
            key=f"bulky-waste:{digest}",
            amount_pence=fee,
            reference=reference,
            description=f"Bulky waste collection: {shown}"[:255],
            metadata={"postcode": postcode, "booking": reference},
            as_of=self.clock(),
        )


def compact(value: Any) -> str:
    return re.sub(r"[\s\-]", "", str(value)).upper()


def council_tax_reference(value: str) -> str:
    """The account reference in the council's format (``COUNCIL_TAX_REF_REGEX``).

    The reference is tried as given and then without the spaces and hyphens a
    resident may have typed, so "1234 5678" finds account 12345678.
    """
    pattern = get_settings().council_tax_ref_regex
    for candidate in (value.strip().upper(), compact(value)):
        if re.search(pattern, candidate):
            return candidate

    raise InvalidChargeRequestError("council_tax_reference", "not an account reference")


def _postcode(value: str) -> str:
    match = POSTCODE.fullmatch(value.strip().upper())
    if match is None:
        raise InvalidChargeRequestError("postcode", "not a UK postcode")
    return f"{match[1]} {match[2]}"
