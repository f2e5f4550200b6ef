"""The gateway's conversation service: accept, log, hand to the assistant, fan out.

Transport layers (the websocket and the REST API) call this and nothing else. A
resident message is first stored with its sequence number and the sender's own
message id (so a repeat is answered with the same acknowledgement and not
processed twice), then handed to the assistant one turn at a time per conversation.
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from council.errors import CouncilError
from council.redaction import CARD_WARNING, redact_card_numbers
from council.safeguarding import (
    SAMPLE_URGENT_HELP,
    UrgentHelp,
    concern_in,
    urgent_reply,
)
from webchat import metrics
from webchat.conversation_log import (
    STAFF_ONLY_KINDS,
    ConversationLog,
    DuplicateMessageError,
    Event,
)
from webchat.errors import (
    AlreadyRatedError,
    EmptyMessageError,
    MessageTooLongError,
    UnknownConversationError,
    UnofferedButtonError,
)
from webchat.message_text import clean_text
from webchat.ownership import Owner, assistant_may_answer
from webchat.rasa_client import RasaClient, RasaUnavailableError
from webchat.replies import bot_events_from_rasa
from webchat.state import SharedState

if TYPE_CHECKING:
    from council.payments import PaymentService
    from webchat.handoff import HandoffService

logger = logging.getLogger(__name__)

CHAT_CLOSED = (
    "This chat has ended, so nobody will see this message. Please start a new chat "
    "if you need more help."
)

NO_REPLY = (
    "Sorry, I could not answer that just now. Your message has been kept. Please "
    "try again in a minute, or ask to speak to a person."
)

ASSISTANT_UNAVAILABLE = (
    "Sorry, the assistant is not available just now. Your message has been kept. "
    "Please try again in a minute."
)


@dataclass(frozen=True)
class Accepted:
    """A resident message now in the log; ``new`` is False for a repeat."""

    event: Event
    new: bool


def is_notice(event: Event) -> bool:
    """A gateway notice about a message (a card number hidden), not an answer.

    The gateway records a notice the moment it accepts the message, before the
    assistant's turn; it must not make the turn look already answered.
    """
    return "notice" in event.body


@dataclass
class ConversationService:
    log: ConversationLog
    state: SharedState
    rasa: RasaClient
    max_message_chars: int
    handoff: "HandoffService | None" = None
    assertions: Callable[[str], Awaitable[str | None]] | None = None
    # The last conversation Rasa answered, so /healthz can check that Rasa really
    # stored its tracker in Redis rather than silently in its own memory.
    last_answered: str | None = None
    payments: "PaymentService | None" = None
    # Linked from the answer to a message saying someone may be at risk.
    urgent_help: UrgentHelp = SAMPLE_URGENT_HELP

    async def start(self) -> str:
        return await self.log.create()

    async def require(self, conversation_id: str) -> None:
        if not await self.log.exists(conversation_id):
            raise UnknownConversationError(conversation_id)

    async def accept_text(
        self, conversation_id: str, client_message_id: str | None, text: str
    ) -> Accepted:
        """Validate and store a typed message. Raises a ``GatewayError`` if bad."""
        cleaned = clean_text(text)
        if not cleaned:
            raise EmptyMessageError()
        if len(cleaned) > self.max_message_chars:
            raise MessageTooLongError(self.max_message_chars, len(cleaned))

        redacted, cards = redact_card_numbers(cleaned)
        body: dict[str, Any] = {"text": redacted}
        if cards:
            body["redacted"] = ["card_number"]

        accepted = await self._accept(conversation_id, client_message_id, body)
        if cards and accepted.new:
            logger.info("Card number hidden in conversation %s", conversation_id)
            await self.record(
                "system",
                {"text": CARD_WARNING, "notice": "card_number"},
                conversation_id,
                reply_to=accepted.event.seq,
            )
        return accepted

    async def accept_button(
        self, conversation_id: str, client_message_id: str | None, payload: str
    ) -> Accepted:
        """Store a button press, if the assistant offered that button last."""
        offered = await self._offered_buttons(conversation_id)
        title = offered.get(payload)
        if title is None:
            raise UnofferedButtonError(payload[:64])

        body = {"text": title, "payload": payload}
        return await self._accept(conversation_id, client_message_id, body)

    async def answer(self, accepted: Accepted) -> list[Event]:
        """Run the assistant's turn for an accepted message; return its events.

        Turns run one at a time per conversation, in the order messages were
        accepted. A repeat gets the events that followed the original.
        """
        if not accepted.new:
            return await self._replies_to(accepted.event)
        return await self._turn(accepted.event)

    async def notices(self, accepted: Accepted) -> list[Event]:
        """The gateway's notices about an accepted message (a card number
        hidden), for a caller that shows only what it is handed (REST)."""
        if "redacted" not in accepted.event.body:
            return []
        return [e for e in await self._replies_to(accepted.event) if is_notice(e)]

    async def answer_unanswered(self, conversation_id: str) -> None:
        """Answer the resident's latest messages if no turn ever answered them.

        A gateway worker that stops between storing a message and recording the
        assistant's reply leaves the message unanswered; the next connection to
        the conversation (on any worker) calls this. A turn still running
        elsewhere holds the conversation's lock, so this waits for it and then
        finds the message answered.
        """
        events = await self.log.events_after(conversation_id, 0)
        pending: list[Event] = []
        for event in reversed(events):
            if is_notice(event):
                continue
            if event.author != "resident":
                break
            if event.kind == "message":
                pending.insert(0, event)

        for event in pending:
            logger.info(
                "Answering message %d of conversation %s left by a stopped turn",
                event.seq,
                conversation_id,
            )
            await self._turn(event)

    async def _turn(self, event: Event) -> list[Event]:
        async with self.state.locks.hold(event.conversation_id):
            replies = await self._assistant_replies(event)

        for reply in list(replies):
            if "payment_request" in reply.body and self.payments is not None:
                replies.append(await self._payment_link(reply))
        _observe(event, replies)
        if any(reply.author == "bot" for reply in replies):
            self.last_answered = event.conversation_id
        handoff = next(
            (r.body["handoff"] for r in replies if "handoff" in r.body), None
        )
        if handoff is not None and self.handoff is not None:
            replies.append(
                await self.handoff.request(
                    event.conversation_id, handoff["area"], handoff["reason"]
                )
            )
        return replies

    async def _assistant_replies(self, event: Event) -> list[Event]:
        """Ask Rasa about ``event`` and log its replies; hold the turn lock."""
        ownership = await self.log.ownership(event.conversation_id)
        if ownership.owner is not Owner.CLOSED and not assistant_may_answer(
            ownership.owner
        ):
            # A person has the chat, or it is queued for one: the assistant
            # stays silent and the agent sees the message through the fan-out.
            return []
        if any(not is_notice(e) for e in await self._replies_to(event)):
            # Answered while this turn waited for the lock: by the recovery
            # above, or by the original turn if this is the recovery.
            return []

        if ownership.owner is Owner.CLOSED:
            return [
                await self.record(
                    "system",
                    {"text": CHAT_CLOSED},
                    event.conversation_id,
                    reply_to=event.seq,
                )
            ]
        payload = event.body.get("payload")
        concern = None if payload else concern_in(event.body["text"])
        if concern is not None:
            # Urgent help is given at once, never left to the intent model.
            logger.info(
                "Conversation %s: message %d may mean someone is at risk (%s); "
                "gave urgent help",
                event.conversation_id,
                event.seq,
                concern.value,
            )
            return [
                await self.record(
                    "bot",
                    urgent_reply(concern, self.urgent_help),
                    event.conversation_id,
                    reply_to=event.seq,
                )
            ]

        try:
            reply = await self.rasa.send(
                event.conversation_id,
                payload or event.body["text"],
                kind="button" if payload else "text",
                message_id=f"{event.conversation_id}:{event.seq}",
                metadata=await self._metadata(event.conversation_id),
            )
        except RasaUnavailableError as error:
            logger.warning(
                "Assistant unavailable for conversation %s: %s; told the "
                "resident, their message is kept",
                event.conversation_id,
                error,
            )
            return [
                await self.record(
                    "system",
                    {"text": ASSISTANT_UNAVAILABLE},
                    event.conversation_id,
                    reply_to=event.seq,
                )
            ]

        bodies = bot_events_from_rasa(reply.messages)
        if not bodies:
            # Rasa answers with nothing when an action fails (the action
            # server is down, say): the resident must not be left waiting.
            logger.warning(
                "Assistant gave no reply in conversation %s; told the resident",
                event.conversation_id,
            )
            bodies = [{"text": NO_REPLY, "buttons": [], "sources": []}]
            return [
                await self.record(
                    "system", bodies[0], event.conversation_id, reply_to=event.seq
                )
            ]
        understood = reply.understood
        if understood is None:
            understood = await self.rasa.understanding(event.conversation_id)
        bodies[0] = {**bodies[0], "understood": understood}

        replies = []
        for body in bodies:
            replies.append(
                await self.record(
                    "bot", body, event.conversation_id, reply_to=event.seq
                )
            )
        return replies

    async def _payment_link(self, reply: Event) -> Event:
        """Turn the assistant's payment request into the payment page's link."""
        assert self.payments is not None
        conversation_id = reply.conversation_id
        try:
            link = await self.payments.start_payment(
                reply.body["payment_request"], conversation_id
            )
        except CouncilError as error:
            logger.info(
                "No payment link for conversation %s: %s", conversation_id, error.code
            )
            return await self.record(
                "system", {"text": error.public_message}, conversation_id
            )

        pounds = f"£{link.attempt.amount_pence / 100:,.2f}"
        text = (
            f"You can pay {pounds} on the council's secure payment page. "
            "The link works for 90 minutes. Never type card details in this chat."
        )
        if link.amount_mentioned_differs:
            text = f"The amount due is {pounds}. " + text
        return await self.record(
            "system",
            {
                "text": text,
                "payment_link": {
                    "url": link.next_url,
                    "amount_pence": link.attempt.amount_pence,
                    "reference": link.attempt.reference,
                },
            },
            conversation_id,
        )

    async def _metadata(self, conversation_id: str) -> dict[str, Any]:
        """What Rasa and the actions get with each turn: never personal details,
        only a short-lived signed assertion of who is signed in, if anyone."""
        metadata: dict[str, Any] = {"conversation_id": conversation_id}
        if self.assertions is not None:
            assertion = await self.assertions(conversation_id)
            if assertion:
                metadata["identity_assertion"] = assertion
        return metadata

    async def history(self, conversation_id: str, after: int = 0) -> list[Event]:
        """The whole log after ``after``, private notes included: for staff."""
        return await self.log.events_after(conversation_id, after)

    async def rate(
        self, conversation_id: str, score: int, comment: str | None
    ) -> Event:
        """Log the resident's rating of the chat; only one per conversation."""
        await self.require(conversation_id)
        if await self.log.find_client_message(conversation_id, "rating"):
            raise AlreadyRatedError(conversation_id)

        body: dict[str, Any] = {"text": f"Rated {score} out of 5", "score": score}
        if comment and clean_text(comment):
            body["comment"] = redact_card_numbers(clean_text(comment))[0]
        try:
            return await self.record(
                "resident",
                body,
                conversation_id,
                client_message_id="rating",
                kind="rating",
            )
        except DuplicateMessageError:
            raise AlreadyRatedError(conversation_id) from None

    async def resident_history(
        self, conversation_id: str, after: int = 0
    ) -> list[Event]:
        """The log as the resident may see it: without notes and routing."""
        events = await self.log.events_after(conversation_id, after)
        return [event for event in events if event.kind not in STAFF_ONLY_KINDS]

    async def _accept(
        self, conversation_id: str, client_message_id: str | None, body: dict[str, Any]
    ) -> Accepted:
        await self.require(conversation_id)
        if not client_message_id:
            event = await self.record("resident", body, conversation_id)
            return Accepted(event, new=True)

        # A resend racing its original (two tabs, a reconnect) must not take a
        # sequence number of its own: that would leave a gap in the log. So the
        # check and the append are one step per conversation. This is a separate
        # lock from the turn's, which is held for as long as the assistant thinks.
        async with self.state.locks.hold(f"{conversation_id}:accept"):
            earlier = await self.log.find_client_message(
                conversation_id, client_message_id
            )
            if earlier is not None:
                return Accepted(earlier, new=False)

            event = await self.record(
                "resident", body, conversation_id, client_message_id=client_message_id
            )
        return Accepted(event, new=True)

    async def record(
        self,
        author: str,
        body: dict[str, Any],
        conversation_id: str,
        *,
        client_message_id: str | None = None,
        reply_to: int | None = None,
        kind: str = "message",
    ) -> Event:
        """Give ``body`` the next sequence number, log it, deliver it everywhere."""
        if reply_to is not None:
            body = {**body, "reply_to": reply_to}

        seq = await self.state.sequences.next(
            conversation_id, lambda: self.log.last_seq(conversation_id)
        )
        event = Event(
            conversation_id=conversation_id,
            seq=seq,
            author=author,
            kind=kind,
            body=body,
            client_message_id=client_message_id,
        )
        await self.log.append(event)
        metrics.MESSAGES.labels(author).inc()
        await self.state.fanout.publish(
            conversation_id, {"type": "event", "event": event.as_frame()}
        )
        logger.debug("Conversation %s event %d by %s", conversation_id, seq, author)
        return event

    async def _replies_to(self, event: Event) -> list[Event]:
        later = await self.log.events_after(event.conversation_id, event.seq)
        return [e for e in later if e.body.get("reply_to") == event.seq]

    async def _offered_buttons(self, conversation_id: str) -> dict[str, str]:
        """Payload -> title for the buttons in the assistant's latest turn."""
        events = await self.log.events_after(conversation_id, 0)
        for event in reversed(events):
            if event.author == "resident":
                return {}
            if event.author in ("bot", "system") and event.body.get("buttons"):
                return {
                    button["payload"]: button["title"]
                    for button in event.body["buttons"]
                }
        return {}


def _observe(event: Event, replies: list[Event]) -> None:
    """Reply latency and whether the assistant could answer, for /metrics."""
    if not replies:
        return
    metrics.REPLY_SECONDS.observe((replies[-1].at - event.at).total_seconds())
    for reply in replies:
        if "answerable" in reply.body:
            metrics.ANSWERS.labels(str(bool(reply.body["answerable"])).lower()).inc()
