"""The resident index: which silo records belong to which verified person.

:meth:`ResidentIndex.rebuild` links every silo record it can, exact keys first
(:mod:`council.single_view.exact`), then the probabilistic model
(:mod:`council.single_view.linkage`) for the rest, and keeps each link's
method and confidence. Links under the floor are not kept at all; links
between the floor and the threshold are kept for review and never used for
answers. A council runs the rebuild overnight: ``python -m
council.single_view.index``.

A resident who signs in for the first time gets a person at once
(:meth:`ResidentIndex.person_for`), linked by their verified email straight
away; the model links the rest at the next rebuild.
"""

import argparse
import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from council.database import create_engine, create_tables
from council.identity import VerifiedResident
from council.settings import get_settings
from council.single_view.errors import NoIdentityError, SingleViewError
from council.single_view.exact import exact_links
from council.single_view.models import sv_links, sv_people
from council.single_view.names import normal_email
from council.single_view.sources import (
    linkage_row,
    person_row,
    read_people,
    read_records,
)

logger = logging.getLogger(__name__)

PROBABILISTIC = "probabilistic"
CHUNK = 5_000


class IdentityConflictError(SingleViewError):
    """The verified email already belongs to a person with another subject."""

    code = "identity_conflict"
    status = 409
    public_message = (
        "We could not match your sign-in to your records. Please contact us."
    )


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class IndexReport:
    people: int
    records: int
    exact_links: int
    probabilistic_links: int
    usable_links: int
    seconds_reading: float
    seconds_exact: float
    seconds_probabilistic: float
    seconds_writing: float

    @property
    def seconds(self) -> float:
        return (
            self.seconds_reading
            + self.seconds_exact
            + self.seconds_probabilistic
            + self.seconds_writing
        )


@dataclass
class ResidentIndex:
    """Builds and extends the links between people and silo records.

    ``threshold`` is the confidence a link needs to be used for answers
    (setting ``SINGLE_VIEW_LINK_THRESHOLD``); ``floor`` the least confidence
    kept for review (``SINGLE_VIEW_LINK_FLOOR``).
    """

    engine: AsyncEngine
    threshold: float = field(
        default_factory=lambda: get_settings().single_view_link_threshold
    )
    floor: float = field(default_factory=lambda: get_settings().single_view_link_floor)
    model: dict[str, Any] | None = None
    clock: Callable[[], datetime] = utc_now

    async def rebuild(self) -> IndexReport:
        """Link every silo record afresh and replace the stored links at once."""
        started = time.perf_counter()
        async with self.engine.connect() as connection:
            people = [person_row(person) for person in await read_people(connection)]
            records = [linkage_row(record) for record in await read_records(connection)]
        read = time.perf_counter()

        exact = exact_links(people, records)
        settled = {link.record_key for link in exact}
        remaining = [record for record in records if record["unique_id"] not in settled]
        exact_done = time.perf_counter()

        # Imported here: Splink brings DuckDB, Arrow and SQLGlot, which the
        # gateway and the actions, importing this package for the views,
        # never need.
        from council.single_view import linkage

        matches = await asyncio.to_thread(
            linkage.predict, people, remaining, floor=self.floor, model=self.model
        )
        predicted = time.perf_counter()

        now = self.clock()
        rows = [
            _link_row(link.record_key, link.person_key, link.method, 1.0, None, now)
            for link in exact
        ] + [
            _link_row(
                match.record_key,
                match.person_key,
                PROBABILISTIC,
                match.probability,
                match.weight,
                now,
            )
            for match in matches
        ]
        async with self.engine.begin() as connection:
            await connection.execute(delete(sv_links))
            for start in range(0, len(rows), CHUNK):
                await connection.execute(insert(sv_links), rows[start : start + CHUNK])
        written = time.perf_counter()

        report = IndexReport(
            people=len(people),
            records=len(records),
            exact_links=len(exact),
            probabilistic_links=len(matches),
            usable_links=sum(1 for row in rows if row["confidence"] >= self.threshold),
            seconds_reading=read - started,
            seconds_exact=exact_done - read,
            seconds_probabilistic=predicted - exact_done,
            seconds_writing=written - predicted,
        )
        logger.info(
            "Resident index rebuilt: %d people, %d records, %d exact and %d "
            "probabilistic links (%d usable) in %.1f s",
            report.people,
            report.records,
            report.exact_links,
            report.probabilistic_links,
            report.usable_links,
            report.seconds,
        )
        return report

    async def person_for(self, verified: VerifiedResident) -> int:
        """The id of the verified resident's person, enrolling them if new.

        Found by the verified subject, else by the verified email (the online
        account made before the first chat sign-in), which then gets the
        subject. Never by anything the caller could choose.
        """
        email = normal_email(verified.email)
        if not verified.subject:
            raise NoIdentityError("verified identity without a subject")

        async with self.engine.begin() as connection:
            person_id = await _person_by_subject(connection, verified.subject)
            if person_id is not None:
                return person_id
            if email is not None:
                person_id = await _claim_by_email(connection, email, verified.subject)
                if person_id is not None:
                    return person_id

        return await self._enrol(verified, email)

    async def _enrol(self, verified: VerifiedResident, email: str | None) -> int:
        now = self.clock()
        try:
            async with self.engine.begin() as connection:
                result = await connection.execute(
                    insert(sv_people)
                    .values(
                        subject=verified.subject,
                        email=email,
                        name=verified.name or "",
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(sv_people.c.id)
                )
                person_id = int(result.scalar_one())
                linked = await self._link_by_email(connection, person_id, email)
        except IntegrityError:
            # Another request enrolled the same subject first: use theirs.
            async with self.engine.connect() as connection:
                found = await _person_by_subject(connection, verified.subject)
            if found is None:
                raise
            return found

        logger.info(
            "Person %d enrolled at first sign-in (%d records linked)", person_id, linked
        )
        return person_id

    async def _link_by_email(
        self, connection: AsyncConnection, person_id: int, email: str | None
    ) -> int:
        """Link the records carrying the person's verified email, now."""
        if email is None:
            return 0
        found = await connection.execute(
            select(sv_people).where(sv_people.c.id == person_id)
        )
        person = dict(found.mappings().one())
        records = [
            linkage_row(record)
            for record in await read_records(connection, email=email)
        ]
        links = exact_links([person_row(person)], records)
        if not links:
            return 0

        keys = [link.record_key for link in links]
        held = await connection.execute(
            select(sv_links.c.silo, sv_links.c.record_id).where(
                or_(
                    *(
                        and_(sv_links.c.silo == silo, sv_links.c.record_id == record_id)
                        for silo, _, record_id in (key.partition(":") for key in keys)
                    )
                )
            )
        )
        taken = {f"{row.silo}:{row.record_id}" for row in held}
        now = self.clock()
        rows = [
            _link_row(link.record_key, link.person_key, link.method, 1.0, None, now)
            for link in links
            if link.record_key not in taken
        ]
        if rows:
            await connection.execute(insert(sv_links), rows)
        logger.debug(
            "Linked %d of %d records by email for person %d",
            len(rows),
            len(keys),
            person_id,
        )
        return len(rows)


async def _person_by_subject(connection: AsyncConnection, subject: str) -> int | None:
    found = await connection.execute(
        select(sv_people.c.id).where(sv_people.c.subject == subject)
    )
    value = found.scalar()
    return None if value is None else int(value)


async def _claim_by_email(
    connection: AsyncConnection, email: str, subject: str
) -> int | None:
    row = (
        await connection.execute(
            select(sv_people.c.id, sv_people.c.subject).where(
                sv_people.c.email == email
            )
        )
    ).first()
    if row is None:
        return None
    if row.subject is not None and row.subject != subject:
        raise IdentityConflictError(f"person {row.id} has another subject")
    await connection.execute(
        update(sv_people).where(sv_people.c.id == row.id).values(subject=subject)
    )
    return int(row.id)


def _link_row(
    record_key: str,
    person_key: str,
    method: str,
    confidence: float,
    weight: float | None,
    now: datetime,
) -> dict[str, Any]:
    silo, _, record_id = record_key.partition(":")
    return {
        "person_id": int(person_key.removeprefix("person:")),
        "silo": silo,
        "record_id": record_id,
        "method": method,
        "confidence": min(1.0, max(0.0, confidence)),
        "match_weight": weight,
        "linked_at": now,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rebuild the resident index.")
    parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    async def run() -> IndexReport:
        engine = create_engine(get_settings().async_database_url)
        try:
            await create_tables(engine)
            return await ResidentIndex(engine).rebuild()
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    print(
        f"{report.people:,} people, {report.records:,} records: "
        f"{report.exact_links:,} exact links, "
        f"{report.probabilistic_links:,} probabilistic links, "
        f"{report.usable_links:,} usable; {report.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
