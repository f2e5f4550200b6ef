"""What can go wrong with casework, as errors a councillor may read."""

from council.errors import CouncilError


class CaseworkError(CouncilError):
    """Base of the casework errors."""

    code = "casework_error"
    status = 400


class NotYourCaseError(CaseworkError):
    """The reference is unknown, or the case was raised by someone else.

    Both read the same, so a councillor cannot learn about others' casework.
    """

    code = "not_your_case"
    status = 404
    public_message = (
        "I can't find a case of yours with that reference. Say 'my cases' to "
        "see the ones you raised."
    )
