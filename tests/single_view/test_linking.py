"""The resident index links records through spellings, nicknames and old
addresses, keeps each link's confidence, and is right against the truth."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from council.single_view.index import ResidentIndex
from council.single_view.models import sv_links, sv_people
from tests.single_view.conftest import County, clock

THRESHOLD = 0.95


async def link_of(engine: AsyncEngine, silo: str, record_id: int | str):  # type: ignore[no-untyped-def]
    async with engine.connect() as connection:
        return (
            await connection.execute(
                select(sv_links).where(
                    sv_links.c.silo == silo, sv_links.c.record_id == str(record_id)
                )
            )
        ).first()


async def test_rebuild_nickname_and_mac_spelling_links_to_the_person(
    engine: AsyncEngine, county: County
) -> None:
    link = await link_of(engine, "ctax", county.catherine_account)

    assert link is not None
    assert link.person_id == county.catherine
    assert link.method == "probabilistic"
    assert THRESHOLD <= link.confidence < 1.0
    assert link.match_weight is not None


async def test_rebuild_record_at_old_address_links_by_name_and_birth_date(
    engine: AsyncEngine, county: County
) -> None:
    link = await link_of(engine, "benefits", county.catherine_old_claim)

    assert link is not None
    assert link.person_id == county.catherine
    assert link.method == "probabilistic"
    assert link.confidence >= THRESHOLD


async def test_rebuild_same_name_other_person_links_by_verified_email(
    engine: AsyncEngine, county: County
) -> None:
    link = await link_of(engine, "ctax", county.other_account)

    assert link is not None
    assert link.person_id == county.other_catherine
    assert (link.method, link.confidence) == ("email", 1.0)


async def test_rebuild_seeded_county_links_match_the_truth(
    engine: AsyncEngine, county: County
) -> None:
    world = county.seeded.world
    async with engine.connect() as connection:
        people = {
            row.id: row.subject
            for row in await connection.execute(
                select(sv_people.c.id, sv_people.c.subject)
            )
        }
        links = (await connection.execute(select(sv_links))).all()
    resident_of_subject = {r.subject: r.id for r in world.residents if r.subject}
    linkable = {
        key
        for key, resident in world.truth.items()
        if world.residents[resident].subject is not None
    }

    usable = [
        link
        for link in links
        if link.confidence >= THRESHOLD and (link.silo, link.record_id) in world.truth
    ]
    correct = [
        link
        for link in usable
        if resident_of_subject.get(people[link.person_id])
        == world.truth[(link.silo, link.record_id)]
    ]

    assert len(correct) / len(usable) >= 0.97
    assert len(correct) / len(linkable) >= 0.85


async def test_rebuild_run_twice_gives_the_same_links(
    engine: AsyncEngine, county: County
) -> None:
    async def snapshot() -> set[tuple[object, ...]]:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(
                    sv_links.c.person_id,
                    sv_links.c.silo,
                    sv_links.c.record_id,
                    sv_links.c.method,
                    sv_links.c.confidence,
                )
            )
            return {(a, b, c, d, round(e, 9)) for a, b, c, d, e in rows}

    before = await snapshot()
    report = await ResidentIndex(engine, clock=clock).rebuild()

    assert await snapshot() == before
    assert report.exact_links + report.probabilistic_links == len(before)
