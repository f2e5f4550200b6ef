"""What can go wrong with an enquiry, as errors that carry what was wrong.

Each error has a ``status`` for the gateway's one HTTP mapping and a
``public_message`` a resident, agent or councillor may read. The messages never
repeat what the resident typed: that is personal data and stays out of logs.
"""

from council.errors import CouncilError


class EnquiryError(CouncilError):
    """Base of the enquiry service's errors."""

    code = "enquiry_error"
    status = 400


class InvalidEnquiryError(EnquiryError):
    """A field of a new enquiry or a status change is missing or malformed.

    ``field`` names the parameter, so a form can ask for that one again.
    """

    code = "invalid_enquiry"
    public_message = "Some details of the enquiry are missing or not valid."

    def __init__(self, field: str, detail: str, *, public_message: str | None = None):
        super().__init__(f"{field}: {detail}", public_message=public_message)
        self.field = field


class UnknownCategoryError(InvalidEnquiryError):
    """The category is not a topic id of the council's service taxonomy."""

    code = "unknown_category"
    public_message = (
        "That is not a kind of enquiry the council takes. Please choose one."
    )

    def __init__(self, category: str):
        super().__init__("category", f"{category!r} is not a taxonomy topic id")
        self.category = category


class InvalidLocationError(InvalidEnquiryError):
    """The location is missing, or its postcode, UPRN or description is not valid."""

    code = "invalid_location"
    public_message = (
        "Please give a UK postcode, a property reference (UPRN) or a short "
        "description of where the problem is."
    )


class InvalidDetailsError(InvalidEnquiryError):
    """The description of the problem is empty or too long."""

    code = "invalid_details"


class InvalidContactError(InvalidEnquiryError):
    """A contact name, email address or phone number is not valid."""

    code = "invalid_contact"
    public_message = "Please check the contact details: one of them is not valid."


class InvalidStatusError(InvalidEnquiryError):
    """The status named is not one of the enquiry statuses."""

    code = "invalid_status"

    def __init__(self, status: str, allowed: list[str]):
        names = ", ".join(allowed)
        super().__init__(
            "status",
            f"{status!r} is not a status",
            public_message=f"That is not an enquiry status. Use one of: {names}.",
        )
        self.requested = status


class EnquiryNotFoundError(EnquiryError):
    """No enquiry has this reference."""

    code = "enquiry_not_found"
    status = 404
    public_message = "No enquiry has that reference. Please check it and try again."

    def __init__(self, reference: str):
        super().__init__(f"no enquiry {reference}")
        self.reference = reference


class InvalidTransitionError(EnquiryError):
    """The enquiry cannot move from its current status to the one asked for."""

    code = "invalid_transition"
    status = 409

    def __init__(self, reference: str, current: str, requested: str):
        super().__init__(
            f"{reference}: {current} -> {requested} is not allowed",
            public_message=(
                f"An enquiry that is {current} cannot be moved to {requested}."
            ),
        )
        self.reference = reference
        self.current = current
        self.requested = requested


class EnquiryChangedError(EnquiryError):
    """Others kept changing the enquiry's status while this change was made."""

    code = "enquiry_changed"
    status = 409
    public_message = (
        "Someone else changed this enquiry at the same time. Please look at it "
        "again and retry."
    )

    def __init__(self, reference: str):
        super().__init__(f"{reference} changed during the update")
        self.reference = reference


class IdempotencyKeyReusedError(EnquiryError):
    """An idempotency key already made an enquiry with different details.

    A retry must send the same request; a new enquiry needs a new key.
    """

    code = "idempotency_key_reused"
    status = 409
    public_message = (
        "That request was already used for a different enquiry. Please start "
        "the enquiry again."
    )

    def __init__(self, idempotency_key: str, reference: str):
        super().__init__(f"key {idempotency_key!r} already made {reference}")
        self.idempotency_key = idempotency_key
        self.reference = reference
