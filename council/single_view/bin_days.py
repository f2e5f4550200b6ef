"""Collection dates from a round's pattern, moved for bank holidays.

A round collects on one weekday every ``every_weeks`` weeks, counted from its
first collection. In a week with a bank holiday, every collection on or after
the holiday that week moves one day later (Monday's to Tuesday, Friday's to
Saturday), which is the rule most English councils publish; a collection that
would still land on a bank holiday, or on a Sunday, moves on again (Christmas
and New Year). Only bank holidays on weekdays count: when Boxing Day is a
Saturday, its substitute Monday is the day off. Councils publish their own
Christmas calendars; this is the rule without one. Bank holidays are
England's, from the ``holidays`` package.
"""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

SUBDIVISION = "ENG"


@dataclass(frozen=True)
class RoundPattern:
    bin_type: str
    weekday: int
    every_weeks: int
    first_collection: date


def bank_holidays(subdivision: str = SUBDIVISION) -> Container[date]:
    """England's bank holidays (any year, computed when asked)."""
    return _bank_holidays(subdivision)


@lru_cache(maxsize=4)
def _bank_holidays(subdivision: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=subdivision)


def scheduled_on_or_after(pattern: RoundPattern, day: date) -> date:
    """The round's next date by its pattern alone, on or after ``day``."""
    period = 7 * pattern.every_weeks
    if day <= pattern.first_collection:
        return pattern.first_collection
    behind = (day - pattern.first_collection).days % period
    return day if behind == 0 else day + timedelta(days=period - behind)


def moved_for_bank_holidays(scheduled: date, closed: Container[date]) -> date:
    """The day the collection really happens, given the bank holidays."""
    monday = scheduled - timedelta(days=scheduled.weekday())
    shift = sum(
        1
        for offset in range(min(scheduled.weekday(), 4) + 1)
        if monday + timedelta(days=offset) in closed
    )
    actual = scheduled + timedelta(days=shift)
    while (actual.weekday() < 5 and actual in closed) or actual.weekday() == 6:
        actual += timedelta(days=1)
    return actual


@dataclass(frozen=True)
class NextCollection:
    on: date
    scheduled: date

    @property
    def moved(self) -> bool:
        return self.on != self.scheduled


def next_collection(
    pattern: RoundPattern, today: date, closed: Container[date] | None = None
) -> NextCollection:
    """The next actual collection on or after ``today``, and the day it was
    due by the pattern.

    A collection scheduled just before today may have been moved on to today
    or later by a bank holiday, so the search starts a week back.
    """
    closed = bank_holidays() if closed is None else closed
    scheduled = scheduled_on_or_after(pattern, today - timedelta(days=7))
    while True:
        actual = moved_for_bank_holidays(scheduled, closed)
        if actual >= today:
            return NextCollection(actual, scheduled)
        scheduled += timedelta(days=7 * pattern.every_weeks)
