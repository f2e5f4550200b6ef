"""A councillor hears in Teams when staff move one of their cases on.

End to end on SQLite and PostgreSQL: the councillor raises a case through the
Bot Connector stand-in and the gateway's real ``/api/messages``; an agent
changes its status through the staff REST route with a bearer token from the
local OIDC provider; the stand-in receives the proactive message. The
stand-in also plays a connector that fails or is slow: the staff request does
not wait for Teams, and the message follows once, when Teams can take it.
"""

import asyncio
import logging
from collections.abc import Callable, Iterator

import httpx
import pytest

from council.database import create_engine
from council.enquiries import EnquiryService, Location, NewEnquiry
from tests.identity.flows import bearer, mint
from tests.teams.casework import POTHOLE, raise_case
from tests.teams.conftest import PENROSE, wait_for_replies
from tests.teams.servers import Gateway
from tools.bot_connector.service import BotConnector
from tools.oidc_provider.process import LocalProvider
from tools.stack import free_port


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProvider]:
    running = LocalProvider(port=free_port(), state_dir=tmp_path_factory.mktemp("oidc"))
    running.start()
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture
def staff_gateway(
    start_gateway: Callable[..., Gateway], database_url: str, provider: LocalProvider
) -> Gateway:
    return start_gateway(
        database_url,
        with_staff_routes=True,
        identity_ca_file=provider.ca_file,
        agent_oidc_authority=provider.issuer,
        resident_oidc_authority=provider.issuer,
        bot_notify_attempts=12,
        bot_notify_first_wait_seconds=0.2,
    )


async def change_status(
    gateway: Gateway, token: str, reference: str, status: str, note: str = ""
) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False, timeout=15) as client:
        return await client.post(
            f"{gateway.url}/api/staff/enquiries/{reference}/status",
            json={"status": status, "note": note},
            headers=bearer(token),
        )


async def test_status_change_by_an_agent_sends_the_councillor_the_new_status(
    staff_gateway: Gateway,
    provider: LocalProvider,
    connector: BotConnector,
    conversation_id: str,
) -> None:
    reference = await raise_case(connector, PENROSE, conversation_id)
    before = len(connector.replies(conversation_id))

    response = await change_status(
        staff_gateway, mint(provider), reference, "in progress", "Crew booked"
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "in progress"
    update = (await wait_for_replies(connector, conversation_id, before + 1))[before]
    assert update["text"] == (
        f"Update on your case **{reference}**: it is now **in progress** (Crew booked)."
    )
    assert update["type"] == "message"


async def test_refused_transition_sends_the_councillor_nothing(
    staff_gateway: Gateway,
    provider: LocalProvider,
    connector: BotConnector,
    conversation_id: str,
) -> None:
    reference = await raise_case(connector, PENROSE, conversation_id)
    token = mint(provider)
    closed = await change_status(staff_gateway, token, reference, "closed")
    await wait_for_replies(connector, conversation_id, 1)
    await asyncio.sleep(0.3)
    before = len(connector.replies(conversation_id))

    refused = await change_status(staff_gateway, token, reference, "in progress")

    assert closed.status_code == 200
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "invalid_transition"
    await asyncio.sleep(0.5)
    assert len(connector.replies(conversation_id)) == before


async def test_change_to_an_enquiry_no_councillor_raised_sends_nothing(
    staff_gateway: Gateway,
    provider: LocalProvider,
    connector: BotConnector,
    conversation_id: str,
) -> None:
    await raise_case(connector, PENROSE, conversation_id)
    engine = create_engine(staff_gateway.app.state.services.settings.async_database_url)
    try:
        residents = await EnquiryService(engine).create(
            NewEnquiry(
                category=POTHOLE["category"],
                details="Reported through the web chat",
                location=Location(postcode="TR1 3AY"),
            )
        )
    finally:
        await engine.dispose()
    before = len(connector.replies(conversation_id))

    response = await change_status(
        staff_gateway, mint(provider), residents.reference, "assigned"
    )

    assert response.status_code == 200, response.text
    await asyncio.sleep(0.5)
    assert len(connector.replies(conversation_id)) == before


async def test_staff_route_refuses_no_sign_in_and_users_without_a_staff_role(
    staff_gateway: Gateway,
    provider: LocalProvider,
    connector: BotConnector,
    conversation_id: str,
) -> None:
    reference = await raise_case(connector, PENROSE, conversation_id)

    async with httpx.AsyncClient(trust_env=False, timeout=15) as client:
        anonymous = await client.post(
            f"{staff_gateway.url}/api/staff/enquiries/{reference}/status",
            json={"status": "assigned"},
        )
    no_role = await change_status(
        staff_gateway, mint(provider, roles=["Reader"]), reference, "assigned"
    )

    assert anonymous.status_code == 401
    assert no_role.status_code == 403
    assert no_role.json()["error"]["code"] == "missing_role"


async def test_supervisor_change_is_in_the_history_with_who_made_it(
    staff_gateway: Gateway,
    provider: LocalProvider,
    connector: BotConnector,
    conversation_id: str,
) -> None:
    reference = await raise_case(connector, PENROSE, conversation_id)
    supervisor = mint(provider, roles=["Supervisor"], oid="supervisor-ruth")

    changed = await change_status(
        staff_gateway, supervisor, reference, "resolved", "Road repaired"
    )
    async with httpx.AsyncClient(trust_env=False, timeout=15) as client:
        looked_up = await client.get(
            f"{staff_gateway.url}/api/staff/enquiries/{reference.lower()}",
            headers=bearer(supervisor),
        )

    assert changed.status_code == 200, changed.text
    assert looked_up.status_code == 200
    body = looked_up.json()
    assert body["reference"] == reference
    assert body["status"] == "resolved"
    assert [(entry["status"], entry["by"]) for entry in body["history"]] == [
        ("received", "councillor"),
        ("resolved", "supervisor:supervisor-ruth"),
    ]
    assert body["history"][-1]["note"] == "Road repaired"


async def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "waited too long"
        await asyncio.sleep(0.02)


def update_text(reference: str) -> str:
    return f"Update on your case **{reference}**: it is now **assigned**."


async def test_status_change_stands_while_teams_fails_and_the_message_follows_once(
    staff_gateway: Gateway,
    provider: LocalProvider,
    connector: BotConnector,
    conversation_id: str,
) -> None:
    reference = await raise_case(connector, PENROSE, conversation_id)
    before = len(connector.replies(conversation_id))
    failed_before = connector.failed_posts
    connector.fail_posts(503)

    response = await change_status(staff_gateway, mint(provider), reference, "assigned")
    await wait_until(lambda: connector.failed_posts >= failed_before + 4)
    unsent = len(connector.replies(conversation_id))
    connector.recover()
    replies = await wait_for_replies(connector, conversation_id, before + 1, 20)
    await asyncio.sleep(1.0)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "assigned"
    assert unsent == before
    assert connector.replies(conversation_id)[before:] == replies[before:]
    assert [reply["text"] for reply in replies[before:]] == [update_text(reference)]


async def test_staff_request_does_not_wait_for_a_slow_connector(
    staff_gateway: Gateway,
    provider: LocalProvider,
    connector: BotConnector,
    conversation_id: str,
) -> None:
    reference = await raise_case(connector, PENROSE, conversation_id)
    before = len(connector.replies(conversation_id))
    connector.slow_posts(4.0)

    response = await change_status(staff_gateway, mint(provider), reference, "assigned")
    held = len(connector.replies(conversation_id))
    replies = await wait_for_replies(connector, conversation_id, before + 1, 20)
    await asyncio.sleep(1.0)

    assert response.status_code == 200, response.text
    assert held == before
    assert [reply["text"] for reply in connector.replies(conversation_id)[before:]] == [
        update_text(reference)
    ]
    assert replies[before]["type"] == "message"


async def test_stopping_the_gateway_cancels_a_notification_teams_will_not_take(
    staff_gateway: Gateway,
    provider: LocalProvider,
    connector: BotConnector,
    conversation_id: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    reference = await raise_case(connector, PENROSE, conversation_id)
    notifier = staff_gateway.channel.notifier
    connector.fail_posts(503)
    response = await change_status(staff_gateway, mint(provider), reference, "assigned")
    await wait_until(lambda: notifier.pending == 1)

    with caplog.at_level(logging.WARNING, logger="webchat.teams.notifier"):
        await asyncio.to_thread(staff_gateway.stop)

    assert response.status_code == 200
    assert not staff_gateway.thread.is_alive()
    assert notifier.pending == 0
    assert [
        record.getMessage()
        for record in caplog.records
        if record.name == "webchat.teams.notifier"
    ] == [f"Stopping before the councillor heard about {reference}"]
