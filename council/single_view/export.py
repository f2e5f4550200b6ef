"""Subject-access export: everything the council holds about one person.

The UK GDPR gives a resident the right to a copy of their personal data. The
export gathers, for one person of the resident index:

- what the index holds (the person and every link with its method and
  confidence; possible matches below the threshold are counted, not shown,
  since they may be someone else's);
- every linked record in every silo, whole, with its dependent rows
  (instalments, cases, claims, permits, penalty charges);
- their enquiries with status histories;
- every payment attempt held for them (:meth:`PaymentHistory.everything`:
  made with their verified email, for one of their linked account or PCN
  references, or in a chat they signed in to), with its refunds;
- the transcripts of their conversations (those they signed in to, noted by
  the gateway at sign-in, and those their enquiries were raised from);
- the audit log of staff who viewed their record.

A signed-in resident gets their own (:meth:`SubjectAccessExport.for_resident`);
staff answering a written request use ``python -m council.single_view.export``,
which is audited like any other view.
"""

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from council.database import create_engine, create_tables
from council.enquiries.models import enquiry_status_changes
from council.identity import LEEWAY_SECONDS, ExpiredAssertionError, VerifiedResident
from council.settings import get_settings
from council.silos.benefits import benefits_claimants, benefits_claims
from council.silos.council_tax import ctax_accounts, ctax_instalments
from council.silos.housing import housing_cases, housing_people
from council.silos.parking import parking_customers, parking_pcns, parking_permits
from council.single_view.audit import (
    Outcome,
    ViewerRole,
    check_request,
    record_view,
    views_of,
)
from council.single_view.conversations import conversations_of
from council.single_view.errors import PersonNotFoundError
from council.single_view.index import ResidentIndex
from council.single_view.models import sv_links
from council.single_view.payments import PaymentHistory
from council.single_view.sources import person_row
from council.single_view.transcripts import conversation_events
from council.single_view.views import enquiries_of, enquiry_is_theirs, person_by_id

logger = logging.getLogger(__name__)

# Each silo's record table and its dependent tables (table, foreign key column).
SILO_RECORDS: dict[str, tuple[Table, tuple[tuple[Table, str], ...]]] = {
    "ctax": (ctax_accounts, ((ctax_instalments, "account_id"),)),
    "housing": (housing_people, ((housing_cases, "person_id"),)),
    "benefits": (benefits_claimants, ((benefits_claims, "claimant_id"),)),
    "parking": (
        parking_customers,
        ((parking_permits, "customer_id"), (parking_pcns, "customer_id")),
    ),
}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SubjectAccessExport:
    """Everything held about one person, as JSON-ready data.

    ``payments`` is required: an export that quietly left out payments would
    answer a subject-access request short (pass
    :class:`council.payments.history.RecordedPayments`).
    """

    engine: AsyncEngine
    payments: PaymentHistory
    threshold: float = field(
        default_factory=lambda: get_settings().single_view_link_threshold
    )
    clock: Callable[[], datetime] = utc_now

    async def for_resident(self, verified: VerifiedResident) -> dict[str, Any]:
        """The signed-in resident's own export, found from the verified identity."""
        now = self.clock()
        if verified.expires_at < time.time() - LEEWAY_SECONDS:
            raise ExpiredAssertionError("verified identity has expired")
        index = ResidentIndex(self.engine, threshold=self.threshold, clock=self.clock)
        person_id = await index.person_for(verified)
        return await self._export(person_id, now)

    async def for_person(
        self,
        person_id: int,
        *,
        requested_by: str,
        reason: str,
        role: ViewerRole | str = ViewerRole.AGENT,
    ) -> dict[str, Any]:
        """The export staff prepare for a written request; audited as a view."""
        request = check_request(requested_by, role, reason)
        now = self.clock()
        async with self.engine.begin() as connection:
            person = await person_by_id(connection, person_id)
            outcome = Outcome.SHOWN if person is not None else Outcome.NOT_FOUND
            await record_view(connection, request, person_id, outcome, now)
        if person is None:
            raise PersonNotFoundError(f"no person {person_id}")
        return await self._export(person_id, now)

    async def _export(self, person_id: int, now: datetime) -> dict[str, Any]:
        async with self.engine.connect() as connection:
            person = await person_by_id(connection, person_id)
            if person is None:
                raise PersonNotFoundError(f"no person {person_id}")
            links = (
                (
                    await connection.execute(
                        select(sv_links)
                        .where(sv_links.c.person_id == person_id)
                        .order_by(sv_links.c.silo, sv_links.c.record_id)
                    )
                )
                .mappings()
                .all()
            )
            used = [link for link in links if link["confidence"] >= self.threshold]
            ids: dict[str, list[str]] = {}
            for link in used:
                ids.setdefault(link["silo"], []).append(link["record_id"])

            records = {
                silo: await _silo_records(connection, silo, ids.get(silo, []))
                for silo in SILO_RECORDS
            }
            enquiry_rows = await _enquiries(
                connection, person, ids.get("enquiries", [])
            )
            signed_in = (
                await conversations_of(connection, person["subject"])
                if person["subject"]
                else []
            )
            conversation_ids = _conversation_ids(signed_in, enquiry_rows)
            transcripts = await _transcripts(connection, conversation_ids)
            views = await views_of(connection, person_id)

        references = [row["account_ref"] for row in records["ctax"]]
        references += [
            pcn["pcn_number"]
            for row in records["parking"]
            for pcn in row["parking_pcns"]
        ]
        payments = await self.payments.everything(
            emails=[person["email"]] if person["email"] else [],
            references=references,
            conversation_ids=signed_in,
        )
        logger.info("Subject-access export prepared for person %d", person_id)
        return _plain(
            {
                "generated_at": now,
                "person": dict(person),
                "links": [_link(dict(link)) for link in used],
                "possible_matches_withheld": len(links) - len(used),
                "records": records,
                "enquiries": enquiry_rows,
                "conversations": transcripts,
                "payments": [asdict(payment) for payment in payments],
                "views_of_your_record": [asdict(view) for view in views],
            }
        )


async def _silo_records(
    connection: AsyncConnection, silo: str, record_ids: Sequence[str]
) -> list[dict[str, Any]]:
    table, dependents = SILO_RECORDS[silo]
    wanted = [int(value) for value in record_ids if value.isdigit()]
    if not wanted:
        return []
    rows = (
        (
            await connection.execute(
                select(table).where(table.c.id.in_(wanted)).order_by(table.c.id)
            )
        )
        .mappings()
        .all()
    )
    found = []
    for row in rows:
        record = dict(row)
        for dependent, key in dependents:
            children = await connection.execute(
                select(dependent)
                .where(dependent.c[key] == row["id"])
                .order_by(dependent.c.id)
            )
            record[dependent.name] = [dict(child) for child in children.mappings()]
        found.append(record)
    return found


async def _enquiries(
    connection: AsyncConnection, person: Mapping[str, Any], references: list[str]
) -> list[dict[str, Any]]:
    rows = (await connection.execute(enquiries_of(person, references))).mappings().all()
    me = person_row(person)
    found = []
    for row in rows:
        if not enquiry_is_theirs(me, row, references):
            continue
        enquiry = {
            key: value
            for key, value in row.items()
            if key not in ("id", "idempotency_key", "request_fingerprint")
        }
        history = await connection.execute(
            select(
                enquiry_status_changes.c.status,
                enquiry_status_changes.c.note,
                enquiry_status_changes.c.changed_by,
                enquiry_status_changes.c.changed_at,
            )
            .where(enquiry_status_changes.c.enquiry_id == row["id"])
            .order_by(enquiry_status_changes.c.changed_at, enquiry_status_changes.c.id)
        )
        enquiry["history"] = [dict(change) for change in history.mappings()]
        found.append(enquiry)
    return found


def _conversation_ids(
    signed_in: list[str], enquiry_rows: list[dict[str, Any]]
) -> list[str]:
    found = list(signed_in)
    for enquiry in enquiry_rows:
        conversation = enquiry.get("conversation_id")
        if conversation and conversation not in found:
            found.append(conversation)
    return found


async def _transcripts(
    connection: AsyncConnection, conversation_ids: list[str]
) -> list[dict[str, Any]]:
    found = []
    for conversation_id in conversation_ids:
        events = await connection.execute(
            select(
                conversation_events.c.seq,
                conversation_events.c.author,
                conversation_events.c.kind,
                conversation_events.c.body,
                conversation_events.c.created_at,
            )
            .where(conversation_events.c.conversation_id == conversation_id)
            .order_by(conversation_events.c.seq)
        )
        found.append(
            {
                "conversation_id": conversation_id,
                "events": [dict(event) for event in events.mappings()],
            }
        )
    return found


def _link(link: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "silo": link["silo"],
        "record_id": link["record_id"],
        "method": link["method"],
        "confidence": link["confidence"],
        "linked_at": link["linked_at"],
    }


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO 8601 (UTC for naive datetimes from SQLite)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Subject-access export as JSON.")
    parser.add_argument("--person-id", type=int, required=True)
    parser.add_argument("--requested-by", required=True, help="your staff id")
    parser.add_argument("--reason", required=True, help="the request's reference")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    async def run() -> dict[str, Any]:
        # Imported here: the payments package imports this one's records, so
        # a module-level import would make a cycle.
        from council.payments.history import RecordedPayments

        engine = create_engine(get_settings().async_database_url)
        try:
            await create_tables(engine)
            exporter = SubjectAccessExport(engine, RecordedPayments(engine))
            return await exporter.for_person(
                arguments.person_id,
                requested_by=arguments.requested_by,
                reason=arguments.reason,
            )
        finally:
            await engine.dispose()

    json.dump(asyncio.run(run()), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
