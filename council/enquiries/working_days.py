"""Working days: Monday to Friday, less the bank holidays.

Target dates are promised in working days, as councils publish their service
standards. Bank holidays come from the ``holidays`` package, which follows the
UK Government's published list, including substitute days.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

SATURDAY = 5


@dataclass
class WorkingDays:
    """The working-day calendar of one part of the UK.

    ``subdivision`` is the ``holidays`` code: "ENG" for England and Wales (which
    share their bank holidays), "SCT" for Scotland, "NIR" for Northern Ireland.
    """

    subdivision: str = "ENG"
    _bank_holidays: holidays.HolidayBase = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._bank_holidays = holidays.country_holidays("GB", subdiv=self.subdivision)

    def is_working_day(self, day: date) -> bool:
        """True for a weekday that is not a bank holiday."""
        return day.weekday() < SATURDAY and day not in self._bank_holidays

    def add(self, start: date, working_days: int) -> date:
        """The date ``working_days`` working days after ``start``.

        ``start`` itself is not counted, whether or not it is a working day: an
        enquiry made on Friday with 1 working day is due on Monday, as is one
        made on Saturday.
        """
        if working_days < 0:
            raise ValueError("working_days must not be negative")

        day = start
        remaining = working_days
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day
