"""The agents' websocket: queues, accepting chats, replying, handing back, closing.

One connection per agent console. The agent's identity comes from the sign-in
(see :mod:`webchat.identity`); the socket carries the agent's presence: connecting
makes the agent available, disconnecting makes them offline (their chats stay
theirs, so a reload loses nothing).

Client frames::

    {"type": "presence", "presence": "available" | "away"}
    {"type": "accept", "conversation_id": ...}
    {"type": "message", "conversation_id": ..., "client_message_id": ..., "text": ...}
    {"type": "handback", "conversation_id": ...}
    {"type": "close", "conversation_id": ..., "wrap_up": ...}
    {"type": "single_view", "conversation_id": ...}
    {"type": "decline", "conversation_id": ...}    (a chat offered to the agent)

Server frames: ``queues`` (every waiting chat), ``transcript`` (a chat's whole log
when the agent takes it or reconnects), ``single_view`` (the signed-in resident's
records, after the transcript when the agent takes the chat, on reconnecting
only for the chat named by ``/ws/agent?open=<conversation id>``, when the
resident signs in and when asked; see :mod:`webchat.single_view_panel`),
``event`` (with ``conversation_id``), ``ack`` and ``error`` as on the
residents' socket; ``offer`` and ``offer_withdrawn`` when a waiting chat is
offered to this agent, and when that offer ends unaccepted (see
:mod:`webchat.dispatcher`).
"""

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from council.enquiries import EnquirySource, Location, NewEnquiry
from council.errors import CouncilError
from webchat import frames
from webchat.api.deps import Services
from webchat.errors import BadFrameError, EmptyMessageError, error_body
from webchat.handoff import QUEUES_CHANNEL
from webchat.heartbeat import keep_vouching
from webchat.identity.guards import authorise_websocket
from webchat.identity.models import SignedInUser
from webchat.message_text import clean_text
from webchat.single_view_panel import panel_frame
from webchat.state.agents import AgentStatus
from webchat.state.fanout import Subscription

logger = logging.getLogger(__name__)

# How often a console says it is connected; AGENT_ABSENT_AFTER_SECONDS must be
# several times this.
HEARTBEAT_SECONDS = 10.0

router = APIRouter()

WRAP_UPS = ("answered", "enquiry raised", "referred elsewhere", "no reply", "other")


@router.websocket("/ws/agent")
async def agent_socket(websocket: WebSocket) -> None:
    deps: Services = websocket.app.state.services
    user = await authorise_websocket(websocket, "Agent")
    if user is None:
        return

    await websocket.accept()
    session = AgentSession(websocket, deps, await _agent_status(deps, user))
    await session.run(open_chat=websocket.query_params.get("open"))


async def _agent_status(deps: Services, user: SignedInUser) -> AgentStatus:
    agent = await deps.state.agents.get(user.subject)
    if agent is None:
        agent = AgentStatus(
            user.subject,
            user.name,
            skills=list(deps.settings.agent_default_skills),
            capacity=deps.settings.agent_default_capacity,
        )
    agent.presence = "available"
    await deps.state.agents.put(agent)
    return agent


@dataclass
class AgentSession:
    websocket: WebSocket
    deps: Services
    agent: AgentStatus
    pumps: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def run(self, open_chat: str | None = None) -> None:
        """Serve the connection until the agent leaves.

        The chats the agent holds come back with their transcripts; only
        ``open_chat``, the one the console has open, comes with the resident's
        panel, since each panel sent is an audited view.
        """
        logger.info("Agent %s connected", self.agent.agent_id)
        heartbeat = asyncio.create_task(
            keep_vouching(
                self._vouch, HEARTBEAT_SECONDS, f"agent {self.agent.agent_id}"
            )
        )
        self._follow(QUEUES_CHANNEL, after=None)
        await self.send_queues()
        await self._send_pending_offer()
        for conversation_id in list(self.agent.chats):
            await self._take(conversation_id, panel=conversation_id == open_chat)

        try:
            while True:
                raw = await frames.receive(self.websocket)
                await self._handle(raw)
        except WebSocketDisconnect:
            pass
        finally:
            heartbeat.cancel()
            for task in self.pumps.values():
                task.cancel()
            await self._set_presence("offline")
            logger.info("Agent %s disconnected", self.agent.agent_id)

    async def _handle(self, raw: str | bytes) -> None:
        frame: dict[str, Any] = {}
        try:
            frame = frames.parse(raw)
            await self._act(frame)
        except CouncilError as error:
            await self.send(
                {
                    "type": "error",
                    "client_message_id": frame.get("client_message_id"),
                    "conversation_id": frame.get("conversation_id"),
                    **error_body(error.code, error.public_message),
                }
            )

    async def _act(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        handoff = self.deps.conversations.handoff
        assert handoff is not None

        if kind == "presence":
            presence = frame.get("presence")
            if presence not in ("available", "away"):
                raise BadFrameError("presence must be available or away")
            await self._set_presence(presence)
            return

        conversation_id = frame.get("conversation_id")
        if not isinstance(conversation_id, str):
            raise BadFrameError("frame without conversation_id")
        await self._refresh()

        if kind == "accept":
            await handoff.accept(self.agent, conversation_id)
            await self._take(conversation_id)
        elif kind == "message":
            text = clean_text(str(frame.get("text") or ""))
            if not text:
                raise EmptyMessageError()
            event = await handoff.agent_says(
                self.agent, conversation_id, frame.get("client_message_id"), text
            )
            await self.send(
                {
                    "type": "ack",
                    "conversation_id": conversation_id,
                    "client_message_id": event.client_message_id,
                    "seq": event.seq,
                }
            )
        elif kind == "note":
            text = clean_text(str(frame.get("text") or ""))
            if not text:
                raise EmptyMessageError()
            await handoff.note(self.agent, conversation_id, text)
        elif kind == "typing":
            await handoff.typing(self.agent, conversation_id)
        elif kind == "transfer":
            await self._transfer(conversation_id, frame)
        elif kind == "create_enquiry":
            await self._create_enquiry(conversation_id, frame)
        elif kind == "single_view":
            await self.send(await panel_frame(self.deps, self.agent, conversation_id))
        elif kind == "decline":
            await handoff.decline(self.agent, conversation_id)
        elif kind == "handback":
            await handoff.hand_back(self.agent, conversation_id)
        elif kind == "close":
            wrap_up = frame.get("wrap_up")
            if wrap_up not in WRAP_UPS:
                raise BadFrameError(f"wrap_up must be one of {', '.join(WRAP_UPS)}")
            await handoff.close(self.agent, conversation_id, wrap_up)
        else:
            raise BadFrameError(f"unknown frame type {str(kind)[:32]!r}")

    async def _transfer(self, conversation_id: str, frame: dict[str, Any]) -> None:
        handoff = self.deps.conversations.handoff
        assert handoff is not None

        if isinstance(frame.get("area"), str):
            event = await handoff.transfer_to_queue(
                self.agent, conversation_id, frame["area"]
            )
        elif isinstance(frame.get("agent_id"), str):
            other = await self.deps.state.agents.get(frame["agent_id"])
            if other is None or other.agent_id == self.agent.agent_id:
                raise BadFrameError("transfer to an unknown agent")
            event = await handoff.transfer_to_agent(self.agent, conversation_id, other)
        else:
            raise BadFrameError("transfer needs an area or an agent_id")

        # The chat is no longer this agent's: show them the transfer, then stop
        # following it.
        self._unfollow(conversation_id)
        await self.send(
            {
                "type": "event",
                "conversation_id": conversation_id,
                "event": event.as_frame(),
            }
        )

    async def _create_enquiry(
        self, conversation_id: str, frame: dict[str, Any]
    ) -> None:
        """Raise an enquiry for the resident, linked to this chat's transcript."""
        handoff = self.deps.conversations.handoff
        assert handoff is not None
        await handoff.require_owner(self.agent, conversation_id)

        details = clean_text(str(frame.get("details") or ""))
        postcode = frame.get("postcode") or None
        enquiry = await self.deps.enquiries.create(
            NewEnquiry(
                category=str(frame.get("category") or ""),
                details=details,
                location=Location(
                    postcode=postcode,
                    description=None if postcode else "Given in the chat",
                ),
                source=EnquirySource.AGENT,
                conversation_id=conversation_id,
                idempotency_key=f"{conversation_id}:agent:"
                f"{frame.get('client_message_id') or details[:32]}",
            )
        )
        logger.info(
            "Agent %s raised %s from conversation %s",
            self.agent.agent_id,
            enquiry.reference,
            conversation_id,
        )
        await self.send(
            {
                "type": "enquiry",
                "conversation_id": conversation_id,
                "reference": enquiry.reference,
            }
        )

    def _unfollow(self, conversation_id: str) -> None:
        task = self.pumps.pop(conversation_id, None)
        if task is not None:
            task.cancel()

    async def _take(self, conversation_id: str, *, panel: bool = True) -> None:
        """Send the chat's whole log, then follow it live; then the panel if
        ``panel`` (``single_view_follows`` tells the console which)."""
        history = await self.deps.conversations.history(conversation_id)
        await self.send(
            {
                "type": "transcript",
                "conversation_id": conversation_id,
                "events": [event.as_frame() for event in history],
                "single_view_follows": panel,
            }
        )
        last = history[-1].seq if history else 0
        self._follow(conversation_id, after=last)
        if panel:
            await self._send_single_view(conversation_id)

    async def _send_single_view(self, conversation_id: str) -> None:
        """Send the resident's panel; a failure here never ends the session."""
        try:
            await self.send(await panel_frame(self.deps, self.agent, conversation_id))
        except CouncilError as error:
            logger.info(
                "No single view for conversation %s: %s", conversation_id, error.code
            )
        except Exception:
            logger.exception("Single view for conversation %s failed", conversation_id)

    def _follow(self, conversation_id: str, after: int | None) -> None:
        if conversation_id in self.pumps:
            return
        subscription = self.deps.state.fanout.subscribe(conversation_id)
        self.pumps[conversation_id] = asyncio.create_task(
            self._pump(subscription, after)
        )

    async def _pump(self, subscription: Subscription, after: int | None) -> None:
        last = after or 0
        try:
            while True:
                frame = await subscription.next()
                if frame is None:
                    # Fell behind: everything missed is in the log, so catch up.
                    subscription.recover()
                    frame = {"type": "resync"}
                kind = frame.get("type")
                if kind == "resync":
                    if subscription.conversation_id != QUEUES_CHANNEL:
                        for event in await self.deps.conversations.history(
                            subscription.conversation_id, last
                        ):
                            await self.send(
                                {
                                    "type": "event",
                                    "conversation_id": subscription.conversation_id,
                                    "event": event.as_frame(),
                                }
                            )
                            last = event.seq
                    continue
                if kind == "queues":
                    await self.send_queues()
                    continue
                if kind in ("offer", "offer_withdrawn"):
                    if frame["agent_id"] == self.agent.agent_id:
                        await self.send(frame)
                    continue
                if kind == "assigned":
                    if frame["agent_id"] == self.agent.agent_id:
                        await self._refresh()
                        await self._take(frame["conversation_id"])
                    continue
                if kind != "event":
                    if frame.get("audience") in ("all", "agent"):
                        visible = {k: v for k, v in frame.items() if k != "audience"}
                        await self.send(
                            {**visible, "conversation_id": subscription.conversation_id}
                        )
                    continue
                seq = frame["event"]["seq"]
                if seq <= last:
                    continue
                last = seq
                await self.send(
                    {**frame, "conversation_id": subscription.conversation_id}
                )
                if frame["event"].get("signed_in"):
                    await self._refresh()
                    await self._send_single_view(subscription.conversation_id)
        finally:
            self.deps.state.fanout.unsubscribe(subscription)

    async def _send_pending_offer(self) -> None:
        """After a reload, show the offer the agent still holds, if any."""
        handoff = self.deps.conversations.handoff
        assert handoff is not None
        for offer in await self.deps.state.offers.all():
            if offer.agent_id == self.agent.agent_id:
                await self.send(handoff.offer_frame(offer))

    async def send_queues(self) -> None:
        handoff = self.deps.conversations.handoff
        assert handoff is not None
        await self.send({"type": "queues", **await handoff.snapshot()})

    async def send(self, frame: dict[str, Any]) -> None:
        async with self.send_lock:
            if self.websocket.application_state == WebSocketState.CONNECTED:
                await self.websocket.send_text(json.dumps(frame))

    async def _vouch(self) -> None:
        """Record that this agent's console is connected now (any open tab
        will do; a worker that dies stops vouching for its agents)."""
        handoff = self.deps.conversations.handoff
        assert handoff is not None
        await self.deps.state.agents.touch(self.agent.agent_id, handoff.now())

    async def _refresh(self) -> None:
        stored = await self.deps.state.agents.get(self.agent.agent_id)
        if stored is not None:
            self.agent = stored

    async def _set_presence(self, presence: str) -> None:
        await self._refresh()
        self.agent.presence = presence
        await self.deps.state.agents.put(self.agent)
