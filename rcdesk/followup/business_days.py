"""Business-day arithmetic and deadline rules as plain Python (no database, no SQLAlchemy).

`BusinessCalendar` answers date questions for one country given its holidays:

- `add_business_days(start, n)`: counting starts the day AFTER `start` (COA art. 158–159,
  Ley 1755/2015); Saturdays, Sundays and holidays are skipped;
- `add_calendar(start, days=0, months=0)`: *plazo* counted date to date; when the target
  month lacks the day the last day of that month is used (COA art. 160);
- `nth_business_day_of_month(year, month, n)`: e.g. the 10th business day of May.

Years outside the loaded range fall back to the `holidays` library's national holidays.
The stored calendar (user edits) lives in `rcdesk/services/calendar.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from rcdesk.errors import UserError
from rcdesk.followup.periods import days_in_month


def library_holidays(country: str, year: int) -> dict[date, str]:
    """National holidays (Spanish names) from the `holidays` library, observed days included."""
    import holidays

    h = holidays.country_holidays(country, years=year, language="es")
    return {d: str(name) for d, name in sorted(h.items())}


class BusinessCalendar:
    """Answers business-day questions for one country (and optionally one locality)."""

    def __init__(
        self, country: str, holidays: dict[date, str], years: Iterable[int], locality: str | None = None
    ) -> None:
        self.country = country
        self.locality = locality
        self._holidays = dict(holidays)
        self._years = set(years)
        self._fallback: dict[int, dict[date, str]] = {}
        self._cum_tables: dict[int, list[int]] = {}

    # -- queries -----------------------------------------------------------------------
    def holiday_name(self, d: date) -> str | None:
        if d.year in self._years:
            return self._holidays.get(d)
        if d.year not in self._fallback:
            self._fallback[d.year] = library_holidays(self.country, d.year)
        return self._fallback[d.year].get(d)

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < 5 and self.holiday_name(d) is None

    def next_business_day(self, d: date, *, include_self: bool = True) -> date:
        cur = d if include_self else d + timedelta(days=1)
        while not self.is_business_day(cur):
            cur += timedelta(days=1)
        return cur

    def add_business_days(self, start: date, n: int) -> date:
        """The n-th business day counting from the day after `start` (n ≥ 0; n=0 → start)."""
        if n < 0:
            return self.subtract_business_days(start, -n)
        cur, left = start, n
        while left > 0:
            cur += timedelta(days=1)
            if self.is_business_day(cur):
                left -= 1
        return cur

    def subtract_business_days(self, start: date, n: int) -> date:
        cur, left = start, n
        while left > 0:
            cur -= timedelta(days=1)
            if self.is_business_day(cur):
                left -= 1
        return cur

    def business_days_between(self, a: date, b: date) -> int:
        """Business days after `a` up to and including `b` (negative when b < a)."""
        if b == a:
            return 0
        sign, lo, hi = (1, a, b) if b > a else (-1, b, a)
        if lo.year == hi.year:
            n = self._upto(hi) - self._upto(lo)
        else:
            n = self._year_table(lo.year)[-1] - self._upto(lo)
            n += sum(self._year_table(y)[-1] for y in range(lo.year + 1, hi.year))
            n += self._upto(hi)
        return sign * n

    def _upto(self, d: date) -> int:
        """Business days from 1 January of d's year up to and including d (cached per year)."""
        # ordinal arithmetic, not timetuple(): that imports `time` on every call, and with PySide6
        # loaded every import goes through its Python import hook (the home page calls this 4,000×)
        return self._year_table(d.year)[d.toordinal() - date(d.year, 1, 1).toordinal()]

    def _year_table(self, year: int) -> list[int]:
        table = self._cum_tables.get(year)
        if table is None:
            table, n, cur = [], 0, date(year, 1, 1)
            while cur.year == year:
                if self.is_business_day(cur):
                    n += 1
                table.append(n)
                cur += timedelta(days=1)
            self._cum_tables[year] = table
        return table

    def nth_business_day_of_month(self, year: int, month: int, n: int) -> date:
        if n < 1:
            raise ValueError("n must be ≥ 1")
        cur = date(year, month, 1)
        seen = 0
        while True:
            if self.is_business_day(cur):
                seen += 1
                if seen == n:
                    return cur
            cur += timedelta(days=1)
            if cur.month != month:
                raise UserError(f"El mes {month}/{year} no tiene {n} días hábiles.")

    @staticmethod
    def add_calendar(start: date, days: int = 0, months: int = 0) -> date:
        """Date-to-date *plazo*: add months (clamping to the month's last day), then days."""
        if months:
            m0 = start.month - 1 + months
            y, m = start.year + m0 // 12, m0 % 12 + 1
            last = days_in_month(y, m)
            start = date(y, m, min(start.day, last))
        return start + timedelta(days=days)

    def holidays_in(self, year: int) -> dict[date, str]:
        if year in self._years:
            return {d: n for d, n in self._holidays.items() if d.year == year}
        return dict(library_holidays(self.country, year))


# -- deadline rules as data ---------------------------------------------------------------
# unit: "business_days" | "calendar_days" | "months" | "nth_business_day_next_month"
DEFAULT_RULES: tuple[dict, ...] = (
    {
        "code": "ec_publicar_informe_preliminar",
        "country": "EC",
        "label": "Publicar el informe preliminar",
        "trigger": "Fecha de la deliberación pública",
        "offset": -15,
        "unit": "calendar_days",
        "basis": "Cronograma CPCCS (verificar cada año)",
    },
    {
        "code": "ec_convocatoria",
        "country": "EC",
        "label": "Convocatoria pública a la deliberación",
        "trigger": "Fecha de la deliberación pública",
        "offset": -15,
        "unit": "calendar_days",
        "basis": "Cronograma CPCCS (verificar cada año)",
    },
    {
        "code": "ec_recoger_aportes",
        "country": "EC",
        "label": "Recoger aportes ciudadanos tras la deliberación",
        "trigger": "Fecha de la deliberación pública",
        "offset": 14,
        "unit": "calendar_days",
        "basis": "Cronograma CPCCS (verificar cada año)",
    },
    {
        "code": "ec_entregar_cpccs",
        "country": "EC",
        "label": "Entregar el informe al CPCCS",
        "trigger": "Última deliberación pública",
        "offset": 30,
        "unit": "calendar_days",
        "basis": "Resolución anual del CPCCS",
    },
    {
        "code": "ec_poa_reporte_trimestral",
        "country": "EC",
        "label": "Reporte trimestral del POA",
        "trigger": "Fin del trimestre",
        "offset": 10,
        "unit": "business_days",
        "basis": "Definido por la institución",
    },
    {
        "code": "co_respuesta_peticion",
        "country": "CO",
        "label": "Responder una petición ciudadana",
        "trigger": "Fecha de recepción",
        "offset": 15,
        "unit": "business_days",
        "basis": "Ley 1755 de 2015, art. 14 (10 días para información, 30 para consultas)",
    },
    {
        "code": "co_respuesta_informacion",
        "country": "CO",
        "label": "Responder una solicitud de información",
        "trigger": "Fecha de recepción",
        "offset": 10,
        "unit": "business_days",
        "basis": "Ley 1755 de 2015, art. 14",
    },
    {
        "code": "co_respuesta_consulta",
        "country": "CO",
        "label": "Responder una consulta",
        "trigger": "Fecha de recepción",
        "offset": 30,
        "unit": "business_days",
        "basis": "Ley 1755 de 2015, art. 14",
    },
    {
        "code": "co_publicar_memorias",
        "country": "CO",
        "label": "Publicar memorias y conclusiones de la audiencia",
        "trigger": "Fecha del evento",
        "offset": 15,
        "unit": "business_days",
        "basis": "Documentos de referencia",
    },
    {
        "code": "co_seguimiento_oci",
        "country": "CO",
        "label": "Publicar el informe de seguimiento de Control Interno",
        "trigger": "Corte cuatrimestral (30 abr, 31 ago, 31 dic)",
        "offset": 10,
        "unit": "nth_business_day_next_month",
        "basis": "Seguimiento PAAC: décimo día hábil del mes siguiente al corte",
    },
    {
        "code": "co_publicar_paac",
        "country": "CO",
        "label": "Publicar el PAAC de la vigencia",
        "trigger": "1 de enero de la vigencia",
        "offset": 30,
        "unit": "calendar_days",
        "basis": "A más tardar el 31 de enero",
    },
)
RULE_UNITS = {
    "business_days": "días hábiles",
    "calendar_days": "días calendario",
    "months": "meses",
    "nth_business_day_next_month": "º día hábil del mes siguiente",
}


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    country: str
    label: str
    trigger: str
    offset: int
    unit: str
    basis: str = ""

    def apply(self, cal: BusinessCalendar, trigger: date) -> date:
        if self.unit == "business_days":
            return cal.add_business_days(trigger, self.offset)
        if self.unit == "calendar_days":
            return cal.add_calendar(trigger, days=self.offset)
        if self.unit == "months":
            return cal.add_calendar(trigger, months=self.offset)
        if self.unit == "nth_business_day_next_month":
            nxt = cal.add_calendar(date(trigger.year, trigger.month, 1), months=1)
            return cal.nth_business_day_of_month(nxt.year, nxt.month, self.offset)
        raise UserError(f"Unidad de plazo desconocida: «{self.unit}».")

    @property
    def description(self) -> str:
        if self.unit == "nth_business_day_next_month":
            return f"{self.offset}{RULE_UNITS[self.unit]}"
        return f"{self.offset:+d} {RULE_UNITS.get(self.unit, self.unit)}"

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "country": self.country,
            "label": self.label,
            "trigger": self.trigger,
            "offset": self.offset,
            "unit": self.unit,
            "basis": self.basis,
        }
