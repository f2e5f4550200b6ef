"""REST API for conversations: the integration API for other council systems.

It runs the same pipeline as the widget: the message is logged with a sequence
number, handed to the assistant while the assistant owns the chat, and the
assistant's replies come back in the response.
"""

import logging
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from webchat.api.deps import ServicesDep
from webchat.conversation_log import Event
from webchat.identity import chat_key

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/conversations", tags=["conversations"])


class NewConversation(BaseModel):
    conversation_id: str


class MessageIn(BaseModel):
    text: str = Field(description="What the resident typed.")
    client_message_id: str | None = Field(
        default=None,
        max_length=64,
        description="The sender's own id; a retry with the same id is not repeated.",
    )


class Source(BaseModel):
    title: str
    url: str
    topics: list[str]


class Button(BaseModel):
    title: str
    payload: str


class MessageOut(BaseModel):
    text: str
    sources: list[Source]
    buttons: list[Button]


class Replies(BaseModel):
    messages: list[MessageOut]


@router.post("", response_model=NewConversation, status_code=201)
async def start_conversation(deps: ServicesDep, response: Response) -> NewConversation:
    conversation_id = await deps.conversations.start()

    # The browser that starts a chat may later sign in to it (see chat_key).
    response.set_cookie(
        chat_key.COOKIE,
        chat_key.chat_key(deps.settings.identity_assertion_secret, conversation_id),
        httponly=True,
        samesite="lax",
        secure=deps.settings.session_cookie_secure,
        path="/auth/resident",
    )
    return NewConversation(conversation_id=conversation_id)


@router.post("/{conversation_id}/messages", response_model=Replies)
async def post_message(
    conversation_id: str, message: MessageIn, deps: ServicesDep
) -> Replies:
    accepted = await deps.conversations.accept_text(
        conversation_id, message.client_message_id, message.text
    )
    events = await deps.conversations.answer(accepted)
    return Replies(messages=[_message_out(event) for event in events])


def _message_out(event: Event) -> MessageOut:
    body: dict[str, Any] = event.body
    return MessageOut(
        text=body.get("text", ""),
        sources=[Source(**_source_fields(s)) for s in body.get("sources", [])],
        buttons=[Button(**b) for b in body.get("buttons", [])],
    )


def _source_fields(source: dict[str, Any]) -> dict[str, Any]:
    return {key: source[key] for key in ("title", "url", "topics")}
