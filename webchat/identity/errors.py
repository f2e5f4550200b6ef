"""Why a sign-in, a session or a token was refused.

All derive from :class:`webchat.errors.GatewayError`, so the gateway's one
handler turns them into the one JSON error shape. The reason goes to the log;
the client gets the plain message and nothing about tokens.
"""

from webchat.errors import GatewayError


class NotSignedInError(GatewayError):
    code = "not_signed_in"
    status = 401
    public_message = "Please sign in."


class InvalidTokenError(NotSignedInError):
    """A bearer or id token failed a check: signature, issuer, audience, time."""

    code = "invalid_token"
    public_message = "Your sign-in is not valid. Please sign in again."


class MissingRoleError(GatewayError):
    code = "missing_role"
    status = 403
    public_message = "Your account does not have access to this page."

    def __init__(self, role: str):
        super().__init__(f"the {role} role is needed")
        self.role = role


class CsrfError(GatewayError):
    code = "csrf_failed"
    status = 403
    public_message = "This form has expired. Please reload the page and try again."


class SignInExpiredError(GatewayError):
    """The callback's ``state`` names no pending sign-in (used, expired, forged)."""

    code = "sign_in_expired"
    public_message = "That sign-in has expired or was already used. Please try again."


class SignInFailedError(GatewayError):
    code = "sign_in_failed"
    public_message = "We could not sign you in. Please try again."


class IdentityProviderUnavailableError(GatewayError):
    code = "identity_provider_unavailable"
    status = 503
    public_message = "Sign-in is unavailable just now. Please try again shortly."


class BadSignInRequestError(GatewayError):
    code = "bad_sign_in_request"
    public_message = "That sign-in link is not valid."


class ConversationSignedInElsewhereError(GatewayError):
    """The conversation is already linked to another resident."""

    code = "conversation_signed_in"
    status = 409
    public_message = (
        "This chat is already signed in to another account. Please start a new chat."
    )
