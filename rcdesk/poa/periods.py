"""Reporting periods of a fiscal year (trimestre, cuatrimestre, mes) and evaluation cuts.

Pure Python (no SQLAlchemy): the GUI pages import it at start-up.
"""

from __future__ import annotations

import calendar
from datetime import date

# period kind -> number of periods in the fiscal year
PERIOD_COUNTS = {"trimestre": 4, "cuatrimestre": 3, "mes": 12}
PERIOD_LABELS = {"trimestre": "Trimestre", "cuatrimestre": "Cuatrimestre", "mes": "Mes"}
PERIOD_PREFIX = {"trimestre": "T", "cuatrimestre": "C", "mes": "M"}

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def period_count(kind: str) -> int:
    return PERIOD_COUNTS[kind]


def period_code(kind: str, n: int) -> str:
    """Short label: T1, C2, M11."""
    return f"{PERIOD_PREFIX[kind]}{n}"


def period_name(kind: str, n: int) -> str:
    if kind == "mes":
        return MONTHS[n - 1].capitalize()
    return f"{PERIOD_LABELS[kind]} {n}"


def period_end(kind: str, year: int, n: int) -> date:
    months = 12 // PERIOD_COUNTS[kind]
    month = n * months
    return date(year, month, calendar.monthrange(year, month)[1])


def period_start(kind: str, year: int, n: int) -> date:
    months = 12 // PERIOD_COUNTS[kind]
    return date(year, (n - 1) * months + 1, 1)


def closed_periods(kind: str, year: int, cut: date) -> int:
    """How many periods of `year` have ended on or before `cut` (0..count)."""
    count = PERIOD_COUNTS[kind]
    if cut.year > year:
        return count
    if cut.year < year:
        return 0
    return sum(1 for n in range(1, count + 1) if period_end(kind, year, n) <= cut)


def year_end(year: int) -> date:
    return date(year, 12, 31)
