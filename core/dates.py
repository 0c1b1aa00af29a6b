"""The range of dates the desk accepts: a letter's date of receipt, a statistics period.

A date far outside it is a typing or export error ("9999-12-31", "0001-01-01"), and taken as data it
breaks what is computed from it (deadlines overflow, last year's period of year 1 does not exist). So
such dates are refused where they enter, with a message, instead of failing later for every reader.
"""

from __future__ import annotations

from datetime import date, timedelta

FIRST_DATE = date(1980, 1, 1)
FUTURE_SLACK = timedelta(days=31)       # a receipt date may be slightly ahead (time zones, a wrong clock)
LAST_PERIOD_DATE = date(2200, 12, 31)   # statistics may ask about a period that has not ended yet


def received_date_problem(day: date, today: date | None = None) -> str | None:
    """Why `day` cannot be a date of receipt, or None if it can."""
    today = today or date.today()
    if day < FIRST_DATE:
        return f"收件日期 {day.isoformat()} 早于 {FIRST_DATE.isoformat()}，请核对"
    if day > today + FUTURE_SLACK:
        return f"收件日期 {day.isoformat()} 晚于今天（{today.isoformat()}），请核对"
    return None


def period_date_problem(day: date) -> str | None:
    """Why `day` cannot bound a statistics period, or None if it can."""
    if not FIRST_DATE <= day <= LAST_PERIOD_DATE:
        return f"日期 {day.isoformat()} 超出范围（{FIRST_DATE.isoformat()} 至 {LAST_PERIOD_DATE.isoformat()}）"
    return None
