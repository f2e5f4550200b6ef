"""Telling a councillor, unprompted, that one of their cases has moved on.

Call :meth:`CaseworkNotifier.on_status_changed` after
``EnquiryService.change_status`` succeeds, from any process that can build a
notifier (:func:`webchat.teams.build_notifier` needs only the settings and the
database). The message goes to the one-to-one chat the councillor last wrote
from; a councillor who has never written to the bot cannot be reached yet.
"""

import hashlib
import logging
from dataclasses import dataclass

from council.councillors import CaseworkService
from webchat.teams import messages
from webchat.teams.activities import message
from webchat.teams.connector import ConnectorClient, ConnectorError
from webchat.teams.dedupe import SeenActivities

logger = logging.getLogger(__name__)


@dataclass
class CaseworkNotifier:
    casework: CaseworkService
    connector: ConnectorClient
    seen: SeenActivities

    async def on_status_changed(self, reference: str) -> bool:
        """Message the councillor who raised ``reference`` about its status.

        Returns True if a message was sent. Never raises for a case no
        councillor raised, an unreachable councillor or a Teams failure (those
        are logged): the status change itself has already happened. Called
        twice for the same change, it sends one message.
        """
        owner = await self.casework.owner_of(reference)
        if owner is None:
            return False
        enquiry = await self.casework.enquiries.get(reference)
        if enquiry is None:
            return False

        to = await self.casework.conversation_of(owner)
        if to is None:
            logger.info(
                "Case %s changed but councillor %s has not messaged the bot yet",
                enquiry.reference,
                owner.object_id,
            )
            return False

        change = (
            f"{enquiry.reference}\n{enquiry.status}\n{enquiry.updated_at.isoformat()}"
        )
        key = "notify:" + hashlib.sha256(change.encode()).hexdigest()[:40]
        if not await self.seen.claim(key):
            return False

        history = await self.casework.enquiries.history(enquiry.reference)
        text = messages.status_changed(enquiry, history[-1] if history else None)
        try:
            await self.connector.send(to, message(text))
        except ConnectorError:
            logger.warning("Could not tell the councillor about %s", enquiry.reference)
            return False

        logger.info("Told councillor %s about %s", owner.object_id, enquiry.reference)
        return True
