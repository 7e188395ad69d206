"""Informe de visita de seguimiento al cantón (PDF, A4 vertical, Spanish, "Página x de y"):
data of the visit, units visited with their POA compliance at the visit date, findings,
recommendations, commitments agreed, evidence and signature lines. The data comes from
`rcdesk.services.poa_reports`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rcdesk.compliance import COLOR_LABELS
from rcdesk.reports.pdf_kit import build_pdf, esc, page_footer
from rcdesk.reports.poa_pdf import grid_table, light_cell, num, pct_text, styles


def write_pdf(data, out: str | Path) -> Path:
    """Draw `data` (a `rcdesk.services.poa_reports.VisitReportData`)."""
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

    v, commitments, evidence, places, ev = data.visit, data.commitments, data.evidence, data.places, data.evaluation
    results = {u.key: u for u in ev.units} if ev else {}
    st = styles()
    story: list = [
        Paragraph("Informe de visita de seguimiento", st["title"]),
        Paragraph(esc(f"Cantón {v.canton_name} — {v.visit_date:%d/%m/%Y}"), st["subtitle"]),
    ]
    info = [
        ["Cantón", v.canton_name],
        ["Fecha de la visita", v.visit_date.strftime("%d/%m/%Y")],
        ["Equipo técnico", v.team or "—"],
        ["Objetivo de la visita", v.purpose or "—"],
    ]
    story += grid_table(["Dato", "Detalle"], info, [130, 405], st)
    story.append(Paragraph("1. Unidades visitadas y avance del POA a la fecha de la visita", st["h1"]))
    if v.unit_ids:
        rows, lights = [], []
        for uid in v.unit_ids:
            u = places.get(uid)
            r = results.get(uid)
            lights.append(r.light if r else "gris")
            rows.append(
                [
                    u.name if u else "",
                    data.unit_types.get(u.unit_type, "") if u else "",
                    num(str(r.metas) if r else "0", st),
                    num(pct_text(r.pct if r else None), st),
                    num(pct_text(r.pct_budget if r else None), st),
                    light_cell(r.light if r else "gris", st),
                ]
            )
        story += grid_table(
            ["Unidad", "Tipo", "Metas", "% cumplimiento", "% ejec. presup.", "Semáforo"],
            rows,
            [165, 110, 40, 75, 75, 70],
            st,
            light_col=5,
            lights=lights,
        )
        if ev is not None:
            story.append(
                Paragraph(
                    esc(
                        f"Cumplimiento al {v.visit_date:%d/%m/%Y} con los periodos cerrados a esa fecha; semáforo "
                        f"«{ev.profile.name}». Sin programación al corte: {COLOR_LABELS['gris'].lower()}."
                    ),
                    st["small"],
                )
            )
    else:
        story.append(Paragraph("No se registraron unidades visitadas.", st["body"]))
    story += [
        Paragraph("2. Hallazgos", st["h1"]),
        Paragraph(esc(v.findings or "—"), st["body"]),
        Paragraph("3. Recomendaciones", st["h1"]),
        Paragraph(esc(v.recommendations or "—"), st["body"]),
        Paragraph("4. Compromisos acordados", st["h1"]),
    ]
    if commitments:
        story += grid_table(
            ["N.º", "Compromiso", "Unidad", "Responsable", "Fecha límite", "Estado"],
            [
                [
                    num(str(i), st),
                    c.description,
                    c.unit_name,
                    c.responsible,
                    c.due_date.strftime("%d/%m/%Y") if c.due_date else "",
                    c.status_label,
                ]
                for i, c in enumerate(commitments, start=1)
            ],
            [26, 185, 120, 80, 62, 62],
            st,
        )
    else:
        story.append(Paragraph("No se acordaron compromisos.", st["body"]))
    story.append(Paragraph("5. Medios de verificación", st["h1"]))
    if evidence:
        story += grid_table(
            ["Evidencia", "Tipo"],
            [
                [
                    e.label + (f"\n{e.url}" if e.kind == "LINK" and e.url and e.url != e.label else ""),
                    "Enlace" if e.kind == "LINK" else "Archivo",
                ]
                for e in evidence
            ],
            [445, 90],
            st,
        )
    else:
        story.append(Paragraph("Sin medios de verificación adjuntos.", st["body"]))
    story += [
        Spacer(1, 36),
        KeepTogether(
            [
                Table(
                    [
                        [
                            Paragraph(
                                "______________________________<br/>Elaborado por<br/>Técnico/a de seguimiento",
                                st["sign"],
                            ),
                            Paragraph(
                                "______________________________<br/>Recibido por<br/>Titular de la unidad visitada",
                                st["sign"],
                            ),
                        ]
                    ],
                    colWidths=[265, 265],
                )
            ]
        ),
    ]
    build_pdf(
        out,
        story,
        title=f"Visita de seguimiento {v.canton_name}",
        author="rcdesk",
        landscape=False,
        top=34,
        bottom=34,
        footer=page_footer(
            f"Generado con rcdesk el {datetime.now():%d/%m/%Y %H:%M}",
            header=f"Visita de seguimiento del POA — {v.canton_name}, {v.visit_date:%d/%m/%Y}",
        ),
    )
    return Path(out)
