"""Which resident, if any, has signed in to each conversation.

A conversation starts anonymous. When the resident signs in part-way through,
the verified identity is linked to that conversation (and only that one) for a
few hours; the gateway asks :meth:`ResidentLinks.identity_for_conversation`
before it hands Rasa anything personal.
"""

import json
import logging
from dataclasses import asdict

from webchat.identity.errors import ConversationSignedInElsewhereError
from webchat.identity.models import ResidentIdentity
from webchat.identity.store import RecordStore

logger = logging.getLogger(__name__)


class ResidentLinks:
    def __init__(self, records: RecordStore, lifetime_seconds: int = 4 * 3600):
        self.records = records
        self.lifetime_seconds = lifetime_seconds

    async def link(self, conversation_id: str, resident: ResidentIdentity) -> None:
        """Record that ``resident`` signed in to ``conversation_id``.

        Signing in again as the same resident renews the link. A conversation
        already linked to someone else is refused: one chat never changes hands,
        so nothing one resident was shown can reach another.
        """
        current = await self.identity_for_conversation(conversation_id)
        if current is not None and current.subject != resident.subject:
            raise ConversationSignedInElsewhereError(
                f"conversation {conversation_id} is linked to another resident"
            )

        await self.records.put(
            _key(conversation_id), json.dumps(asdict(resident)), self.lifetime_seconds
        )
        logger.info("Resident signed in to conversation %s", conversation_id)

    async def identity_for_conversation(
        self, conversation_id: str
    ) -> ResidentIdentity | None:
        """The resident signed in to this conversation, or None if anonymous."""
        stored = await self.records.get(_key(conversation_id))
        if stored is None:
            return None
        return ResidentIdentity(**json.loads(stored))

    async def unlink(self, conversation_id: str) -> None:
        """Sign the conversation out: it carries on anonymous."""
        await self.records.delete(_key(conversation_id))
        logger.info("Resident signed out of conversation %s", conversation_id)


def _key(conversation_id: str) -> str:
    return "resident:" + conversation_id
