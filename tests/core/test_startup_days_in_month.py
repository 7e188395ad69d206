"""days_in_month replaces calendar.monthrange on the home page's start-up path: same answers."""

import calendar

from rcdesk.followup.business_days import BusinessCalendar
from rcdesk.followup.periods import days_in_month, period_range


def test_days_in_month_matches_the_calendar_module_including_leap_years():
    assert all(days_in_month(y, m) == calendar.monthrange(y, m)[1] for y in range(1896, 2105) for m in range(1, 13))


def test_periods_and_month_plazos_end_on_the_right_day():
    from datetime import date

    assert period_range("cuatrimestre", 2024, 1) == (date(2024, 1, 1), date(2024, 4, 30))
    assert period_range("mes", 2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_range("trimestre", 2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert BusinessCalendar.add_calendar(date(2025, 1, 31), months=1) == date(2025, 2, 28)
    assert BusinessCalendar.add_calendar(date(2023, 12, 31), months=2, days=1) == date(2024, 3, 1)
