"""Staff sessions: an opaque id in a cookie, everything else server side.

The cookie holds only a random id; the store's key is that id's SHA-256, so a
copy of the store does not hand out live cookies. Each session carries its own
synchronizer token for CSRF checks on state-changing requests.
"""

import hashlib
import json
import logging
import secrets
import time

from webchat.identity.models import Session, SignedInUser
from webchat.identity.store import RecordStore

logger = logging.getLogger(__name__)


class SessionStore:
    """Create, find and end staff sessions."""

    def __init__(self, records: RecordStore, lifetime_seconds: int = 8 * 3600):
        self.records = records
        self.lifetime_seconds = lifetime_seconds

    async def create(self, user: SignedInUser) -> Session:
        """A new session with a fresh id and CSRF token (never a reused one)."""
        session = Session(
            session_id=secrets.token_urlsafe(32),
            user=user,
            csrf_token=secrets.token_urlsafe(32),
            expires_at=time.time() + self.lifetime_seconds,
        )
        record = {
            "user": user.to_json(),
            "csrf_token": session.csrf_token,
            "expires_at": session.expires_at,
        }
        await self.records.put(
            _key(session.session_id), json.dumps(record), self.lifetime_seconds
        )
        logger.debug("Session created")
        return session

    async def get(self, session_id: str | None) -> Session | None:
        """The live session with this id, or None."""
        if not session_id:
            return None
        stored = await self.records.get(_key(session_id))
        if stored is None:
            return None

        record = json.loads(stored)
        if record["expires_at"] <= time.time():
            return None
        return Session(
            session_id=session_id,
            user=SignedInUser.from_json(record["user"]),
            csrf_token=record["csrf_token"],
            expires_at=record["expires_at"],
        )

    async def end(self, session_id: str) -> None:
        await self.records.delete(_key(session_id))
        logger.debug("Session ended")


def _key(session_id: str) -> str:
    return "session:" + hashlib.sha256(session_id.encode("utf-8")).hexdigest()
