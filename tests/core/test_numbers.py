"""Numbers typed by people: refused in Spanish when they are not finite, ordinary ones accepted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rcdesk.compliance import Band, ThresholdProfile
from rcdesk.errors import UserError
from rcdesk.numbers import parse_decimal, parse_float

BAD = [
    "nan",
    "NaN",
    "-nan",
    "sNaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "abc",
    "1,2,3",
    "85 %",
    float("nan"),
    float("inf"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    True,
]


@pytest.mark.parametrize("value", BAD, ids=repr)
def test_not_a_finite_number_is_refused_naming_the_field(value):
    with pytest.raises(UserError) as exc:
        parse_decimal(value, "Meta anual")
    assert str(exc.value).startswith("Meta anual: «")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("85", Decimal(85)),
        (" 85,5 ", Decimal("85.5")),
        ("1e3", Decimal(1000)),
        (12.25, Decimal("12.25")),
        (7, Decimal(7)),
        ("-3", Decimal(-3)),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_ordinary_numbers_pass(value, expected):
    assert parse_decimal(value, "x") == expected
    assert parse_float(value, "x") == (None if expected is None else float(expected))


def test_commitment_followup_refuses_nan_and_stores_nothing(db):
    from rcdesk.services.commitments import CommitmentService

    cs = CommitmentService(db)
    with pytest.raises(UserError, match="Avance del compromiso: «nan»"):
        cs.add_followup("cualquiera", date(2026, 7, 1), "nan")
    with pytest.raises(UserError, match="Avance del compromiso: «inf»"):
        cs.add_followup("cualquiera", date(2026, 7, 1), float("inf"))


def test_threshold_profile_with_a_nan_bound_reports_a_problem_instead_of_crashing():
    d = Decimal
    profile = ThresholdProfile("X", "Mío", (Band("rojo", d(0), d("NaN"), "Bajo"), Band("verde", d(60), None, "Alto")))
    problems = profile.validate()
    assert problems == ["El rango «Bajo» de «Mío» tiene un límite que no es un número válido."]
