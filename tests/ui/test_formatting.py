"""The GUI writes dates, amounts and percentages the way Ecuadorian and Colombian staff read them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ui import formatting as fmt


def test_dates_read_day_month_year():
    assert fmt.date_text(date(2026, 3, 7)) == "07/03/2026"
    assert fmt.date_text(None) == ""
    assert fmt.datetime_text(datetime(2026, 3, 7, 14, 5)) == "07/03/2026 14:05"


def test_amounts_group_with_dots_and_keep_cents_after_a_comma():
    assert fmt.number(1234.5) == "1.234,50"
    assert fmt.number(1234567.891, 0) == "1.234.568"
    assert fmt.number(None) == ""


def test_typed_figures_come_back_as_typed():
    assert fmt.number_as_typed(0.125) == "0,125"
    assert fmt.number_as_typed(1500) == "1.500"
    assert fmt.number_as_typed(1234.5) == "1.234,50"
    assert fmt.number_as_typed(0.001) == "0,001"
    assert fmt.decimal_text(Decimal("62.50")) == "62,50"
    assert fmt.decimal_text(Decimal("60.00")) == "60"


def test_percentages_use_a_decimal_comma_and_say_when_there_is_nothing_to_measure():
    assert fmt.percent(25) == "25,0 %"
    assert fmt.percent(84.5, 2) == "84,50 %"
    assert fmt.percent(None) == "N/A"
    assert fmt.signed(3.46) == "+3,5"
