"""Target dates in working days: weekends and England's bank holidays skipped."""

from datetime import date

import pytest

from council.enquiries.categories import load_categories
from council.enquiries.service_levels import (
    DEFAULT_WORKING_DAYS,
    WORKING_DAYS_BY_CATEGORY,
    target_date,
    working_days_for,
)
from council.enquiries.working_days import WorkingDays

ENGLAND = WorkingDays("ENG")


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 6, 3), 2, date(2026, 6, 5)),  # Wednesday to Friday
        (date(2026, 6, 5), 1, date(2026, 6, 8)),  # Friday to Monday
        (date(2026, 6, 6), 1, date(2026, 6, 8)),  # Saturday to Monday
        (date(2026, 6, 5), 5, date(2026, 6, 12)),  # a whole week
        (date(2026, 6, 3), 0, date(2026, 6, 3)),
    ],
)
def test_working_days_skip_weekends(start: date, days: int, due: date) -> None:
    assert ENGLAND.add(start, days) == due


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Good Friday 3 April and Easter Monday 6 April 2026.
        (date(2026, 4, 2), 2, date(2026, 4, 8)),
        # Early May bank holiday, Monday 4 May 2026.
        (date(2026, 5, 1), 1, date(2026, 5, 5)),
        # Christmas Day, Boxing Day's substitute on Monday 28 December, and
        # New Year's Day 2027.
        (date(2026, 12, 24), 5, date(2027, 1, 5)),
    ],
)
def test_working_days_skip_england_bank_holidays(
    start: date, days: int, due: date
) -> None:
    assert ENGLAND.add(start, days) == due


def test_working_days_in_scotland_follow_scottish_bank_holidays() -> None:
    scotland = WorkingDays("SCT")

    # 2 January 2027 is a Saturday: Scotland takes Monday 4 January off for
    # it, England has no such bank holiday.
    assert scotland.add(date(2026, 12, 31), 1) == date(2027, 1, 5)
    assert ENGLAND.add(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_working_days_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="working_days"):
        ENGLAND.add(date(2026, 6, 3), -1)


def test_service_level_of_potholes_is_5_and_missed_bins_2_working_days() -> None:
    assert working_days_for("roads-and-transport.potholes-and-road-defects") == 5
    assert working_days_for("waste.missed-collection") == 2
    assert working_days_for("libraries-and-leisure.leisure-centres") == (
        DEFAULT_WORKING_DAYS
    )


def test_service_levels_name_only_real_categories() -> None:
    unknown = set(WORKING_DAYS_BY_CATEGORY) - set(load_categories())

    assert not unknown


def test_target_date_of_a_pothole_reported_on_christmas_eve() -> None:
    due = target_date(
        "roads-and-transport.potholes-and-road-defects", date(2026, 12, 24), ENGLAND
    )

    assert due == date(2027, 1, 5)
