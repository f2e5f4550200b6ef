"""Synthetic residents, their properties and their records in every silo.

:func:`generate` makes a whole simulated county from a seed: properties with
UPRNs (strings; a quarter have leading zeros), households, residents, and each
silo's own rows with its own ids and its own spelling of names and addresses
(:mod:`council.silos.variations`). Some residents moved house and left records
at the old address; some have no email or no date of birth on file; many share
a household. The same seed and date always give the same world.

The world also keeps the truth, which no silo holds: which resident each
record belongs to. Tests and the benchmark measure the resident index against
it; nothing in the application reads it.
"""

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from faker.providers.internet.en_GB import Provider as InternetProvider
from faker.providers.person.en_GB import Provider as PersonProvider

from council.enquiries import Location, NewEnquiry
from council.silos import cornwall
from council.silos.variations import (
    typed_address,
    typed_email,
    typed_full_name,
    typed_person,
    typed_phone,
    typed_postcode,
    typo,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIRECTORY = ROOT / "tools" / "oidc_provider" / "seed.yaml"
SUBJECT_NAMESPACE = uuid.UUID("6f6e6c69-6e65-4163-636f-756e742d7376")

BAND_D_PENCE = 234_800
BAND_NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18}
WEEKDAYS = "MTWHF"
ROUND_PATTERNS = (
    # bin type, every how many weeks, weeks after the rubbish round's anchor
    ("rubbish", 2, 0),
    ("recycling", 2, 1),
    ("food", 1, 0),
    ("garden", 2, 1),
)
ENQUIRY_CATEGORIES = (
    ("waste.missed-collection", "The recycling box was not emptied this week"),
    ("waste.new-or-replacement-container", "Our rubbish bin lid is broken"),
    ("roads-and-transport.potholes-and-road-defects", "Deep pothole by the bus stop"),
    (
        "environment-and-neighbourhood.fly-tipping",
        "Mattress dumped in the lane behind the houses",
    ),
    (
        "environment-and-neighbourhood.dog-fouling-and-litter",
        "Dog fouling all along the path to the school",
    ),
)
CONTRAVENTIONS = (("01", 7_000), ("12", 7_000), ("30", 5_000), ("40", 7_000))

SILOS = ("ctax", "housing", "benefits", "parking")


@dataclass
class Property:
    uprn: str
    address: str
    town: cornwall.Town
    postcode: str
    street: int


@dataclass
class Resident:
    """The truth about one person; no silo holds all of it."""

    id: int
    first_name: str
    surname: str
    title: str
    dob: date
    email: str | None
    old_email: str | None
    phone: str | None
    property: Property
    previous_property: Property | None = None
    moved_on: date | None = None
    subject: str | None = None


@dataclass
class World:
    """Everything one seed makes: rows per table and the hidden truth."""

    seed: int
    today: date
    residents: list[Resident]
    properties: list[Property]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    people: list[dict[str, Any]] = field(default_factory=list)
    enquiries: list[tuple[int, NewEnquiry]] = field(default_factory=list)
    truth: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> int:
        """Append ``row`` to ``table`` with the next id of that table; return it."""
        rows = self.rows.setdefault(table, [])
        row["id"] = len(rows) + 1
        rows.append(row)
        return int(row["id"])

    def resident_of_subject(self, subject: str) -> Resident:
        for resident in self.residents:
            if resident.subject == subject:
                return resident
        raise KeyError(subject)


def generate(
    residents: int,
    *,
    seed: int = 7,
    today: date | None = None,
    max_enquiries: int = 300,
) -> World:
    """A county of ``residents`` adults and their records in every silo."""
    today = today or date.today()
    rng = random.Random(seed)
    pools = _NamePools()

    properties = _properties(rng, max(1, int(residents / 1.7) + 1))
    people = list(_residents(rng, pools, residents, properties, today))
    world = World(seed=seed, today=today, residents=people, properties=properties)

    _waste(rng, world)
    _council_tax(rng, world)
    _housing(rng, world)
    _benefits(rng, world)
    _parking(rng, world)
    _registrations(rng, world)
    _enquiries(rng, world, max_enquiries)
    return world


class _NamePools:
    """Faker's British name lists with Cornish names mixed in."""

    def __init__(self) -> None:
        self.female = list(PersonProvider.first_names_female) + list(
            cornwall.CORNISH_FIRST_NAMES_FEMALE
        )
        self.male = list(PersonProvider.first_names_male) + list(
            cornwall.CORNISH_FIRST_NAMES_MALE
        )
        surnames = dict(PersonProvider.last_names)
        for name in cornwall.CORNISH_SURNAMES:
            surnames[name] = 0.002
        for mc, _mac in cornwall.MAC_SURNAMES:
            surnames[mc] = 0.001
        self.surnames = list(surnames)
        weights = list(surnames.values())
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.domains = list(InternetProvider.free_email_domains)

    def surname(self, rng: random.Random) -> str:
        return rng.choices(self.surnames, cum_weights=self.cumulative)[0]


def _properties(rng: random.Random, count: int) -> list[Property]:
    streets: list[tuple[cornwall.Town, str, str]] = []
    properties: list[Property] = []
    for number in range(count):
        if not streets or rng.random() < 1 / 15:
            streets.append(_street(rng))
        street_index = rng.randrange(max(1, len(streets) - 5), len(streets) + 1) - 1
        town, street, postcode = streets[street_index]
        if rng.random() < 0.08:
            line = f"{rng.choice(cornwall.HOUSE_NAMES)}, {street}"
        else:
            line = f"{rng.randint(1, 180)} {street}"
        properties.append(
            Property(
                uprn=_uprn(number),
                address=line,
                town=town,
                postcode=postcode,
                street=street_index,
            )
        )
    return properties


def _street(rng: random.Random) -> tuple[cornwall.Town, str, str]:
    town = rng.choice(cornwall.TOWNS)
    if rng.random() < 0.3:
        name = rng.choice(cornwall.ENGLISH_STREETS)
    else:
        name = (
            rng.choice(cornwall.PREFIXES)
            + rng.choice(cornwall.STEMS)
            + " "
            + rng.choice(cornwall.ENDINGS)
        )
    letters = cornwall.POSTCODE_LETTERS
    postcode = (
        f"{rng.choice(town.districts)} {rng.randint(1, 9)}"
        f"{rng.choice(letters)}{rng.choice(letters)}"
    )
    return town, name, postcode


def _uprn(number: int) -> str:
    """Twelve digits; every fourth starts with zeros, as some systems pad them."""
    if number % 4 == 0:
        return f"{5_000_000 + number:012d}"
    return str(100_040_000_000 + number * 3)


def _residents(
    rng: random.Random,
    pools: _NamePools,
    count: int,
    properties: list[Property],
    today: date,
) -> Iterator[Resident]:
    demo = _demo_residents()
    household_surname: dict[str, str] = {}
    property_index = 0
    left_in_household = 0

    for resident_id in range(count):
        if left_in_household == 0:
            property_index = (property_index + 1) % len(properties)
            left_in_household = rng.choices((1, 2, 3, 4), weights=(35, 40, 15, 10))[0]
        left_in_household -= 1
        home = properties[property_index]

        female = rng.random() < 0.52
        first = rng.choice(pools.female if female else pools.male)
        if home.uprn in household_surname and rng.random() < 0.7:
            surname = household_surname[home.uprn]
        else:
            surname = pools.surname(rng)
            household_surname.setdefault(home.uprn, surname)
        dob = today - timedelta(days=rng.randint(18 * 365 + 5, 92 * 365))
        subject = None
        email: str | None

        if resident_id < len(demo):
            first, surname, email, subject = demo[resident_id]
            female = first not in pools.male
        else:
            email = _email(rng, pools, first, surname) if rng.random() < 0.75 else None
        title = rng.choice(("Mrs", "Ms", "Miss")) if female else "Mr"
        old_email = _email(rng, pools, first, surname) if rng.random() < 0.1 else None
        phone = _phone(rng) if rng.random() < 0.65 else None

        resident = Resident(
            id=resident_id,
            first_name=first,
            surname=surname,
            title=title,
            dob=dob,
            email=email,
            old_email=old_email,
            phone=phone,
            property=home,
            subject=subject,
        )
        if rng.random() < 0.15 and len(properties) > 1:
            resident.previous_property = rng.choice(properties)
            if resident.previous_property is home:
                resident.previous_property = None
            else:
                resident.moved_on = today - timedelta(days=rng.randint(60, 1500))
        yield resident


def _demo_residents() -> list[tuple[str, str, str, str]]:
    """The local OIDC provider's residents, so signing in shows a real view."""
    if not DEMO_DIRECTORY.exists():
        return []
    data = yaml.safe_load(DEMO_DIRECTORY.read_text()) or {}
    found = []
    for user in data.get("users", []):
        if user.get("kind") != "resident":
            continue
        first, _, surname = str(user["name"]).partition(" ")
        found.append((first, surname or first, str(user["email"]), str(user["sub"])))
    return found


def _email(rng: random.Random, pools: _NamePools, first: str, surname: str) -> str:
    local = rng.choice(
        (
            f"{first}.{surname}",
            f"{first[0]}{surname}",
            f"{first}{surname}{rng.randint(1, 99)}",
            f"{surname}.{first[0]}",
        )
    )
    local = "".join(char for char in local.lower() if char.isalnum() or char == ".")
    return f"{local}{rng.randint(1, 9999)}@{rng.choice(pools.domains)}"


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
    area = rng.choice(("872", "209", "326", "736", "208", "579"))
    return f"01{area} {rng.randint(200000, 899999)}"


def _waste(rng: random.Random, world: World) -> None:
    rounds: dict[tuple[str, str, int, int], int] = {}
    anchor = date(2024, 1, 1)  # a Monday
    for town in cornwall.TOWNS:
        for day_index, day in enumerate(WEEKDAYS):
            for week in (0, 1):
                for bin_type, every, offset in ROUND_PATTERNS:
                    if every == 1 and week == 1:
                        continue
                    first = anchor + timedelta(weeks=week + offset, days=day_index)
                    code = (
                        f"{town.parking_zone}-{bin_type[:3].upper()}-{day}{'AB'[week]}"
                    )
                    rounds[(town.name, bin_type, day_index, week)] = world.add(
                        "waste_rounds",
                        {
                            "code": code,
                            "bin_type": bin_type,
                            "weekday": day_index,
                            "every_weeks": every,
                            "first_collection": first,
                        },
                    )

    for place in world.properties:
        world.rows.setdefault("waste_properties", []).append(
            {
                "uprn": place.uprn,
                "address": place.address,
                "town": place.town.name,
                "postcode": place.postcode,
            }
        )
        street_rng = random.Random(f"{world.seed}:{place.street}")
        day_index = street_rng.randrange(5)
        week = street_rng.randrange(2)
        for bin_type, every, _offset in ROUND_PATTERNS:
            if bin_type == "garden" and rng.random() > 0.35:
                continue
            round_id = rounds[
                (place.town.name, bin_type, day_index, week if every > 1 else 0)
            ]
            world.rows.setdefault("waste_property_rounds", []).append(
                {"uprn": place.uprn, "round_id": round_id}
            )


def _council_tax(rng: random.Random, world: World) -> None:
    liable: dict[str, Resident] = {}
    for resident in world.residents:
        liable.setdefault(resident.property.uprn, resident)

    for resident in liable.values():
        _ctax_account(rng, world, resident, resident.property, closed_on=None)
    for resident in world.residents:
        if resident.previous_property is not None and rng.random() < 0.8:
            _ctax_account(
                rng,
                world,
                resident,
                resident.previous_property,
                closed_on=resident.moved_on,
            )


def _ctax_account(
    rng: random.Random,
    world: World,
    resident: Resident,
    place: Property,
    *,
    closed_on: date | None,
) -> None:
    first, surname = typed_person(rng, resident.first_name, resident.surname)
    band = rng.choices("ABCDEFGH", weights=(30, 25, 18, 12, 8, 4, 2, 1))[0]
    annual = BAND_D_PENCE * BAND_NINTHS[band] // 9
    email = _silo_email(rng, resident, 0.5)
    opened = (closed_on or world.today) - timedelta(days=rng.randint(200, 4000))

    account_id = world.add(
        "ctax_accounts",
        {
            "account_ref": _account_ref(rng, world),
            "liable_name": typed_full_name(
                rng, first, surname, title=resident.title, title_rate=0.4
            ),
            "liable_dob": resident.dob if rng.random() < 0.35 else None,
            "email": email,
            "phone": _silo_phone(rng, resident, 0.4),
            "address": typed_address(rng, place.address, place.town.name),
            "postcode": typed_postcode(rng, place.postcode, missing_rate=0.02),
            "uprn": place.uprn if rng.random() < 0.92 else None,
            "band": band,
            "balance_pence": 0,
            "opened_on": opened,
            "closed_on": closed_on,
        },
    )
    world.truth[("ctax", str(account_id))] = resident.id
    account = world.rows["ctax_accounts"][-1]

    if closed_on is not None:
        if rng.random() < 0.15:
            account["balance_pence"] = rng.randint(5_000, 60_000)
        return

    account["balance_pence"] = _instalments(rng, world, account_id, annual)


def _instalments(rng: random.Random, world: World, account_id: int, annual: int) -> int:
    """Ten (or twelve) monthly instalments of this financial year; returns the
    balance: what is unpaid, including any missed instalment."""
    year = world.today.year if world.today.month >= 4 else world.today.year - 1
    count = 12 if rng.random() < 0.25 else 10
    day = rng.choice((1, 15, 28))
    each = annual // count
    missed = rng.random() < 0.08
    balance = 0
    for number in range(count):
        month = 4 + number
        due = date(year + (month - 1) // 12, (month - 1) % 12 + 1, day)
        amount = each if number < count - 1 else annual - each * (count - 1)
        paid = due < world.today and not (missed and number == 1)
        if not paid:
            balance += amount
        world.add(
            "ctax_instalments",
            {
                "account_id": account_id,
                "due_on": due,
                "amount_pence": amount,
                "paid": paid,
            },
        )
    return balance


def _housing(rng: random.Random, world: World) -> None:
    for resident in world.residents:
        roll = rng.random()
        if roll >= 0.14:
            continue
        tenancy = roll < 0.10
        place = resident.property
        if resident.previous_property is not None and rng.random() < 0.3:
            place = resident.previous_property
        first, surname = typed_person(rng, resident.first_name, resident.surname)
        person_id = world.add(
            "housing_people",
            {
                "forename": first if rng.random() < 0.97 else None,
                "surname": surname,
                "dob": resident.dob if rng.random() < 0.95 else None,
                "email": _silo_email(rng, resident, 0.6),
                "phone": _silo_phone(rng, resident, 0.8),
                "address": typed_address(rng, place.address, place.town.name),
                "postcode": typed_postcode(rng, place.postcode, missing_rate=0.03),
                "uprn": place.uprn if rng.random() < 0.6 else None,
            },
        )
        world.truth[("housing", str(person_id))] = resident.id
        started = world.today - timedelta(days=rng.randint(30, 5000))
        world.add(
            "housing_cases",
            {
                "person_id": person_id,
                "reference": f"{'HT' if tenancy else 'HA'}{person_id:06d}",
                "kind": "tenancy" if tenancy else "application",
                "status": (
                    ("current" if place is resident.property else "ended")
                    if tenancy
                    else rng.choice(("active", "active", "closed"))
                ),
                "band": None if tenancy else rng.choice("ABCD"),
                "rent_balance_pence": (
                    rng.choice((0, 0, 0, rng.randint(1_000, 80_000)))
                    if tenancy
                    else None
                ),
                "uprn": place.uprn if tenancy else None,
                "started_on": started,
                "ended_on": None if place is resident.property else resident.moved_on,
            },
        )


def _benefits(rng: random.Random, world: World) -> None:
    for resident in world.residents:
        if rng.random() >= 0.15:
            continue
        place = resident.property
        old = resident.previous_property is not None and rng.random() < 0.3
        if old and resident.previous_property is not None:
            place = resident.previous_property
        first, surname = typed_person(rng, resident.first_name, resident.surname)
        dob = resident.dob
        if rng.random() < 0.03:
            dob = dob.replace(day=min(28, dob.day % 28 + 1))
        claimant_id = world.add(
            "benefits_claimants",
            {
                "name": typed_full_name(
                    rng,
                    first,
                    surname,
                    title=resident.title,
                    title_rate=0.1,
                    surname_first_rate=0.8,
                ),
                "dob": dob,
                "email": _silo_email(rng, resident, 0.4),
                "phone": _silo_phone(rng, resident, 0.7),
                "address": typed_address(rng, place.address, place.town.name),
                "postcode": typed_postcode(rng, place.postcode, missing_rate=0.0),
            },
        )
        world.truth[("benefits", str(claimant_id))] = resident.id
        housing_benefit = rng.random() < 0.35
        started = world.today - timedelta(days=rng.randint(20, 2500))
        world.add(
            "benefits_claims",
            {
                "claimant_id": claimant_id,
                "claim_ref": f"BC{claimant_id:07d}",
                "kind": "housing-benefit"
                if housing_benefit
                else "council-tax-reduction",
                "status": "ended"
                if old
                else rng.choice(("awarded", "awarded", "assessing")),
                "weekly_amount_pence": (
                    rng.randint(3_000, 12_000)
                    if housing_benefit
                    else rng.randint(500, 3_000)
                ),
                "started_on": started,
                "ended_on": resident.moved_on if old else None,
            },
        )


def _parking(rng: random.Random, world: World) -> None:
    for resident in world.residents:
        roll = rng.random()
        if roll < 0.2:
            _permit(rng, world, resident)
        if rng.random() < 0.06:
            _pcn(rng, world, resident)


def _parking_customer(
    rng: random.Random,
    world: World,
    resident: Resident,
    name: str,
    place: Property,
    *,
    email_rate: float,
    phone_rate: float,
) -> int:
    customer_id = world.add(
        "parking_customers",
        {
            "name": name,
            "email": _silo_email(rng, resident, email_rate),
            "phone": _silo_phone(rng, resident, phone_rate),
            "address": typed_address(rng, place.address, place.town.name),
            "postcode": typed_postcode(rng, place.postcode, missing_rate=0.02),
        },
    )
    world.truth[("parking", str(customer_id))] = resident.id
    return customer_id


def _permit(rng: random.Random, world: World, resident: Resident) -> None:
    first, surname = typed_person(
        rng, resident.first_name, resident.surname, nickname_rate=0.25
    )
    place = resident.property
    customer_id = _parking_customer(
        rng,
        world,
        resident,
        typed_full_name(rng, first, surname, title=resident.title, title_rate=0.05),
        place,
        email_rate=0.9,
        phone_rate=0.5,
    )
    starts = world.today - timedelta(days=rng.randint(0, 400))
    world.add(
        "parking_permits",
        {
            "customer_id": customer_id,
            "permit_number": f"RP{customer_id:07d}",
            "zone": f"{place.town.parking_zone}-{rng.choice('ABC')}",
            "vrm": _vrm(rng),
            "valid_from": starts,
            "valid_to": starts + timedelta(days=365),
        },
    )


def _pcn(rng: random.Random, world: World, resident: Resident) -> None:
    # The keeper's details come from the vehicle register: the full name in
    # capitals, and the old address if the keeper never told it they moved.
    place = resident.property
    if resident.previous_property is not None and rng.random() < 0.5:
        place = resident.previous_property
    name = f"{resident.title} {resident.first_name} {resident.surname}".upper()
    if rng.random() < 0.03:
        name = typo(rng, name)
    customer_id = _parking_customer(
        rng, world, resident, name, place, email_rate=0.0, phone_rate=0.0
    )
    code, amount = rng.choice(CONTRAVENTIONS)
    issued = datetime.combine(
        world.today - timedelta(days=rng.randint(1, 90)), datetime.min.time(), UTC
    ) + timedelta(hours=rng.randint(8, 18))
    world.add(
        "parking_pcns",
        {
            "customer_id": customer_id,
            "pcn_number": f"CW{customer_id:08d}",
            "vrm": _vrm(rng),
            "contravention_code": code,
            "location": f"{rng.choice(cornwall.ENGLISH_STREETS)}, {place.town.name}",
            "issued_at": issued,
            "amount_pence": amount,
            "status": rng.choices(("open", "paid", "challenged"), weights=(5, 4, 1))[0],
            "pay_by": issued.date() + timedelta(days=28),
        },
    )


def _vrm(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNOPRSTUVWXY"
    return (
        "".join(rng.choice(letters) for _ in range(2))
        + f"{rng.randint(51, 74):02d} "
        + "".join(rng.choice(letters) for _ in range(3))
    )


def _registrations(rng: random.Random, world: World) -> None:
    """The council's online accounts: residents with an email who signed up.

    Registration verifies the email; the date of birth and UPRN are confirmed
    when the resident adds their Council Tax account, which not all do.
    """
    now = datetime.combine(world.today, datetime.min.time(), UTC)
    for resident in world.residents:
        demo = resident.subject is not None
        if resident.email is None or not (demo or rng.random() < 0.65):
            continue
        if resident.subject is None:
            resident.subject = str(
                uuid.uuid5(SUBJECT_NAMESPACE, f"{world.seed}:{resident.id}")
            )
        first = resident.first_name
        if not demo and rng.random() < 0.15:
            first, _surname = typed_person(
                rng, first, resident.surname, nickname_rate=1.0, mac_rate=0, typo_rate=0
            )
        confirmed = demo or rng.random() < 0.7
        world.people.append(
            {
                "subject": resident.subject,
                "email": resident.email.lower(),
                "name": f"{first} {resident.surname}",
                "dob": resident.dob if (demo or rng.random() < 0.85) else None,
                "phone": resident.phone if rng.random() < 0.5 else None,
                "address": _one_line(resident.property),
                "postcode": resident.property.postcode,
                "uprn": resident.property.uprn if confirmed else None,
                "created_at": now,
                "updated_at": now,
            }
        )


def _enquiries(rng: random.Random, world: World, limit: int) -> None:
    for resident in world.residents:
        if len(world.enquiries) >= limit:
            return
        if resident.subject is None and rng.random() >= 0.1:
            continue
        if rng.random() >= 0.3 and resident.id >= 2:
            continue
        category, details = rng.choice(ENQUIRY_CATEGORIES)
        first, surname = typed_person(
            rng, resident.first_name, resident.surname, nickname_rate=0.3
        )
        email = resident.email
        if email is not None and rng.random() < 0.15:
            email = email.upper()
        world.enquiries.append(
            (
                resident.id,
                NewEnquiry(
                    category=category,
                    details=details,
                    location=Location(
                        postcode=resident.property.postcode, uprn=resident.property.uprn
                    ),
                    contact_name=f"{first} {surname}",
                    contact_email=email,
                    contact_phone=resident.phone if email is None else None,
                    source="assistant",
                    conversation_id=None,
                    idempotency_key=f"seed-{world.seed}-{resident.id}",
                ),
            )
        )


def _account_ref(rng: random.Random, world: World) -> str:
    """Eight digits, which the ``COUNCIL_TAX_REF_REGEX`` setting's default accepts."""
    return f"{rng.randint(10, 99)}{len(world.rows.get('ctax_accounts', [])) + 1:06d}"


def _one_line(place: Property) -> str:
    return f"{place.address}, {place.town.name}"


def _silo_email(rng: random.Random, resident: Resident, rate: float) -> str | None:
    if resident.email is None or rng.random() >= rate:
        return None
    if resident.old_email is not None and rng.random() < 0.5:
        return resident.old_email
    return typed_email(rng, resident.email)


def _silo_phone(rng: random.Random, resident: Resident, rate: float) -> str | None:
    if resident.phone is None or rng.random() >= rate:
        return None
    return typed_phone(rng, resident.phone)
