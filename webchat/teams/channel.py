"""One request to ``/api/messages``: authenticate, claim, answer, work on.

:meth:`TeamsChannel.receive` does only what must happen before the answer:
read the activity, check its token in full, and claim its id so a redelivery
does nothing. Everything else (database work, replies) runs in a background
task after the Bot Connector has its answer, well inside the ~15 s after which
Teams would send the activity again.
"""

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from council.errors import CouncilError
from webchat.teams import messages
from webchat.teams.activities import Activity, message
from webchat.teams.auth import BotAuthenticator
from webchat.teams.bot import CaseworkBot
from webchat.teams.cards import submitted_form
from webchat.teams.connector import ConnectorClient
from webchat.teams.dedupe import SeenActivities, activity_key
from webchat.teams.notifier import CaseworkNotifier

logger = logging.getLogger(__name__)

CARD_ACTION = "adaptiveCard/action"
# What a Universal Actions client shows while the case is being raised.
CARD_ACTION_ACCEPTED = {
    "statusCode": 200,
    "type": "application/vnd.microsoft.activity.message",
    "value": "Thanks, I'm raising the case now.",
}
WORK_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10


class InvalidActivityError(CouncilError):
    code = "invalid_activity"
    status = 400
    public_message = "The request body is not a Bot Framework activity."


@dataclass(frozen=True)
class Answer:
    """The HTTP answer for the Bot Connector: a status and, for invokes, a body."""

    status: int
    body: dict[str, Any] | None = None


@dataclass
class TeamsChannel:
    authenticator: BotAuthenticator
    seen: SeenActivities
    bot: CaseworkBot
    notifier: CaseworkNotifier
    connector: ConnectorClient
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, repr=False)

    async def receive(self, authorization: str | None, body: Any) -> Answer:
        """Check and accept one activity; the work goes on in the background.

        Raises ``BotAuthenticationError`` (401) for any failed check and
        :class:`InvalidActivityError` (400) for a body that is no activity.
        """
        try:
            activity = Activity.model_validate(body)
        except ValidationError as error:
            raise InvalidActivityError(
                f"{error.error_count()} invalid fields"
            ) from None

        await self.authenticator.authenticate(
            authorization, activity.channel_id, activity.service_url
        )

        if activity.id is not None:
            key = activity_key(
                activity.channel_id, activity.conversation.id, activity.id
            )
            if not await self.seen.claim(key):
                logger.info("Ignored a repeated %s activity", activity.type)
                return self._repeat_answer(activity)

        return self._dispatch(activity)

    def _dispatch(self, activity: Activity) -> Answer:
        if activity.type == "message":
            self._spawn(self.bot.on_message(activity), activity, apologise=True)
            return Answer(202)

        if activity.type == "conversationUpdate":
            self._spawn(self.bot.on_conversation_update(activity), activity)
            return Answer(202)

        if activity.type == "invoke":
            form = submitted_form(activity.value)
            if activity.name == CARD_ACTION and form is not None:
                self._spawn(
                    self.bot.on_card_action(activity, form), activity, apologise=True
                )
                return Answer(200, CARD_ACTION_ACCEPTED)
            logger.info("Answered an invoke the bot does not handle")
            return Answer(200, {})

        logger.debug("Nothing to do for a %s activity", activity.type)
        return Answer(200)

    @staticmethod
    def _repeat_answer(activity: Activity) -> Answer:
        if activity.type == "invoke":
            return Answer(
                200, CARD_ACTION_ACCEPTED if activity.name == CARD_ACTION else {}
            )
        return Answer(200)

    def _spawn(
        self,
        work: Coroutine[Any, Any, None],
        activity: Activity,
        *,
        apologise: bool = False,
    ) -> None:
        task = asyncio.create_task(self._run(work, activity, apologise))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(
        self, work: Coroutine[Any, Any, None], activity: Activity, apologise: bool
    ) -> None:
        try:
            async with asyncio.timeout(WORK_TIMEOUT_SECONDS):
                await work
        except Exception:
            # No personal data in exceptions raised on purpose; the traceback
            # stays at debug level in case a driver error quotes a value.
            logger.error("Handling a Teams %s activity failed", activity.type)
            logger.debug("Teams activity failure", exc_info=True)
            if apologise:
                await self._apologise(activity)

    async def _apologise(self, activity: Activity) -> None:
        try:
            await self.connector.send(
                activity.reference(),
                message(messages.SOMETHING_WENT_WRONG),
                reply_to=activity.id,
            )
        except Exception:
            logger.warning("Could not tell the councillor something went wrong")

    async def drain(self) -> None:
        """Wait for work in progress (tests, and a graceful stop)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Finish work in progress and councillors' notifications (up to 10 s
        each), cancel what is left, then close the connections."""
        if self._tasks:
            # asyncio.wait, not gather under a timeout: that would cancel the
            # work before it could be counted.
            await asyncio.wait(list(self._tasks), timeout=STOP_TIMEOUT_SECONDS)
        unfinished = list(self._tasks)
        if unfinished:
            logger.warning("Stopping with %d Teams replies unsent", len(unfinished))
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        await self.notifier.close(STOP_TIMEOUT_SECONDS)
        await self.connector.close()
