"""The signed identity assertion the gateway hands to Rasa and the actions.

A resident who signed in is proved to the gateway by their provider's tokens.
Rasa and the action server never see those tokens: the gateway gives them a
short-lived assertion instead, an HS256 JWT signed with
``IDENTITY_ASSERTION_SECRET``, naming the resident and the one conversation it
was issued for. An action verifies it with :func:`verify` before it reads or
changes anything personal, and refuses when it is missing, expired, forged or
issued for another conversation.

It needs only PyJWT and the settings, so the action server (Python 3.11) can
import it without anything of the gateway's.
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

import jwt

from council.errors import CouncilError
from council.settings import get_settings

logger = logging.getLogger(__name__)

ISSUER = "council-gateway"
AUDIENCE = "council-actions"
ALGORITHM = "HS256"
MAX_LIFETIME_SECONDS = 300
LEEWAY_SECONDS = 5


class IdentityAssertionError(CouncilError):
    """The identity assertion cannot be trusted; nothing personal may be shown."""

    code = "identity_not_proved"
    status = 401
    public_message = "Please sign in again before we look at your details."


class MissingAssertionError(IdentityAssertionError):
    code = "identity_missing"
    public_message = "Please sign in before we look at your details."


class ExpiredAssertionError(IdentityAssertionError):
    code = "identity_expired"


class InvalidAssertionError(IdentityAssertionError):
    """Forged, tampered, malformed, or meant for another audience or issuer."""

    code = "identity_invalid"


class WrongConversationError(IdentityAssertionError):
    """Issued for one conversation, presented in another."""

    code = "identity_wrong_conversation"
    status = 403

    def __init__(self, expected: str, found: str):
        super().__init__(
            f"assertion for conversation {found} presented in conversation {expected}"
        )
        self.expected = expected
        self.found = found


@dataclass(frozen=True)
class VerifiedResident:
    """A resident whose identity the gateway has proved, for one conversation."""

    subject: str
    name: str
    email: str
    conversation_id: str
    roles: tuple[str, ...]
    expires_at: int


def issue(
    *,
    subject: str,
    name: str,
    email: str,
    conversation_id: str,
    roles: Iterable[str] = (),
    secret: str | None = None,
    lifetime_seconds: int = MAX_LIFETIME_SECONDS,
    now: float | None = None,
) -> str:
    """Return a signed assertion for ``subject`` in ``conversation_id``.

    The lifetime is capped at five minutes: the gateway issues a fresh one for
    each turn, so a leaked assertion is soon worthless. ``secret`` defaults to
    the settings' ``IDENTITY_ASSERTION_SECRET``.
    """
    if not subject or not conversation_id:
        raise ValueError("issue() needs both subject and conversation_id")
    if not 0 < lifetime_seconds <= MAX_LIFETIME_SECONDS:
        raise ValueError(
            f"lifetime_seconds must be 1..{MAX_LIFETIME_SECONDS}, "
            f"not {lifetime_seconds}"
        )

    issued_at = int(now if now is not None else time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject,
        "name": name,
        "email": email,
        "roles": list(roles),
        "cid": conversation_id,
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + lifetime_seconds,
    }
    return jwt.encode(claims, _secret(secret), algorithm=ALGORITHM)


def verify(
    token: str | None,
    conversation_id: str,
    *,
    secret: str | None = None,
) -> VerifiedResident:
    """Return the resident the assertion names, if it holds for this conversation.

    Raises a subclass of :class:`IdentityAssertionError` when the token is
    missing, expired, not signed with the secret, not meant for the actions, or
    issued for another conversation. Callers show nothing personal after any of
    these.
    """
    if not token:
        raise MissingAssertionError("no identity assertion")

    try:
        claims = jwt.decode(
            token,
            _secret(secret),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "aud", "iss", "cid"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise ExpiredAssertionError("identity assertion expired") from error
    except jwt.InvalidTokenError as error:
        raise InvalidAssertionError(f"identity assertion refused: {error}") from error

    if claims["exp"] - claims["iat"] > MAX_LIFETIME_SECONDS:
        raise InvalidAssertionError("identity assertion lives longer than allowed")
    if claims["cid"] != conversation_id:
        raise WrongConversationError(conversation_id, str(claims["cid"]))

    logger.debug("Identity assertion verified for conversation %s", conversation_id)
    return VerifiedResident(
        subject=str(claims["sub"]),
        name=str(claims.get("name", "")),
        email=str(claims.get("email", "")),
        conversation_id=conversation_id,
        roles=tuple(str(role) for role in claims.get("roles", [])),
        expires_at=int(claims["exp"]),
    )


def _secret(secret: str | None) -> str:
    if secret is not None:
        return secret
    return get_settings().identity_assertion_secret
