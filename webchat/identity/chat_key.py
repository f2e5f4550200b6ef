"""Proof that this browser started the conversation it wants to sign in to.

Without it, anyone could send a resident a sign-in link for a conversation of
their own; a resident who followed it would sign the sender's chat in, and the
sender would then read the resident's details there (login CSRF). The gateway
gives the browser that starts a conversation an HttpOnly cookie holding the
conversation id, signed with itsdangerous; the resident sign-in requires it.

Known limit: a widget embedded on another site than the gateway's gets no
first-party cookie, so there residents must sign in from the gateway's own page.
"""

from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "council_chat"
SALT = "council-chat-key"


def chat_key(secret: str, conversation_id: str) -> str:
    """The cookie value that proves ownership of ``conversation_id``."""
    return str(URLSafeSerializer(secret, salt=SALT).dumps(conversation_id))


def holds(secret: str, value: str | None, conversation_id: str) -> bool:
    """Whether the cookie ``value`` proves ownership of ``conversation_id``."""
    if not value:
        return False
    try:
        return bool(
            URLSafeSerializer(secret, salt=SALT).loads(value) == conversation_id
        )
    except BadSignature:
        return False
