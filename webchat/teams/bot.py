"""The councillors' casework bot: what it does with each kind of activity.

Runs after the request was authenticated and answered (see ``channel.py``),
so it may take its time; it starts slow work with a typing indicator. Everyone
is looked up by their Entra object id first: anyone who is not an active
councillor gets a polite refusal and nothing else, and casework stays in
one-to-one chats, where no one else can read a constituent's details.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from council.councillors import CaseworkService, Councillor
from council.enquiries import IdempotencyKeyReusedError, InvalidEnquiryError
from council.enquiries.categories import Category
from council.errors import CouncilError
from webchat.teams import messages
from webchat.teams.activities import Activity, message, typing
from webchat.teams.cards import CaseForm, case_form_card, submitted_form
from webchat.teams.commands import Intent, parse_command
from webchat.teams.connector import ConnectorClient, ConnectorError
from webchat.teams.dedupe import activity_key

logger = logging.getLogger(__name__)


@dataclass
class CaseworkBot:
    casework: CaseworkService
    connector: ConnectorClient
    categories: Mapping[str, Category]

    async def on_message(self, activity: Activity) -> None:
        """A typed message, or an ``Action.Submit`` from the case form."""
        councillor = await self._councillor_in_private(activity)
        if councillor is None:
            return

        form = submitted_form(activity.value)
        if form is not None:
            await self.raise_case(activity, councillor, form)
            return

        command = parse_command(activity.text)
        if command.intent is Intent.NEW_CASE:
            await self._reply(
                activity,
                message(
                    messages.NEW_CASE, attachments=[case_form_card(self.categories)]
                ),
            )
        elif command.intent is Intent.MY_CASES:
            await self._reply(activity, typing())
            cases = await self.casework.open_cases(councillor)
            await self._reply(
                activity,
                message(messages.open_cases(councillor, cases, self.categories)),
            )
        elif command.intent is Intent.STATUS and command.reference:
            await self._reply(activity, typing())
            await self._reply(
                activity, message(await self._status(councillor, command.reference))
            )
        elif command.intent is Intent.STATUS:
            await self._reply(activity, message(messages.WHICH_CASE))
        elif command.intent is Intent.HELP:
            await self._reply(activity, message(messages.welcome(councillor)))
        else:
            await self._reply(activity, message(messages.NOT_UNDERSTOOD))

    async def on_card_action(self, activity: Activity, form: CaseForm) -> None:
        """An ``adaptiveCard/action`` invoke carrying the case form."""
        councillor = await self._councillor_in_private(activity)
        if councillor is not None:
            await self.raise_case(activity, councillor, form)

    async def on_conversation_update(self, activity: Activity) -> None:
        """Welcome the councillor when the bot joins their chat (or they join)."""
        if not activity.members_added:
            return

        councillor = await self.casework.councillor(activity.from_.aad_object_id)
        if not activity.is_one_to_one:
            await self._reply(activity, message(messages.ONE_TO_ONE_ONLY))
            return
        if councillor is not None:
            await self.casework.remember_conversation(councillor, activity.reference())
        await self._reply(activity, message(messages.welcome(councillor)))

    async def raise_case(
        self, activity: Activity, councillor: Councillor, form: CaseForm
    ) -> None:
        """Raise the case, or show the form again saying what to correct."""
        gaps = form.missing()
        if gaps:
            await self._show_form_again(activity, form, messages.missing_fields(gaps))
            return

        await self._reply(activity, typing())
        try:
            enquiry = await self.casework.raise_case(
                councillor,
                form.new_enquiry(_idempotency_key(activity, councillor, form)),
            )
        except IdempotencyKeyReusedError:
            await self._reply(activity, message(messages.FORM_ALREADY_USED))
            return
        except InvalidEnquiryError as error:
            logger.info("Case form refused: %s", error.field)
            await self._show_form_again(activity, form, error.public_message)
            return
        except CouncilError as error:
            logger.warning("Could not raise a case: %s", error.code)
            await self._reply(activity, message(messages.CASE_FAILED))
            return

        await self._reply(activity, message(messages.case_raised(enquiry)))

    async def _councillor_in_private(self, activity: Activity) -> Councillor | None:
        """The councillor, their chat remembered; ``None`` after refusing."""
        councillor = await self.casework.councillor(activity.from_.aad_object_id)
        if councillor is None:
            logger.info("Refused a Teams user who is not a known councillor")
            await self._reply(activity, message(messages.NOT_A_COUNCILLOR))
            return None
        if not activity.is_one_to_one:
            await self._reply(activity, message(messages.ONE_TO_ONE_ONLY))
            return None

        await self.casework.remember_conversation(councillor, activity.reference())
        return councillor

    async def _status(self, councillor: Councillor, reference: str) -> str:
        try:
            enquiry = await self.casework.case(councillor, reference)
        except CouncilError as error:
            return error.public_message
        history = await self.casework.enquiries.history(enquiry.reference)
        return messages.case_status(enquiry, history, self.categories)

    async def _show_form_again(
        self, activity: Activity, form: CaseForm, problem: str
    ) -> None:
        values = form.values()
        if form.form_id:
            values["form_id"] = form.form_id
        card = case_form_card(self.categories, values=values, problem=problem)
        await self._reply(activity, message(problem, attachments=[card]))

    async def _reply(self, activity: Activity, reply: dict[str, Any]) -> None:
        try:
            await self.connector.send(activity.reference(), reply, reply_to=activity.id)
        except ConnectorError:
            if reply.get("type") != "typing":
                raise
            # A lost typing indicator is no reason to stop the real reply.


def _idempotency_key(activity: Activity, councillor: Councillor, form: CaseForm) -> str:
    """The form's own id, so a second press of submit raises nothing new; the
    activity id (within its conversation) for a form without one."""
    if form.form_id:
        return f"teams-form:{councillor.object_id}:{form.form_id}"
    return "teams-activity:" + activity_key(
        activity.channel_id, activity.conversation.id, activity.id or ""
    )
