"""Who owns a conversation, and which changes of owner are allowed.

Only in ``bot`` do a resident's messages reach the assistant. A handoff moves the
chat to ``waiting`` (in a queue), an agent's accept to ``agent``; the agent may
hand back to the assistant, transfer to a queue (``waiting`` again) or to another
agent, or close. This module holds the rules only; it does no I/O.
"""

from enum import StrEnum

from webchat.errors import GatewayError


class Owner(StrEnum):
    BOT = "bot"
    WAITING = "waiting"
    AGENT = "agent"
    CLOSED = "closed"


ALLOWED: dict[Owner, frozenset[Owner]] = {
    Owner.BOT: frozenset({Owner.WAITING, Owner.CLOSED}),
    Owner.WAITING: frozenset({Owner.AGENT, Owner.BOT, Owner.CLOSED}),
    Owner.AGENT: frozenset({Owner.AGENT, Owner.WAITING, Owner.BOT, Owner.CLOSED}),
    Owner.CLOSED: frozenset(),
}


class InvalidHandoverError(GatewayError):
    code = "invalid_handover"
    status = 409

    def __init__(self, current: Owner, target: Owner):
        super().__init__(
            f"cannot move a conversation from {current} to {target}",
            public_message=(
                f"This chat cannot move from '{current}' to '{target}'. Refresh to "
                "see who has it now."
            ),
        )
        self.current = current
        self.target = target


def check_handover(current: Owner, target: Owner) -> None:
    """Raise :class:`InvalidHandoverError` unless ``current -> target`` is allowed."""
    if target not in ALLOWED[current]:
        raise InvalidHandoverError(current, target)


def assistant_may_answer(owner: Owner) -> bool:
    """The assistant speaks only while it owns the chat."""
    return owner is Owner.BOT
