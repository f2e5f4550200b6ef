"""The Adaptive Card form a councillor raises casework with, and reading it back.

The card asks for the constituent's name and contact details, the kind of
problem (a taxonomy category, as a searchable list), where it is and what is
wrong. Its submit button sends the inputs back as the activity's ``value``
(``Action.Submit``; a Teams client using Universal Actions sends the same
inputs in an ``adaptiveCard/action`` invoke instead). Each card carries a form
id, so pressing submit twice raises one case.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from council.enquiries import Location, NewEnquiry
from council.enquiries.categories import Category

RAISE_CASE = "raise_case"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
FIELDS = (
    "contact_name",
    "contact_email",
    "contact_phone",
    "category",
    "postcode",
    "location_description",
    "details",
)


class CaseForm(BaseModel):
    """The card's inputs as submitted; blank inputs are ``None``."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    form_id: str | None = Field(default=None, max_length=100)
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    category: str | None = None
    postcode: str | None = None
    location_description: str | None = None
    details: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return None if value is None else str(value)

    def missing(self) -> list[str]:
        """What a councillor must still fill in, as labels to show them."""
        gaps = []
        if not self.contact_name:
            gaps.append("the constituent's name")
        if not (self.contact_email or self.contact_phone):
            gaps.append("an email address or phone number")
        if not self.category:
            gaps.append("what the problem is about")
        if not (self.postcode or self.location_description):
            gaps.append("a postcode or where it is")
        if not self.details:
            gaps.append("the details")
        return gaps

    def new_enquiry(self, idempotency_key: str) -> NewEnquiry:
        """The enquiry to raise; the enquiry service validates every field."""
        return NewEnquiry(
            category=self.category or "",
            details=self.details or "",
            location=Location(
                postcode=self.postcode, description=self.location_description
            ),
            contact_name=self.contact_name,
            contact_email=self.contact_email,
            contact_phone=self.contact_phone,
            source="councillor",
            idempotency_key=idempotency_key,
        )

    def values(self) -> dict[str, str]:
        """The filled-in inputs, to put back into a card shown again."""
        return {name: value for name in FIELDS if (value := getattr(self, name))}


def submitted_form(value: Any) -> CaseForm | None:
    """The case form in a card submit's ``value``, or ``None`` if it is not one.

    Accepts ``Action.Submit`` data (``{"action": "raise_case", ...inputs}``)
    and the ``Action.Execute`` shape (``{"action": {"verb": "raise_case",
    "data": {...inputs}}}``).
    """
    if not isinstance(value, Mapping):
        return None

    action = value.get("action")
    if isinstance(action, Mapping) and action.get("verb") == RAISE_CASE:
        data = action.get("data")
        return CaseForm.model_validate(data if isinstance(data, Mapping) else {})
    if action == RAISE_CASE:
        return CaseForm.model_validate(value)
    return None


def case_form_card(
    categories: Mapping[str, Category],
    *,
    values: Mapping[str, str] | None = None,
    problem: str | None = None,
) -> dict[str, Any]:
    """The form as a card attachment; ``values`` fill it in, ``problem`` says
    what to correct."""
    values = values or {}
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": "Raise casework for a constituent",
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if problem:
        body.append(
            {"type": "TextBlock", "text": problem, "color": "Attention", "wrap": True}
        )
    body += [
        _text("contact_name", "Constituent's name", values, required=True),
        _text("contact_email", "Their email address", values, style="Email"),
        _text("contact_phone", "Or their phone number", values, style="Tel"),
        {
            "type": "Input.ChoiceSet",
            "id": "category",
            "label": "What is it about?",
            "isRequired": True,
            "errorMessage": "Choose what the problem is about",
            "style": "filtered",
            "value": values.get("category", ""),
            "choices": [
                {"title": category_title(category), "value": category_id}
                for category_id, category in sorted(categories.items())
            ],
        },
        _text("postcode", "Postcode", values),
        _text("location_description", "Or where it is", values, max_length=500),
        _text(
            "details",
            "What is wrong",
            values,
            required=True,
            multiline=True,
            max_length=2000,
        ),
    ]
    return {
        "contentType": CARD_CONTENT_TYPE,
        "content": {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": CARD_VERSION,
            "msteams": {"width": "Full"},
            "body": body,
            "actions": [
                {
                    "type": "Action.Submit",
                    "title": "Raise case",
                    "data": {
                        "action": RAISE_CASE,
                        "form_id": values.get("form_id") or uuid.uuid4().hex,
                    },
                }
            ],
        },
    }


def category_title(category: Category) -> str:
    """ "Roads, parking and travel: potholes and road defects"."""
    topic = category.category_id.split(".", 1)[-1].replace("-", " ")
    return f"{category.area_title}: {topic}"


def _text(
    input_id: str,
    label: str,
    values: Mapping[str, str],
    *,
    required: bool = False,
    style: str | None = None,
    multiline: bool = False,
    max_length: int = 200,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "Input.Text",
        "id": input_id,
        "label": label,
        "isRequired": required,
        "maxLength": max_length,
        "value": values.get(input_id, ""),
    }
    if required:
        element["errorMessage"] = f"{label} is needed"
    if style:
        element["style"] = style
    if multiline:
        element["isMultiline"] = True
    return element
