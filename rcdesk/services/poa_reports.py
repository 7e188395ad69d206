"""The POA reports' data (evaluation report, visit report), read here and handed as plain data to
the renderers in `rcdesk.reports` (which never touch the database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.reference import UNIT_TYPES

if TYPE_CHECKING:
    from rcdesk.services.poa_eval import Evaluation
    from rcdesk.services.poa_visits import OficioRow


@dataclass(frozen=True)
class PoaReportData:
    year: int
    cut: date
    entity: str
    evaluation: Evaluation
    overdue: list[OficioRow]  # oficios past their due date, unanswered
    unit_types: dict[str, str]


@dataclass(frozen=True)
class VisitReportData:
    visit: object  # rcdesk.services.poa_visits visit row
    commitments: list
    evidence: list
    places: dict  # unit id -> rcdesk.services.poa unit place
    evaluation: Evaluation | None  # at the visit date, over the units visited
    unit_types: dict[str, str]


def entity_names(db: Database, year: int) -> str:
    """The institutions holding a POA of `year`, as one line."""
    from rcdesk.models.poa import Poa
    from rcdesk.models.reference import Institution

    with db.session() as s:
        names = sorted(
            set(
                s.scalars(
                    select(Institution.name)
                    .join(Poa, Poa.institution_id == Institution.id)
                    .where(Poa.fiscal_year == int(year), Poa.deleted.is_(False))
                )
            )
        )
    return "; ".join(names)


def evidence_links(db: Database, year: int) -> dict[str, str]:
    """meta id -> first published link (evidence of kind LINK) of any of its executions."""
    from rcdesk.models.followup import Evidence
    from rcdesk.models.poa import Poa, PoaExecution, PoaMeta

    out: dict[str, str] = {}
    with db.session() as s:
        rows = s.execute(
            select(PoaExecution.meta_id, Evidence.url)
            .join(Evidence, Evidence.owner_id == PoaExecution.id)
            .join(PoaMeta, PoaMeta.id == PoaExecution.meta_id)
            .join(Poa, Poa.id == PoaMeta.poa_id)
            .where(
                Evidence.owner_type == "poa_execution",
                Evidence.kind == "LINK",
                Evidence.deleted.is_(False),
                PoaExecution.deleted.is_(False),
                Poa.fiscal_year == int(year),
            )
            .order_by(PoaExecution.period_no)
        ).all()
    for meta_id, url in rows:
        if url:
            out.setdefault(meta_id, url)
    return out


def poa_report_data(db: Database, year: int, cut: date, *, canton_id: str | None = None) -> PoaReportData:
    from rcdesk.services.poa_eval import EvaluationService
    from rcdesk.services.poa_visits import VisitService

    ev = EvaluationService(db).evaluate(int(year), cut, canton_id=canton_id, with_text=False)
    if not ev.metas:
        raise UserError(f"No hay metas de POA del año {year} para evaluar.")
    today = date.today()
    overdue, _ = VisitService(db).overdue(today=max(cut, today) if cut.year == today.year else None)
    return PoaReportData(int(year), cut, entity_names(db, ev.year) or "Entidad", ev, list(overdue), dict(UNIT_TYPES))


def write_poa_report(
    db: Database,
    year: int,
    cut: date,
    out: str | Path,
    *,
    canton_id: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> dict:
    """Informe de evaluación del POA (PDF); returns what the command line prints."""
    from rcdesk.reports.poa_pdf import write_pdf

    progress(0, 4, "Calculando el cumplimiento…")
    data = poa_report_data(db, year, cut, canton_id=canton_id)
    cancel.check()
    pages = write_pdf(data, out, progress=progress, cancel=cancel)
    ev = data.evaluation
    return {"out": str(out), "pages": pages, "cantons": len(ev.cantons), "units": len(ev.units), "metas": len(ev.metas)}


def visit_report_data(db: Database, visit_id: str) -> VisitReportData:
    from rcdesk.services.evidence import EvidenceService
    from rcdesk.services.poa import PoaService
    from rcdesk.services.poa_eval import EvaluationService
    from rcdesk.services.poa_visits import VisitService

    vs = VisitService(db)
    v = vs.visit(visit_id)
    ev = (
        EvaluationService(db).evaluate(v.visit_date.year, v.visit_date, unit_ids=list(v.unit_ids), with_text=False)
        if v.unit_ids
        else None
    )
    return VisitReportData(
        v,
        list(vs.commitments(visit_id)),
        list(EvidenceService(db).list_for("field_visit", visit_id)),
        {u.unit_id: u for u in PoaService(db).unit_places()},
        ev,
        dict(UNIT_TYPES),
    )


def write_visit_report(db: Database, visit_id: str, out: str | Path) -> Path:
    """Informe de visita de seguimiento (PDF)."""
    from rcdesk.reports.poa_visit_pdf import write_pdf

    return write_pdf(visit_report_data(db, visit_id), out)
