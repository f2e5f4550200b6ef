"""Contact centre opening hours in UK time, less bank holidays."""

from datetime import UTC, datetime

import pytest

from webchat.opening_hours import OpeningHours

WEEKDAYS = OpeningHours.parse("mon-fri 08:30-17:00; sat 09:00-12:00")


@pytest.mark.parametrize(
    "moment, open_",
    [
        (datetime(2026, 12, 2, 12, 0, tzinfo=UTC), True),  # Wednesday noon
        (datetime(2026, 12, 2, 8, 29, tzinfo=UTC), False),  # before opening
        (datetime(2026, 12, 2, 17, 0, tzinfo=UTC), False),  # at closing
        (datetime(2026, 12, 5, 11, 0, tzinfo=UTC), True),  # Saturday morning
        (datetime(2026, 12, 6, 11, 0, tzinfo=UTC), False),  # Sunday
        (datetime(2026, 12, 25, 12, 0, tzinfo=UTC), False),  # Christmas Day
        (datetime(2026, 8, 31, 12, 0, tzinfo=UTC), False),  # summer bank holiday
        (datetime(2026, 7, 1, 7, 29, tzinfo=UTC), False),  # 08:29 BST
        (datetime(2026, 7, 1, 7, 30, tzinfo=UTC), True),  # 08:30 BST
    ],
)
def test_is_open_follows_uk_hours_and_bank_holidays(moment, open_):
    assert WEEKDAYS.is_open(moment) is open_


def test_is_open_on_a_bank_holiday_when_the_council_opens_then():
    hours = OpeningHours.parse("mon-sun 00:00-24:00", closed_on_bank_holidays=False)

    assert hours.is_open(datetime(2026, 12, 25, 23, 59, 59, tzinfo=UTC))


@pytest.mark.parametrize(
    "text", ["weekdays 9-5", "mon-fri 17:00-08:30", "xyz 08:00-09:00", "mon 8:00-9:00"]
)
def test_parse_refuses_hours_it_cannot_read(text):
    with pytest.raises(ValueError):
        OpeningHours.parse(text)
