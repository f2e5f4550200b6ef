"""Bot Framework activities at the edge: what Teams sends, and what we send.

Incoming activities are read with pydantic, keeping only the fields the bot
uses and tolerating the many it does not (``extra="ignore"``). Outgoing ones
are plain dicts in the Bot Framework's JSON shape.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from council.councillors import ConversationReference


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ChannelAccount(_Model):
    id: str = ""
    name: str = ""
    aad_object_id: str | None = Field(default=None, alias="aadObjectId")


class ConversationAccount(_Model):
    id: str
    conversation_type: str | None = Field(default=None, alias="conversationType")
    tenant_id: str | None = Field(default=None, alias="tenantId")


class Activity(_Model):
    """An activity as the Bot Connector posts it to ``/api/messages``."""

    type: str
    id: str | None = None
    channel_id: str = Field(alias="channelId")
    service_url: str = Field(alias="serviceUrl")
    from_: ChannelAccount = Field(default_factory=ChannelAccount, alias="from")
    recipient: ChannelAccount = Field(default_factory=ChannelAccount)
    conversation: ConversationAccount
    text: str | None = None
    value: Any = None
    name: str | None = None
    members_added: list[ChannelAccount] = Field(
        default_factory=list, alias="membersAdded"
    )

    @property
    def is_one_to_one(self) -> bool:
        """A personal chat with the bot; Teams marks group chats and channels.

        Channels other than Teams (the Emulator, Web Chat) send no type, and
        their conversations are one-to-one.
        """
        return self.conversation.conversation_type in (None, "personal")

    def reference(self) -> ConversationReference:
        """Where to post into this conversation later."""
        return ConversationReference(
            channel_id=self.channel_id,
            service_url=self.service_url,
            conversation_id=self.conversation.id,
            bot_id=self.recipient.id,
            bot_name=self.recipient.name,
            user_id=self.from_.id,
            tenant_id=self.conversation.tenant_id,
        )


def message(
    text: str,
    *,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A message activity with markdown ``text`` and optional card attachments."""
    activity: dict[str, Any] = {
        "type": "message",
        "text": text,
        "textFormat": "markdown",
    }
    if attachments:
        activity["attachments"] = attachments
    return activity


def typing() -> dict[str, Any]:
    """The typing indicator: tells the councillor the bot is working on it."""
    return {"type": "typing"}


def addressed(
    activity: dict[str, Any],
    to: ConversationReference,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """``activity`` with the conversation, sender and recipient filled in."""
    full = dict(activity)
    full["from"] = {"id": to.bot_id, "name": to.bot_name}
    full["recipient"] = {"id": to.user_id}
    full["conversation"] = {"id": to.conversation_id}
    full["channelId"] = to.channel_id
    full["serviceUrl"] = to.service_url
    if reply_to:
        full["replyToId"] = reply_to
    return full
