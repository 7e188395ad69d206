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

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.followup.business_days import (
    DEFAULT_RULES,
    RULE_UNITS,
    BusinessCalendar,
    DeadlineRule,
    library_holidays,
)
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
            "id": self.holiday_id,
            "country": self.country,
            "date": self.day.isoformat(),
            "name": self.name,
            "scope": self.scope,
            "locality": self.locality,
            "source": self.source,
            "active": self.active,
        }


class CalendarService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- calendars -----------------------------------------------------------------------
    def business_calendar(
        self,
        country: str,
        *,
        years: Iterable[int] | None = None,
        locality: str | None = None,
        today: date | None = None,
    ) -> BusinessCalendar:
        """Calendar with the stored holidays for `years` (default: 2 years back, 3 ahead)."""
        country = _country(country)
        year_list = sorted(set(years)) if years is not None else _window(today)
        self.ensure_seeded(country, year_list)
        with self.db.session() as s:
            return self.calendar_in(s, country, year_list, locality=locality)

    @staticmethod
    def calendar_in(s, country: str, years: list[int], *, locality: str | None = None) -> BusinessCalendar:
        """Build a calendar inside an open session (callers that already hold one).

        Years never seeded in this database use the library's national holidays.
        """
        lo, hi = date(min(years), 1, 1), date(max(years), 12, 31)
        rows = s.execute(
            select(Holiday.day, Holiday.name, Holiday.scope, Holiday.locality, Holiday.source).where(
                Holiday.country == country,
                Holiday.deleted.is_(False),
                Holiday.active.is_(True),
                Holiday.day >= lo,
                Holiday.day <= hi,
            )
        ).all()
        seeded_years = {
            d.year
            for (d,) in s.execute(
                select(Holiday.day).where(
                    Holiday.country == country, Holiday.source == SOURCE_LIBRARY, Holiday.day >= lo, Holiday.day <= hi
                )
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
                exists = s.scalar(
                    select(Holiday.id)
                    .where(
                        Holiday.country == country,
                        Holiday.source == SOURCE_LIBRARY,
                        Holiday.day >= date(year, 1, 1),
                        Holiday.day <= date(year, 12, 31),
                    )
                    .limit(1)
                )
                if exists:
                    continue
                for d, name in library_holidays(country, year).items():
                    s.add(
                        Holiday(
                            country=country,
                            day=d,
                            name=name[:200],
                            scope="nacional",
                            locality=None,
                            source=SOURCE_LIBRARY,
                            active=True,
                        )
                    )
                    added += 1
        return added

    # -- editing -----------------------------------------------------------------------
    def holidays(self, country: str, year: int, *, include_inactive: bool = False) -> list[HolidayRow]:
        country = _country(country)
        self.ensure_seeded(country, [year])
        with self.db.session() as s:
            stmt = (
                select(Holiday)
                .where(
                    Holiday.country == country,
                    Holiday.deleted.is_(False),
                    Holiday.day >= date(year, 1, 1),
                    Holiday.day <= date(year, 12, 31),
                )
                .order_by(Holiday.day, Holiday.name)
            )
            if not include_inactive:
                stmt = stmt.where(Holiday.active.is_(True))
            return [_row(h) for h in s.scalars(stmt)]

    def add_holiday(
        self, country: str, day: date, name: str, *, scope: str = "nacional", locality: str | None = None
    ) -> HolidayRow:
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
            same = s.scalars(
                select(Holiday).where(Holiday.country == country, Holiday.day == day, Holiday.deleted.is_(False))
            ).all()
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
            h = Holiday(
                country=country,
                day=day,
                name=name[:200],
                scope=scope,
                locality=locality,
                source=SOURCE_USER,
                active=True,
            )
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
            return [
                _row(h)
                for h in s.scalars(
                    select(Holiday).where(
                        Holiday.country == country,
                        Holiday.day == day,
                        Holiday.deleted.is_(False),
                        Holiday.active.is_(True),
                    )
                )
            ]

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
    "BusinessCalendar",
    "CalendarService",
    "DEFAULT_RULES",
    "DeadlineRule",
    "HolidayRow",
    "RULE_UNITS",
    "library_holidays",
]
