"""When the contact centre's agents work: weekly hours, less bank holidays.

Hours come from a setting such as ``"mon-fri 08:30-17:00; sat 09:00-12:00"`` in UK
time. Bank holidays (England and Wales by default) come from the ``holidays``
package, so the list never needs editing by hand.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
RULE = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<open>\d{2}:\d{2})-(?P<close>\d{2}:\d{2})\s*$"
)


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening times by weekday (0 = Monday), closed on bank holidays."""

    times: dict[int, tuple[time, time]]
    subdivision: str = "ENG"
    closed_on_bank_holidays: bool = True

    @classmethod
    def parse(
        cls, text: str, subdivision: str = "ENG", closed_on_bank_holidays: bool = True
    ) -> "OpeningHours":
        """Read ``"mon-fri 08:30-17:00; sat 09:00-12:00"``; raise ValueError if bad."""
        times: dict[int, tuple[time, time]] = {}
        for part in filter(None, (p.strip() for p in text.lower().split(";"))):
            match = RULE.match(part)
            if not match or match["first"] not in DAYS:
                raise ValueError(f"cannot read opening hours {part!r}")

            first = DAYS.index(match["first"])
            last = DAYS.index(match["last"] or match["first"])
            opens = time.fromisoformat(match["open"])
            # "24:00" closes at the end of the day.
            closes = (
                time.max
                if match["close"] == "24:00"
                else time.fromisoformat(match["close"])
            )
            if closes <= opens:
                raise ValueError(f"closing time before opening time in {part!r}")
            for day in range(first, last + 1):
                times[day] = (opens, closes)
        return cls(times, subdivision, closed_on_bank_holidays)

    def is_open(self, moment: datetime) -> bool:
        """Whether agents are working at ``moment`` (any time zone)."""
        local = moment.astimezone(UK)
        bank_holidays = holidays.country_holidays("GB", subdiv=self.subdivision)
        if self.closed_on_bank_holidays and local.date() in bank_holidays:
            return False

        hours = self.times.get(local.weekday())
        if hours is None:
            return False
        return hours[0] <= local.time() < hours[1] or (
            hours[1] == time.max and local.time() >= hours[0]
        )
