"""The exact keys: a verified email, or a UPRN with a date of birth.

A record whose email is a person's verified email, or whose UPRN and date of
birth are the person's, is theirs with confidence 1, provided the first names
do not contradict it. That proviso matters: couples share an email address,
and an adult child can share a parent's first name but not a birthday, while
twins share a birthday but not a first name. A record the keys do not settle
goes on to the probabilistic model.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

EMAIL = "email"
UPRN_DOB = "uprn-dob"


@dataclass(frozen=True)
class ExactLink:
    record_key: str
    person_key: str
    method: str


def first_names_agree(left: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    """True unless both first names are known and plainly different.

    Agreement is the same name, a shared form (Kate and Catherine), an initial
    standing for the other, or a near spelling (a typo).
    """
    first, other = left.get("first_name"), right.get("first_name")
    if not first or not other or first == other:
        return True
    if set(left.get("first_name_forms") or ()) & set(
        right.get("first_name_forms") or ()
    ):
        return True
    if len(first) == 1 or len(other) == 1:
        return first[0] == other[0]
    return SequenceMatcher(None, first, other).ratio() >= 0.8


def exact_links(
    people: Sequence[Mapping[str, Any]], records: Iterable[Mapping[str, Any]]
) -> list[ExactLink]:
    """Links by the exact keys between normal-form people and records.

    A key shared by two people (two accounts with one UPRN and birthday)
    settles nothing: the record goes on to the model.
    """
    by_email: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    by_uprn_dob: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for person in people:
        if person.get("email"):
            by_email[person["email"]].append(person)
        if person.get("uprn") and person.get("dob"):
            by_uprn_dob[(person["uprn"], person["dob"])].append(person)

    found = []
    for record in records:
        link = _by_key(record, by_email.get(record.get("email") or ""), EMAIL)
        if link is None and record.get("uprn") and record.get("dob"):
            candidates = by_uprn_dob.get((record["uprn"], record["dob"]))
            link = _by_key(record, candidates, UPRN_DOB)
        if link is not None:
            found.append(link)
    return found


def _by_key(
    record: Mapping[str, Any],
    candidates: Sequence[Mapping[str, Any]] | None,
    method: str,
) -> ExactLink | None:
    if not candidates:
        return None
    agreeing = [person for person in candidates if first_names_agree(record, person)]
    if len(agreeing) != 1:
        return None
    return ExactLink(record["unique_id"], agreeing[0]["unique_id"], method)
