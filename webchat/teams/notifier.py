"""Telling a councillor, unprompted, that one of their cases has moved on.

Staff change a status and their request returns as soon as the change is
stored: :meth:`CaseworkNotifier.notify_later` only starts a background task,
which posts the message with a bounded number of attempts (tenacity, waits
doubling), so a slow or failing Bot Connector never slows or fails the staff
request. The notifier holds its tasks until they finish; :meth:`close` waits
for them, then cancels what is left, at shutdown.

The message goes to the one-to-one chat the councillor last wrote from; a
councillor who has never written to the bot cannot be reached yet. Logs name
the enquiry reference only.
"""

import asyncio
import functools
import hashlib
import logging
from dataclasses import dataclass, field

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from council.councillors import CaseworkService, ConversationReference
from webchat.teams import messages
from webchat.teams.activities import message
from webchat.teams.connector import (
    ConnectorClient,
    ConnectorError,
    ConnectorRefusedError,
)
from webchat.teams.dedupe import SeenActivities

logger = logging.getLogger(__name__)

ATTEMPTS = 6
FIRST_WAIT_SECONDS = 2.0
LONGEST_WAIT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


@dataclass
class CaseworkNotifier:
    """Sends status-change messages to councillors.

    ``attempts`` bounds the posts of one message (each post is itself retried
    briefly by the connector client on 429 and 5xx); between attempts it waits
    ``first_wait_seconds``, doubling up to ``longest_wait_seconds``.
    """

    casework: CaseworkService
    connector: ConnectorClient
    seen: SeenActivities
    attempts: int = ATTEMPTS
    first_wait_seconds: float = FIRST_WAIT_SECONDS
    longest_wait_seconds: float = LONGEST_WAIT_SECONDS
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, repr=False)
    _latest: dict[str, asyncio.Task[None]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {self.attempts}")

    def notify_later(self, reference: str) -> None:
        """Tell the councillor about ``reference`` in the background; returns
        at once.

        Messages about one case go out in the order of the changes: each
        waits for the one before it.
        """
        previous = self._latest.get(reference)
        task = asyncio.create_task(
            self._notify_after(previous, reference), name=reference
        )
        self._tasks.add(task)
        self._latest[reference] = task
        task.add_done_callback(functools.partial(self._forget, reference))

    @property
    def pending(self) -> int:
        """Notifications started and not yet finished."""
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait until every notification started so far has finished."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def close(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Let pending notifications finish for up to ``timeout`` seconds, then
        cancel the rest (each is logged by reference) and wait for them."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks and loop.time() < deadline:
            # asyncio.wait, not gather: its timeout leaves the tasks running.
            await asyncio.wait(list(self._tasks), timeout=deadline - loop.time())

        unfinished = list(self._tasks)
        for task in unfinished:
            logger.warning(
                "Stopping before the councillor heard about %s", task.get_name()
            )
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)

    async def on_status_changed(self, reference: str) -> bool:
        """Message the councillor who raised ``reference`` about its status.

        Returns True if a message was sent. Never raises for a case no
        councillor raised, an unreachable councillor or a Teams failure (those
        are logged): the status change itself has already happened. Called
        twice for the same change, it sends one message. Takes as long as the
        attempts do: callers on a request path use :meth:`notify_later`.
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
                "Case %s changed but its councillor has not messaged the bot yet",
                enquiry.reference,
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
            await self._send(to, text, enquiry.reference)
        except ConnectorError:
            logger.warning(
                "Could not tell the councillor about %s after %d attempts",
                enquiry.reference,
                self.attempts,
            )
            return False

        logger.info("Told the councillor about %s", enquiry.reference)
        return True

    async def _send(self, to: ConversationReference, text: str, reference: str) -> None:
        """Post the message, trying again while the failure may pass."""

        def waiting(state: RetryCallState) -> None:
            logger.info(
                "Teams message about %s failed (attempt %d); trying again",
                reference,
                state.attempt_number,
            )

        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(
                multiplier=self.first_wait_seconds, max=self.longest_wait_seconds
            ),
            retry=retry_if_exception(_may_pass),
            before_sleep=waiting,
            reraise=True,
        ):
            with attempt:
                await self.connector.send(to, message(text))

    async def _notify_after(
        self, previous: asyncio.Task[None] | None, reference: str
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        try:
            await self.on_status_changed(reference)
        except Exception:
            # A database error or a bug; the status change itself stands. The
            # traceback stays at debug level in case a driver error quotes a
            # value.
            logger.error("Telling the councillor about %s failed", reference)
            logger.debug("Councillor notification failure", exc_info=True)

    def _forget(self, reference: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._latest.get(reference) is task:
            del self._latest[reference]


def _may_pass(error: BaseException) -> bool:
    """A connector that refused the post outright will refuse it again."""
    return isinstance(error, ConnectorError) and not isinstance(
        error, ConnectorRefusedError
    )
