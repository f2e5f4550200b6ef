"""What the bot says, in one place so the wording can be reviewed together."""

from collections.abc import Mapping, Sequence

from council.councillors import Councillor
from council.enquiries import Enquiry, StatusChange
from council.enquiries.categories import Category
from webchat.teams.cards import category_title

HELP = (
    "I can help with your casework:\n\n"
    "- **new case**: raise casework for a constituent\n"
    "- **my cases**: list your open cases\n"
    "- **status ENQ-2026-000123**: where a case has got to\n"
    "- **help**: this list\n\n"
    "I will also message you here when one of your cases changes."
)

NOT_A_COUNCILLOR = (
    "Sorry, this assistant is for the council's elected members, and I don't "
    "recognise your account. If you are a councillor, please ask Member "
    "Services to add you."
)

ONE_TO_ONE_ONLY = (
    "To keep constituents' details private, I only handle casework in a "
    "one-to-one chat. Please message me directly."
)

NOT_UNDERSTOOD = "Sorry, I didn't understand that.\n\n" + HELP

WHICH_CASE = (
    "Which case? Give me its reference, for example "
    "**status ENQ-2026-000123**, or say **my cases** to list them."
)

NEW_CASE = "Fill in this form and I'll raise the case."

NO_OPEN_CASES = "You have no open cases. Say **new case** to raise one."

CASE_FAILED = (
    "Sorry, I couldn't raise that case just now. Nothing was saved; please "
    "try again in a few minutes."
)

SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side. If you were raising a case, "
    "say **my cases** to check whether it was saved before trying again."
)

FORM_ALREADY_USED = (
    "That form has already been used to raise a case with different details. "
    "Say **new case** for a fresh form."
)


def welcome(councillor: Councillor | None) -> str:
    if councillor is None:
        return NOT_A_COUNCILLOR
    return f"Hello {councillor.name} ({councillor.ward}).\n\n{HELP}"


def missing_fields(gaps: Sequence[str]) -> str:
    return "Please add " + _and_list(gaps) + "."


def case_raised(enquiry: Enquiry) -> str:
    return (
        f"Case **{enquiry.reference}** raised. The council aims to respond by "
        f"{_day(enquiry)}. I'll message you here when its status changes."
    )


def open_cases(
    councillor: Councillor,
    cases: Sequence[Enquiry],
    categories: Mapping[str, Category],
) -> str:
    if not cases:
        return NO_OPEN_CASES
    lines = [f"Your open cases ({len(cases)}):", ""]
    for enquiry in cases:
        lines.append(
            f"- **{enquiry.reference}**: {_category(enquiry, categories)}, "
            f"{_place(enquiry)}. Status: {enquiry.status.value}; "
            f"due {_day(enquiry)}"
        )
    return "\n".join(lines)


def case_status(
    enquiry: Enquiry,
    history: Sequence[StatusChange],
    categories: Mapping[str, Category],
) -> str:
    text = (
        f"**{enquiry.reference}** ({_category(enquiry, categories)}, "
        f"{_place(enquiry)}) is **{enquiry.status.value}**"
    )
    latest = history[-1] if history else None
    if latest is not None:
        text += f" since {latest.at:%d %B %Y}"
        if latest.note:
            text += f": {latest.note}"
    return text + f".\n\nTarget date: {_day(enquiry)}."


def status_changed(enquiry: Enquiry, change: StatusChange | None) -> str:
    text = (
        f"Update on your case **{enquiry.reference}**: it is now "
        f"**{enquiry.status.value}**"
    )
    if change is not None and change.note:
        text += f" ({change.note})"
    return text + "."


def _category(enquiry: Enquiry, categories: Mapping[str, Category]) -> str:
    category = categories.get(enquiry.category)
    return enquiry.category if category is None else category_title(category)


def _place(enquiry: Enquiry) -> str:
    location = enquiry.location
    return location.postcode or location.description or "no location"


def _day(enquiry: Enquiry) -> str:
    return f"{enquiry.target_date:%A %d %B %Y}"


def _and_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
