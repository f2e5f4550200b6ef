"""A short burst of load on the real stack: nothing lost, nothing repeated.

The full benchmark is ``make bench``; this runs its workloads small enough for
``make test`` and holds them to the delivery guarantees of docs/protocol.md.
"""

import pytest

from tools.load.chat import ChatWorkload, gateway_chat
from tools.load.questions import load_texts, plans
from tools.load.relay import RelayWorkload, agent_relay

pytestmark = pytest.mark.e2e


async def test_burst_of_residents_reconnecting_midway_loses_and_repeats_nothing(
    stack,
):
    burst = plans(load_texts(), residents=10, questions=3, seed=9)
    workload = ChatWorkload(
        think_seconds=(0.1, 0.5), reply_timeout=45.0, reconnect_after=1
    )

    result = await gateway_chat(stack.gateway_url, burst, workload)

    assert result.failed_residents == 0
    assert result.questions == 30
    assert result.unanswered == 0
    delivery = result.ledger.summary()
    assert delivery["messages"] == 30
    assert (delivery["lost"], delivery["duplicated"]) == (0, 0), delivery
    assert (delivery["gaps"], delivery["repeated_deliveries"]) == (0, 0), delivery
    assert delivery["audit_problems"] == 0, result.ledger.audit_problems


async def test_question_sent_just_before_the_connection_drops_is_still_answered(
    stack,
):
    burst = plans(load_texts(), residents=5, questions=1, seed=11)
    workload = ChatWorkload(
        think_seconds=(0.1, 0.2),
        reply_timeout=45.0,
        reconnect_after=0,
        reconnect_before_ack=True,
    )

    result = await gateway_chat(stack.gateway_url, burst, workload)

    assert result.failed_residents == 0
    assert result.unanswered == 0


async def test_agents_relaying_in_several_chats_lose_and_repeat_nothing(stack):
    workload = RelayWorkload(chats=6, rounds=2, think_seconds=(0.1, 0.4))

    result = await agent_relay(
        stack.gateway_url, stack.identity_provider().ca_file, workload
    )

    assert result.setup_failures == {}
    assert result.active_chats == 6
    assert result.timeouts == 0
    assert len(result.agent_to_resident.samples) == 12
    assert len(result.resident_to_agent.samples) == 12
    assert result.ledger.clean, result.ledger.summary()
