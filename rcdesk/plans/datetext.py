"""Dates as institutions write them in their plans, in Spanish.

`parse_date` reads one date from a cell (an Excel date, an Excel serial number, or text
such as ``9/09/2020``, ``2020-09-14``, ``30 de noviembre de 2022``).
`parse_schedule` turns a scheduled-date text into a ``(start, end)`` range when it can:
``"Febrero a diciembre de 2022"`` → 1 Feb – 31 Dec 2022, ``"Cada trimestre de 2022"`` → the
whole year, ``"Informe elaborado: 30/11/2022, Informe publicado: 31/12/2022"`` → 30 Nov – 31 Dec.
Anything it cannot read returns ``None``; callers keep the text verbatim and warn.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, timedelta

MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    "ene": 1,
    "feb": 2,
    "mar": 3,
    "abr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "ago": 8,
    "sep": 9,
    "sept": 9,
    "set": 9,
    "oct": 10,
    "nov": 11,
    "dic": 12,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

EXCEL_EPOCH = date(1899, 12, 30)
# Excel serials we accept as dates: 1 Jan 1990 .. 31 Dec 2099
_SERIAL_MIN, _SERIAL_MAX = 32874, 73415


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", t.replace("\u00a0", " ")).strip().lower()


def _ymd(y: int, m: int, d: int) -> date | None:
    if y < 100:
        y += 2000
    try:
        return date(y, m, d)
    except ValueError:
        return None


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def excel_serial_to_date(value: float) -> date | None:
    if not (_SERIAL_MIN <= value <= _SERIAL_MAX):
        return None
    return EXCEL_EPOCH + timedelta(days=int(value))


_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
# "30 de abril de 2022", "2 de oct. 2020", "14-sep-2020", "2-oct-20" (two-digit years only after a dash)
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![\d/])(\d{{1,2}})(?:\s*[-/.]\s*|\s*(?:de\s+)?)({_MONTH_RE})\.?"
    rf"(?:\s*[-/]\s*(\d{{4}}|\d{{2}})|\s*,?\s*(?:de\s+|del\s+)?(\d{{4}}))(?!\d)"
)
_DAY_MONTH = re.compile(rf"(?<![\d/])(\d{{1,2}})\s*(?:de\s+)?({_MONTH_RE})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})\s*(?:de|del|,)?\s*(\d{{4}})(?!\d)")
# Several days of one month: "22 al 28 de abril de 2017", "19 y 20 de abril", "1, 2 y 3 de junio"
_DAY_LIST = re.compile(
    rf"(?<![\d/.\-])(\d{{1,2}})((?:\s*(?:,|y|al|a|hasta|-|–|—)\s*\d{{1,2}})+)\s*(?:de\s+)?({_MONTH_RE})\b\.?"
    rf"(?:\s*,?\s*(?:de\s+|del\s+)?(\d{{4}})(?!\d))?"
)
_WEEKDAYS = r"\b(lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b"


def _year_of(m: re.Match, first: int, second: int) -> int:
    return int(m[first] or m[second])


def _dates_in(folded: str) -> list[tuple[int, date]]:
    """Every complete single date written in `folded` text, with its position."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, d: date | None) -> None:
        if d is None:
            return
        span = m.span()
        if any(a < span[1] and span[0] < b for a, b in taken):
            return
        taken.append(span)
        found.append((span[0], d))

    for m in _ISO_DATE.finditer(folded):
        add(m, _ymd(int(m[1]), int(m[2]), int(m[3])))
    for m in _NUMERIC_DATE.finditer(folded):
        add(m, _ymd(int(m[3]), int(m[2]), int(m[1])))  # day/month/year, as written in EC and CO
    for m in _DAY_MONTH_YEAR.finditer(folded):
        add(m, _ymd(_year_of(m, 3, 4), MONTHS[m[2]], int(m[1])))
    for m in _MONTH_DAY_YEAR.finditer(folded):
        add(m, _ymd(int(m[3]), MONTHS[m[1]], int(m[2])))
    found.sort()
    return found


def _day_lists(folded: str, default_year: int | None) -> tuple[list[tuple[int, date]], list[tuple[int, int]]]:
    """Dates (first and last day) of day lists such as "22 al 28 de abril de 2017", and their spans."""
    out: list[tuple[int, date]] = []
    spans: list[tuple[int, int]] = []
    for m in _DAY_LIST.finditer(folded):
        days = [int(m[1]), *(int(x) for x in re.findall(r"\d{1,2}", m[2]))]
        year = int(m[4]) if m[4] else _year_after(folded, m.end(), default_year)
        if year is None:
            continue
        month = MONTHS[m[3]]
        last = _ymd(year, month, days[-1])
        if last is None:
            continue
        if days[0] <= days[-1]:
            first = _ymd(year, month, days[0])
        else:  # "30 al 2 de mayo": the first day belongs to the month before
            py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
            first = _ymd(py, pm, days[0])
        if first is None:
            continue
        out += [(m.start(), first), (m.start(), last)]
        spans.append(m.span())
    return out, spans


def _year_after(folded: str, pos: int, default_year: int | None) -> int | None:
    """The first year written after `pos` ("del 1 de marzo al 30 de abril de 2022"), else `default_year`."""
    m = _YEAR.search(folded, pos)
    return int(m[1]) if m else default_year


def parse_date(value: object) -> date | None:
    """One date from a cell value; None when it is empty or not a single readable date."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        return excel_serial_to_date(float(value))
    text = _fold(str(value))
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return excel_serial_to_date(float(text))
    found = _dates_in(text)
    if len(found) != 1:
        return None
    # the date must be (almost) the whole text: "9/09/2020", "9/09/2020 00:00:00", "30 de abril de 2022"
    leftover = _NUMERIC_DATE.sub("", text)
    leftover = _ISO_DATE.sub("", leftover)
    leftover = _DAY_MONTH_YEAR.sub("", leftover)
    leftover = _MONTH_DAY_YEAR.sub("", leftover)
    leftover = re.sub(_WEEKDAYS, "", leftover)  # "martes, 15 de diciembre de 2020"
    leftover = re.sub(r"\d{1,2}:\d{2}(:\d{2})?|[.,;()\s]|\b(el|del|de|dia|hasta|desde)\b", "", leftover)
    return found[0][1] if not leftover else None


_YEAR = re.compile(r"(?<![\d/.\-])(20\d{2}|19\d{2})(?![\d/\-])")
_RANGE_MONTHS = re.compile(
    rf"\b(?:de\s+|desde\s+)?({_MONTH_RE})\.?(?:\s+(?:de\s+|del\s+)?(\d{{4}}))?\s*(?:a|al|hasta|-|–|—|y)\s*"
    rf"({_MONTH_RE})\.?\b"
)
_SINGLE_MONTH = re.compile(rf"\b({_MONTH_RE})\b")
_WHOLE_YEAR = re.compile(
    r"\b(cada|trimestral\w*|semestral\w*|cuatrimestral\w*|mensual\w*|bimestral\w*|anual\w*|permanente\w*|"
    r"todo el ano|durante el ano|durante la vigencia|vigencia|continu\w*)\b"
)
_ORDINALS = {
    "primer": 1,
    "primero": 1,
    "1": 1,
    "1er": 1,
    "i": 1,
    "segundo": 2,
    "2": 2,
    "2do": 2,
    "ii": 2,
    "tercer": 3,
    "tercero": 3,
    "3": 3,
    "3er": 3,
    "iii": 3,
    "cuarto": 4,
    "4": 4,
    "4to": 4,
    "iv": 4,
}
_PERIOD = re.compile(
    r"\b(primer|primero|segundo|tercer|tercero|cuarto|1er|2do|3er|4to|iv|iii|ii|i|[1-4])\s*(?:\(\w+\)\s*)?"
    r"(semestre|trimestre|cuatrimestre)\b"
)
_PERIOD_AFTER = re.compile(r"\b(semestre|trimestre|cuatrimestre)\s*(iv|iii|ii|i|[1-4])\b")
_PERIOD_MONTHS = {"semestre": 6, "trimestre": 3, "cuatrimestre": 4}


def parse_schedule(value: object, default_year: int | None = None) -> tuple[date, date] | None:
    """A (start, end) range from a scheduled-date cell, or None when it cannot be read.

    `default_year` is used for texts that name months or periods but no year
    ("Febrero a diciembre"); without it such texts are not parsed.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (date, int, float)):
        d = parse_date(value)
        return (d, d) if d else None
    text = _fold(str(value))
    if not text:
        return None
    single = parse_date(text)
    if single:
        return single, single
    found = _dates_in(text)
    years = [int(y) for y in _YEAR.findall(text)]
    year = years[-1] if years else default_year
    listed, taken = _day_lists(text, default_year)
    found += listed
    # "del 1 de marzo al 30 de abril de 2022": a day and month without a year take the year
    # written after them, one less when that would put them after the date that follows
    taken += [
        m.span() for rx in (_ISO_DATE, _NUMERIC_DATE, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR) for m in rx.finditer(text)
    ]
    for dm in _DAY_MONTH.finditer(text):
        if any(a < dm.end() and dm.start() < b for a, b in taken):
            continue
        y = _year_after(text, dm.end(), default_year)
        if y is None:
            continue
        d = _ymd(y, MONTHS[dm[2]], int(dm[1]))
        later = [x for pos, x in found if pos > dm.start()]
        if d and later and d > min(later):
            d = _ymd(y - 1, MONTHS[dm[2]], int(dm[1]))
        if d:
            found.append((dm.start(), d))
    if found:
        ds = [d for _, d in found]
        return min(ds), max(ds)
    if year is None:
        return None

    m = _RANGE_MONTHS.search(text)
    if m:
        m1, m2 = MONTHS[m[1]], MONTHS[m[3]]
        y1 = int(m[2]) if m[2] else (years[0] if len(years) > 1 else year)
        y2 = year
        if m2 < m1 and y1 == y2:
            y2 = y1 + 1  # "noviembre a febrero de 2022": runs into the next year
            if years and years[-1] == year and not m[2]:
                y1, y2 = year - 1, year
        return date(y1, m1, 1), month_end(y2, m2)

    m = _PERIOD.search(text) or _PERIOD_AFTER.search(text)
    if m:
        if m.re is _PERIOD:
            n, kind = _ORDINALS[m[1]], m[2]
        else:
            kind, n = m[1], _ORDINALS[m[2]]
        size = _PERIOD_MONTHS[kind]
        if n * size <= 12:
            first = (n - 1) * size + 1
            return date(year, first, 1), month_end(year, first + size - 1)

    months = _SINGLE_MONTH.findall(text)
    months = [MONTHS[x] for x in months if x not in ("mar", "set") or len(months) == 1]
    if len(months) == 1 and not _WHOLE_YEAR.search(text):
        mo = months[0]
        return date(year, mo, 1), month_end(year, mo)
    if len(months) >= 2:
        return date(year, min(months), 1), month_end(year, max(months))

    if _WHOLE_YEAR.search(text) or (years and re.fullmatch(r"(ano|vigencia|year)?\s*\d{4}", text)):
        return date(year, 1, 1), date(year, 12, 31)
    return None


def shift_year(d: date, year: int) -> date:
    """Same day and month in `year`; 29 February becomes 28 February in common years."""
    try:
        return d.replace(year=year)
    except ValueError:
        return d.replace(year=year, day=28)


def format_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""
