"""Business-day calendar per country (EC, CO) and deadline rules as data (domain.md §5).

National holidays come from the `holidays` library and are copied into the `holiday`
table the first time a year is needed (the app works offline and users edit them: local
holidays, decreed bridge days, a library holiday that did not apply). Removing a library
holiday deactivates it (so re-seeding never brings it back); removing a user holiday
tombstones it.

`BusinessCalendar` is a plain object (no DB) that answers date questions:

- `add_business_days(start, n)`: counting starts the day AFTER `start` (COA art. 158–159,
  Ley 1755/2015); Saturdays, Sundays and holidays are skipped;
- `add_calendar(start, days=0, months=0)`: *plazo* counted date to date; when the target
  month lacks the day the last day of that month is used (COA art. 160);
- `nth_business_day_of_month(year, month, n)`: e.g. the 10th business day of May.

Years outside the loaded range fall back to the library's national holidays.
"""
from __future__ import annotations

import calendar as _cal
import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Iterable

from sqlalchemy import select

from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.ids import utcnow
from rcdesk.models.core import Setting
from rcdesk.models.followup import HOLIDAY_SCOPES, Holiday
from rcdesk.models.reference import COUNTRIES
from rcdesk.text import clean, fold

SOURCE_LIBRARY = "biblioteca"
SOURCE_USER = "usuario"
RULES_KEY = "calendar.deadline_rules"
DEFAULT_WINDOW = (-2, 3)  # years around today loaded by default


@dataclass(frozen=True)
class HolidayRow:
    holiday_id: str
    country: str
    day: date
    name: str
    scope: str
    locality: str | None
    source: str
    active: bool

    @property
    def scope_label(self) -> str:
        label = HOLIDAY_SCOPES.get(self.scope, self.scope)
        return f"{label} ({self.locality})" if self.locality else label

    def as_json(self) -> dict:
        return {
            "id": self.holiday_id, "country": self.country, "date": self.day.isoformat(), "name": self.name,
            "scope": self.scope, "locality": self.locality, "source": self.source, "active": self.active,
        }


def library_holidays(country: str, year: int) -> dict[date, str]:
    """National holidays (Spanish names) from the `holidays` library, observed days included."""
    import holidays

    h = holidays.country_holidays(country, years=year, language="es")
    return {d: str(name) for d, name in sorted(h.items())}


class BusinessCalendar:
    """Answers business-day questions for one country (and optionally one locality)."""

    def __init__(self, country: str, holidays: dict[date, str], years: Iterable[int],
                 locality: str | None = None) -> None:
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
        return self._year_table(d.year)[d.timetuple().tm_yday - 1]

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
            last = _cal.monthrange(y, m)[1]
            start = date(y, m, min(start.day, last))
        return start + timedelta(days=days)

    def holidays_in(self, year: int) -> dict[date, str]:
        if year in self._years:
            return {d: n for d, n in self._holidays.items() if d.year == year}
        return dict(library_holidays(self.country, year))


# -- deadline rules as data ---------------------------------------------------------------
# unit: "business_days" | "calendar_days" | "months" | "nth_business_day_next_month"
DEFAULT_RULES: tuple[dict, ...] = (
    {"code": "ec_publicar_informe_preliminar", "country": "EC", "label": "Publicar el informe preliminar",
     "trigger": "Fecha de la deliberación pública", "offset": -15, "unit": "calendar_days",
     "basis": "Cronograma CPCCS (verificar cada año)"},
    {"code": "ec_convocatoria", "country": "EC", "label": "Convocatoria pública a la deliberación",
     "trigger": "Fecha de la deliberación pública", "offset": -15, "unit": "calendar_days",
     "basis": "Cronograma CPCCS (verificar cada año)"},
    {"code": "ec_recoger_aportes", "country": "EC", "label": "Recoger aportes ciudadanos tras la deliberación",
     "trigger": "Fecha de la deliberación pública", "offset": 14, "unit": "calendar_days",
     "basis": "Cronograma CPCCS (verificar cada año)"},
    {"code": "ec_entregar_cpccs", "country": "EC", "label": "Entregar el informe al CPCCS",
     "trigger": "Última deliberación pública", "offset": 30, "unit": "calendar_days",
     "basis": "Resolución anual del CPCCS"},
    {"code": "ec_poa_reporte_trimestral", "country": "EC", "label": "Reporte trimestral del POA",
     "trigger": "Fin del trimestre", "offset": 10, "unit": "business_days",
     "basis": "Definido por la institución"},
    {"code": "co_respuesta_peticion", "country": "CO", "label": "Responder una petición ciudadana",
     "trigger": "Fecha de recepción", "offset": 15, "unit": "business_days",
     "basis": "Ley 1755 de 2015, art. 14 (10 días para información, 30 para consultas)"},
    {"code": "co_respuesta_informacion", "country": "CO", "label": "Responder una solicitud de información",
     "trigger": "Fecha de recepción", "offset": 10, "unit": "business_days", "basis": "Ley 1755 de 2015, art. 14"},
    {"code": "co_respuesta_consulta", "country": "CO", "label": "Responder una consulta",
     "trigger": "Fecha de recepción", "offset": 30, "unit": "business_days", "basis": "Ley 1755 de 2015, art. 14"},
    {"code": "co_publicar_memorias", "country": "CO", "label": "Publicar memorias y conclusiones de la audiencia",
     "trigger": "Fecha del evento", "offset": 15, "unit": "business_days", "basis": "Documentos de referencia"},
    {"code": "co_seguimiento_oci", "country": "CO", "label": "Publicar el informe de seguimiento de Control Interno",
     "trigger": "Corte cuatrimestral (30 abr, 31 ago, 31 dic)", "offset": 10, "unit": "nth_business_day_next_month",
     "basis": "Seguimiento PAAC: décimo día hábil del mes siguiente al corte"},
    {"code": "co_publicar_paac", "country": "CO", "label": "Publicar el PAAC de la vigencia",
     "trigger": "1 de enero de la vigencia", "offset": 30, "unit": "calendar_days", "basis": "A más tardar el 31 de enero"},
)
RULE_UNITS = {
    "business_days": "días hábiles", "calendar_days": "días calendario", "months": "meses",
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
        return {"code": self.code, "country": self.country, "label": self.label, "trigger": self.trigger,
                "offset": self.offset, "unit": self.unit, "basis": self.basis}


class CalendarService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- calendars -----------------------------------------------------------------------
    def business_calendar(self, country: str, *, years: Iterable[int] | None = None,
                          locality: str | None = None, today: date | None = None) -> BusinessCalendar:
        """Calendar with the stored holidays for `years` (default: 2 years back, 3 ahead)."""
        country = _country(country)
        year_list = sorted(set(years)) if years is not None else _window(today)
        self.ensure_seeded(country, year_list)
        with self.db.session() as s:
            return self.calendar_in(s, country, year_list, locality=locality)

    @staticmethod
    def calendar_in(s, country: str, years: list[int], *, locality: str | None = None) -> BusinessCalendar:  # noqa: ANN001
        """Build a calendar inside an open session (callers that already hold one).

        Years never seeded in this database use the library's national holidays.
        """
        lo, hi = date(min(years), 1, 1), date(max(years), 12, 31)
        rows = s.execute(
            select(Holiday.day, Holiday.name, Holiday.scope, Holiday.locality, Holiday.source).where(
                Holiday.country == country, Holiday.deleted.is_(False), Holiday.active.is_(True),
                Holiday.day >= lo, Holiday.day <= hi,
            )
        ).all()
        seeded_years = {
            d.year for (d,) in s.execute(
                select(Holiday.day).where(Holiday.country == country, Holiday.source == SOURCE_LIBRARY,
                                          Holiday.day >= lo, Holiday.day <= hi)
            ).all()
        }
        days: dict[date, str] = {}
        loc = fold(locality) if locality else None
        for day, name, scope, where, _source in rows:
            if scope == "local" and (loc is None or fold(where) != loc):
                continue
            days.setdefault(day, name)
        for y in years:
            if y not in seeded_years:
                for d, n in library_holidays(country, y).items():
                    days.setdefault(d, n)
        return BusinessCalendar(country, days, years, locality=locality)

    def ensure_seeded(self, country: str, years: Iterable[int]) -> int:
        """Copy the library's national holidays for years never seeded; returns rows added."""
        country = _country(country)
        added = 0
        with self.db.begin() as s:
            for year in sorted(set(years)):
                if not 1990 <= year <= 2100:
                    raise UserError(f"Año {year} fuera de rango (1990–2100).")
                exists = s.scalar(select(Holiday.id).where(
                    Holiday.country == country, Holiday.source == SOURCE_LIBRARY,
                    Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31)).limit(1))
                if exists:
                    continue
                for d, name in library_holidays(country, year).items():
                    s.add(Holiday(country=country, day=d, name=name[:200], scope="nacional",
                                  locality=None, source=SOURCE_LIBRARY, active=True))
                    added += 1
        return added

    # -- editing -----------------------------------------------------------------------
    def holidays(self, country: str, year: int, *, include_inactive: bool = False) -> list[HolidayRow]:
        country = _country(country)
        self.ensure_seeded(country, [year])
        with self.db.session() as s:
            stmt = select(Holiday).where(
                Holiday.country == country, Holiday.deleted.is_(False),
                Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31),
            ).order_by(Holiday.day, Holiday.name)
            if not include_inactive:
                stmt = stmt.where(Holiday.active.is_(True))
            return [_row(h) for h in s.scalars(stmt)]

    def add_holiday(self, country: str, day: date, name: str, *, scope: str = "nacional",
                    locality: str | None = None) -> HolidayRow:
        """Add a local holiday or a decreed bridge day (feriado puente)."""
        country = _country(country)
        name = clean(name)
        locality = clean(locality) or None
        problems = []
        if not name:
            problems.append("Indique el nombre del feriado.")
        if scope not in HOLIDAY_SCOPES:
            problems.append(f"Alcance «{scope}» desconocido (use nacional o local).")
        if scope == "local" and not locality:
            problems.append("Un feriado local necesita la localidad (cantón o municipio).")
        if scope == "nacional" and locality:
            problems.append("Un feriado nacional no lleva localidad; elija alcance local.")
        if not isinstance(day, date) or not 1990 <= day.year <= 2100:
            problems.append("Fecha no válida.")
        if problems:
            raise UserError("No se puede agregar el feriado.", details=problems)
        self.ensure_seeded(country, [day.year])
        with self.db.begin() as s:
            same = s.scalars(select(Holiday).where(
                Holiday.country == country, Holiday.day == day, Holiday.deleted.is_(False))).all()
            for h in same:
                if h.scope == scope and fold(h.locality) == fold(locality):
                    if h.active:
                        raise UserError(
                            f"Ya existe el feriado «{h.name}» el {day:%d/%m/%Y} "
                            f"({HOLIDAY_SCOPES[scope].lower()}{' ' + locality if locality else ''})."
                        )
                    h.active = True  # re-activating a removed library holiday
                    h.name = name[:200]
                    s.flush()
                    return _row(h)
            h = Holiday(country=country, day=day, name=name[:200], scope=scope, locality=locality,
                        source=SOURCE_USER, active=True)
            s.add(h)
            s.flush()
            return _row(h)

    def remove_holiday(self, holiday_id: str) -> HolidayRow:
        """Library holidays are deactivated (kept for re-seeding); user ones are tombstoned."""
        with self.db.begin() as s:
            h = s.get(Holiday, holiday_id)
            if h is None or h.deleted or not h.active:
                raise NotFound(f"No existe el feriado «{holiday_id}».")
            if h.source == SOURCE_LIBRARY:
                h.active = False
            else:
                h.deleted = True
            s.flush()
            return _row(h)

    def find_holiday(self, country: str, day: date) -> list[HolidayRow]:
        country = _country(country)
        with self.db.session() as s:
            return [_row(h) for h in s.scalars(select(Holiday).where(
                Holiday.country == country, Holiday.day == day, Holiday.deleted.is_(False),
                Holiday.active.is_(True)))]

    # -- deadline rules --------------------------------------------------------------------
    def deadline_rules(self, country: str | None = None) -> list[DeadlineRule]:
        with self.db.session() as s:
            row = s.get(Setting, RULES_KEY)
            data = json.loads(row.value) if row else list(DEFAULT_RULES)
        rules = [DeadlineRule(**{k: r[k] for k in DeadlineRule.__dataclass_fields__ if k in r}) for r in data]
        return [r for r in rules if country is None or r.country == country]

    def rule(self, code: str) -> DeadlineRule:
        for r in self.deadline_rules():
            if r.code == code:
                return r
        raise NotFound(f"No existe la regla de plazo «{code}».")

    def save_rule(self, rule: DeadlineRule) -> None:
        """Create or replace a rule (by code), validated."""
        problems = []
        if not clean(rule.code):
            problems.append("La regla necesita un código.")
        if rule.country not in COUNTRIES:
            problems.append(f"País «{rule.country}» desconocido (use EC o CO).")
        if rule.unit not in RULE_UNITS:
            problems.append(f"Unidad «{rule.unit}» desconocida.")
        if rule.unit == "nth_business_day_next_month" and not 1 <= rule.offset <= 23:
            problems.append("El día hábil del mes debe estar entre 1 y 23.")
        if problems:
            raise UserError("La regla de plazo tiene errores.", details=problems)
        rules = [r for r in self.deadline_rules() if r.code != rule.code] + [replace(rule, label=clean(rule.label))]
        self._store_rules(rules)

    def reset_rules(self) -> None:
        with self.db.begin() as s:
            row = s.get(Setting, RULES_KEY)
            if row is not None:
                s.delete(row)

    def _store_rules(self, rules: list[DeadlineRule]) -> None:
        value = json.dumps([r.as_json() for r in rules], ensure_ascii=False)
        with self.db.begin() as s:
            row = s.get(Setting, RULES_KEY)
            if row is None:
                s.add(Setting(key=RULES_KEY, value=value))
            else:
                row.value = value


def _country(country: str) -> str:
    c = (country or "").strip().upper()
    if c not in COUNTRIES:
        raise UserError(f"País «{country}» desconocido (use EC o CO).")
    return c


def _window(today: date | None) -> list[int]:
    y = (today or utcnow().date()).year
    return list(range(y + DEFAULT_WINDOW[0], y + DEFAULT_WINDOW[1] + 1))


def _row(h: Holiday) -> HolidayRow:
    return HolidayRow(h.id, h.country, h.day, h.name, h.scope, h.locality, h.source, bool(h.active))


__all__ = [
    "BusinessCalendar", "CalendarService", "DEFAULT_RULES", "DeadlineRule", "HolidayRow", "RULE_UNITS",
    "library_holidays",
]
