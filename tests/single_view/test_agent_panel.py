"""The agent console's single-view panel over the real agent websocket.

The gateway's agent socket, handoff and identity run under uvicorn on a real
port, in the test's own event loop, on the seeded county (SQLite and
PostgreSQL). The agent signs in with a bearer token from the local OIDC
provider. Checked: the panel comes with a chat whose resident signed in, is
audited with the agent's id, says so when the resident has not signed in,
arrives when the resident signs in during the chat, and is refused for a chat
the agent does not own; a reconnecting console gets it only for the chat it
has open, and otherwise when it asks, one audit row per panel sent.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import ClientConnection

from council.single_view.models import sv_people, sv_view_audit
from tests.single_view.conftest import County
from tests.single_view.console_gateway import (
    CATHERINE,
    OTHER_CATHERINE,
    Console,
    provider,
    serve_console,
)
from tools.oidc_provider.process import LocalProvider

__all__ = ["provider"]

PRIYA = "agent-priya"
TOM = "agent-tom"


@pytest_asyncio.fixture(loop_scope="function")
async def console(
    database_url: str, county: County, provider: LocalProvider
) -> AsyncIterator[Console]:
    async with serve_console(database_url, provider) as running:
        yield running


async def next_frame(
    socket: ClientConnection, wanted: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The first frame ``wanted`` accepts, within a few seconds."""

    async def read() -> dict[str, Any]:
        while True:
            frame: dict[str, Any] = json.loads(await socket.recv())
            if wanted(frame):
                return frame

    return await asyncio.wait_for(read(), 10)


def of_type(kind: str, conversation_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda frame: (
        frame.get("type") == kind and frame.get("conversation_id") == conversation_id
    )


def section(frame: dict[str, Any], section_id: str) -> dict[str, Any]:
    return next(item for item in frame["sections"] if item["id"] == section_id)


async def audit_rows(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as connection:
        return list(
            await connection.execute(select(sv_view_audit).order_by(sv_view_audit.c.id))
        )


async def test_taking_a_signed_in_chat_sends_the_residents_single_view(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    async with await console.open(PRIYA) as socket:
        await next_frame(socket, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()
        await console.sign_in(conversation_id, CATHERINE)

        await socket.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        await next_frame(socket, of_type("transcript", conversation_id))
        panel = await next_frame(socket, of_type("single_view", conversation_id))

    assert panel["signed_in"] is True
    assert panel["resident"]["name"] == "Catherine McDonald"
    council_tax = section(panel, "council-tax")
    assert council_tax["rows"][0][0] == "99000001"
    assert council_tax["rows"][0][3] == "£417.40"
    assert council_tax["rows"][0][4] == "£208.70 on Fri 1 January 2027"
    bins = {row[0] for row in section(panel, "collections")["rows"]}
    assert bins == {"rubbish", "recycling", "food"}
    assert {"enquiries", "payments", "permits", "penalty-charges"} <= {
        item["id"] for item in panel["sections"]
    }
    rows = await audit_rows(engine)
    assert [(row.viewer_id, row.person_id, row.reason) for row in rows] == [
        (f"agent:{PRIYA}", county.catherine, f"Live chat {conversation_id}")
    ]


async def test_chat_without_sign_in_gets_a_panel_that_says_so_and_no_audit(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    async with await console.open(PRIYA) as socket:
        await next_frame(socket, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()

        await socket.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        panel = await next_frame(socket, of_type("single_view", conversation_id))

    assert panel["signed_in"] is False
    assert "has not signed in" in panel["message"]
    assert "sections" not in panel
    assert await audit_rows(engine) == []


async def test_resident_signing_in_during_the_chat_sends_the_panel(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    async with await console.open(PRIYA) as socket:
        await next_frame(socket, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()
        await socket.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        before = await next_frame(socket, of_type("single_view", conversation_id))

        await console.sign_in(conversation_id, CATHERINE)
        after = await next_frame(socket, of_type("single_view", conversation_id))

    assert before["signed_in"] is False
    assert after["signed_in"] is True
    assert section(after, "council-tax")["rows"][0][3] == "£417.40"


async def test_agent_cannot_get_the_single_view_of_a_chat_they_do_not_own(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    async with await console.open(PRIYA) as priya, await console.open(TOM) as tom:
        await next_frame(priya, lambda frame: frame.get("type") == "queues")
        await next_frame(tom, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()
        await console.sign_in(conversation_id, CATHERINE)
        await priya.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        await next_frame(priya, of_type("single_view", conversation_id))

        await tom.send(
            json.dumps({"type": "single_view", "conversation_id": conversation_id})
        )
        refused = await next_frame(
            tom,
            lambda frame: (
                frame.get("type") in ("error", "single_view")
                and frame.get("conversation_id") == conversation_id
            ),
        )

    assert refused["type"] == "error"
    assert refused["error"]["code"] == "not_your_chat"
    rows = await audit_rows(engine)
    assert [row.viewer_id for row in rows] == [f"agent:{PRIYA}"]


async def test_markup_in_a_residents_name_travels_as_plain_text(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    markup = '<img src=x onerror="alert(1)">Kate'
    async with engine.begin() as connection:
        await connection.execute(
            sv_people.update()
            .where(sv_people.c.id == county.catherine)
            .values(name=markup)
        )
    async with await console.open(PRIYA) as socket:
        await next_frame(socket, lambda frame: frame.get("type") == "queues")
        conversation_id = await console.waiting_chat()
        await console.sign_in(conversation_id, CATHERINE)
        await socket.send(
            json.dumps({"type": "accept", "conversation_id": conversation_id})
        )
        panel = await next_frame(socket, of_type("single_view", conversation_id))

    assert panel["resident"]["name"] == markup


async def frames_until(
    socket: ClientConnection, last: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """Every frame up to and including the first that ``last`` accepts."""

    async def read() -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        while not seen or not last(seen[-1]):
            seen.append(json.loads(await socket.recv()))
        return seen

    return await asyncio.wait_for(read(), 10)


def panels(frames: list[dict[str, Any]]) -> list[str]:
    return [
        frame["conversation_id"] for frame in frames if frame["type"] == "single_view"
    ]


async def test_reconnecting_sends_the_panel_only_for_the_open_chat(
    console: Console, engine: AsyncEngine, county: County
) -> None:
    async with await console.open(PRIYA) as socket:
        await next_frame(socket, lambda frame: frame.get("type") == "queues")
        first = await console.waiting_chat()
        second = await console.waiting_chat()
        await console.sign_in(first, CATHERINE)
        await console.sign_in(second, OTHER_CATHERINE)
        for conversation_id in (first, second):
            await socket.send(
                json.dumps({"type": "accept", "conversation_id": conversation_id})
            )
            await next_frame(socket, of_type("single_view", conversation_id))
    taken = len(await audit_rows(engine))

    async with await console.open(PRIYA, open_chat=first) as socket:
        await socket.send(
            json.dumps({"type": "single_view", "conversation_id": second})
        )
        reconnected = await frames_until(socket, of_type("single_view", second))
    asked = await audit_rows(engine)

    async with await console.open(PRIYA) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        reloaded = await frames_until(socket, lambda frame: frame["type"] == "error")

    transcripts = {
        frame["conversation_id"]: frame["single_view_follows"]
        for frame in reconnected
        if frame["type"] == "transcript"
    }
    assert transcripts == {first: True, second: False}
    assert panels(reconnected) == [first, second]
    assert taken == 2
    assert [(row.person_id, row.reason) for row in asked[taken:]] == [
        (county.catherine, f"Live chat {first}"),
        (county.other_catherine, f"Live chat {second}"),
    ]
    assert panels(reloaded) == []
    assert len([f for f in reloaded if f["type"] == "transcript"]) == 2
    assert len(await audit_rows(engine)) == len(asked)
