"""Offers with a timeout, offering to the next agent, escalation, shared waits.

Over a real SQLite log, with the in-process state and with the real Redis
(``REDIS_TEST_URL``; a missing Redis skips locally and fails under ``CI=true``).
Time is the service's injectable clock, moved by the tests: nothing sleeps.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import redis
from sqlalchemy.ext.asyncio import AsyncEngine

from council.database import create_engine, create_tables
from webchat.conversation_log import ConversationLog
from webchat.conversations import ConversationService
from webchat.dispatcher import Dispatcher, choose_agent
from webchat.handoff import HandoffService, OfferWithdrawnError
from webchat.opening_hours import OpeningHours
from webchat.ownership import Owner
from webchat.rasa_client import RasaClient
from webchat.state import SharedState, build
from webchat.state.agents import AgentStatus
from webchat.state.waits import KEEP

ALWAYS = OpeningHours({day: (time(0, 0), time(23, 59)) for day in range(7)})
TIMEOUT = 30.0
ESCALATE = 180.0


class Clock:
    """The service's clock, moved on by the tests."""

    def __init__(self) -> None:
        self.at = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def redis_url() -> str:
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_timeout=3).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable: {error!r}")
        pytest.skip(f"Redis is not reachable: {error!r}")
    return url


@dataclass
class Worker:
    """One gateway worker's services: its own state objects, the shared log."""

    conversations: ConversationService
    handoff: HandoffService
    dispatcher: Dispatcher


@dataclass
class World:
    engine: AsyncEngine
    clock: Clock
    new_state: Callable[[], SharedState]
    http: httpx.AsyncClient
    states: list[SharedState] = field(default_factory=list)

    def worker(self) -> Worker:
        state = self.new_state()
        self.states.append(state)
        # Nothing listens on port 9: the assistant is never needed here.
        rasa = RasaClient("http://127.0.0.1:9", b"secret", "token", self.http)
        conversations = ConversationService(
            ConversationLog(self.engine), state, rasa, 2000
        )
        handoff = HandoffService(
            conversations, ALWAYS, clock=self.clock, offer_timeout_seconds=TIMEOUT
        )
        conversations.handoff = handoff
        return Worker(conversations, handoff, Dispatcher(handoff, ESCALATE))


@pytest_asyncio.fixture(params=["local", "redis"], loop_scope="function")
async def world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'council.db'}")
    await create_tables(engine)
    http = httpx.AsyncClient(timeout=2)

    if request.param == "local":
        local = build("")
        world = World(engine, Clock(), lambda: local, http)
    else:
        url = redis_url()
        # A namespace of its own: other test runs may share this database.
        namespace = f"test-offers-{uuid.uuid4().hex[:12]}"
        world = World(engine, Clock(), lambda: build(url, namespace), http)
    yield world

    if request.param == "redis":
        cleaner = redis.Redis.from_url(redis_url())
        for key in cleaner.scan_iter(f"{namespace}:*"):
            cleaner.delete(key)
    for state in world.states:
        if state.redis is not None:
            await state.redis.aclose()
    await http.aclose()
    await engine.dispose()


@pytest.fixture()
def one(world: World) -> Worker:
    return world.worker()


async def agent(worker: Worker, agent_id: str, chats: int = 0) -> AgentStatus:
    status = AgentStatus(
        agent_id,
        agent_id.title(),
        "available",
        ["waste"],
        capacity=3,
        chats=[f"other-{n}" for n in range(chats)],
    )
    await worker.conversations.state.agents.put(status)
    return status


async def waiting_chat(worker: Worker) -> str:
    conversation_id = await worker.conversations.start()
    await worker.handoff.request(conversation_id, "waste", "resident_asked")
    return conversation_id


async def routing(worker: Worker, conversation_id: str) -> list[dict]:
    events = await worker.conversations.history(conversation_id)
    return [e.body for e in events if e.kind == "routing"]


async def offered_to(worker: Worker, conversation_id: str) -> str | None:
    offer = await worker.conversations.state.offers.get(conversation_id)
    return offer.agent_id if offer else None


async def test_a_waiting_chat_is_offered_to_an_able_agent(one):
    await agent(one, "alice")
    chat = await waiting_chat(one)

    await one.dispatcher.tick()

    assert await offered_to(one, chat) == "alice"
    [event] = await routing(one, chat)
    assert event["offer"]["state"] == "offered"
    assert event["offer"]["agent_id"] == "alice"
    resident = await one.conversations.resident_history(chat)
    assert all("offer" not in e.body for e in resident)


async def test_the_least_loaded_agent_gets_the_offer(one):
    await agent(one, "alice", chats=2)
    await agent(one, "bob", chats=1)
    chat = await waiting_chat(one)

    await one.dispatcher.tick()

    assert await offered_to(one, chat) == "bob"


async def test_an_agent_without_the_skill_or_away_gets_no_offer(one):
    away = await agent(one, "alice")
    away.presence = "away"
    await one.conversations.state.agents.put(away)
    housing = AgentStatus("bob", "Bob", "available", ["housing"], 3)
    await one.conversations.state.agents.put(housing)
    carol = await agent(one, "carol")
    chat = await waiting_chat(one)
    carol.presence = "away"
    await one.conversations.state.agents.put(carol)

    await one.dispatcher.tick()

    assert await offered_to(one, chat) is None


async def test_an_offer_not_accepted_in_time_goes_to_the_next_agent(world, one):
    await agent(one, "alice")
    await agent(one, "bob", chats=1)
    chat = await waiting_chat(one)
    await one.dispatcher.tick()
    assert await offered_to(one, chat) == "alice"

    world.clock.advance(TIMEOUT - 1)
    await one.dispatcher.tick()
    assert await offered_to(one, chat) == "alice"

    world.clock.advance(1)
    await one.dispatcher.tick()

    assert await offered_to(one, chat) == "bob"
    states = [
        (e["offer"]["state"], e["offer"]["agent_id"]) for e in await routing(one, chat)
    ]
    assert states == [("offered", "alice"), ("withdrawn", "alice"), ("offered", "bob")]
    assert (await routing(one, chat))[1]["offer"]["why"] == "timeout"
    assert await one.conversations.state.queues.waiting("waste") == [chat]


async def test_the_same_agent_is_not_offered_the_chat_again_straight_away(world, one):
    await agent(one, "alice")
    chat = await waiting_chat(one)
    await one.dispatcher.tick()
    world.clock.advance(TIMEOUT)

    await one.dispatcher.tick()
    assert await offered_to(one, chat) is None

    world.clock.advance(TIMEOUT - 1)
    await one.dispatcher.tick()
    assert await offered_to(one, chat) is None

    world.clock.advance(1)
    await one.dispatcher.tick()
    assert await offered_to(one, chat) == "alice"


async def test_a_withdrawn_chat_keeps_its_original_place_in_the_queue(world, one):
    await agent(one, "alice")
    first = await waiting_chat(one)
    world.clock.advance(5)
    second = await waiting_chat(one)
    await one.dispatcher.tick()
    assert await offered_to(one, first) == "alice"
    assert await offered_to(one, second) is None  # one offer per agent at a time

    world.clock.advance(TIMEOUT)
    await one.dispatcher.tick()

    assert await one.conversations.state.queues.waiting("waste") == [first, second]
    # Alice let the first go, so she is offered the second meanwhile.
    assert await offered_to(one, second) == "alice"


async def test_accepting_an_offer_gives_the_agent_the_chat_and_ends_the_offer(
    world, one
):
    alice = await agent(one, "alice")
    chat = await waiting_chat(one)
    await one.dispatcher.tick()

    await one.handoff.accept(alice, chat)
    world.clock.advance(TIMEOUT * 2)
    await one.dispatcher.tick()

    owner = await one.conversations.log.ownership(chat)
    assert (owner.owner, owner.agent_id) == (Owner.AGENT, "alice")
    assert await offered_to(one, chat) is None
    assert [e["offer"]["state"] for e in await routing(one, chat)] == ["offered"]


async def test_another_agent_may_take_an_offered_chat_and_the_offer_ends(one):
    await agent(one, "alice")
    bob = await agent(one, "bob", chats=1)
    chat = await waiting_chat(one)
    await one.dispatcher.tick()
    assert await offered_to(one, chat) == "alice"

    await one.handoff.accept(bob, chat)

    assert (await one.conversations.log.ownership(chat)).agent_id == "bob"
    assert await offered_to(one, chat) is None
    assert (await routing(one, chat))[-1]["offer"]["why"] == "taken"


async def test_a_chat_nobody_has_been_offered_can_still_be_pulled(one):
    alice = await agent(one, "alice")
    chat = await waiting_chat(one)

    await one.handoff.accept(alice, chat)

    assert (await one.conversations.log.ownership(chat)).agent_id == "alice"


async def test_accept_racing_the_timeout_has_exactly_one_winner(world, one):
    alice = await agent(one, "alice")
    chat = await waiting_chat(one)
    await one.dispatcher.tick()
    world.clock.advance(TIMEOUT)

    accepted, _ = await asyncio.gather(
        one.handoff.accept(alice, chat), one.dispatcher.tick(), return_exceptions=True
    )

    # Either the accept ended the offer, or the timeout did and the accept was
    # refused (or, finding the chat free, took it as from the queue): never an
    # offer left standing beside an owner, never the chat both queued and owned.
    states = [e["offer"]["state"] for e in await routing(one, chat)]
    owner = (await one.conversations.log.ownership(chat)).owner
    queued = await one.conversations.state.queues.waiting("waste")
    assert await offered_to(one, chat) is None
    if isinstance(accepted, OfferWithdrawnError):
        assert states == ["offered", "withdrawn"]
        assert owner is Owner.WAITING and queued == [chat]
    else:
        assert not isinstance(accepted, BaseException), accepted
        assert states in (["offered"], ["offered", "withdrawn"])
        assert owner is Owner.AGENT and queued == []


async def test_a_declined_offer_goes_to_the_next_agent(one):
    alice = await agent(one, "alice")
    await agent(one, "bob", chats=1)
    chat = await waiting_chat(one)
    await one.dispatcher.tick()

    await one.handoff.decline(alice, chat)
    await one.dispatcher.tick()

    assert await offered_to(one, chat) == "bob"
    assert (await routing(one, chat))[1]["offer"]["why"] == "declined"
    with pytest.raises(OfferWithdrawnError):
        await one.handoff.decline(alice, chat)


async def test_an_agent_going_away_loses_the_offer(one):
    alice = await agent(one, "alice")
    chat = await waiting_chat(one)
    await one.dispatcher.tick()

    alice.presence = "away"
    await one.conversations.state.agents.put(alice)
    await one.dispatcher.tick()

    assert await offered_to(one, chat) is None
    assert (await routing(one, chat))[-1]["offer"]["why"] == "agent_unavailable"


async def test_a_chat_nobody_takes_is_escalated_once_and_stays_queued(world, one):
    chat = await waiting_chat_without_agents(one)
    world.clock.advance(ESCALATE - 1)
    await one.dispatcher.tick()
    assert await routing(one, chat) == []

    for _ in range(3):
        world.clock.advance(1)
        await one.dispatcher.tick()

    [event] = await routing(one, chat)
    assert event["escalation"] == {"area": "waste", "waiting_seconds": ESCALATE}
    assert await one.conversations.state.queues.waiting("waste") == [chat]
    snapshot = await one.handoff.snapshot()
    [row] = [q for q in snapshot["queues"] if q["area"] == "waste"][0]["waiting_detail"]
    assert row["escalated"] is True
    assert row["waiting_seconds"] == ESCALATE + 2


async def waiting_chat_without_agents(worker: Worker) -> str:
    """A queued chat whose only agent then went away, so nobody is offered it."""
    alice = await agent(worker, "alice")
    chat = await waiting_chat(worker)
    alice.presence = "away"
    await worker.conversations.state.agents.put(alice)
    return chat


async def test_two_workers_scanning_at_once_offer_a_chat_only_once(world):
    first, second = world.worker(), world.worker()
    await agent(first, "alice")
    await agent(first, "bob")
    chat = await waiting_chat(first)

    for _ in range(5):
        await asyncio.gather(first.dispatcher.tick(), second.dispatcher.tick())

    offers = [e for e in await routing(first, chat) if e["offer"]["state"] == "offered"]
    assert len(offers) == 1


async def test_two_workers_offering_one_chat_to_two_agents_only_one_offer_stands(
    world,
):
    first, second = world.worker(), world.worker()
    alice = await agent(first, "alice")
    bob = await agent(first, "bob")
    chat = await waiting_chat(first)
    [item] = await first.conversations.state.queues.waiting_detail("waste")

    made = await asyncio.gather(
        first.handoff.offer(alice, item, "waste"),
        second.handoff.offer(bob, item, "waste"),
    )

    assert sum(offer is not None for offer in made) == 1
    assert len(await routing(first, chat)) == 1


async def test_waits_are_shared_so_every_worker_gives_the_same_estimate(world):
    first, second = world.worker(), world.worker()
    alice = await agent(first, "alice")
    for seconds in (60, 120, 90):
        chat = await waiting_chat(first)
        world.clock.advance(seconds)
        await first.handoff.accept(alice, chat)
        alice.chats.clear()

    assert await second.handoff.wait_minutes("waste", 2) == 3
    assert await first.handoff.wait_minutes("waste", 2) == 3
    assert await second.handoff.wait_minutes("housing", 1) is None


async def test_only_the_latest_waits_are_kept(world):
    first, second = world.worker(), world.worker()
    for seconds in range(KEEP + 5):
        await first.conversations.state.waits.add("waste", float(seconds))

    recent = await second.conversations.state.waits.recent("waste")

    assert len(recent) == KEEP
    assert recent[0] == KEEP + 4


def test_choose_agent_prefers_agents_not_yet_passed_over_then_least_loaded():
    agents = [
        AgentStatus("a", "A", "available", ["*"], 3, ["x"]),
        AgentStatus("b", "B", "available", ["*"], 3, ["x"]),
        AgentStatus("c", "C", "available", ["*"], 3, []),
    ]

    def pick(**kwargs: object) -> str | None:
        options = {
            "busy": set(),
            "passed": {},
            "last_offered": {},
            "now": 1000.0,
            "cooldown_seconds": 30.0,
            **kwargs,
        }
        chosen = choose_agent(agents, "waste", **options)  # type: ignore[arg-type]
        return chosen.agent_id if chosen else None

    assert pick() == "c"
    assert pick(busy={"c"}) == "a"
    assert pick(busy={"c"}, last_offered={"a": 900.0, "b": 800.0}) == "b"
    assert pick(passed={"c": 990.0}) == "a"
    assert pick(passed={"a": 950.0, "b": 960.0, "c": 990.0}) == "a"
    assert pick(passed={"a": 980.0, "b": 985.0, "c": 990.0}) is None


async def test_the_dispatcher_task_starts_and_stops_with_its_owner(one):
    await agent(one, "alice")
    chat = await waiting_chat(one)
    one.dispatcher.interval_seconds = 0.01

    one.dispatcher.start()
    for _ in range(200):
        if await offered_to(one, chat):
            break
        await asyncio.sleep(0.01)
    await one.dispatcher.stop()

    assert await offered_to(one, chat) == "alice"
    assert one.dispatcher._task is None


async def test_an_agent_gone_silent_has_their_chat_put_first_in_the_queue(world, one):
    alice = await agent(one, "alice")
    earlier = await waiting_chat(one)
    chat = await waiting_chat(one)
    await one.handoff.accept(alice, chat)
    await one.conversations.state.agents.touch("alice", one.handoff.now())

    world.clock.advance(one.dispatcher.absent_after_seconds - 1)
    await one.dispatcher.tick()
    assert (await one.conversations.log.ownership(chat)).agent_id == "alice"

    world.clock.advance(1)
    await one.dispatcher.tick()

    ownership = await one.conversations.log.ownership(chat)
    assert ownership.owner is Owner.WAITING
    assert await one.conversations.state.queues.waiting("waste") == [chat, earlier]
    told = (await one.conversations.history(chat))[-1]
    assert "lost their connection" in told.body["text"]
    alice_now = await one.conversations.state.agents.get("alice")
    assert alice_now is not None
    assert alice_now.chats == []
    assert alice_now.presence == "offline"


async def test_an_agent_whose_console_keeps_saying_so_keeps_their_chat(world, one):
    alice = await agent(one, "alice")
    chat = await waiting_chat(one)
    await one.handoff.accept(alice, chat)

    for _ in range(10):
        await one.conversations.state.agents.touch("alice", one.handoff.now())
        world.clock.advance(10)
        await one.dispatcher.tick()

    assert (await one.conversations.log.ownership(chat)).agent_id == "alice"
