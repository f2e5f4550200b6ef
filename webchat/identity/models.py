"""Who is signed in: staff users, residents, and staff sessions."""

import hmac
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SignedInUser:
    """An agent or supervisor (or a staff user with neither role).

    ``subject`` is Entra's ``oid`` when present, else ``sub``: ``oid`` is the
    same for the user across every app of the tenant.
    """

    subject: str
    name: str
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "SignedInUser":
        """The user a verified token names; ``roles`` counts only as a list."""
        roles = claims.get("roles")
        return cls(
            subject=str(claims.get("oid") or claims["sub"]),
            name=str(claims.get("name", "")),
            username=str(claims.get("preferred_username", "")),
            roles=frozenset(roles if isinstance(roles, list) else ()),
        )

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "roles": sorted(self.roles)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SignedInUser":
        return cls(**{**data, "roles": frozenset(data.get("roles", []))})


@dataclass(frozen=True)
class ResidentIdentity:
    """A resident proved by the resident authority, linked to a conversation."""

    subject: str
    name: str
    email: str

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "ResidentIdentity":
        return cls(
            subject=str(claims.get("oid") or claims["sub"]),
            name=str(claims.get("name", "")),
            email=str(claims.get("email") or claims.get("preferred_username", "")),
        )


@dataclass(frozen=True)
class Session:
    """A staff sign-in. The id travels in the cookie; the rest stays server side."""

    session_id: str
    user: SignedInUser
    csrf_token: str
    expires_at: float

    def csrf_matches(self, submitted: str | None) -> bool:
        """Constant-time check of a form's or header's synchronizer token."""
        if not submitted:
            return False
        return hmac.compare_digest(self.csrf_token.encode(), submitted.encode())
