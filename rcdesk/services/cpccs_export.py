"""The CPCCS files: the quantitative sections' workbook (`export_cpccs`) and the whole report as
workbook or PDF draft (`export_report`). Data is read here; the renderers in `rcdesk.reports`
draw it and write through the one output helper."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress

FORMATS = (".xlsx", ".pdf")


def export_cpccs(
    db: Database,
    year: int,
    out: str | Path,
    *,
    cut: date | None = None,
    budget_type: str = "META",
    canton_id: str | None = None,
    unit_ids: list[str] | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> dict:
    """«Ejecución programática» and «Cumplimiento de ejecución presupuestaria» as .xlsx."""
    from rcdesk.reports.cpccs_xlsx import BUDGET_TYPES, build_rows, write_workbook
    from rcdesk.services.poa_eval import EvaluationService
    from rcdesk.services.poa_reports import entity_names, evidence_links

    if budget_type not in BUDGET_TYPES:
        raise UserError(
            f"Tipo de ejecución presupuestaria «{budget_type}» desconocido "
            f"(use {', '.join(BUDGET_TYPES)}); el CPCCS admite un solo tipo por informe."
        )
    progress(0, 3, "Calculando el cumplimiento…")
    ev = EvaluationService(db).evaluate(int(year), cut, canton_id=canton_id, unit_ids=unit_ids)
    if not ev.metas:
        raise UserError(f"No hay metas de POA del año {year} para exportar.")
    cancel.check()
    progress(1, 3, "Preparando las filas…")
    rows = build_rows(ev, budget_type=budget_type, links=evidence_links(db, year), entity=entity_names(db, ev.year))
    cancel.check()
    progress(2, 3, "Escribiendo el libro…")
    path = write_workbook(out, rows, cancel=cancel)
    progress(3, 3, "Listo")
    return {
        "out": str(path),
        "year": int(year),
        "cut": ev.cut.isoformat(),
        "metas": len(rows.programmatic),
        "budget_rows": len(rows.budget),
        "budget_type": BUDGET_TYPES[budget_type],
        "skipped_budget": rows.skipped_budget,
    }


def export_report(
    db: Database,
    year: int,
    out: str | Path,
    *,
    cut: date | None = None,
    institution_id: str | None = None,
    budget_type: str = "META",
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> dict:
    """The whole CPCCS report of a year: a workbook or the PDF «borrador», chosen by the extension."""
    from rcdesk.reports.cpccs_xlsx import BUDGET_TYPES
    from rcdesk.services.cpccs import CpccsService

    out = Path(out)
    ext = out.suffix.lower()
    if ext not in FORMATS:
        raise UserError(
            f"«{out.name}»: el informe CPCCS se escribe como .xlsx (libro) o .pdf (borrador); "
            f"la extensión «{out.suffix or '(ninguna)'}» no es ninguna de ellas."
        )
    progress(0, 2, "Calculando las secciones del informe…")
    report = CpccsService(db).report(int(year), institution_id=institution_id, cut=cut, budget_type=budget_type)
    cancel.check()
    progress(1, 2, "Escribiendo el archivo…")
    if ext == ".xlsx":
        from rcdesk.reports.cpccs_report_xlsx import write_workbook

        write_workbook(out, report)
    else:
        from rcdesk.reports.cpccs_report_pdf import write_pdf

        write_pdf(out, report)
    progress(2, 2, "Listo")
    counts = {k: sum(1 for s in report.sections if s.state == k) for k in ("completa", "incompleta", "no_aplica")}
    return {
        "out": str(out),
        "year": int(year),
        "institution": report.institution.name,
        "metas": report.metas,
        "budget_type": BUDGET_TYPES[report.budget_type],
        "sections": [
            {"section": s.key, "title": s.title, "state": s.state, "missing": s.missing} for s in report.sections
        ],
        **counts,
    }
