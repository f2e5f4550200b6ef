"""Who is on the other end: staff sign-in and sessions, resident sign-in.

Staff (agents, supervisors) and residents sign in through MSAL's authorisation
code flow with PKCE; tokens are checked with PyJWT against the provider's keys.
See docs/identity.md. The gateway builds one :class:`IdentityService`
(:func:`build_identity`); routes use the dependencies in
:mod:`webchat.identity.guards`.
"""

from webchat.identity.models import ResidentIdentity, Session, SignedInUser
from webchat.identity.service import IdentityService, build_identity

__all__ = [
    "IdentityService",
    "ResidentIdentity",
    "Session",
    "SignedInUser",
    "build_identity",
]
