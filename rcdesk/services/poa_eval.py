"""POA evaluation at a cut: % cumplimiento per meta, objective, unit, unit type, canton and
the province, budget execution, physical-vs-financial gap and traffic lights.

Aggregation (domain.md §4.1): objectives and units take the simple mean of their metas'
capped percentages (CPCCS parity) or, as an option, the mean weighted by codificado;
unit types, cantons and the province take the simple mean of their units, so that a
Jefatura with many metas does not outweigh the Tenencias of its canton. Budget execution
of a group is Σ devengado / Σ codificado. Metas without programming are grey and left
out of every mean. Everything is read with a handful of Core queries (the canton overview
of a province must compute in well under a second on a modest laptop).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date

from rcdesk.compliance import (
    GREY,
    LIGHT_ORDER,
    Compliance,
    Light,
    ThresholdProfile,
    aggregate,
    compliance,
)
from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.followup.reads import profile_for, setting
from rcdesk.models.core import Setting
from rcdesk.models.poa import PERIOD_COUNTS
from rcdesk.models.reference import UNIT_TYPES
from rcdesk.poa.calc import DEFAULT_GAP_PP, meta_figures, pct_float
from rcdesk.poa.periods import closed_periods, period_code
from rcdesk.services.poa import UnitPlace

SETTINGS_KEY = "poa.evaluation"
AGGREGATIONS = {"simple": "Promedio simple (CPCCS)", "presupuesto": "Promedio ponderado por presupuesto codificado"}


@dataclass(frozen=True)
class EvalSettings:
    gap_pp: float = DEFAULT_GAP_PP
    aggregation: str = "simple"
    only_validated: bool = False


@dataclass(frozen=True)
class MetaEval:
    meta_id: str
    poa_id: str
    unit_id: str
    objective_id: str
    objective: str
    number: str
    description: str
    indicator: str
    unit_of_measure: str
    annual_target: float
    periods_closed: int
    period_label: str
    planned: float
    executed: float
    pct: float | None
    pct_annual: float | None
    codificado: float
    devengado: float
    pct_budget: float | None
    gap: float | None
    gap_flag: bool
    light: str
    light_label: str
    over: bool
    narrative: str
    contribution: str


@dataclass(frozen=True)
class GroupEval:
    level: str  # objetivo | unidad | tipo | canton | provincia
    key: str
    label: str
    metas: int
    evaluated: int
    pct: float | None
    pct_annual: float | None
    codificado: float
    devengado: float
    pct_budget: float | None
    gap: float | None
    gap_flag: bool
    light: str
    light_label: str
    lights: dict = field(default_factory=dict)  # colour -> count of members (metas or units)
    units: int = 0
    units_red: int = 0
    canton: str = ""
    unit_type: str = ""
    parent_key: str = ""


@dataclass(frozen=True)
class Evaluation:
    year: int
    cut: date
    profile: ThresholdProfile
    settings: EvalSettings
    metas: tuple[MetaEval, ...]
    objectives: tuple[GroupEval, ...]
    units: tuple[GroupEval, ...]
    unit_types: tuple[GroupEval, ...]
    cantons: tuple[GroupEval, ...]
    province: GroupEval

    def units_of(self, canton_key: str) -> list[GroupEval]:
        return [u for u in self.units if u.parent_key == canton_key]


_META_FIELDS = tuple(f.name for f in fields(MetaEval))


def _meta_eval(*values: object) -> MetaEval:
    """`MetaEval(*values)` for a province's thousands of metas: a frozen dataclass's `__init__`
    sets each of its 26 fields through `object.__setattr__`, a tenth of the evaluation; filling
    the instance's dict gives the same object (same fields, equality, hash and repr)."""
    m = object.__new__(MetaEval)
    m.__dict__.update(zip(_META_FIELDS, values, strict=True))
    return m


def _f(x: float | None) -> float | None:
    return None if x is None else round(float(x), 2)


class EvaluationService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- settings ------------------------------------------------------------------------------
    def settings(self) -> EvalSettings:
        with self.db.read() as raw:
            return _settings(raw)

    def save_settings(self, settings: EvalSettings) -> None:
        if not 0 < settings.gap_pp <= 100:
            raise UserError("La brecha físico-financiera debe estar entre 0 y 100 puntos porcentuales.")
        if settings.aggregation not in AGGREGATIONS:
            raise UserError(f"Forma de promediar «{settings.aggregation}» desconocida (simple o presupuesto).")
        value = json.dumps(
            {"gap_pp": settings.gap_pp, "aggregation": settings.aggregation, "only_validated": settings.only_validated}
        )
        with self.db.begin() as s:
            row = s.get(Setting, SETTINGS_KEY)
            if row is None:
                s.add(Setting(key=SETTINGS_KEY, value=value))
            else:
                row.value = value

    # -- evaluation ----------------------------------------------------------------------------
    def evaluate(
        self,
        year: int,
        cut: date | None = None,
        *,
        settings: EvalSettings | None = None,
        canton_id: str | None = None,
        unit_ids: list[str] | None = None,
        with_text: bool = True,
    ) -> Evaluation:
        """Evaluate every POA of `year` at `cut`; `with_text=False` skips the narratives
        (`MetaEval.narrative`), which only the CPCCS export needs."""
        with _collector_paused():
            return self._evaluate(year, cut, settings, canton_id, unit_ids, with_text)

    def _evaluate(self, year, cut, settings, canton_id, unit_ids, with_text) -> Evaluation:
        cut = cut or date(int(year), 12, 31)
        # Everything in plain SQL on `db.read()`: the overview is often the first thing computed
        # after start-up, and configuring the ORM mappers and compiling statements there costs
        # more than the whole province's arithmetic.
        with self.db.read() as raw:
            st = settings or _settings(raw)
            places = {u.unit_id: u for u in _unit_places(raw)}
            y = (int(year),)
            poas = raw.execute(
                "SELECT id, unit_id, period_kind, institution_id FROM poa WHERE fiscal_year = ? AND deleted = FALSE", y
            ).fetchall()
            if unit_ids is not None:
                wanted = set(unit_ids)
                poas = [p for p in poas if p[1] in wanted]
            if canton_id:
                poas = [p for p in poas if places.get(p[1]) and places[p[1]].canton_id == canton_id]
            poa_info = {p[0]: (p[1], p[2]) for p in poas}
            inst_ids = {p[3] for p in poas}
            countries = {c for (i, c) in raw.execute("SELECT id, country FROM institution").fetchall() if i in inst_ids}
            # CROSS JOIN keeps SQLite's join order: from the year's few POAs down the meta_id
            # indexes, instead of scanning every year's rows and probing their metas by text key
            objectives = dict(
                raw.execute(
                    "SELECT o.id, o.description FROM poa_objective o JOIN poa p ON p.id = o.poa_id "
                    "WHERE p.fiscal_year = ? AND p.deleted = FALSE AND o.deleted = FALSE",
                    y,
                ).fetchall()
            )
            metas = [
                m
                for m in raw.execute(
                    "SELECT m.id, m.poa_id, m.objective_id, m.number, m.description, m.unit_of_measure, "
                    "m.annual_target, m.baseline, m.polarity, m.codificado, "
                    + ("m.contribution" if with_text else "''")
                    + ", m.position FROM poa_meta m "
                    "JOIN poa p ON p.id = m.poa_id WHERE p.fiscal_year = ? AND p.deleted = FALSE AND m.deleted = FALSE",
                    y,
                ).fetchall()
                if m[1] in poa_info
            ]
            indicators: dict[str, tuple[str, str]] = {}
            for mid, name, acc in raw.execute(
                "SELECT i.meta_id, i.name, i.accumulation FROM poa p CROSS JOIN poa_meta m ON m.poa_id = p.id "
                "CROSS JOIN poa_indicator i ON i.meta_id = m.id "
                "WHERE p.fiscal_year = ? AND p.deleted = FALSE AND i.deleted = FALSE",
                y,
            ).fetchall():
                indicators.setdefault(mid, (name, acc))
            prog = _by_meta(
                raw.execute(
                    "SELECT g.meta_id, g.period_no, g.planned_qty, g.planned_budget FROM poa p "
                    "CROSS JOIN poa_meta m ON m.poa_id = p.id CROSS JOIN poa_programming g ON g.meta_id = m.id "
                    "WHERE p.fiscal_year = ? AND p.deleted = FALSE AND g.deleted = FALSE",
                    y,
                ).fetchall()
            )
            text_col = "e.narrative" if with_text else "''"
            reported = raw.execute(
                "SELECT e.meta_id, e.period_no, e.executed_qty, e.codificado, e.devengado, e.validation_status, "
                f"{text_col} FROM poa p CROSS JOIN poa_meta m ON m.poa_id = p.id "
                "CROSS JOIN poa_execution e ON e.meta_id = m.id "
                "WHERE p.fiscal_year = ? AND p.deleted = FALSE AND e.deleted = FALSE",
                y,
            ).fetchall()
            if st.only_validated:
                reported = [r for r in reported if r[5] == "VALIDADO"]
            execs = _by_meta(reported)
            country = "CO" if countries == {"CO"} else "EC"
            profile = profile_for(raw, country)
        return self._compute(int(year), cut, st, profile, places, poa_info, objectives, metas, indicators, prog, execs)

    def _compute(
        self, year, cut, st, profile, places, poa_info, objectives, metas, indicators, prog, execs
    ) -> Evaluation:
        classify = profile.classify
        lights: dict[Compliance, Light] = {}  # a province repeats few percentages: classify each once
        meta_rows: list[MetaEval] = []
        comp: dict[str, tuple[Compliance, Compliance, str]] = {}  # meta id -> (period, annual, colour)
        closed: dict[str, tuple[int, int, str]] = {}  # kind -> (periods, closed, label)
        gap_pp = st.gap_pp
        metas = sorted(metas, key=lambda m: (m[1], m[11]))
        for mid, poa_id, obj_id, number, desc, uom, target, baseline, polarity, mcod, contrib, _pos in metas:
            unit_id, kind = poa_info[poa_id]
            shape = closed.get(kind)
            if shape is None:
                kk = closed_periods(kind, year, cut)
                shape = closed[kind] = (PERIOD_COUNTS[kind], kk, period_code(kind, kk) if kk else "—")
            n, k, k_label = shape
            planned, budget = _programmed(n, prog.get(mid, ()))
            executed, cod, dev, notes = _reported(n, k, execs.get(mid, ()))
            ind_name, acc = indicators.get(mid, ("", "SUMA"))
            f = meta_figures(
                k=k,
                planned=planned,
                executed=executed,
                annual_target=target or 0.0,
                polarity=polarity,
                baseline=baseline,
                accumulation=acc,
                planned_budget=budget,
                codificado=cod,
                devengado=dev,
                meta_codificado=mcod,
                gap_pp=gap_pp,
            )
            period = f.period
            light = lights.get(period)
            if light is None:
                light = lights[period] = classify(period)
            comp[mid] = (period, f.annual, light.color)
            meta_rows.append(
                _meta_eval(
                    mid,
                    poa_id,
                    unit_id,
                    obj_id,
                    objectives.get(obj_id, ""),
                    number,
                    desc,
                    ind_name,
                    uom,
                    target or 0.0,
                    k,
                    k_label,
                    round(f.planned, 2),
                    round(f.executed, 2),
                    pct_float(period),
                    pct_float(f.annual),
                    round(f.codificado, 2),
                    round(f.devengado, 2),
                    pct_float(f.budget),
                    _f(f.gap),
                    f.gap_flag,
                    light.color,
                    light.label,
                    period.over,
                    " ".join(f"{period_code(kind, no)}: {t}" for no, t in notes) if notes else "",
                    contrib,
                )
            )

        def group(level, key, label, members: list[MetaEval], **extra):
            vals = [comp[m.meta_id][0] for m in members]
            if st.aggregation == "presupuesto":
                pct = aggregate(vals, [m.codificado for m in members])
                if pct.raw is None:
                    pct = aggregate(vals)
            else:
                pct = aggregate(vals)
            annual = aggregate([comp[m.meta_id][1] for m in members])
            cod = sum(m.codificado for m in members)
            dev = sum(m.devengado for m in members)
            lights = _count(comp[m.meta_id][2] for m in members)
            row = _group_row(
                level,
                key,
                label,
                len(members),
                sum(1 for m in members if m.pct is not None),
                pct,
                annual,
                cod,
                dev,
                st.gap_pp,
                classify,
                lights,
                **extra,
            )
            return row, pct, annual

        by_obj: dict[str, list[MetaEval]] = {}
        by_unit: dict[str, list[MetaEval]] = {}
        for m in meta_rows:
            by_obj.setdefault(m.objective_id, []).append(m)
            by_unit.setdefault(m.unit_id, []).append(m)
        obj_rows = tuple(
            group("objetivo", oid, ms[0].objective, ms, parent_key=ms[0].unit_id)[0] for oid, ms in by_obj.items()
        )
        unit_rows = []
        unit_comp: dict[str, tuple[Compliance, Compliance]] = {}
        for uid in {info[0] for info in poa_info.values()}:
            u = places.get(uid)
            if u is None:
                continue
            ckey = u.canton_id or "provincial"
            row, pct, annual = group(
                "unidad",
                uid,
                u.name,
                by_unit.get(uid, []),
                canton=u.canton_name,
                unit_type=u.unit_type,
                parent_key=ckey,
            )
            unit_rows.append(row)
            unit_comp[uid] = (pct, annual)
        unit_rows.sort(key=lambda g: (g.canton, _type_order(g.unit_type), g.label))

        def of_units(level, key, label, members: list[GroupEval], **extra) -> GroupEval:
            pct = aggregate([unit_comp[u.key][0] for u in members])
            annual = aggregate([unit_comp[u.key][1] for u in members])
            cod = sum(u.codificado for u in members)
            dev = sum(u.devengado for u in members)
            lights = _count(u.light for u in members)
            return _group_row(
                level,
                key,
                label,
                sum(u.metas for u in members),
                sum(u.evaluated for u in members),
                pct,
                annual,
                cod,
                dev,
                st.gap_pp,
                classify,
                lights,
                units=len(members),
                units_red=sum(1 for u in members if u.light == "rojo"),
                **extra,
            )

        by_canton: dict[str, list[GroupEval]] = {}
        by_type: dict[str, list[GroupEval]] = {}
        for u in unit_rows:
            by_canton.setdefault(u.parent_key, []).append(u)
            by_type.setdefault(u.unit_type, []).append(u)
        canton_rows = sorted(
            (of_units("canton", key, us[0].canton, us) for key, us in by_canton.items()),
            key=lambda g: (g.key == "provincial", g.label),
        )
        type_rows = sorted(
            (of_units("tipo", t, UNIT_TYPES.get(t, t), us) for t, us in by_type.items()),
            key=lambda g: _type_order(g.key),
        )
        province = of_units("provincia", "provincia", "Consolidado provincial", unit_rows)
        return Evaluation(
            year,
            cut,
            profile,
            st,
            tuple(meta_rows),
            obj_rows,
            tuple(unit_rows),
            tuple(type_rows),
            tuple(canton_rows),
            province,
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while an evaluation builds its rows: it allocates tens of thousands
    of objects that all stay alive, so the collector's passes over them find nothing and cost
    15-20 % of a province's evaluation. The collector runs again afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _settings(raw) -> EvalSettings:
    data = setting(raw, SETTINGS_KEY, None)
    if data is None:
        return EvalSettings()
    return EvalSettings(
        float(data.get("gap_pp", DEFAULT_GAP_PP)),
        data.get("aggregation", "simple"),
        bool(data.get("only_validated", False)),
    )


_CANTON_LEVELS = ("CANTON", "MUNICIPIO")
_PARISH_LEVELS = ("PARROQUIA_URBANA", "PARROQUIA_RURAL", "CENTRO_POBLADO")


def _unit_places(raw) -> list[UnitPlace]:
    """`services.poa.unit_places` in plain SQL (same answers: tests/core/test_poa_eval_reads.py)."""
    rows = raw.execute("SELECT id, level, parent_id, name FROM territory").fetchall()
    by_id = {r[0]: r for r in rows}
    cmap: dict[str, tuple[str | None, str]] = {}
    for tid, level, parent_id, name in rows:
        if level in _CANTON_LEVELS:
            cmap[tid] = (tid, name)
        elif level in _PARISH_LEVELS and parent_id in by_id:
            cmap[tid] = (parent_id, by_id[parent_id][3])
        else:
            cmap[tid] = (None, "Nivel provincial")
    out = []
    for uid, inst, name, utype, tid in raw.execute(
        "SELECT id, institution_id, name, unit_type, territory_id FROM org_unit WHERE deleted = FALSE ORDER BY name"
    ).fetchall():
        canton_id, canton_name = cmap.get(tid, (None, "Sin territorio")) if tid else (None, "Sin territorio")
        out.append(UnitPlace(uid, inst, name, utype, tid, canton_id, canton_name))
    return out


def _count(colors) -> dict:
    out = {c: 0 for c in LIGHT_ORDER}
    for c in colors:
        out[c] = out.get(c, 0) + 1
    return out


_TYPE_ORDER = (
    "INTENDENCIA_POLICIA",
    "SUBINTENDENCIA_POLICIA",
    "JEFATURA_POLITICA",
    "COMISARIA_NACIONAL",
    "TENENCIA_POLITICA",
)


def _type_order(t: str) -> int:
    return _TYPE_ORDER.index(t) if t in _TYPE_ORDER else len(_TYPE_ORDER)


def _by_meta(rows: list) -> dict[str, list]:
    """Rows grouped by their first column (the meta's id), each group in read order."""
    out: dict[str, list] = {}
    get = out.get
    for row in rows:
        group = get(row[0])
        if group is None:
            out[row[0]] = [row]
        else:
            group.append(row)
    return out


def _programmed(n: int, rows) -> tuple[list[float], list[float]]:
    """A meta's programmed quantity and budget for each of its `n` periods (0 where none)."""
    planned = [0.0] * n
    budget = [0.0] * n
    for _meta, no, qty, bud in rows:
        if 1 <= no <= n:
            planned[no - 1] = qty or 0.0
            budget[no - 1] = bud or 0.0
    return planned, budget


def _reported(
    n: int, k: int, rows
) -> tuple[list[float | None], list[float | None], list[float | None], list[tuple[int, str]]]:
    """A meta's executed quantity, codificado and devengado per period (None where not reported), and the
    narratives of the `k` closed periods in period order."""
    executed: list[float | None] = [None] * n
    cod: list[float | None] = [None] * n
    dev: list[float | None] = [None] * n
    notes = []
    # rows in read order: for a repeated period the last one wins, as a stable sort by period
    for _meta, no, qty, c, d, _status, narrative in rows:
        if 1 <= no <= n:
            executed[no - 1], cod[no - 1], dev[no - 1] = qty, c, d
            if narrative and no <= k:
                notes.append((no, narrative))
    if notes:
        notes.sort(key=lambda e: e[0])
    return executed, cod, dev, notes


def _group_row(
    level, key, label, n, evaluated, pct: Compliance, annual: Compliance, cod, dev, gap_pp, classify, lights, **extra
) -> GroupEval:
    budget = compliance(dev, cod)
    gap = None
    flag = False
    annual_rated, budget_rated = annual.rated, budget.rated  # None exactly when nothing was planned
    if annual_rated is not None and budget_rated is not None:
        gap = round(float(annual_rated) - float(budget_rated), 2)
        flag = abs(gap) > gap_pp
    light = classify(pct)
    return GroupEval(
        level,
        key,
        label,
        n,
        evaluated,
        pct_float(pct),
        pct_float(annual),
        round(cod, 2),
        round(dev, 2),
        pct_float(budget),
        gap,
        flag,
        light.color,
        light.label,
        lights,
        **extra,
    )


__all__ = ["AGGREGATIONS", "EvalSettings", "Evaluation", "EvaluationService", "GREY", "GroupEval", "MetaEval"]
