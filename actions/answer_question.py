"""Answer a resident's question from the council's knowledge articles."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import load_search
from council.answers import compose_answer
from knowledge.errors import BlankQueryError

logger = logging.getLogger(__name__)

ASK_FOR_QUESTION = "Please type your question and I will look it up."

# When nothing answers the question, the resident may still want something done:
# offer to raise an enquiry beside the person the answer already offers.
REPORT_BUTTON = {"title": "Report a problem", "payload": "/report_problem"}


class ActionAnswerQuestion(Action):
    """Search the knowledge and reply with the best section and its source."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[dict[str, Any]]:
        question = _typed_text(tracker)

        try:
            search = load_search().search(question, k=3)
        except BlankQueryError:
            dispatcher.utter_message(text=ASK_FOR_QUESTION)
            return []

        answer = compose_answer(search)
        logger.debug(
            "Answered conversation %s, answerable=%s",
            tracker.sender_id,
            answer.answerable,
        )
        buttons = list(answer.buttons)
        if not answer.answerable:
            buttons.insert(0, REPORT_BUTTON)
        dispatcher.utter_message(
            text=answer.text,
            buttons=buttons,
            json_message={
                "sources": [source.as_dict() for source in answer.sources],
                "answerable": answer.answerable,
            },
        )
        return []


def _typed_text(tracker: Tracker) -> str:
    """The resident's latest words, without the channel's slash guard."""
    text = tracker.latest_message.get("text") or ""
    return text.replace("\u2060", "").strip()
