"""A councillor and where to reach them, as plain frozen dataclasses."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Councillor:
    """An elected member, recognised by their Entra ID object id.

    ``object_id`` is the ``oid`` Entra gives the member's account (Teams sends
    it as ``from.aadObjectId``); it never changes when they rename or re-marry.
    """

    object_id: str
    name: str
    ward: str
    email: str | None = None


@dataclass(frozen=True)
class ConversationReference:
    """Enough of a Teams conversation to post into it later, unprompted.

    Taken from the councillor's last activity in a one-to-one chat with the
    bot. ``service_url`` is where that conversation's Bot Connector lives; it
    was authenticated with the activity (the token's ``serviceurl`` claim).
    """

    channel_id: str
    service_url: str
    conversation_id: str
    bot_id: str
    bot_name: str
    user_id: str
    tenant_id: str | None = None
