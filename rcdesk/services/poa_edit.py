"""Editing the structure of a POA by hand: objectives, metas (number, description, unit of
measure, annual target, baseline, polarity, budget), their indicators and the programming
per period (planned quantity and budget).

Single records through the ORM, one transaction per call. Deletes are tombstones
(`deleted = True`) that cascade to everything below the deleted record. Bad input raises
`UserError` naming the field and writes nothing; `EditResult.warnings` carries what the
user should know but may keep (domain.md §8.3: programming Σ ≠ annual target).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from rcdesk.db.base import check_version
from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.models.poa import (
    ACCUMULATIONS,
    PERIOD_COUNTS,
    POLARITIES,
    Poa,
    PoaActivity,
    PoaExecution,
    PoaIndicator,
    PoaMeta,
    PoaObjective,
    PoaProgramming,
)
from rcdesk.poa.periods import period_code
from rcdesk.services.poa import PoaRow, PoaService, check_amount
from rcdesk.text import clean

TOLERANCE = 0.01


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator of a meta as typed; `indicator_id` None for a new one."""

    name: str
    formula: str = ""
    accumulation: str = "SUMA"
    source: str = ""
    indicator_id: str | None = None


@dataclass(frozen=True)
class MetaInput:
    objective_id: str
    description: str
    number: str = ""
    unit_of_measure: str = ""
    annual_target: object = 0
    baseline: object = None
    polarity: str = "INCREMENTO"
    codificado: object = None
    contribution: str = ""
    planned: tuple = ()  # quantity per period (numbers or texts as typed)
    planned_budget: tuple = ()  # budget per period
    indicators: tuple[IndicatorInput, ...] = ()


@dataclass(frozen=True)
class ObjectiveDetail:
    objective_id: str
    poa_id: str
    code: str
    description: str
    alignment: str
    meta_count: int
    version: int = 0  # what a form read; given back when it saves (`check_version`)


@dataclass(frozen=True)
class MetaDetail:
    meta_id: str
    poa_id: str
    objective_id: str
    period_kind: str
    number: str
    description: str
    unit_of_measure: str
    annual_target: float
    baseline: float | None
    polarity: str
    codificado: float | None
    contribution: str
    planned: tuple[float, ...]
    planned_budget: tuple[float, ...]
    indicators: tuple[IndicatorInput, ...]
    reports: int  # execution rows already reported (deleting the meta removes them too)
    version: int = 0  # what a form read; given back when it saves (`check_version`)


@dataclass(frozen=True)
class EditResult:
    id: str
    warnings: tuple[str, ...] = field(default_factory=tuple)


def programming_warnings(planned: list[float], annual_target: float) -> list[str]:
    """domain.md §8.3: the programming per period must add up to the annual target."""
    from rcdesk.poa.importer import es_num

    total = round(sum(planned), 2)
    if abs(total - annual_target) > TOLERANCE:
        return [
            f"La programación por periodo suma {es_num(total)} y la meta anual es {es_num(annual_target)}; "
            "revise que coincidan."
        ]
    return []


def spread(target: float, n: int) -> list[float]:
    """Split an annual target into n periods with 2 decimals, the remainder in the last one."""
    if n <= 0:
        return []
    part = int(target / n * 100) / 100
    out = [part] * (n - 1)
    out.append(round(target - part * (n - 1), 2))
    return out


class PoaEditService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- POA -------------------------------------------------------------------------------
    def create_poa(self, unit_id: str, year: int, period_kind: str = "trimestre", title: str = "") -> PoaRow:
        return PoaService(self.db).create_poa(unit_id, year, period_kind, title)

    def delete_poa(self, poa_id: str) -> None:
        PoaService(self.db).delete_poa(poa_id)

    # -- objectives ------------------------------------------------------------------------
    def objective(self, objective_id: str) -> ObjectiveDetail:
        with self.db.session() as s:
            o = _live(s, PoaObjective, objective_id, "El objetivo no existe.")
            n = s.scalar(
                select(func.count())
                .select_from(PoaMeta)
                .where(PoaMeta.objective_id == objective_id, PoaMeta.deleted.is_(False))
            )
            return ObjectiveDetail(o.id, o.poa_id, o.code, o.description, o.alignment, n or 0, o.version)

    def save_objective(
        self,
        poa_id: str,
        description: str,
        code: str = "",
        alignment: str = "",
        objective_id: str | None = None,
        *,
        expected_version: int | None = None,
    ) -> EditResult:
        """Create (objective_id None) or update an objective; returns its id."""
        desc = clean(description)
        if not desc:
            raise UserError("Objetivo: falta la descripción.")
        code = clean(code)
        if len(code) > 30:
            raise UserError(f"Código del objetivo: máximo 30 caracteres (tiene {len(code)}).")
        with self.db.begin() as s:
            _live(s, Poa, poa_id, "El POA no existe.")
            if objective_id is None:
                last = s.scalar(select(func.max(PoaObjective.position)).where(PoaObjective.poa_id == poa_id)) or 0
                o = PoaObjective(
                    poa_id=poa_id, position=last + 1, code=code, description=desc, alignment=clean(alignment)
                )
                s.add(o)
            else:
                o = _live(s, PoaObjective, objective_id, "El objetivo no existe.")
                check_version(o, expected_version)
                if o.poa_id != poa_id:
                    raise UserError("El objetivo pertenece a otro POA.")
                o.code, o.description, o.alignment = code, desc, clean(alignment)
            s.flush()
            return EditResult(o.id)

    def delete_objective(self, objective_id: str) -> int:
        """Tombstone an objective with its metas (and their programming, indicators and
        reports); returns how many metas went with it."""
        with self.db.begin() as s:
            o = _live(s, PoaObjective, objective_id, "El objetivo no existe.")
            metas = s.scalars(
                select(PoaMeta).where(PoaMeta.objective_id == objective_id, PoaMeta.deleted.is_(False))
            ).all()
            for m in metas:
                _tombstone_meta(s, m)
            o.deleted = True
            return len(metas)

    # -- metas -----------------------------------------------------------------------------
    def meta(self, meta_id: str) -> MetaDetail:
        with self.db.session() as s:
            m = _live(s, PoaMeta, meta_id, "La meta no existe.")
            p = s.get_one(Poa, m.poa_id)
            n = PERIOD_COUNTS[p.period_kind]
            prog = {
                g.period_no: g
                for g in s.scalars(
                    select(PoaProgramming).where(PoaProgramming.meta_id == meta_id, PoaProgramming.deleted.is_(False))
                )
            }
            inds = s.scalars(
                select(PoaIndicator)
                .where(PoaIndicator.meta_id == meta_id, PoaIndicator.deleted.is_(False))
                .order_by(PoaIndicator.created_at, PoaIndicator.id)
            ).all()
            reports = (
                s.scalar(
                    select(func.count())
                    .select_from(PoaExecution)
                    .where(PoaExecution.meta_id == meta_id, PoaExecution.deleted.is_(False))
                )
                or 0
            )
            return MetaDetail(
                m.id,
                m.poa_id,
                m.objective_id,
                p.period_kind,
                m.number,
                m.description,
                m.unit_of_measure,
                m.annual_target,
                m.baseline,
                m.polarity,
                m.codificado,
                m.contribution,
                tuple(prog[i].planned_qty if i in prog else 0.0 for i in range(1, n + 1)),
                tuple(prog[i].planned_budget if i in prog else 0.0 for i in range(1, n + 1)),
                tuple(IndicatorInput(i.name, i.formula, i.accumulation, i.source, i.id) for i in inds),
                reports,
                m.version,
            )

    def check_meta(
        self, inp: MetaInput, period_kind: str
    ) -> tuple[dict, list[float], list[float], list[IndicatorInput], list[str]]:
        """Validate a meta as typed: (clean values, planned, budget, indicators, warnings).

        Raises UserError naming the field for anything that cannot be saved."""
        desc = clean(inp.description)
        if not desc:
            raise UserError("Meta: falta la descripción.")
        number = clean(inp.number)
        if len(number) > 20:
            raise UserError(f"No. de meta: máximo 20 caracteres (tiene {len(number)}).")
        uom = clean(inp.unit_of_measure)
        if len(uom) > 100:
            raise UserError(f"Unidad de medida: máximo 100 caracteres (tiene {len(uom)}).")
        if inp.polarity not in POLARITIES:
            raise UserError(f"Polaridad «{inp.polarity}» desconocida (Incremento, Reducción o Mantenimiento).")
        target = check_amount(inp.annual_target, "Meta anual")
        if target is None:
            raise UserError("Meta anual: escriba la cantidad que se espera cumplir en el año (0 o más).")
        baseline = check_amount(inp.baseline, "Línea base")
        cod = check_amount(inp.codificado, "Presupuesto codificado")
        n = PERIOD_COUNTS[period_kind]
        if len(inp.planned) > n or len(inp.planned_budget) > n:
            raise UserError(f"La programación tiene más de {n} periodos.")
        planned = [
            check_amount(v, f"Cantidad programada {period_code(period_kind, i + 1)}") or 0.0
            for i, v in enumerate(inp.planned)
        ]
        budget = [
            check_amount(v, f"Presupuesto programado {period_code(period_kind, i + 1)}") or 0.0
            for i, v in enumerate(inp.planned_budget)
        ]
        planned += [0.0] * (n - len(planned))
        budget += [0.0] * (n - len(budget))
        indicators = []
        for k, ind in enumerate(inp.indicators, start=1):
            name = clean(ind.name)
            if not name:
                if clean(ind.formula) or clean(ind.source):
                    raise UserError(f"Indicador {k}: falta el nombre.")
                continue
            if ind.accumulation not in ACCUMULATIONS:
                raise UserError(
                    f"Indicador {k}: forma de acumular «{ind.accumulation}» desconocida "
                    f"({', '.join(ACCUMULATIONS.values())})."
                )
            indicators.append(
                IndicatorInput(name, clean(ind.formula), ind.accumulation, clean(ind.source), ind.indicator_id)
            )
        warnings = programming_warnings(planned, target)
        if cod is not None and sum(budget) > cod + TOLERANCE:
            from rcdesk.poa.importer import es_num

            warnings.append(f"El presupuesto programado ({es_num(sum(budget))}) supera al codificado ({es_num(cod)}).")
        values = dict(
            number=number,
            description=desc,
            unit_of_measure=uom,
            annual_target=target,
            baseline=baseline,
            polarity=inp.polarity,
            codificado=cod,
            contribution=clean(inp.contribution),
        )
        return values, planned, budget, indicators, warnings

    def save_meta(
        self, inp: MetaInput, meta_id: str | None = None, *, expected_version: int | None = None
    ) -> EditResult:
        """Create (meta_id None) or update a meta with its indicators and programming; an update from
        a form gives the version it loaded (`MetaDetail.version`)."""
        with self.db.begin() as s:
            o = _live(s, PoaObjective, inp.objective_id, "El objetivo no existe.")
            p = _live(s, Poa, o.poa_id, "El POA no existe.")
            values, planned, budget, indicators, warnings = self.check_meta(inp, p.period_kind)
            if meta_id is None:
                last = s.scalar(select(func.max(PoaMeta.position)).where(PoaMeta.poa_id == p.id)) or 0
                m = PoaMeta(poa_id=p.id, objective_id=o.id, position=last + 1, **values)
                s.add(m)
                s.flush()
            else:
                m = _live(s, PoaMeta, meta_id, "La meta no existe.")
                check_version(m, expected_version)
                if m.poa_id != p.id:
                    raise UserError("No se puede mover una meta a un objetivo de otro POA.")
                m.objective_id = o.id
                for k, v in values.items():
                    if getattr(m, k) != v:
                        setattr(m, k, v)
            if values["number"]:
                dup = s.scalar(
                    select(func.count())
                    .select_from(PoaMeta)
                    .where(
                        PoaMeta.poa_id == p.id,
                        PoaMeta.number == values["number"],
                        PoaMeta.id != m.id,
                        PoaMeta.deleted.is_(False),
                    )
                )
                if dup:
                    warnings.append(f"Ya hay otra meta con el número «{values['number']}» en este POA.")
            self._save_programming(s, m.id, planned, budget)
            self._save_indicators(s, m.id, indicators)
            return EditResult(m.id, tuple(warnings))

    @staticmethod
    def _save_programming(s, meta_id: str, planned: list[float], budget: list[float]) -> None:
        rows = {
            g.period_no: g
            for g in s.scalars(
                select(PoaProgramming).where(PoaProgramming.meta_id == meta_id, PoaProgramming.deleted.is_(False))
            )
        }
        for i, (qty, bud) in enumerate(zip(planned, budget), start=1):
            g = rows.pop(i, None)
            if g is None:
                s.add(PoaProgramming(meta_id=meta_id, period_no=i, planned_qty=qty, planned_budget=bud))
            elif (g.planned_qty, g.planned_budget) != (qty, bud):
                g.planned_qty, g.planned_budget = qty, bud
        for g in rows.values():  # periods beyond the POA's count (should not exist)
            g.deleted = True

    @staticmethod
    def _save_indicators(s, meta_id: str, indicators: list[IndicatorInput]) -> None:
        current = {
            i.id: i
            for i in s.scalars(
                select(PoaIndicator).where(PoaIndicator.meta_id == meta_id, PoaIndicator.deleted.is_(False))
            )
        }
        for ind in indicators:
            row = current.pop(ind.indicator_id, None) if ind.indicator_id else None
            if row is None:
                s.add(
                    PoaIndicator(
                        meta_id=meta_id,
                        name=ind.name,
                        formula=ind.formula,
                        accumulation=ind.accumulation,
                        source=ind.source,
                    )
                )
            else:
                for k in ("name", "formula", "accumulation", "source"):
                    if getattr(row, k) != getattr(ind, k):
                        setattr(row, k, getattr(ind, k))
        for row in current.values():
            row.deleted = True

    def delete_meta(self, meta_id: str) -> int:
        """Tombstone a meta with its programming, indicators, activities and reports;
        returns how many execution reports were removed with it."""
        with self.db.begin() as s:
            m = _live(s, PoaMeta, meta_id, "La meta no existe.")
            return _tombstone_meta(s, m)


def _live(s, model, record_id: str, message: str):
    row = s.get(model, record_id) if record_id else None
    if row is None or row.deleted:
        raise NotFound(message)
    return row


def _tombstone_meta(s, m: PoaMeta) -> int:
    reports = 0
    for model in (PoaProgramming, PoaIndicator, PoaActivity, PoaExecution):
        for row in s.scalars(select(model).where(model.meta_id == m.id, model.deleted.is_(False))):
            row.deleted = True
            reports += model is PoaExecution
    m.deleted = True
    return reports


__all__ = [
    "EditResult",
    "IndicatorInput",
    "MetaDetail",
    "MetaInput",
    "ObjectiveDetail",
    "PoaEditService",
    "programming_warnings",
    "spread",
]
