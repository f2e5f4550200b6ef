"""How many answers to each form question could not be used, and what follows.

The rule residents are promised: after two answers that cannot be used, the
assistant explains what it needs and offers a person or a way out, instead of
asking the same question a third time; a third unusable answer ends the form
without sending anything. The counts live in one slot, per slot name, and start
again for each task.
"""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.forms import REQUESTED_SLOT

FAILURES_SLOT = "form_failures"

# After this many unusable answers the question is replaced by help.
HELP_AFTER = 2

# After this many the form stops.
STOP_AFTER = 3


def failures_for(tracker: Tracker, slot: str) -> int:
    """Unusable answers given so far for ``slot`` in the current task."""
    counts = tracker.get_slot(FAILURES_SLOT) or {}
    return int(counts.get(slot, 0)) if isinstance(counts, dict) else 0


def after_failure(tracker: Tracker, slot: str) -> dict[str, Any]:
    """Slot updates for one more unusable answer to ``slot``.

    Leaves ``slot`` empty so the form asks again; from :data:`STOP_AFTER`
    failures on, also empties ``requested_slot``, which ends the form.
    """
    counts = dict(tracker.get_slot(FAILURES_SLOT) or {})
    counts[slot] = failures_for(tracker, slot) + 1

    updates: dict[str, Any] = {slot: None, FAILURES_SLOT: counts}
    if counts[slot] >= STOP_AFTER:
        updates[REQUESTED_SLOT] = None
    return updates


def after_success(tracker: Tracker, slot: str) -> dict[str, Any]:
    """Slot updates that forget earlier failures for ``slot``."""
    counts = dict(tracker.get_slot(FAILURES_SLOT) or {})
    if slot not in counts:
        return {}
    del counts[slot]
    return {FAILURES_SLOT: counts}
