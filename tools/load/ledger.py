"""Bookkeeping that proves every message arrived exactly once.

Each simulated person registers a message when they first send it, with the
people who must see it. Every connection reports each event it receives. At
the end a message is *lost* if it was never acknowledged or some intended
receiver never got it, and *duplicated* if it was stored under two sequence
numbers or reached one receiver twice. A gap in the sequence numbers one
connection saw counts as lost too: the protocol promises none, except that a
resident is never sent staff-only events (notes, offers and other routing), so
a resident's gap is excused where every number skipped is such an event, as
the agents' connections, which see the whole log, reported it.
"""

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class _Message:
    conversation_id: str
    receivers: tuple[str, ...]
    stored_as: set[int] = field(default_factory=set)
    seen_by: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Ledger:
    messages: dict[str, _Message] = field(default_factory=dict)
    repeated_deliveries: int = 0
    gaps: list[tuple[str, str, int, int]] = field(default_factory=list)
    audit_problems: list[str] = field(default_factory=list)
    staff_only: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def sent(
        self, client_message_id: str, conversation_id: str, receivers: tuple[str, ...]
    ) -> None:
        """Register a new message; a resend of the same id changes nothing."""
        if client_message_id not in self.messages:
            self.messages[client_message_id] = _Message(conversation_id, receivers)

    def stored(self, client_message_id: str, seq: int) -> None:
        """The server acknowledged the message under ``seq``."""
        message = self.messages.get(client_message_id)
        if message is not None:
            message.stored_as.add(seq)

    def delivered(self, receiver: str, seq: int, client_message_id: str | None) -> None:
        """A connection of ``receiver`` got the event ``seq``."""
        if client_message_id is None:
            return
        message = self.messages.get(client_message_id)
        if message is not None:
            message.seen_by[receiver].append(seq)

    def repeated(self) -> None:
        """A connection got a sequence number it had already shown."""
        self.repeated_deliveries += 1

    def gap(self, receiver: str, conversation_id: str, first: int, last: int) -> None:
        """A connection skipped from ``first - 1`` to ``last + 1``."""
        self.gaps.append((receiver, conversation_id, first, last))

    def staff_event(self, conversation_id: str, seq: int) -> None:
        """A staff connection got ``seq``, an event residents are never sent."""
        self.staff_only[conversation_id].add(seq)

    def unexplained_gaps(self) -> list[tuple[str, str, int, int]]:
        """Gaps other than a resident's at events only staff are sent."""
        return [
            (receiver, conversation_id, first, last)
            for receiver, conversation_id, first, last in self.gaps
            if receiver != "resident"
            or not set(range(first, last + 1)) <= self.staff_only[conversation_id]
        ]

    def audit(self, conversation_id: str, events: list[dict[str, object]]) -> None:
        """Check a conversation's whole log, replayed from the start by a resident.

        Every message registered for it must be in the log exactly once, and the
        sequence numbers, with the staff-only events the agents saw, must run
        1, 2, 3 … with no gap or repeat.
        """
        seqs = [int(str(event["seq"])) for event in events]
        last = max(seqs, default=0)
        staff = {seq for seq in self.staff_only[conversation_id] if seq < last}
        if sorted(seqs + sorted(staff)) != list(range(1, len(seqs) + len(staff) + 1)):
            self.audit_problems.append(f"{conversation_id}: log sequence {seqs}")

        counts: dict[str, int] = defaultdict(int)
        for event in events:
            if isinstance(event.get("client_message_id"), str):
                counts[str(event["client_message_id"])] += 1
        for client_message_id, message in self.messages.items():
            if message.conversation_id != conversation_id:
                continue
            if counts.get(client_message_id, 0) != 1:
                self.audit_problems.append(
                    f"{conversation_id}: {client_message_id} in the log "
                    f"{counts.get(client_message_id, 0)} times"
                )

    def highest_stored(self, conversation_id: str) -> int:
        """The highest sequence number acknowledged in the conversation."""
        return max(
            (
                seq
                for message in self.messages.values()
                if message.conversation_id == conversation_id
                for seq in message.stored_as
            ),
            default=0,
        )

    def lost(self) -> list[str]:
        """Ids of messages not stored, or not seen by a receiver that should."""
        missing = []
        for client_message_id, message in self.messages.items():
            if not message.stored_as or any(
                not message.seen_by.get(receiver) for receiver in message.receivers
            ):
                missing.append(client_message_id)
        return missing

    def duplicated(self) -> list[str]:
        """Ids stored under two sequence numbers or delivered twice to one side."""
        doubled = []
        for client_message_id, message in self.messages.items():
            if len(message.stored_as) > 1 or any(
                len(seqs) > 1 for seqs in message.seen_by.values()
            ):
                doubled.append(client_message_id)
        return doubled

    def summary(self) -> dict[str, object]:
        lost = self.lost()
        duplicated = self.duplicated()
        return {
            "messages": len(self.messages),
            "lost": len(lost),
            "duplicated": len(duplicated),
            "repeated_deliveries": self.repeated_deliveries,
            "gaps": len(self.unexplained_gaps()),
            "audit_problems": len(self.audit_problems),
            "examples": (lost[:3] + duplicated[:3] + self.audit_problems[:3]) or None,
        }

    @property
    def clean(self) -> bool:
        return not (
            self.lost()
            or self.duplicated()
            or self.repeated_deliveries
            or self.unexplained_gaps()
            or self.audit_problems
        )
