"""The list of councillors: read from the council's file, kept in the database.

The council keeps one YAML file of its members (``COUNCILLORS_FILE``; the
sample is ``sample.yaml``). The gateway syncs it into the ``councillors`` table
at start: new members are added, changed names and wards updated, and members
no longer listed marked inactive, so they are no longer recognised but their
cases still say who raised them.
"""

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from council.councillors.models import councillors
from council.councillors.records import Councillor

logger = logging.getLogger(__name__)

# Entra object ids are GUIDs; tolerate other id formats of the same length.
OBJECT_ID = r"^[A-Za-z0-9\-]{8,64}$"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    object_id: str = Field(pattern=OBJECT_ID)
    name: str = Field(min_length=1, max_length=200)
    ward: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    councillors: list[_Entry]


def load_councillors(path: Path) -> list[Councillor]:
    """Every councillor in the YAML file at ``path``.

    Raises ``ValueError`` naming the file when its shape is wrong or an object
    id appears twice. Object ids are compared in lower case, as Entra's are.
    """
    try:
        document = _File.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (ValidationError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: not a valid councillor list: {error}") from error

    found = [
        Councillor(entry.object_id.lower(), entry.name, entry.ward, entry.email)
        for entry in document.councillors
    ]
    ids = [councillor.object_id for councillor in found]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: an object_id appears more than once")
    return found


async def sync_councillors(engine: AsyncEngine, listed: Sequence[Councillor]) -> None:
    """Make the table match ``listed``: add, update, and deactivate the rest.

    Safe when several workers start together: one that loses the race to add a
    member simply syncs again and finds the row there.
    """
    try:
        await _sync(engine, listed)
    except IntegrityError:
        logger.info("Another worker synced the councillor list too; syncing again")
        await _sync(engine, listed)


async def _sync(engine: AsyncEngine, listed: Sequence[Councillor]) -> None:
    now = datetime.now(UTC)
    wanted = {councillor.object_id: councillor for councillor in listed}

    async with engine.begin() as connection:
        held = set(
            (await connection.execute(select(councillors.c.object_id))).scalars()
        )

        for object_id, councillor in wanted.items():
            values = {
                "name": councillor.name,
                "ward": councillor.ward,
                "email": councillor.email,
                "active": True,
                "updated_at": now,
            }
            if object_id in held:
                await connection.execute(
                    update(councillors)
                    .where(councillors.c.object_id == object_id)
                    .values(**values)
                )
            else:
                await connection.execute(
                    insert(councillors).values(object_id=object_id, **values)
                )

        gone = held - wanted.keys()
        if gone:
            await connection.execute(
                update(councillors)
                .where(councillors.c.object_id.in_(gone), councillors.c.active)
                .values(active=False, updated_at=now)
            )

    logger.info(
        "Councillor list synced: %d active, %d no longer listed", len(wanted), len(gone)
    )
