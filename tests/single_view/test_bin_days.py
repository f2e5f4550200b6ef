"""Collection dates follow the round's pattern and move for bank holidays."""

from datetime import date

from council.single_view.bin_days import RoundPattern, next_collection

MONDAY_FORTNIGHTLY = RoundPattern("rubbish", 0, 2, date(2024, 1, 1))
FRIDAY_WEEKLY = RoundPattern("food", 4, 1, date(2024, 1, 5))
WEDNESDAY_WEEKLY = RoundPattern("food", 2, 1, date(2024, 1, 3))


def test_next_collection_ordinary_week_is_the_pattern_day() -> None:
    upcoming = next_collection(MONDAY_FORTNIGHTLY, date(2026, 6, 9))

    assert upcoming.on == date(2026, 6, 15)
    assert not upcoming.moved


def test_next_collection_on_the_day_itself_is_today() -> None:
    day = date(2026, 6, 15)

    assert next_collection(MONDAY_FORTNIGHTLY, day).on == day


def test_next_collection_after_bank_holiday_monday_moves_a_day_later() -> None:
    # Monday 25 May 2026 is the spring bank holiday.
    upcoming = next_collection(WEDNESDAY_WEEKLY, date(2026, 5, 25))

    assert upcoming.on == date(2026, 5, 28)
    assert upcoming.moved


def test_next_collection_on_bank_holiday_monday_moves_to_tuesday() -> None:
    upcoming = next_collection(MONDAY_FORTNIGHTLY, date(2026, 5, 1))

    assert upcoming.on == date(2026, 5, 5)
    assert upcoming.scheduled == date(2026, 5, 4)


def test_next_collection_christmas_day_friday_moves_to_saturday() -> None:
    upcoming = next_collection(FRIDAY_WEEKLY, date(2026, 12, 21))

    assert upcoming.on == date(2026, 12, 26)


def test_next_collection_moved_past_today_is_still_found() -> None:
    # Friday 1 January 2027's collection moves to Monday 4 January; asked on
    # Saturday 2 January, that is the next one, not Friday 8 January.
    assert next_collection(FRIDAY_WEEKLY, date(2027, 1, 2)).on == date(2027, 1, 4)
