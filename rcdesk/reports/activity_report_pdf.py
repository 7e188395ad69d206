"""The internal activity report format (Colombia) as PDF: one row per event of the strategy,
then one row per activity of the strategy with its reported progress."""

from __future__ import annotations

from pathlib import Path

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS
from rcdesk.followup.periods import date_text
from rcdesk.reports.activity_report_common import ACTIVITY_COLUMNS, SPACE_COLUMNS, space_cells
from rcdesk.services.murc_report import ActivityReport

SPACE_WIDTHS = (120, 70, 75, 55, 90, 110, 120, 85, 57)
ACTIVITY_WIDTHS = (26, 116, 60, 74, 70, 80, 55, 45, 44, 100, 62, 50)


def write_pdf(data: ActivityReport, path: Path) -> Path:
    from reportlab.platypus import Paragraph, Spacer

    from rcdesk.reports.pdf_kit import (
        build_pdf,
        esc,
        grid_tables,
        label_table,
        light_paragraph,
        page_footer,
        report_styles,
    )

    st = report_styles(cell=7.3)
    story: list = [
        Paragraph(esc(data.title), st["title"]),
        label_table(
            [
                ("Entidad:", data.entity, "Vigencia:", str(data.year)),
                ("Estrategia:", data.plan_title or "—", "Fecha de corte:", date_text(data.cut)),
            ],
            st,
        ),
        Spacer(1, 6),
        Paragraph("1. Actividades y espacios de rendición de cuentas", st["h1"]),
    ]
    if data.spaces:
        story += grid_tables(list(SPACE_COLUMNS), [space_cells(s) for s in data.spaces], SPACE_WIDTHS, st, center=(3,))
    else:
        story.append(Paragraph("No hay eventos vinculados a la estrategia.", st["body"]))
    story.append(Paragraph("2. Avance de las actividades de la estrategia", st["h1"]))
    rows, lights = [], {}
    for i, a in enumerate(data.activities, start=1):
        rows.append(
            [
                a.number,
                a.description,
                a.stages,
                a.element,
                a.responsible,
                a.meta,
                a.scheduled,
                a.pct_text,
                light_paragraph(a.light.color, COLOR_LABELS.get(a.light.color, a.light.color), st),
                a.done_text,
                a.evidence,
                a.events,
            ]
        )
        lights[(i, 8)] = COLOR_HEX.get(a.light.color, "#9E9E9E")
    story += grid_tables(list(ACTIVITY_COLUMNS), rows, ACTIVITY_WIDTHS, st, fills=lights, center=(0, 6, 7))
    build_pdf(
        path,
        story,
        title=f"Reporte de actividades de rendición de cuentas {data.year}",
        author=data.entity,
        footer=page_footer(
            f"{data.entity} · Reporte interno de actividades de rendición de cuentas · corte {date_text(data.cut)}"
        ),
    )
    return Path(path)
