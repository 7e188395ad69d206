"""Reporting periods of a plan's vigencia: cuatrimestres, trimestres or months (pure).

Period codes users type (command line, imports):
  "2022-C2" / "C2"  cuatrimestre 2 (May–Aug)      — plans followed by cuatrimestre
  "2022-T3" / "T3"  trimestre 3 (Jul–Sep)         — plans followed by trimestre
  "2022-05" / "M5"  May                            — monthly plans
  "2"               the plan's period number 2 (whatever its kind)
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from rcdesk.errors import UserError

PERIOD_COUNTS = {"cuatrimestre": 3, "trimestre": 4, "mes": 12}
PERIOD_MONTHS = {"cuatrimestre": 4, "trimestre": 3, "mes": 1}
PERIOD_LETTER = {"cuatrimestre": "C", "trimestre": "T", "mes": "M"}
PERIOD_NAMES = {"cuatrimestre": "Cuatrimestre", "trimestre": "Trimestre", "mes": "Mes"}
MONTHS_SHORT = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
MONTHS_LONG = (
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

_CODE = re.compile(r"^\s*(?:(\d{4})\s*[-/ ]\s*)?([CTMQ])?\s*(\d{1,2})\s*$", re.IGNORECASE)


def days_in_month(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1], without importing `calendar` (and `locale`) on the
    home page's start-up path."""
    return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day


def _kind(kind: str) -> str:
    if kind not in PERIOD_COUNTS:
        raise UserError(f"Tipo de periodo desconocido: «{kind}».")
    return kind


def period_count(kind: str) -> int:
    return PERIOD_COUNTS[_kind(kind)]


def period_range(kind: str, year: int, no: int) -> tuple[date, date]:
    """First and last day of period `no` (1-based) of `year`."""
    n = period_count(kind)
    if not 1 <= no <= n:
        raise UserError(f"El {PERIOD_NAMES[kind].lower()} {no} no existe (1 a {n}).")
    months = PERIOD_MONTHS[kind]
    m1 = (no - 1) * months + 1
    m2 = m1 + months - 1
    return date(year, m1, 1), date(year, m2, days_in_month(year, m2))


def period_of(kind: str, d: date) -> int:
    return (d.month - 1) // PERIOD_MONTHS[_kind(kind)] + 1


def period_code(kind: str, year: int, no: int) -> str:
    if kind == "mes":
        return f"{year}-{no:02d}"
    return f"{year}-{PERIOD_LETTER[kind]}{no}"


def period_label(kind: str, year: int, no: int) -> str:
    """'Cuatrimestre 1 (ene–abr 2022)', 'Mes 5 (may 2022)'."""
    start, end = period_range(kind, year, no)
    if kind == "mes":
        return f"{MONTHS_LONG[start.month - 1].capitalize()} de {year}"
    return f"{PERIOD_NAMES[kind]} {no} ({MONTHS_SHORT[start.month - 1]}–{MONTHS_SHORT[end.month - 1]} {year})"


def span_text(start: date, end: date) -> str:
    """'01-ene a 30-abr de 2022' (the header style of Control Interno's reports)."""
    return (
        f"{start.day:02d}-{MONTHS_SHORT[start.month - 1]} a {end.day:02d}-{MONTHS_SHORT[end.month - 1]} de {end.year}"
    )


def date_text(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def parse_period(text: str | int, kind: str, year: int) -> int:
    """Period number of the plan (kind, vigencia `year`) named by `text`; UserError when it does not fit."""
    _kind(kind)
    n = PERIOD_COUNTS[kind]
    if isinstance(text, int):
        code_year, letter, num = None, None, text
    else:
        m = _CODE.match(str(text))
        if not m:
            raise UserError(
                f"Periodo «{text}» no reconocido. Use por ejemplo {period_code(kind, year, 1)} "
                f"o solo el número del periodo (1 a {n})."
            )
        code_year = int(m.group(1)) if m.group(1) else None
        letter = (m.group(2) or "").upper() or None
        num = int(m.group(3))
    if code_year is not None and code_year != year:
        raise UserError(f"El periodo «{text}» está fuera de la vigencia {year} del plan.")
    if letter == "Q":
        letter = "T"
    if letter is None and code_year is not None:
        letter = "M"  # "2022-05" is a month
    if letter is not None and letter != PERIOD_LETTER[kind]:
        wanted = {"C": "cuatrimestres", "T": "trimestres", "M": "meses"}
        raise UserError(
            f"El plan se sigue por {wanted[PERIOD_LETTER[kind]]}, no por {wanted[letter]}: "
            f"use {period_code(kind, year, 1)} … {period_code(kind, year, n)} o el número 1 a {n}."
        )
    if not 1 <= num <= n:
        raise UserError(
            f"El periodo «{text}» está fuera de la vigencia {year}: el plan tiene {n} "
            f"{'meses' if kind == 'mes' else PERIOD_NAMES[kind].lower() + 's'} (1 a {n})."
        )
    return num
