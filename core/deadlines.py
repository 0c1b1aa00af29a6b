"""Legal time limits counted the way the office counts them: calendar days or working days.

Working days follow the State Council's holiday schedule (chinese-calendar knows the holidays and the
make-up working days, 调休). For a year the package does not cover yet, Monday to Friday is used, and
the deadline says so, because a wrong deadline is worse than an approximate one that admits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

ROUTING_DAYS = 15  # 信访工作条例: route within 15 days of receipt
# The README names the setting `workdays`; `working` is the name the code used first. Both mean the same.
COUNTING_ALIASES = {"calendar": "calendar", "working": "working", "workdays": "working", "workday": "working"}


@dataclass(frozen=True)
class Deadline:
    due: date
    counting: str
    approximate: bool = False

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def overdue(self, today: date) -> bool:
        return today > self.due


def _is_workday(day: date) -> tuple[bool, bool]:
    """(is a working day, known from the official schedule)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_days(start: date, days: int, counting: str = "calendar") -> Deadline:
    """The date `days` days after `start` (the day of receipt itself is not counted).

    A start so late that the deadline would pass the last date Python knows (a mistyped "9999-12-31"
    stored before ingest refused such dates) gives that last date, marked approximate, not an error
    on every page that shows the letter.
    """
    mode = normalise_counting(counting)
    try:
        if mode == "calendar":
            return Deadline(start + timedelta(days=days), mode)
        day, counted, exact = start, 0, True
        while counted < days:
            day += timedelta(days=1)
            workday, known = _is_workday(day)
            exact = exact and known
            counted += workday
        return Deadline(day, mode, approximate=not exact)
    except OverflowError:
        return Deadline(date.max, mode, approximate=True)


def normalise_counting(counting: str) -> str:
    """'calendar' or 'working' (also accepted: 'workdays', as the README writes it)."""
    mode = COUNTING_ALIASES.get((counting or "").strip().lower())
    if mode is None:
        raise ValueError(f"day counting must be 'calendar' or 'workdays', not {counting!r}")
    return mode


def routing_deadline(received: date, counting: str = "calendar", days: int = ROUTING_DAYS) -> Deadline:
    return add_days(received, days, counting)
