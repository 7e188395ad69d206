"""The internal activity report format (Colombia) as .xlsx: «Actividades realizadas» (one row
per event of the strategy) and «Avance de la estrategia» (one row per activity). Values only."""

from __future__ import annotations

from pathlib import Path

from rcdesk.compliance import COLOR_LABELS
from rcdesk.followup.periods import date_text
from rcdesk.reports.activity_report_common import ACTIVITY_COLUMNS, SPACE_COLUMNS, space_cells
from rcdesk.services.murc_report import ActivityReport


def write_xlsx(data: ActivityReport, path: Path) -> Path:
    from openpyxl import Workbook

    from rcdesk.reports.output import save_workbook
    from rcdesk.reports.xlsx_tables import SheetWriter, light

    wb = Workbook(write_only=True)
    ws = SheetWriter(wb, "Actividades realizadas", (34, 20, 24, 14, 30, 40, 44, 40, 24))
    ws.title("Formato interno de reporte de las actividades de rendición de cuentas")
    ws.pairs(
        [
            ("Entidad:", data.entity),
            ("Vigencia:", str(data.year)),
            ("Estrategia:", data.plan_title or ""),
            ("Fecha de corte:", date_text(data.cut)),
        ]
    )
    ws.blank()
    rows = []
    for s in data.spaces:
        cells: list[str | int] = list(space_cells(s))
        cells[3] = s.participants if not s.breakdown else cells[3]
        rows.append(cells)
    ws.table(list(SPACE_COLUMNS), rows, centered=(3,))

    wa = SheetWriter(wb, "Avance de la estrategia", (7, 40, 16, 18, 24, 28, 16, 11, 11, 36, 30, 28))
    wa.title(f"Avance de las actividades de la estrategia al {date_text(data.cut)}", 12)
    wa.table(
        list(ACTIVITY_COLUMNS),
        [
            [
                a.number,
                a.description,
                a.stages,
                a.element,
                a.responsible,
                a.meta,
                a.scheduled,
                a.pct_text,
                light(a.light.color, COLOR_LABELS.get(a.light.color, a.light.color)),
                a.done_text,
                a.evidence,
                a.events,
            ]
            for a in data.activities
        ],
        centered=(0, 6, 7),
    )
    save_workbook(wb, path)
    return Path(path)
