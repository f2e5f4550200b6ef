"""Handoff rules over a real SQLite log: queues, one winner, a silent assistant."""

import asyncio
from datetime import UTC, datetime, time
from pathlib import Path

import httpx
import pytest

from council.database import create_engine, create_tables
from webchat.conversation_log import ConversationLog
from webchat.conversations import ASSISTANT_UNAVAILABLE, ConversationService
from webchat.handoff import HandoffService, NotYourChatError
from webchat.opening_hours import OpeningHours
from webchat.ownership import InvalidHandoverError, Owner
from webchat.rasa_client import RasaClient
from webchat.state import build
from webchat.state.agents import AgentStatus

A_WEDNESDAY_NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
ALWAYS = OpeningHours({day: (time(0, 0), time(23, 59)) for day in range(7)})


@pytest.fixture()
async def service(tmp_path: Path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'council.db'}")
    await create_tables(engine)
    # Nothing listens on port 9: a call to Rasa would fail and show in the log.
    http = httpx.AsyncClient(timeout=2)
    rasa = RasaClient("http://127.0.0.1:9", b"secret", "token", http)
    conversations = ConversationService(ConversationLog(engine), build(""), rasa, 2000)
    conversations.handoff = HandoffService(
        conversations, ALWAYS, max_queue=2, clock=lambda: A_WEDNESDAY_NOON
    )
    yield conversations
    await http.aclose()
    await engine.dispose()


async def available_agent(service, agent_id="alice", skills=("waste",)):
    agent = AgentStatus(agent_id, agent_id.title(), "available", list(skills), 2)
    await service.state.agents.put(agent)
    return agent


async def test_request_with_an_available_agent_queues_the_chat(service):
    await available_agent(service)
    conversation_id = await service.start()

    event = await service.handoff.request(conversation_id, "waste", "resident_asked")

    assert event.body["handoff"] == {
        "state": "waiting",
        "area": "waste",
        "position": 1,
        "wait_minutes": None,
    }
    assert "number 1 in the queue" in event.body["text"]
    assert (await service.log.ownership(conversation_id)).owner is Owner.WAITING


async def test_request_outside_opening_hours_offers_a_message_instead(service):
    await available_agent(service)
    service.handoff.hours = OpeningHours({})
    conversation_id = await service.start()

    event = await service.handoff.request(conversation_id, "waste", "resident_asked")

    assert event.body["handoff"]["why"] == "closed"
    assert (await service.log.ownership(conversation_id)).owner is Owner.BOT


async def test_request_on_a_bank_holiday_is_closed_whatever_the_hours(service):
    await available_agent(service)
    service.handoff.clock = lambda: datetime(2026, 12, 25, 12, 0, tzinfo=UTC)
    conversation_id = await service.start()

    event = await service.handoff.request(conversation_id, "waste", "resident_asked")

    assert event.body["handoff"]["why"] == "closed"


async def test_request_with_no_agent_for_the_area_is_not_queued(service):
    await available_agent(service, skills=("housing",))
    conversation_id = await service.start()

    event = await service.handoff.request(conversation_id, "waste", "resident_asked")

    assert event.body["handoff"]["why"] == "no_agent"


async def test_request_when_the_queue_is_full_is_not_queued(service):
    await available_agent(service)
    for _ in range(2):
        await service.handoff.request(await service.start(), "waste", "asked")
    conversation_id = await service.start()

    event = await service.handoff.request(conversation_id, "waste", "resident_asked")

    assert event.body["handoff"]["why"] == "queue_full"


async def test_two_agents_accepting_one_chat_at_once_only_one_wins(service):
    alice = await available_agent(service, "alice")
    bob = await available_agent(service, "bob")
    conversation_id = await service.start()
    await service.handoff.request(conversation_id, "waste", "resident_asked")

    results = await asyncio.gather(
        service.handoff.accept(alice, conversation_id),
        service.handoff.accept(bob, conversation_id),
        return_exceptions=True,
    )

    assert sum(1 for r in results if isinstance(r, NotYourChatError)) == 1
    owner = await service.log.ownership(conversation_id)
    assert owner.owner is Owner.AGENT and owner.agent_id in ("alice", "bob")


async def test_assistant_stays_silent_while_an_agent_owns_the_chat(service):
    alice = await available_agent(service)
    conversation_id = await service.start()
    await service.handoff.request(conversation_id, "waste", "resident_asked")
    await service.handoff.accept(alice, conversation_id)

    accepted = await service.accept_text(conversation_id, "m1", "hello, anyone?")
    replies = await service.answer(accepted)

    assert replies == []
    history = await service.history(conversation_id)
    assert [e.author for e in history][-1] == "resident"


async def test_another_agent_cannot_speak_in_a_chat_it_does_not_own(service):
    alice = await available_agent(service, "alice")
    bob = await available_agent(service, "bob")
    conversation_id = await service.start()
    await service.handoff.request(conversation_id, "waste", "resident_asked")
    await service.handoff.accept(alice, conversation_id)

    with pytest.raises(NotYourChatError):
        await service.handoff.agent_says(bob, conversation_id, None, "hi")


async def test_hand_back_returns_the_chat_to_the_assistant(service):
    alice = await available_agent(service)
    conversation_id = await service.start()
    await service.handoff.request(conversation_id, "waste", "resident_asked")
    await service.handoff.accept(alice, conversation_id)

    await service.handoff.hand_back(alice, conversation_id)

    assert (await service.log.ownership(conversation_id)).owner is Owner.BOT
    assert conversation_id not in alice.chats


async def test_a_closed_chat_cannot_be_reopened_by_queueing(service):
    alice = await available_agent(service)
    conversation_id = await service.start()
    await service.handoff.request(conversation_id, "waste", "resident_asked")
    await service.handoff.accept(alice, conversation_id)
    await service.handoff.close(alice, conversation_id, "answered")

    with pytest.raises(InvalidHandoverError):
        await service.handoff.request(conversation_id, "waste", "resident_asked")


async def test_private_notes_are_logged_but_never_in_the_residents_history(service):
    alice = await available_agent(service)
    conversation_id = await service.start()
    await service.handoff.request(conversation_id, "waste", "resident_asked")
    await service.handoff.accept(alice, conversation_id)

    note = await service.handoff.note(alice, conversation_id, "Caller sounds upset")

    assert note.kind == "note"
    staff = [e.seq for e in await service.history(conversation_id)]
    resident = [e.seq for e in await service.resident_history(conversation_id)]
    assert note.seq in staff
    assert note.seq not in resident


async def test_transfer_to_a_queue_puts_the_chat_first_in_that_queue(service):
    alice = await available_agent(service, skills=("*",))
    conversation_id = await service.start()
    other = await service.start()
    await service.handoff.request(other, "housing", "resident_asked")
    await service.handoff.request(conversation_id, "waste", "resident_asked")
    await service.handoff.accept(alice, conversation_id)

    await service.handoff.transfer_to_queue(alice, conversation_id, "housing")

    assert await service.state.queues.waiting("housing") == [conversation_id, other]
    assert conversation_id not in alice.chats


async def test_someone_given_urgent_help_goes_to_the_front_of_the_queue(service):
    await available_agent(service, skills=("*",))
    earlier = await service.start()
    await service.handoff.request(earlier, "housing", "resident_asked")
    at_risk = await service.start()
    accepted = await service.accept_text(at_risk, None, "nowhere to sleep tonight")
    [urgent_help] = await service.answer(accepted)

    event = await service.handoff.request(at_risk, "housing", "resident_asked")

    assert "999" in urgent_help.body["text"]
    assert event.body["handoff"]["position"] == 1
    assert await service.state.queues.waiting("housing") == [at_risk, earlier]


async def test_transfer_to_another_agent_gives_them_the_chat(service):
    alice = await available_agent(service, "alice")
    bob = await available_agent(service, "bob")
    conversation_id = await service.start()
    await service.handoff.request(conversation_id, "waste", "resident_asked")
    await service.handoff.accept(alice, conversation_id)

    await service.handoff.transfer_to_agent(alice, conversation_id, bob)

    owner = await service.log.ownership(conversation_id)
    assert owner.agent_id == "bob"
    with pytest.raises(NotYourChatError):
        await service.handoff.agent_says(alice, conversation_id, None, "still here?")


async def test_request_when_unavailable_offers_buttons_the_resident_may_press(service):
    service.handoff.hours = OpeningHours({})
    conversation_id = await service.start()
    await service.handoff.request(conversation_id, "waste", "resident_asked")

    offered = await service._offered_buttons(conversation_id)

    assert "/report_problem" in offered


async def test_wait_estimate_appears_only_after_enough_accepted_chats(service):
    assert await service.handoff.wait_minutes("waste", 2) is None

    for seconds in (60.0, 120.0, 90.0):
        await service.state.waits.add("waste", seconds)

    assert await service.handoff.wait_minutes("waste", 2) == 3


async def test_message_left_unanswered_by_a_stopped_turn_is_answered_once(service):
    conversation_id = await service.start()
    accepted = await service.accept_text(conversation_id, "m1", "when is bin day?")

    await service.answer_unanswered(conversation_id)
    await service.answer_unanswered(conversation_id)

    replies = [
        e
        for e in await service.history(conversation_id)
        if e.body.get("reply_to") == accepted.event.seq
    ]
    # Rasa is not reachable here, so the one turn tells the resident so.
    assert [(e.author, e.body["text"]) for e in replies] == [
        ("system", ASSISTANT_UNAVAILABLE)
    ]


async def test_message_with_a_hidden_card_number_still_gets_its_turn(service):
    conversation_id = await service.start()
    accepted = await service.accept_text(
        conversation_id, "m1", "can i pay with 4444 3333 2222 1111"
    )

    events = await service.answer(accepted)

    # The card notice came first; the turn still ran (and, with Rasa out of
    # reach, said so) instead of taking the notice for an answer.
    assert [(e.author, e.body["text"]) for e in events] == [
        ("system", ASSISTANT_UNAVAILABLE)
    ]


async def test_a_card_notice_does_not_hide_a_message_left_unanswered(service):
    conversation_id = await service.start()
    accepted = await service.accept_text(
        conversation_id, "m1", "my card is 4444 3333 2222 1111"
    )

    await service.answer_unanswered(conversation_id)

    replies = [
        e.body["text"]
        for e in await service.history(conversation_id)
        if e.body.get("reply_to") == accepted.event.seq
    ]
    assert replies[-1] == ASSISTANT_UNAVAILABLE
    assert len(replies) == 2


async def test_unanswered_messages_in_an_agents_chat_stay_with_the_agent(service):
    alice = await available_agent(service)
    conversation_id = await service.start()
    await service.handoff.request(conversation_id, "waste", "resident_asked")
    await service.handoff.accept(alice, conversation_id)
    await service.accept_text(conversation_id, "m1", "hello, anyone?")

    await service.answer_unanswered(conversation_id)

    history = await service.history(conversation_id)
    assert history[-1].author == "resident"
