"""Spanish scheduled-date texts → date ranges; unreadable text gives None (kept verbatim by callers)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rcdesk.plans.datetext import parse_date, parse_schedule, shift_year


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Febrero a diciembre de 2022", date(2022, 2, 1), date(2022, 12, 31)),
        ("Febrero a diciembre de 2022 (trimestralmente)", date(2022, 2, 1), date(2022, 12, 31)),
        ("Cada trimestre de 2022", date(2022, 1, 1), date(2022, 12, 31)),
        ("Diciembre de 2022", date(2022, 12, 1), date(2022, 12, 31)),
        ("Semestralmente 2022", date(2022, 1, 1), date(2022, 12, 31)),
        ("Informe elaborado: 30/11/2022, Informe publicado: 31/12/2022", date(2022, 11, 30), date(2022, 12, 31)),
        ("9/09/2020", date(2020, 9, 9), date(2020, 9, 9)),
        ("2020-09-14", date(2020, 9, 14), date(2020, 9, 14)),
        ("Primer semestre 2023", date(2023, 1, 1), date(2023, 6, 30)),
        ("II trimestre 2022", date(2022, 4, 1), date(2022, 6, 30)),
        ("Enero - junio 2022", date(2022, 1, 1), date(2022, 6, 30)),
        ("Del 1 de marzo al 30 de abril de 2022", date(2022, 3, 1), date(2022, 4, 30)),
        ("noviembre 30 de 2022", date(2022, 11, 30), date(2022, 11, 30)),
        ("  FEBRERO\u00a0a  Diciembre  DE 2022 ", date(2022, 2, 1), date(2022, 12, 31)),
    ],
)
def test_scheduled_texts_become_ranges(text, start, end):
    assert parse_schedule(text) == (start, end)


def test_excel_serial_and_real_dates():
    assert parse_schedule(44895) == (date(2022, 11, 30), date(2022, 11, 30))
    assert parse_schedule(datetime(2022, 12, 31, 0, 0)) == (date(2022, 12, 31), date(2022, 12, 31))
    assert parse_date(44895.0) == date(2022, 11, 30)
    assert parse_date(3.0) is None  # a small number is not a date


@pytest.mark.parametrize("text", ["Por definir", "Cuando se requiera", "", "Permanente", "31/02/2022"])
def test_unreadable_texts_give_none(text):
    assert parse_schedule(text) is None


def test_text_without_year_uses_the_plan_year():
    assert parse_schedule("Febrero a diciembre") is None
    assert parse_schedule("Febrero a diciembre", default_year=2024) == (date(2024, 2, 1), date(2024, 12, 31))
    assert parse_schedule("Permanente", default_year=2024) == (date(2024, 1, 1), date(2024, 12, 31))


def test_parse_date_accepts_only_a_single_date():
    assert parse_date("9/09/2020") == date(2020, 9, 9)
    assert parse_date(" 15/01/2021 00:00:00 ") == date(2021, 1, 15)
    assert parse_date("30 de abril de 2022") == date(2022, 4, 30)
    assert parse_date("pronto") is None
    assert parse_date("entre 1/02/2022 y 5/02/2022") is None


def test_shift_year_clamps_29_february():
    assert shift_year(date(2024, 2, 29), 2025) == date(2025, 2, 28)
    assert shift_year(date(2021, 9, 9), 2025) == date(2025, 9, 9)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("22 al 28 de abril de 2017", date(2017, 4, 22), date(2017, 4, 28)),
        ("19 y 20 de abril de 2017", date(2017, 4, 19), date(2017, 4, 20)),
        ("1, 2 y 3 de junio de 2021", date(2021, 6, 1), date(2021, 6, 3)),
        ("Semana del 5 al 9 de julio 2021", date(2021, 7, 5), date(2021, 7, 9)),
        ("14 - 18 de junio de 2021", date(2021, 6, 14), date(2021, 6, 18)),
        ("30 de abril al 2 de mayo de 2021", date(2021, 4, 30), date(2021, 5, 2)),
        ("30 al 2 de mayo de 2021", date(2021, 4, 30), date(2021, 5, 2)),
        ("28 de diciembre al 3 de enero de 2022", date(2021, 12, 28), date(2022, 1, 3)),
        ("14-sep-2020", date(2020, 9, 14), date(2020, 9, 14)),
        ("2-oct-2020", date(2020, 10, 2), date(2020, 10, 2)),
        ("2 de oct. 2020", date(2020, 10, 2), date(2020, 10, 2)),
        ("15 de sept 2020", date(2020, 9, 15), date(2020, 9, 15)),
        ("Sept. 2020", date(2020, 9, 1), date(2020, 9, 30)),
        ("martes, 15 de diciembre de 2020", date(2020, 12, 15), date(2020, 12, 15)),
        ("lunes 4 de mayo de 2021", date(2021, 5, 4), date(2021, 5, 4)),
    ],
)
def test_day_ranges_abbreviated_months_and_weekdays(text, start, end):
    assert parse_schedule(text) == (start, end)


def test_day_range_without_year_takes_the_plan_year():
    assert parse_schedule("del 3 al 5 de mayo") is None
    assert parse_schedule("del 3 al 5 de mayo", default_year=2021) == (date(2021, 5, 3), date(2021, 5, 5))
    assert parse_schedule("miércoles 2 de junio", default_year=2021) == (date(2021, 6, 2), date(2021, 6, 2))


def test_single_dates_with_weekday_or_dashes_are_one_date_but_ranges_are_not():
    assert parse_date("martes, 15 de diciembre de 2020") == date(2020, 12, 15)
    assert parse_date("14-sep-2020") == date(2020, 9, 14)
    assert parse_date("14-sep-20") == date(2020, 9, 14)
    assert parse_date("22 al 28 de abril de 2017") is None
    assert parse_date("19 y 20 de abril de 2017") is None
