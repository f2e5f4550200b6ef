"""The ledger must notice every way a message can go missing or come twice."""

from tools.load.ledger import Ledger


def delivered_once(ledger: Ledger) -> None:
    ledger.sent("m1", "c1", ("resident", "agent"))
    ledger.stored("m1", 3)
    ledger.delivered("resident", 3, "m1")
    ledger.delivered("agent", 3, "m1")


def test_ledger_message_seen_by_everyone_once_is_clean():
    ledger = Ledger()
    delivered_once(ledger)

    assert ledger.clean
    assert ledger.summary()["lost"] == 0


def test_ledger_message_never_reaching_the_agent_is_lost():
    ledger = Ledger()
    ledger.sent("m1", "c1", ("resident", "agent"))
    ledger.stored("m1", 3)
    ledger.delivered("resident", 3, "m1")

    assert ledger.lost() == ["m1"]
    assert not ledger.clean


def test_ledger_message_never_acknowledged_is_lost():
    ledger = Ledger()
    ledger.sent("m1", "c1", ("resident",))
    ledger.delivered("resident", 3, "m1")

    assert ledger.lost() == ["m1"]


def test_ledger_message_stored_under_two_numbers_is_duplicated():
    ledger = Ledger()
    delivered_once(ledger)
    ledger.stored("m1", 4)

    assert ledger.duplicated() == ["m1"]


def test_ledger_message_delivered_twice_to_one_side_is_duplicated():
    ledger = Ledger()
    delivered_once(ledger)
    ledger.delivered("agent", 5, "m1")

    assert ledger.duplicated() == ["m1"]


def test_ledger_resend_of_the_same_id_is_one_message():
    ledger = Ledger()
    delivered_once(ledger)
    ledger.sent("m1", "c1", ("resident", "agent"))
    ledger.stored("m1", 3)

    assert ledger.clean
    assert ledger.summary()["messages"] == 1


def test_ledger_gap_or_repeat_on_a_connection_is_not_clean():
    gapped, repeated = Ledger(), Ledger()
    gapped.gap("resident", "c1", 4, 4)
    repeated.repeated()

    assert not gapped.clean
    assert not repeated.clean


def test_ledger_audit_finds_a_message_logged_twice_and_a_gap():
    ledger = Ledger()
    delivered_once(ledger)
    events = [
        {"seq": 1, "client_message_id": None},
        {"seq": 3, "client_message_id": "m1"},
        {"seq": 4, "client_message_id": "m1"},
    ]

    ledger.audit("c1", events)

    assert len(ledger.audit_problems) == 2


def test_ledger_audit_of_a_complete_log_finds_nothing():
    ledger = Ledger()
    delivered_once(ledger)
    events = [
        {"seq": 1, "client_message_id": None},
        {"seq": 2, "client_message_id": None},
        {"seq": 3, "client_message_id": "m1"},
    ]

    ledger.audit("c1", events)

    assert ledger.audit_problems == []


def test_ledger_highest_stored_is_per_conversation():
    ledger = Ledger()
    delivered_once(ledger)
    ledger.sent("m2", "c2", ("resident",))
    ledger.stored("m2", 9)

    assert ledger.highest_stored("c1") == 3
    assert ledger.highest_stored("c3") == 0


def test_ledger_resident_gap_at_events_only_staff_see_is_clean():
    ledger = Ledger()
    ledger.staff_event("c1", 4)
    ledger.staff_event("c1", 5)
    ledger.gap("resident", "c1", 4, 5)
    events = [{"seq": seq, "client_message_id": None} for seq in (1, 2, 3, 6)]

    ledger.audit("c1", events)

    assert ledger.clean, ledger.summary()


def test_ledger_resident_gap_past_the_staff_only_events_is_not_clean():
    ledger = Ledger()
    ledger.staff_event("c1", 4)
    ledger.gap("resident", "c1", 4, 5)
    events = [{"seq": seq, "client_message_id": None} for seq in (1, 2, 3, 6)]

    ledger.audit("c1", events)

    assert ledger.summary()["gaps"] == 1
    assert len(ledger.audit_problems) == 1


def test_ledger_staff_only_event_sent_to_a_resident_is_a_problem():
    ledger = Ledger()
    ledger.staff_event("c1", 2)
    events = [{"seq": seq, "client_message_id": None} for seq in (1, 2, 3)]

    ledger.audit("c1", events)

    assert len(ledger.audit_problems) == 1


def test_ledger_agent_gap_is_never_excused():
    ledger = Ledger()
    ledger.staff_event("c1", 4)
    ledger.gap("agent", "c1", 4, 4)

    assert not ledger.clean
