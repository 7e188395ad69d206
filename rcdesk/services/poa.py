"""POA service: plans per unit and year, objectives → metas, per-period programming and
execution entry with validation, and the bulk save of imported workbooks.

Returns frozen dataclasses only. Bad input raises `UserError` (Spanish) and writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import SupportsFloat

from sqlalchemy import bindparam, func, insert, select, update

from rcdesk.db.base import check_version
from rcdesk.db.bulk import bulk_insert
from rcdesk.db.database import Database
from rcdesk.db.stamping import allocate_seq, record_values
from rcdesk.errors import NotFound, UserError
from rcdesk.ids import utcnow
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.core import AuditLog
from rcdesk.models.followup import Evidence
from rcdesk.models.poa import (
    PERIOD_COUNTS,
    POLARITIES,
    VALIDATION_STATES,
    Poa,
    PoaActivity,
    PoaExecution,
    PoaIndicator,
    PoaMeta,
    PoaObjective,
    PoaProgramming,
)
from rcdesk.models.reference import UNIT_TYPES, Institution, OrgUnit, Territory
from rcdesk.poa.importer import unit_key
from rcdesk.poa.parsed import ImportPreview, ParsedMeta, ParsedObjective, ParsedPoa
from rcdesk.poa.periods import period_code
from rcdesk.text import clean, fold

_BATCH = 2000
EXEC_NUMBER_FIELDS = {
    "executed_qty": "cantidad ejecutada",
    "codificado": "presupuesto codificado",
    "comprometido": "presupuesto comprometido",
    "devengado": "presupuesto devengado",
}
EXEC_TEXT_FIELDS = {"narrative", "difficulties", "corrective_actions"}


# -- rows ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class UnitPlace:
    """A unit with the canton it belongs to (parishes roll up to their canton)."""

    unit_id: str
    institution_id: str
    name: str
    unit_type: str
    territory_id: str | None
    canton_id: str | None
    canton_name: str

    @property
    def type_label(self) -> str:
        return UNIT_TYPES.get(self.unit_type, self.unit_type)


@dataclass(frozen=True)
class PoaRow:
    poa_id: str
    unit_id: str
    unit_name: str
    unit_type: str
    canton_id: str | None
    canton_name: str
    fiscal_year: int
    period_kind: str
    status: str
    meta_count: int

    @property
    def periods(self) -> int:
        return PERIOD_COUNTS[self.period_kind]


@dataclass(frozen=True)
class MetaRow:
    meta_id: str
    objective_id: str
    number: str
    description: str
    indicator: str
    unit_of_measure: str
    annual_target: float
    baseline: float | None
    polarity: str
    codificado: float | None
    contribution: str
    activities: tuple[str, ...] = ()
    level: str = ""
    initial_budget: float | None = None
    extra: tuple[tuple[str, object], ...] = ()  # «otros datos», in the file's column order


@dataclass(frozen=True)
class ObjectiveNode:
    objective_id: str
    code: str
    description: str
    alignment: str
    metas: tuple[MetaRow, ...]
    level: str = ""
    parent_id: str | None = None
    indicator: str = ""


@dataclass(frozen=True)
class ExecutionRow:
    execution_id: str | None
    meta_id: str
    period_no: int
    planned_qty: float
    planned_budget: float
    executed_qty: float | None
    codificado: float | None
    comprometido: float | None
    devengado: float | None
    narrative: str = ""
    difficulties: str = ""
    corrective_actions: str = ""
    validation_status: str = ""
    validation_note: str = ""
    version: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def validation_label(self) -> str:
        return VALIDATION_STATES.get(self.validation_status, "Sin reporte")


@dataclass(frozen=True)
class SaveResult:
    poa_ids: tuple[str, ...]
    poas: int
    metas: int
    executions: int
    replaced: int
    warnings: tuple[str, ...] = field(default_factory=tuple)
    new_units: tuple[str, ...] = ()
    dry_run: bool = False


# -- helpers ------------------------------------------------------------------------------
def canton_map(s_or_conn) -> dict[str, tuple[str | None, str]]:
    """territory id -> (canton id, canton name); provinces map to (None, "Nivel provincial")."""
    rows = s_or_conn.execute(select(Territory.id, Territory.level, Territory.parent_id, Territory.name)).all()
    by_id = {r[0]: r for r in rows}
    out: dict[str, tuple[str | None, str]] = {}
    for tid, level, parent_id, name in rows:
        if level in ("CANTON", "MUNICIPIO"):
            out[tid] = (tid, name)
        elif level in ("PARROQUIA_URBANA", "PARROQUIA_RURAL", "CENTRO_POBLADO") and parent_id in by_id:
            out[tid] = (parent_id, by_id[parent_id][3])
        else:
            out[tid] = (None, "Nivel provincial")
    return out


def unit_places(s_or_conn, institution_id: str | None = None) -> list[UnitPlace]:
    cmap = canton_map(s_or_conn)
    stmt = select(OrgUnit.id, OrgUnit.institution_id, OrgUnit.name, OrgUnit.unit_type, OrgUnit.territory_id).where(
        OrgUnit.deleted.is_(False)
    )
    if institution_id:
        stmt = stmt.where(OrgUnit.institution_id == institution_id)
    out = []
    for uid, inst, name, utype, tid in s_or_conn.execute(stmt.order_by(OrgUnit.name)):
        canton_id, canton_name = cmap.get(tid, (None, "Sin territorio")) if tid else (None, "Sin territorio")
        out.append(UnitPlace(uid, inst, name, utype, tid, canton_id, canton_name))
    return out


def check_amount(value: object, label: str, where: str = "") -> float | None:
    """A non-negative number or None; raises UserError naming the field otherwise."""
    if value is None or value == "":
        return None
    from rcdesk.poa.importer import parse_number

    try:  # what people type: "1.234,50", "1,234.50", "85", "$ 200"
        if isinstance(value, str):
            v = parse_number(value)
        elif isinstance(value, SupportsFloat):
            v = float(value)
        else:
            raise TypeError(value)
    except (TypeError, ValueError):
        raise UserError(f"{where}{label}: «{value}» no es un número.") from None
    if v is None:
        return None
    if v != v or v in (float("inf"), float("-inf")):
        raise UserError(f"{where}{label}: valor no válido.")
    if v < 0:
        raise UserError(f"{where}{label} no puede ser negativo ({value}).")
    return round(v, 2)


def execution_warnings(
    planned: float, executed: float | None, codificado: float | None, devengado: float | None, label: str = ""
) -> list[str]:
    from rcdesk.poa.importer import es_num

    out = []
    if codificado is not None and devengado is not None and devengado > codificado + 0.005:
        out.append(f"{label}el devengado ({es_num(devengado)}) supera al codificado ({es_num(codificado)}).")
    if executed is not None and planned > 0 and executed > 2 * planned:
        out.append(
            f"{label}lo ejecutado ({es_num(executed)}) supera el doble de lo programado ({es_num(planned)}); revise."
        )
    elif executed is not None and planned > 0 and executed > planned:
        out.append(f"{label}sobrecumplimiento: ejecutado {es_num(executed)} de {es_num(planned)} programado.")
    return out


def _tombstone(conn, table, ids: list[str], installation_id: str | None) -> None:
    if not ids:
        return
    seq = allocate_seq(conn, len(ids))
    now = utcnow()
    stmt = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values(
            deleted=True,
            version=table.c.version + 1,
            updated_at=now,
            modified_by=installation_id,
            change_seq=bindparam("_seq"),
        )
    )
    conn.execute(stmt, [{"_id": i, "_seq": seq + n} for n, i in enumerate(ids)])


class PoaService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading ---------------------------------------------------------------------------
    def unit_places(self, institution_id: str | None = None) -> list[UnitPlace]:
        with self.db.session() as s:
            return unit_places(s, institution_id)

    def years(self) -> list[int]:
        with self.db.session() as s:
            return sorted(s.scalars(select(Poa.fiscal_year).where(Poa.deleted.is_(False)).distinct()), reverse=True)

    def list_poas(
        self, year: int | None = None, canton_id: str | None = None, unit_id: str | None = None
    ) -> list[PoaRow]:
        with self.db.session() as s:
            places = {u.unit_id: u for u in unit_places(s)}
            counts = dict(
                s.execute(
                    select(PoaMeta.poa_id, func.count()).where(PoaMeta.deleted.is_(False)).group_by(PoaMeta.poa_id)
                ).all()
            )
            stmt = select(Poa).where(Poa.deleted.is_(False))
            if year:
                stmt = stmt.where(Poa.fiscal_year == year)
            if unit_id:
                stmt = stmt.where(Poa.unit_id == unit_id)
            out = []
            for p in s.scalars(stmt):
                u = places.get(p.unit_id)
                if u is None:
                    continue
                if canton_id and u.canton_id != canton_id:
                    continue
                out.append(
                    PoaRow(
                        p.id,
                        u.unit_id,
                        u.name,
                        u.unit_type,
                        u.canton_id,
                        u.canton_name,
                        p.fiscal_year,
                        p.period_kind,
                        p.status,
                        counts.get(p.id, 0),
                    )
                )
        out.sort(key=lambda r: (-r.fiscal_year, r.canton_name, r.unit_name))
        return out

    def poa(self, poa_id: str) -> PoaRow:
        with self.db.session() as s:
            p = s.get(Poa, poa_id)
            if p is None or p.deleted:
                raise NotFound(f"No existe el POA «{poa_id}».")
            unit_id = p.unit_id
        rows = self.list_poas(unit_id=unit_id)
        for r in rows:
            if r.poa_id == poa_id:
                return r
        raise NotFound(f"No existe el POA «{poa_id}».")

    def find_poa(self, unit_id: str, year: int) -> PoaRow | None:
        for r in self.list_poas(year=year, unit_id=unit_id):
            return r
        return None

    def tree(self, poa_id: str) -> list[ObjectiveNode]:
        with self.db.session() as s:
            objectives = s.execute(
                select(
                    PoaObjective.id,
                    PoaObjective.code,
                    PoaObjective.description,
                    PoaObjective.alignment,
                    PoaObjective.level,
                    PoaObjective.parent_id,
                    PoaObjective.indicator,
                )
                .where(PoaObjective.poa_id == poa_id, PoaObjective.deleted.is_(False))
                .order_by(PoaObjective.position)
            ).all()
            metas = s.scalars(
                select(PoaMeta).where(PoaMeta.poa_id == poa_id, PoaMeta.deleted.is_(False)).order_by(PoaMeta.position)
            ).all()
            meta_ids = [m.id for m in metas]
            indicators: dict[str, str] = {}
            activities: dict[str, list[str]] = {}
            if meta_ids:
                for mid, name in s.execute(
                    select(PoaIndicator.meta_id, PoaIndicator.name)
                    .join(PoaMeta, PoaMeta.id == PoaIndicator.meta_id)
                    .where(PoaMeta.poa_id == poa_id, PoaIndicator.deleted.is_(False))
                ):
                    indicators.setdefault(mid, name)
                for mid, desc in s.execute(
                    select(PoaActivity.meta_id, PoaActivity.description)
                    .join(PoaMeta, PoaMeta.id == PoaActivity.meta_id)
                    .where(PoaMeta.poa_id == poa_id, PoaActivity.deleted.is_(False))
                    .order_by(PoaActivity.position)
                ):
                    activities.setdefault(mid, []).append(desc)
            by_obj: dict[str, list[MetaRow]] = {}
            for m in metas:
                by_obj.setdefault(m.objective_id, []).append(
                    MetaRow(
                        m.id,
                        m.objective_id,
                        m.number,
                        m.description,
                        indicators.get(m.id, ""),
                        m.unit_of_measure,
                        m.annual_target,
                        m.baseline,
                        m.polarity,
                        m.codificado,
                        m.contribution,
                        tuple(activities.get(m.id, ())),
                        m.level or "",
                        m.initial_budget,
                        tuple((m.extra or {}).items()),
                    )
                )
        return [
            ObjectiveNode(oid, code, desc, align, tuple(by_obj.get(oid, ())), level or "", parent, ind or "")
            for oid, code, desc, align, level, parent, ind in objectives
        ]

    def executions(self, poa_id: str) -> dict[str, list[ExecutionRow]]:
        """meta id -> one ExecutionRow per period (planned figures plus what was reported)."""
        with self.db.session() as s:
            p = s.get(Poa, poa_id)
            if p is None or p.deleted:
                raise NotFound(f"No existe el POA «{poa_id}».")
            n = PERIOD_COUNTS[p.period_kind]
            meta_ids = list(s.scalars(select(PoaMeta.id).where(PoaMeta.poa_id == poa_id, PoaMeta.deleted.is_(False))))
            plan: dict[tuple[str, int], tuple[float, float]] = {}
            for mid, no, qty, bud in s.execute(
                select(
                    PoaProgramming.meta_id,
                    PoaProgramming.period_no,
                    PoaProgramming.planned_qty,
                    PoaProgramming.planned_budget,
                )
                .join(PoaMeta, PoaMeta.id == PoaProgramming.meta_id)
                .where(PoaMeta.poa_id == poa_id, PoaProgramming.deleted.is_(False))
            ):
                plan[(mid, no)] = (qty, bud)
            execs = {
                (e.meta_id, e.period_no): e
                for e in s.scalars(
                    select(PoaExecution)
                    .join(PoaMeta, PoaMeta.id == PoaExecution.meta_id)
                    .where(PoaMeta.poa_id == poa_id, PoaExecution.deleted.is_(False))
                )
            }
            out: dict[str, list[ExecutionRow]] = {}
            for mid in meta_ids:
                rows = []
                for no in range(1, n + 1):
                    qty, bud = plan.get((mid, no), (0.0, 0.0))
                    rows.append(_exec_row(mid, no, qty, bud, execs.get((mid, no))))
                out[mid] = rows
            return out

    def execution(self, meta_id: str, period_no: int) -> ExecutionRow:
        with self.db.session() as s:
            return self._execution(s, meta_id, period_no)

    def _execution(self, s, meta_id: str, period_no: int, warnings: tuple[str, ...] = ()) -> ExecutionRow:
        prog = s.execute(
            select(PoaProgramming.planned_qty, PoaProgramming.planned_budget).where(
                PoaProgramming.meta_id == meta_id,
                PoaProgramming.period_no == period_no,
                PoaProgramming.deleted.is_(False),
            )
        ).first()
        e = s.scalars(
            select(PoaExecution).where(
                PoaExecution.meta_id == meta_id, PoaExecution.period_no == period_no, PoaExecution.deleted.is_(False)
            )
        ).first()
        qty, bud = prog if prog else (0.0, 0.0)
        row = _exec_row(meta_id, period_no, qty, bud, e)
        if warnings:
            row = ExecutionRow(**{**row.__dict__, "warnings": warnings})
        return row

    # -- execution entry --------------------------------------------------------------------
    def save_execution(
        self, meta_id: str, period_no: int, *, expected_version: int | None = None, **fields
    ) -> ExecutionRow:
        """Record (part of) what was executed in a period; returns the row with warnings.

        Fields: executed_qty, codificado, comprometido, devengado (numbers ≥ 0 or None) and
        narrative, difficulties, corrective_actions (text). A change to a validated report
        sets it back to REPORTADO.
        """
        bad = set(fields) - set(EXEC_NUMBER_FIELDS) - EXEC_TEXT_FIELDS
        if bad:
            raise UserError(f"Campos desconocidos: {', '.join(sorted(bad))}")
        values: dict[str, object] = {}
        for k, v in fields.items():
            if k in EXEC_NUMBER_FIELDS:
                values[k] = check_amount(v, EXEC_NUMBER_FIELDS[k].capitalize())
            else:
                values[k] = (v or "").strip()
        with self.db.begin() as s:
            meta = s.get(PoaMeta, meta_id)
            if meta is None or meta.deleted:
                raise NotFound("La meta no existe.")
            poa = s.get_one(Poa, meta.poa_id)
            n = PERIOD_COUNTS[poa.period_kind]
            if not 1 <= int(period_no) <= n:
                raise UserError(f"Periodo {period_no} fuera de rango (1 a {n}).")
            e = s.scalars(
                select(PoaExecution).where(
                    PoaExecution.meta_id == meta_id,
                    PoaExecution.period_no == period_no,
                    PoaExecution.deleted.is_(False),
                )
            ).first()
            if e is None:
                e = PoaExecution(
                    meta_id=meta_id,
                    period_no=int(period_no),
                    narrative="",
                    difficulties="",
                    corrective_actions="",
                    validation_status="REPORTADO",
                    validation_note="",
                )
                s.add(e)
            else:  # a report someone else created since the form read «no report» (0) is refused too
                check_version(e, expected_version)
            changed = False
            for k, v in values.items():
                if getattr(e, k) != v:
                    setattr(e, k, v)
                    changed = True
            if changed:
                e.reported_at = utcnow()
                e.reported_by = self.db.user or None
                if e.validation_status == "VALIDADO":
                    e.validation_status = "REPORTADO"
            s.flush()
            prog = s.execute(
                select(PoaProgramming.planned_qty).where(
                    PoaProgramming.meta_id == meta_id,
                    PoaProgramming.period_no == period_no,
                    PoaProgramming.deleted.is_(False),
                )
            ).scalar()
            cod = e.codificado if e.codificado is not None else meta.codificado
            warns = tuple(execution_warnings(prog or 0.0, e.executed_qty, cod, e.devengado))
            return self._execution(s, meta_id, period_no, warns)

    def ensure_execution(self, meta_id: str, period_no: int) -> str:
        """Id of the execution row of a period, creating an empty one (to attach evidence)."""
        row = self.execution(meta_id, period_no)
        if row.execution_id:
            return row.execution_id
        saved = self.save_execution(meta_id, period_no, narrative="").execution_id
        assert saved is not None  # a saved period has its row
        return saved

    def set_validation(self, meta_id: str, period_no: int, status: str, note: str = "") -> ExecutionRow:
        if status not in VALIDATION_STATES:
            raise UserError(f"Estado de validación «{status}» desconocido (use {', '.join(VALIDATION_STATES)}).")
        if status == "OBSERVADO" and not clean(note):
            raise UserError("Escriba la observación para devolver el reporte a la unidad.")
        with self.db.begin() as s:
            e = s.scalars(
                select(PoaExecution).where(
                    PoaExecution.meta_id == meta_id,
                    PoaExecution.period_no == period_no,
                    PoaExecution.deleted.is_(False),
                )
            ).first()
            if e is None:
                raise UserError("No hay nada reportado en ese periodo para validar.")
            e.validation_status = status
            e.validation_note = clean(note)
            if status == "VALIDADO":
                e.validated_at = utcnow()
                e.validated_by = self.db.user or None
            return self._execution(s, meta_id, period_no)

    # -- structure editing (single records, ORM) ---------------------------------------------
    def create_poa(self, unit_id: str, year: int, period_kind: str = "trimestre", title: str = "") -> PoaRow:
        if period_kind not in PERIOD_COUNTS:
            raise UserError(f"Periodicidad «{period_kind}» desconocida (trimestre, cuatrimestre o mes).")
        if not 1990 <= int(year) <= 2100:
            raise UserError(f"Año fiscal {year} fuera de rango.")
        with self.db.begin() as s:
            u = s.get(OrgUnit, unit_id)
            if u is None or u.deleted:
                raise NotFound("La unidad no existe.")
            dup = s.scalar(
                select(func.count())
                .select_from(Poa)
                .where(Poa.unit_id == unit_id, Poa.fiscal_year == int(year), Poa.deleted.is_(False))
            )
            if dup:
                raise UserError(f"Ya existe el POA {year} de «{u.name}».")
            p = Poa(
                institution_id=u.institution_id,
                unit_id=unit_id,
                fiscal_year=int(year),
                period_kind=period_kind,
                status="BORRADOR",
                title=clean(title),
            )
            s.add(p)
            s.flush()
            poa_id = p.id
        return self.poa(poa_id)

    def add_objective(self, poa_id: str, description: str, code: str = "", alignment: str = "") -> str:
        if not clean(description):
            raise UserError("Falta la descripción del objetivo.")
        with self.db.begin() as s:
            p = s.get(Poa, poa_id)
            if p is None or p.deleted:
                raise NotFound("El POA no existe.")
            last = s.scalar(select(func.max(PoaObjective.position)).where(PoaObjective.poa_id == poa_id)) or 0
            o = PoaObjective(
                poa_id=poa_id,
                position=last + 1,
                code=clean(code)[:30],
                description=clean(description),
                alignment=clean(alignment),
            )
            s.add(o)
            s.flush()
            return o.id

    def add_meta(
        self,
        objective_id: str,
        description: str,
        *,
        number: str = "",
        indicator: str = "",
        unit_of_measure: str = "",
        annual_target: float = 0,
        baseline: float | None = None,
        polarity: str = "INCREMENTO",
        planned: list[float] | None = None,
        planned_budget: list[float] | None = None,
        codificado: float | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        """Add a meta with its programming; returns (meta id, warnings)."""
        if not clean(description):
            raise UserError("Falta la descripción de la meta.")
        if polarity not in POLARITIES:
            raise UserError(f"Polaridad «{polarity}» desconocida.")
        target = check_amount(annual_target, "Meta anual") or 0.0
        base = check_amount(baseline, "Línea base")
        cod = check_amount(codificado, "Presupuesto codificado")
        with self.db.begin() as s:
            o = s.get(PoaObjective, objective_id)
            if o is None or o.deleted:
                raise NotFound("El objetivo no existe.")
            p = s.get_one(Poa, o.poa_id)
            n = PERIOD_COUNTS[p.period_kind]
            qty = [
                check_amount(v, f"Programado {period_code(p.period_kind, i + 1)}") or 0.0
                for i, v in enumerate((planned or [])[:n])
            ]
            bud = [
                check_amount(v, f"Presupuesto {period_code(p.period_kind, i + 1)}") or 0.0
                for i, v in enumerate((planned_budget or [])[:n])
            ]
            qty += [0.0] * (n - len(qty))
            bud += [0.0] * (n - len(bud))
            last = s.scalar(select(func.max(PoaMeta.position)).where(PoaMeta.poa_id == p.id)) or 0
            m = PoaMeta(
                poa_id=p.id,
                objective_id=objective_id,
                position=last + 1,
                number=clean(number)[:20],
                description=clean(description),
                unit_of_measure=clean(unit_of_measure)[:100],
                annual_target=target,
                baseline=base,
                polarity=polarity,
                codificado=cod,
                contribution="",
            )
            s.add(m)
            s.flush()
            if clean(indicator):
                s.add(PoaIndicator(meta_id=m.id, name=clean(indicator), formula="", accumulation="SUMA", source=""))
            for i in range(n):
                s.add(PoaProgramming(meta_id=m.id, period_no=i + 1, planned_qty=qty[i], planned_budget=bud[i]))
            warns = []
            if planned is not None and abs(sum(qty) - target) > 0.01:
                from rcdesk.poa.importer import es_num

                warns.append(f"La programación suma {es_num(sum(qty))} y la meta anual es {es_num(target)}.")
            return m.id, tuple(warns)

    def delete_poa(self, poa_id: str) -> None:
        """Tombstone a POA with everything under it (one transaction)."""
        with self.db.connect() as conn:
            if not conn.execute(select(Poa.id).where(Poa.id == poa_id, Poa.deleted.is_(False))).first():
                raise NotFound("El POA no existe.")
            self._tombstone_poas(conn, [poa_id])

    def _tombstone_poas(self, conn, poa_ids: list[str]) -> int:
        inst = self.db.installation_id
        meta_ids = list(conn.scalars(select(PoaMeta.id).where(PoaMeta.poa_id.in_(poa_ids), PoaMeta.deleted.is_(False))))
        for model in (PoaExecution, PoaProgramming, PoaIndicator, PoaActivity):
            ids = []
            for chunk in range(0, len(meta_ids), 500):
                ids += list(
                    conn.scalars(
                        select(model.id).where(
                            model.meta_id.in_(meta_ids[chunk : chunk + 500]), model.deleted.is_(False)
                        )
                    )
                )
            _tombstone(conn, model.__table__, ids, inst)
        _tombstone(conn, PoaMeta.__table__, meta_ids, inst)
        obj_ids = list(
            conn.scalars(
                select(PoaObjective.id).where(PoaObjective.poa_id.in_(poa_ids), PoaObjective.deleted.is_(False))
            )
        )
        _tombstone(conn, PoaObjective.__table__, obj_ids, inst)
        _tombstone(conn, Poa.__table__, list(poa_ids), inst)
        return len(meta_ids)

    # -- import ------------------------------------------------------------------------------
    def preview_import(
        self,
        path,
        *,
        unit_id: str | None = None,
        year: int | None = None,
        replace: bool = False,
        sheets: list[str] | None = None,
        overrides: dict[str, str] | None = None,
        profile: dict[str, str] | None = None,
        profile_name: str = "",
        remembered: bool = True,
        entity: str | None = None,
        country: str | None = None,
    ) -> ImportPreview:
        """Read and check a POA workbook against the known units and cantons (writes nothing).

        The mapping applied is, in order: the proposal from the headers, then `profile` (a file)
        or else the mapping remembered for workbooks with the same headers, then `overrides`
        (the user's own choices)."""
        from rcdesk.imports import profiles
        from rcdesk.imports.fields import POA as POA_FIELDS
        from rcdesk.plans.xlsx_grid import read_workbook
        from rcdesk.poa.importer import parse_grids
        from rcdesk.services.import_mappings import ImportMappings

        with self.db.session() as s:
            units = unit_places(s)
            cantons: dict[str, tuple[str, str]] = {}
            for tid, name, code in s.execute(
                select(Territory.id, Territory.name, Territory.code).where(
                    Territory.level.in_(("CANTON", "MUNICIPIO")), Territory.deleted.is_(False)
                )
            ):
                cantons[fold(name)] = (tid, name)
                cantons[code] = (tid, name)
            existing = {
                (u, y) for u, y in s.execute(select(Poa.unit_id, Poa.fiscal_year).where(Poa.deleted.is_(False)))
            }
        path = Path(path)
        grids = read_workbook(path)

        def parse(prof: dict[str, str] | None, name: str) -> ImportPreview:
            return parse_grids(
                grids,
                path.name,
                units=units,
                cantons=cantons,
                unit_id=unit_id,
                year=year,
                replace=replace,
                existing=existing,
                sheets=sheets,
                profile=prof,
                overrides=overrides,
                profile_name=name,
            )

        prev = parse(profile, profile_name)
        prev.signature = profiles.signature("poa", prev.mappings)
        if profile is None and remembered:
            doc = ImportMappings(self.db).remembered("poa", prev.signature)
            if doc is not None:
                prev = parse(profiles.columns_of(doc, POA_FIELDS), "recordado")
                prev.signature = profiles.signature("poa", prev.mappings)
        prev.entity, prev.country = (clean(entity) or None) if entity else None, country
        return prev

    def import_file(
        self,
        path,
        *,
        unit_id: str | None = None,
        year: int | None = None,
        replace: bool = False,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
        dry_run: bool = False,
        **mapping,
    ) -> SaveResult:
        """Preview + save in one call (command line): errors raise UserError and save nothing."""
        progress(0, None, "Leyendo el libro…")
        preview = self.preview_import(path, unit_id=unit_id, year=year, replace=replace, **mapping)
        cancel.check()
        return self.save_import(preview, progress=progress, cancel=cancel, dry_run=dry_run)

    # -- bulk save of an import ---------------------------------------------------------------
    def save_import(
        self,
        preview: ImportPreview,
        *,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
        dry_run: bool = False,
        remember: bool = True,
    ) -> SaveResult:
        """Write every POA of a checked preview in ONE transaction (Core bulk inserts).

        `dry_run` runs exactly the same writes and rolls them back, so what it reports is what
        the real import stores. A real import remembers the mapping for the same headers."""
        if not preview.ok:
            raise UserError(f"«{preview.source_name}» tiene errores; no se importó nada.", details=preview.errors)
        if not preview.poas:
            raise UserError(f"«{preview.source_name}» no contiene metas.")
        inst_id = self.db.installation_id
        total = preview.meta_count
        done = 0
        replaced = 0
        n_exec = 0
        poa_ids = []
        progress(0, total, "Guardando metas…" if not dry_run else "Revisando (sin guardar)…")
        try:
            with self.db.connect() as conn:
                institutions = dict(conn.execute(select(OrgUnit.id, OrgUnit.institution_id)).all())
                new_units = self._create_units(conn, preview, institutions)
                for parsed in preview.poas:
                    unit_id = parsed.unit_id or new_units[unit_key(parsed.unit_name)]
                    existing = list(
                        conn.scalars(
                            select(Poa.id).where(
                                Poa.unit_id == unit_id, Poa.fiscal_year == parsed.fiscal_year, Poa.deleted.is_(False)
                            )
                        )
                    )
                    if existing:
                        if not preview.replace:
                            raise UserError(
                                f"Ya existe el POA {parsed.fiscal_year} de «{parsed.unit_name}»; "
                                "elija «Reemplazar» (opción --replace) para sustituirlo."
                            )
                        self._tombstone_poas(conn, existing)
                        replaced += len(existing)
                    rows = _poa_rows(parsed, institutions[unit_id], unit_id)
                    seq = allocate_seq(conn, sum(len(v) for v in rows.values()))
                    now = utcnow()
                    for table_rows in rows.values():
                        for r in table_rows:
                            r.update(change_seq=seq, created_at=now, updated_at=now, modified_by=inst_id)
                            seq += 1
                    for model in (
                        Poa,
                        PoaObjective,
                        PoaMeta,
                        PoaIndicator,
                        PoaActivity,
                        PoaProgramming,
                        PoaExecution,
                        Evidence,
                    ):
                        batch = rows[model]
                        for i in range(0, len(batch), _BATCH):
                            cancel.check()
                            bulk_insert(conn, model.__table__, batch[i : i + _BATCH])
                    n_exec += len(rows[PoaExecution])
                    poa_ids.append(rows[Poa][0]["id"])
                    done += parsed.meta_count
                    progress(done, total, f"Guardado: {parsed.unit_name}")
                conn.execute(
                    insert(AuditLog),
                    [
                        {
                            "installation_id": inst_id,
                            "user": self.db.user,
                            "table_name": "poa",
                            "record_id": pid,
                            "action": "import",
                            "changes": json.dumps({"source": preview.source_name}, ensure_ascii=False),
                            "at": utcnow(),
                        }
                        for pid in poa_ids
                    ],
                )
                cancel.check()
                result = SaveResult(
                    tuple(poa_ids),
                    len(poa_ids),
                    total,
                    n_exec,
                    replaced,
                    tuple(preview.warnings),
                    tuple(preview.new_units),
                    dry_run,
                )
                if dry_run:
                    raise _DryRun(result)
        except _DryRun as done_dry:
            progress(total, total, "Revisión terminada; no se guardó nada")
            return done_dry.result
        if remember and preview.mappings:
            from rcdesk.imports import profiles
            from rcdesk.services.import_mappings import ImportMappings

            ImportMappings(self.db).remember(
                "poa", preview.signature, profiles.build("poa", preview.mappings, preview.source_name)
            )
        progress(total, total, "POA guardado")
        return result

    def _entity_id(self, conn, name: str, country: str | None) -> str:
        """The entity named by the import: found by name, or created in this transaction."""
        from rcdesk.catalogs import COUNTRIES
        from rcdesk.services.reference import _guess_kind

        name = clean(name)
        for iid, iname in conn.execute(select(Institution.id, Institution.name).where(Institution.deleted.is_(False))):
            if fold(iname) == fold(name):
                return iid
        if country not in COUNTRIES:
            raise UserError(f"La entidad «{name}» es nueva: indique su país (EC o CO; opción --country).")
        v = record_values(self.db.installation_id, allocate_seq(conn, 1))
        v.update(
            name=name[:300],
            country=country,
            kind=_guess_kind(name, country),
            tax_id=None,
            territory_id=None,
            address=None,
            email=None,
            phone=None,
            website=None,
        )
        conn.execute(insert(Institution), [v])
        return v["id"]

    def _create_units(self, conn, preview: ImportPreview, institutions: dict[str, str]) -> dict[str, str]:
        """Units the file names and the database lacks: created in the same transaction, under the
        entity given with the import (created too when new) or else the entity the known units belong to."""
        wanted = {unit_key(p.unit_name): p.unit_name for p in preview.poas if p.unit_id is None}
        if not wanted:
            return {}
        inst_id = self._entity_id(conn, preview.entity, preview.country) if preview.entity else None
        if inst_id is None:
            counts: dict[str, int] = {}
            for inst in institutions.values():
                counts[inst] = counts.get(inst, 0) + 1
            inst_id = max(counts, key=lambda i: counts[i]) if counts else None
        if inst_id is None:
            inst_id = conn.scalar(
                select(Institution.id).where(Institution.deleted.is_(False)).order_by(Institution.created_at)
            )
        if inst_id is None:
            raise UserError(
                "No hay una entidad registrada para crear las unidades del archivo. Indique la entidad "
                "(«Entidad y territorio», u opciones --entity «Nombre» --country EC|CO)."
            )
        out = {}
        rows = []
        seq = allocate_seq(conn, len(wanted))
        for key, name in wanted.items():
            v = record_values(self.db.installation_id, seq)
            seq += 1
            v.update(
                institution_id=inst_id,
                name=name[:300],
                unit_type="OTRA",
                territory_id=None,
                head_name=None,
                email=None,
                phone=None,
            )
            rows.append(v)
            out[key] = v["id"]
            institutions[v["id"]] = inst_id
        conn.execute(insert(OrgUnit), rows)
        return out

    # -- rebuilding for export -----------------------------------------------------------------
    def evidence_links(self, poa_id: str) -> dict[str, list[str]]:
        """meta id -> its published links (evidence of kind LINK of its reports), by period."""
        out: dict[str, list[str]] = {}
        with self.db.session() as s:
            for meta_id, url in s.execute(
                select(PoaExecution.meta_id, Evidence.url)
                .join(Evidence, Evidence.owner_id == PoaExecution.id)
                .join(PoaMeta, PoaMeta.id == PoaExecution.meta_id)
                .where(
                    PoaMeta.poa_id == poa_id,
                    Evidence.owner_type == "poa_execution",
                    Evidence.kind == "LINK",
                    Evidence.deleted.is_(False),
                    PoaExecution.deleted.is_(False),
                )
                .order_by(PoaExecution.period_no, Evidence.created_at, Evidence.id)
            ):
                links = out.setdefault(meta_id, [])
                if url and url not in links:
                    links.append(url)
        return out

    def as_parsed(self, poa_id: str) -> ParsedPoa:
        row = self.poa(poa_id)
        execs = self.executions(poa_id)
        links = self.evidence_links(poa_id)
        pagado: dict[str, list[float]] = {}
        with self.db.session() as s:
            for mid, paid in s.execute(
                select(PoaExecution.meta_id, PoaExecution.pagado)
                .join(PoaMeta, PoaMeta.id == PoaExecution.meta_id)
                .where(PoaMeta.poa_id == poa_id, PoaExecution.deleted.is_(False), PoaExecution.pagado.is_not(None))
            ):
                if paid is not None:  # filtered in SQL; the column allows it
                    pagado.setdefault(mid, []).append(paid)
        with self.db.session() as s:
            poa = s.get(Poa, poa_id)
            report_date, poa_extra = (poa.report_date, dict(poa.extra or {})) if poa else (None, {})
        objectives = []
        made: dict[str, ParsedObjective] = {}
        for node in self.tree(poa_id):
            po = ParsedObjective(
                node.description,
                node.code,
                node.alignment,
                level=node.level,
                parent=made.get(node.parent_id) if node.parent_id else None,
                indicator=node.indicator,
            )
            made[node.objective_id] = po
            for m in node.metas:
                ers = execs.get(m.meta_id, [])
                cod = next((e.codificado for e in reversed(ers) if e.codificado is not None), m.codificado)
                comp_vals = [e.comprometido for e in ers if e.comprometido is not None]
                paid_amounts = pagado.get(m.meta_id, [])
                narrative = next((e.narrative for e in reversed(ers) if e.narrative), "")
                po.metas.append(
                    ParsedMeta(
                        number=m.number,
                        description=m.description,
                        indicator=m.indicator,
                        unit_of_measure=m.unit_of_measure,
                        annual_target=m.annual_target,
                        baseline=m.baseline,
                        polarity=m.polarity,
                        planned=[e.planned_qty for e in ers],
                        executed=[e.executed_qty for e in ers],
                        planned_budget=[e.planned_budget for e in ers],
                        devengado=[e.devengado for e in ers],
                        codificado=cod,
                        comprometido=sum(comp_vals) if comp_vals else None,
                        activities=list(m.activities),
                        narrative=narrative,
                        contribution=m.contribution,
                        links=[(None, u) for u in links.get(m.meta_id, ())],
                        level=m.level,
                        initial_budget=m.initial_budget,
                        pagado=sum(paid_amounts) if paid_amounts else None,
                        extra=dict(m.extra),
                    )
                )
            objectives.append(po)
        return ParsedPoa(
            row.unit_id,
            row.unit_name,
            row.fiscal_year,
            row.period_kind,
            row.canton_name,
            objectives=objectives,
            report_date=report_date,
            extra=poa_extra,
        )


def _exec_row(meta_id: str, no: int, qty: float, bud: float, e: PoaExecution | None) -> ExecutionRow:
    if e is None:
        return ExecutionRow(None, meta_id, no, qty, bud, None, None, None, None)
    return ExecutionRow(
        e.id,
        meta_id,
        no,
        qty,
        bud,
        e.executed_qty,
        e.codificado,
        e.comprometido,
        e.devengado,
        e.narrative,
        e.difficulties,
        e.corrective_actions,
        e.validation_status,
        e.validation_note,
        e.version,
    )


class _DryRun(Exception):
    def __init__(self, result: SaveResult) -> None:
        super().__init__("dry run")
        self.result = result


def _poa_rows(parsed: ParsedPoa, institution_id: str, unit_id: str | None = None) -> dict[type, list[dict]]:
    """Core insert payloads (ids assigned; change_seq/timestamps filled by the caller)."""
    rows: dict[type, list[dict]] = {
        m: [] for m in (Poa, PoaObjective, PoaMeta, PoaIndicator, PoaActivity, PoaProgramming, PoaExecution, Evidence)
    }
    n = PERIOD_COUNTS[parsed.period_kind]
    now = utcnow()
    pv = record_values(None, 0, now=now)
    poa_id = pv["id"]
    pv.update(
        institution_id=institution_id,
        unit_id=unit_id or parsed.unit_id,
        fiscal_year=parsed.fiscal_year,
        period_kind=parsed.period_kind,
        status="BORRADOR",
        title="",
        source_name=parsed.source_name[:300] if parsed.source_name else None,
        approved_at=None,
        report_date=parsed.report_date,
        extra=(parsed.extra or None),
    )
    rows[Poa].append(pv)
    mpos = 0
    obj_ids: dict[int, str] = {}
    for opos, o in enumerate(parsed.objectives, start=1):
        ov = record_values(None, 0, now=now)
        obj_ids[id(o)] = ov["id"]
        ov.update(
            poa_id=poa_id,
            position=opos,
            code=o.code[:30],
            description=o.description or "(sin objetivo)",
            alignment=o.alignment or "",
            parent_id=obj_ids.get(id(o.parent)) if o.parent is not None else None,
            level=o.level[:20],
            indicator=o.indicator or "",
        )
        rows[PoaObjective].append(ov)
        for m in o.metas:
            mpos += 1
            mv = record_values(None, 0, now=now)
            mid = mv["id"]
            mv.update(
                poa_id=poa_id,
                objective_id=ov["id"],
                position=mpos,
                number=m.number[:20],
                description=m.description,
                unit_of_measure=m.unit_of_measure[:100],
                annual_target=m.annual_target,
                baseline=m.baseline,
                polarity=m.polarity,
                codificado=m.codificado,
                contribution=m.contribution or "",
                level=m.level[:20],
                initial_budget=m.initial_budget,
                extra=(m.extra or None),
            )
            rows[PoaMeta].append(mv)
            if m.indicator:
                iv = record_values(None, 0, now=now)
                iv.update(meta_id=mid, name=m.indicator, formula="", accumulation="SUMA", source="")
                rows[PoaIndicator].append(iv)
            for apos, a in enumerate(m.activities, start=1):
                av = record_values(None, 0, now=now)
                av.update(
                    meta_id=mid,
                    position=apos,
                    description=a,
                    responsible_unit_id=None,
                    budget_line="",
                    product="",
                    start_date=None,
                    end_date=None,
                )
                rows[PoaActivity].append(av)
            planned = (list(m.planned) + [0.0] * n)[:n]
            budget = (list(m.planned_budget) + [0.0] * n)[:n]
            for i in range(n):
                gv = record_values(None, 0, now=now)
                gv.update(meta_id=mid, period_no=i + 1, planned_qty=planned[i] or 0.0, planned_budget=budget[i] or 0.0)
                rows[PoaProgramming].append(gv)
            executed = (list(m.executed) + [None] * n)[:n]
            devengado = (list(m.devengado) + [None] * n)[:n]
            reported = [i for i in range(n) if executed[i] is not None or devengado[i] is not None]
            last = reported[-1] if reported else None
            if last is None and (
                m.comprometido is not None or m.pagado is not None or m.narrative or any(p is None for p, _ in m.links)
            ):
                last = n - 1
                reported = [last]
            # links go to their period's report, or to the latest reported period
            link_period: dict[str, int] = {}
            for p, u in m.links:
                period = p - 1 if p else last
                if period is not None:  # a link without a period made `last` a period above
                    link_period[u] = period
            reported = sorted(set(reported) | set(link_period.values()))
            exec_ids = {}
            for i in reported:
                ev = record_values(None, 0, now=now)
                ev.update(
                    meta_id=mid,
                    period_no=i + 1,
                    executed_qty=executed[i],
                    codificado=None,
                    comprometido=m.comprometido if i == last else None,
                    devengado=devengado[i],
                    pagado=m.pagado if i == last else None,
                    narrative=m.narrative if i == last else "",
                    difficulties="",
                    corrective_actions="",
                    validation_status="REPORTADO",
                    validation_note="",
                    reported_at=now,
                    reported_by=None,
                    validated_at=None,
                    validated_by=None,
                )
                rows[PoaExecution].append(ev)
                exec_ids[i] = ev["id"]
            for url, i in link_period.items():
                lv = record_values(None, 0, now=now)
                lv.update(
                    owner_type="poa_execution",
                    owner_id=exec_ids[i],
                    kind="LINK",
                    sha256=None,
                    filename=None,
                    size=None,
                    mime=None,
                    url=url,
                    title=None,
                )
                rows[Evidence].append(lv)
    return rows


def institution_country(db: Database, unit_id: str) -> str:
    with db.session() as s:
        u = s.get(OrgUnit, unit_id)
        if u is None:
            return "EC"
        inst = s.get(Institution, u.institution_id)
        return inst.country if inst else "EC"


__all__ = [
    "ExecutionRow",
    "MetaRow",
    "ObjectiveNode",
    "PoaRow",
    "PoaService",
    "SaveResult",
    "UnitPlace",
    "canton_map",
    "check_amount",
    "execution_warnings",
    "unit_places",
]
