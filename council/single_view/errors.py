"""Errors of the single view; the gateway maps them with the others."""

from council.errors import CouncilError


class SingleViewError(CouncilError):
    code = "single_view_error"
    public_message = "We could not look up those details just now."


class PersonNotFoundError(SingleViewError):
    """No person with that id in the resident index."""

    code = "person_not_found"
    status = 404
    public_message = "There is no resident with that id."


class ViewRefusedError(SingleViewError):
    """The request to view someone's record does not meet the rules."""

    code = "view_refused"
    status = 403
    public_message = "Please give a reason before opening a resident's record."


class NoIdentityError(SingleViewError):
    """The verified identity has neither a subject nor an email to find."""

    code = "identity_incomplete"
    status = 401
    public_message = "Please sign in again before we look at your details."
