from datetime import date

import pytest

from xinfang.core.deadlines import add_days, routing_deadline


def test_calendar_days():
    assert routing_deadline(date(2024, 1, 1)).due == date(2024, 1, 16)


def test_working_days_skip_the_national_day_holiday_and_count_the_make_up_day():
    # 2024-09-29 (Sunday) is a make-up working day; 10-01..10-07 are holidays; 10-12 (Saturday) works.
    deadline = add_days(date(2024, 9, 27), 3, "working")
    assert deadline.due == date(2024, 10, 8)
    assert not deadline.approximate


def test_working_days_over_spring_festival_2025():
    # Received Friday 2025-01-24; 01-26 (Sunday) is a make-up working day; 01-28..02-04 are holidays.
    assert add_days(date(2025, 1, 24), 2, "working").due == date(2025, 1, 27)
    assert add_days(date(2025, 1, 24), 3, "working").due == date(2025, 2, 5)


def test_unknown_years_fall_back_to_weekdays_and_say_so():
    deadline = add_days(date(2099, 3, 6), 1, "working")  # a Friday
    assert deadline.due == date(2099, 3, 9) and deadline.approximate


def test_bad_counting_is_refused():
    with pytest.raises(ValueError):
        add_days(date(2024, 1, 1), 1, "lunar")
