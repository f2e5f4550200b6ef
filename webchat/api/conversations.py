"""REST API for conversations: the integration API for other council systems.

It runs the same pipeline as the widget: the message is logged with a sequence
number, handed to the assistant while the assistant owns the chat, and the
assistant's replies come back in the response.
"""

import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from webchat.api.deps import ServicesDep
from webchat.conversation_log import Event
from webchat.errors import NotYourConversationError
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
async def start_conversation(
    deps: ServicesDep, request: Request, response: Response
) -> NewConversation:
    await deps.limits.check_new_conversation(_address(request))
    conversation_id = await deps.conversations.start()

    # The browser that starts a chat may later sign in to it (see chat_key).
    response.set_cookie(
        chat_key.COOKIE,
        chat_key.chat_key(deps.settings.identity_assertion_secret, conversation_id),
        httponly=True,
        samesite="lax",
        secure=deps.settings.session_cookie_secure,
        path="/",
    )
    return NewConversation(conversation_id=conversation_id)


@router.post("/{conversation_id}/messages", response_model=Replies)
async def post_message(
    conversation_id: str, message: MessageIn, request: Request, deps: ServicesDep
) -> Replies:
    await deps.limits.check_message(_address(request), conversation_id)
    accepted = await deps.conversations.accept_text(
        conversation_id, message.client_message_id, message.text
    )
    notices = await deps.conversations.notices(accepted) if accepted.new else []
    events = await deps.conversations.answer(accepted)
    return Replies(messages=[_message_out(event) for event in [*notices, *events]])


class Rating(BaseModel):
    score: int = Field(ge=1, le=5, description="1 (very poor) to 5 (very good).")
    comment: str | None = Field(default=None, max_length=1200)


AUTHORS = {
    "resident": "You",
    "bot": "Assistant",
    "agent": "Adviser",
    "system": "Council",
}


@router.get("/{conversation_id}/transcript", response_class=PlainTextResponse)
async def transcript(
    conversation_id: str, request: Request, deps: ServicesDep
) -> PlainTextResponse:
    """The conversation as plain text, for the browser that started it."""
    _require_chat_key(request, deps, conversation_id)

    lines = [f"Conversation with {deps.settings.council_name}", ""]
    for event in await deps.conversations.resident_history(conversation_id):
        if event.kind == "rating":
            continue
        who = event.body.get("agent_name") or AUTHORS.get(event.author, event.author)
        lines.append(f"[{event.at:%d %b %Y %H:%M}] {who}: {event.body.get('text', '')}")
        for source in event.body.get("sources", []):
            lines.append(f"    Source: {source['title']} {source['url']}")
    return PlainTextResponse(
        "\n".join(lines) + "\n",
        headers={
            "Content-Disposition": 'attachment; filename="council-chat.txt"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/{conversation_id}/rating", status_code=204)
async def rate(
    conversation_id: str, rating: Rating, request: Request, deps: ServicesDep
) -> Response:
    """Record the resident's satisfaction, once per conversation."""
    _require_chat_key(request, deps, conversation_id)

    await deps.conversations.rate(conversation_id, rating.score, rating.comment)
    return Response(status_code=204)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _require_chat_key(
    request: Request, deps: ServicesDep, conversation_id: str
) -> None:
    secret = deps.settings.identity_assertion_secret
    if not chat_key.holds(
        secret, request.cookies.get(chat_key.COOKIE), conversation_id
    ):
        raise NotYourConversationError(conversation_id)


def _message_out(event: Event) -> MessageOut:
    body: dict[str, Any] = event.body
    return MessageOut(
        text=body.get("text", ""),
        sources=[Source(**_source_fields(s)) for s in body.get("sources", [])],
        buttons=[Button(**b) for b in body.get("buttons", [])],
    )


def _source_fields(source: dict[str, Any]) -> dict[str, Any]:
    return {key: source[key] for key in ("title", "url", "topics")}
