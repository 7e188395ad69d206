"""Business-day calendar across holidays (domain.md §5)."""

from datetime import date

import pytest

from rcdesk.errors import UserError
from rcdesk.services.calendar import BusinessCalendar, CalendarService, DeadlineRule


@pytest.fixture
def cal(db):
    return CalendarService(db)


def test_ecuador_carnival_is_skipped(cal):
    ec = cal.business_calendar("EC", years=[2024])
    assert not ec.is_business_day(date(2024, 2, 12)) and not ec.is_business_day(date(2024, 2, 13))
    # counting starts the day after Friday 9 Feb: Sat, Sun, carnival Mon+Tue skipped → Wed 14
    assert ec.add_business_days(date(2024, 2, 9), 1) == date(2024, 2, 14)
    assert ec.business_days_between(date(2024, 2, 9), date(2024, 2, 14)) == 1
    assert ec.add_business_days(date(2024, 3, 4), 5) == date(2024, 3, 11)  # plain week, no holiday


def test_colombian_emiliani_monday_and_holy_week(cal):
    co = cal.business_calendar("CO", years=[2024])
    assert co.is_business_day(date(2024, 3, 19))  # San José moved (Ley Emiliani) …
    assert not co.is_business_day(date(2024, 3, 25))  # … to Monday 25 March
    # Fri 22 Mar + 3 business days: Mon 25 (San José), Thu 28 and Fri 29 (Semana Santa) skipped
    assert co.add_business_days(date(2024, 3, 22), 3) == date(2024, 4, 1)


def test_oci_publication_is_tenth_business_day_of_next_month(cal):
    co = cal.business_calendar("CO", years=[2024, 2025])
    assert co.nth_business_day_of_month(2024, 5, 10) == date(2024, 5, 16)  # 1 May and Ascensión (13) skipped
    assert co.nth_business_day_of_month(2024, 9, 10) == date(2024, 9, 13)
    assert co.nth_business_day_of_month(2025, 1, 10) == date(2025, 1, 16)  # 1 Jan and Reyes (6) skipped
    rule = DeadlineRule("r", "CO", "x", "corte", 10, "nth_business_day_next_month")
    assert rule.apply(co, date(2024, 4, 30)) == date(2024, 5, 16)


def test_plazo_date_to_date_clamps_to_month_end():
    assert BusinessCalendar.add_calendar(date(2024, 1, 31), months=1) == date(2024, 2, 29)
    assert BusinessCalendar.add_calendar(date(2023, 1, 31), months=1) == date(2023, 2, 28)
    assert BusinessCalendar.add_calendar(date(2024, 11, 30), months=3) == date(2025, 2, 28)
    assert BusinessCalendar.add_calendar(date(2024, 3, 10), days=-15) == date(2024, 2, 24)


def test_holidays_are_stored_once_and_listed_in_spanish(cal, db):
    names = {h.day: h.name for h in cal.holidays("EC", 2024)}
    assert names[date(2024, 2, 12)] == "Carnaval"
    assert cal.ensure_seeded("EC", [2024]) == 0  # second time: nothing added
    assert len(cal.holidays("EC", 2024)) == len(names)


def test_local_holiday_applies_only_to_its_locality(cal):
    cal.add_holiday("EC", date(2025, 4, 21), "Independencia de Riobamba", scope="local", locality="Riobamba")
    assert not cal.business_calendar("EC", years=[2025], locality="riobamba").is_business_day(date(2025, 4, 21))
    assert cal.business_calendar("EC", years=[2025], locality="Guano").is_business_day(date(2025, 4, 21))
    assert cal.business_calendar("EC", years=[2025]).is_business_day(date(2025, 4, 21))


def test_bridge_day_added_and_library_holiday_removed(cal):
    cal.add_holiday("EC", date(2025, 12, 26), "Feriado puente decretado")
    ec = cal.business_calendar("EC", years=[2025])
    assert not ec.is_business_day(date(2025, 12, 26))
    carnival = [h for h in cal.holidays("EC", 2025) if h.name == "Carnaval"][0]
    cal.remove_holiday(carnival.holiday_id)
    cal.ensure_seeded("EC", [2025])  # re-seeding does not bring it back
    assert cal.business_calendar("EC", years=[2025]).is_business_day(carnival.day)
    assert carnival.day not in {h.day for h in cal.holidays("EC", 2025)}


def test_bad_holiday_input_is_refused(cal):
    with pytest.raises(UserError, match="localidad"):
        cal.add_holiday("EC", date(2025, 4, 21), "Fiesta", scope="local")
    with pytest.raises(UserError, match="País"):
        cal.add_holiday("PE", date(2025, 4, 21), "Fiesta")
    cal.add_holiday("CO", date(2025, 2, 3), "Día cívico")
    with pytest.raises(UserError, match="Ya existe"):
        cal.add_holiday("CO", date(2025, 2, 3), "Día cívico")


def test_deadline_rules_are_editable_data(cal):
    codes = {r.code for r in cal.deadline_rules("CO")}
    assert {"co_seguimiento_oci", "co_respuesta_peticion"} <= codes
    r = cal.rule("co_respuesta_peticion")
    assert r.offset == 15 and r.unit == "business_days"
    cal.save_rule(DeadlineRule(r.code, r.country, r.label, r.trigger, 20, r.unit, r.basis))
    assert cal.rule("co_respuesta_peticion").offset == 20
    with pytest.raises(UserError):
        cal.save_rule(DeadlineRule("x", "CO", "x", "x", 5, "semanas"))
    cal.reset_rules()
    assert cal.rule("co_respuesta_peticion").offset == 15
