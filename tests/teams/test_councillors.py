"""The councillor list: read from the council's file, synced into the table."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from council.councillors import (
    CaseworkService,
    Councillor,
    load_councillors,
    sync_councillors,
)
from council.database import create_engine, create_tables
from council.enquiries import EnquiryService
from tests.teams.conftest import COUNCILLORS


@pytest_asyncio.fixture(loop_scope="function")
async def store(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await create_tables(engine)
    yield engine
    await engine.dispose()


def test_load_councillors_sample_gives_object_ids_in_lower_case() -> None:
    councillors = load_councillors(COUNCILLORS)

    assert len(councillors) == 3
    assert councillors[0] == Councillor(
        "6f1c2a9e-3b7d-4c55-9a1e-0d2b8c4f7a11",
        "Cllr Morwenna Penrose",
        "Truro Boscawen",
        "morwenna.penrose@council.example",
    )


def test_load_councillors_repeated_object_id_refused(tmp_path: Path) -> None:
    path = tmp_path / "councillors.yaml"
    entry = "  - {object_id: AB12CD34-0000, name: A, ward: W}\n"
    path.write_text("councillors:\n" + entry + entry.replace("name: A", "name: B"))

    with pytest.raises(ValueError, match="more than once"):
        load_councillors(path)


async def test_sync_councillors_updates_and_deactivates(store: AsyncEngine) -> None:
    first, second, third = load_councillors(COUNCILLORS)
    casework = CaseworkService(store, EnquiryService(store))
    await sync_councillors(store, [first, second, third])

    moved = Councillor(first.object_id, first.name, "Truro Tregolls", first.email)
    await sync_councillors(store, [moved, third])

    assert await casework.councillor(first.object_id.upper()) == moved
    assert await casework.councillor(second.object_id) is None
    assert await casework.councillor(third.object_id) == third
    assert await casework.councillor(None) is None
