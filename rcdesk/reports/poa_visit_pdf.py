"""Informe de visita de seguimiento al cantón (PDF, A4 vertical, Spanish, "Página x de y"):
data of the visit, units visited with their POA compliance at the visit date, findings,
recommendations, commitments agreed, evidence and signature lines.
"""
from __future__ import annotations

from pathlib import Path

from rcdesk.compliance import COLOR_LABELS
from rcdesk.errors import UserError
from rcdesk.reports.poa_pdf import esc, grid_table, light_cell, num, numbered_canvas, pct_text, styles


def write_visit_report(db, visit_id: str, out: str | Path) -> Path:  # noqa: ANN001
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

    from rcdesk.models.reference import UNIT_TYPES
    from rcdesk.services.evidence import EvidenceService
    from rcdesk.services.poa import PoaService
    from rcdesk.services.poa_eval import EvaluationService
    from rcdesk.services.poa_visits import VisitService

    vs = VisitService(db)
    v = vs.visit(visit_id)
    commitments = vs.commitments(visit_id)
    evidence = EvidenceService(db).list_for("field_visit", visit_id)
    places = {u.unit_id: u for u in PoaService(db).unit_places()}
    ev = EvaluationService(db).evaluate(v.visit_date.year, v.visit_date, unit_ids=list(v.unit_ids),
                                           with_text=False) \
        if v.unit_ids else None
    results = {u.key: u for u in ev.units} if ev else {}
    st = styles()
    story: list = [
        Paragraph("Informe de visita de seguimiento", st["title"]),
        Paragraph(esc(f"Cantón {v.canton_name} — {v.visit_date:%d/%m/%Y}"), st["subtitle"]),
    ]
    info = [["Cantón", v.canton_name], ["Fecha de la visita", v.visit_date.strftime("%d/%m/%Y")],
            ["Equipo técnico", v.team or "—"], ["Objetivo de la visita", v.purpose or "—"]]
    story += grid_table(["Dato", "Detalle"], info, [130, 405], st)
    story.append(Paragraph("1. Unidades visitadas y avance del POA a la fecha de la visita", st["h1"]))
    if v.unit_ids:
        rows, lights = [], []
        for uid in v.unit_ids:
            u = places.get(uid)
            r = results.get(uid)
            lights.append(r.light if r else "gris")
            rows.append([u.name if u else "", UNIT_TYPES.get(u.unit_type, "") if u else "",
                         num(str(r.metas) if r else "0", st), num(pct_text(r.pct if r else None), st),
                         num(pct_text(r.pct_budget if r else None), st), light_cell(r.light if r else "gris", st)])
        story += grid_table(["Unidad", "Tipo", "Metas", "% cumplimiento", "% ejec. presup.", "Semáforo"], rows,
                            [165, 110, 40, 75, 75, 70], st, light_col=5, lights=lights)
        if ev is not None:
            story.append(Paragraph(esc(
                f"Cumplimiento al {v.visit_date:%d/%m/%Y} con los periodos cerrados a esa fecha; semáforo "
                f"«{ev.profile.name}». Sin programación al corte: {COLOR_LABELS['gris'].lower()}."), st["small"]))
    else:
        story.append(Paragraph("No se registraron unidades visitadas.", st["body"]))
    story += [Paragraph("2. Hallazgos", st["h1"]), Paragraph(esc(v.findings or "—"), st["body"]),
              Paragraph("3. Recomendaciones", st["h1"]), Paragraph(esc(v.recommendations or "—"), st["body"]),
              Paragraph("4. Compromisos acordados", st["h1"])]
    if commitments:
        story += grid_table(["N.º", "Compromiso", "Unidad", "Responsable", "Fecha límite", "Estado"],
                            [[num(str(i), st), c.description, c.unit_name, c.responsible,
                              c.due_date.strftime("%d/%m/%Y") if c.due_date else "", c.status_label]
                             for i, c in enumerate(commitments, start=1)], [26, 185, 120, 80, 62, 62], st)
    else:
        story.append(Paragraph("No se acordaron compromisos.", st["body"]))
    story.append(Paragraph("5. Medios de verificación", st["h1"]))
    if evidence:
        story += grid_table(["Evidencia", "Tipo"], [[e.label + (f"\n{e.url}" if e.kind == "LINK" and e.url and e.url != e.label else ""),
                                                       "Enlace" if e.kind == "LINK" else "Archivo"]
                                                     for e in evidence], [445, 90], st)
    else:
        story.append(Paragraph("Sin medios de verificación adjuntos.", st["body"]))
    story += [Spacer(1, 36), KeepTogether([Table(
        [[Paragraph("______________________________<br/>Elaborado por<br/>Técnico/a de seguimiento", st["sign"]),
          Paragraph("______________________________<br/>Recibido por<br/>Titular de la unidad visitada",
                    st["sign"])]], colWidths=[265, 265])])]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=30, rightMargin=30, topMargin=34, bottomMargin=34,
                            title=f"Visita de seguimiento {v.canton_name}", author="rcdesk")
    try:
        doc.build(story, canvasmaker=numbered_canvas(f"Visita de seguimiento del POA — {v.canton_name}, "
                                                     f"{v.visit_date:%d/%m/%Y}"))
    except PermissionError as exc:
        raise UserError(f"No se puede escribir «{out.name}»: ¿está abierto en otro programa?") from exc
    return out
