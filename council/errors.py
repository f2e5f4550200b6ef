"""The project's one base exception.

Every error the project raises on purpose derives from :class:`CouncilError`.
The HTTP and websocket layers map these to one error shape in one place; the
``public_message`` is what a resident or agent may see, the rest goes to logs.
"""


class CouncilError(Exception):
    """Base of every error raised on purpose by this project."""

    code = "council_error"
    public_message = "Something went wrong. Please try again."

    def __init__(self, detail: str = "", *, public_message: str | None = None):
        super().__init__(detail or self.public_message)
        self.detail = detail
        if public_message is not None:
            self.public_message = public_message
