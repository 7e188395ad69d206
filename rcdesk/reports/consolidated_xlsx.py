"""Consolidated workbook for the central office (openpyxl write-only: streaming, flat memory).

Draws `rcdesk.services.consolidated_report.ConsolidatedWorkbook`. Every cell, headers included,
follows the safe-cell rule (`rcdesk.reports.cells`): text a spreadsheet could evaluate is a
quote-prefixed string cell. No personal data of citizens reaches it (see the service).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rcdesk.compliance import format_pct
from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.reports.cells import SafeCells
from rcdesk.reports.output import save_workbook
from rcdesk.reports.xlsx_rows import fast_rows
from rcdesk.services.consolidated_report import (
    ActivityLine,
    ConsolidatedWorkbook,
    PeopleCounts,
    RecordSheet,
    Stream,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

MAX_ROWS = 1_048_000
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
# column width per kind of column: the first characters of an id identify a record (commands
# accept a prefix); then the provenance columns
KIND_WIDTHS = {"key": 14, "date": 18, "number": 11, "short": 16, "text": 32}
PROVENANCE_WIDTHS = [22, 34]
ACTIVITY_HEADERS = [
    "Plan",
    "Año",
    "N.º",
    "Actividad",
    "Responsable",
    "Indicador",
    "Último avance %",
    "Periodo",
    "Semáforo",
    "Registrado por",
    "Paquete",
]


def _widths(ws: Any, widths: Sequence[float], *, freeze: bool = True) -> None:
    """Column widths, a frozen header row and the print layout (write-only sheets accept
    all of these before any row): A4 landscape, scaled to one page wide (a few for wide
    sheets), the header row repeated on every printed page, "Página x de y" and the
    sheet's name in the footer."""
    from openpyxl.utils import get_column_letter

    from rcdesk.reports.cells import print_layout

    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    if freeze:
        ws.freeze_panes = "A2"
    # about 150 character widths fit across a landscape page at 100 %; up to 220 still print
    # at a readable size (~7.5 pt), wider data sheets go over a few pages across instead
    fit = max(1, -(-int(sum(widths)) // 220))
    print_layout(ws, fit_width=fit, title_rows="1:1" if freeze else None, sheet_name_footer=True)


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", title).strip()[:31] or "Hoja"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


class _Book:
    """The workbook being written, its sheet names and what each sheet holds."""

    def __init__(self, progress: ProgressFn, cancel: CancelToken, total: int) -> None:
        from openpyxl import Workbook

        self.wb: Workbook = Workbook(write_only=True)
        self.used: set[str] = set()
        self.sheets: dict[str, int] = {}
        self.progress, self.cancel = progress, cancel
        self.grand = total or 1
        self.done = 0

    def sheet(self, title: str, widths: Sequence[float], *, freeze: bool = True) -> tuple[Any, SafeCells]:
        ws = self.wb.create_sheet(_sheet_name(title, self.used))
        _widths(ws, widths, freeze=freeze)
        fast_rows(ws)  # plain values under the safe-cell rule, without a cell object each
        return ws, SafeCells(ws)


def _summary(book: _Book, data: ConsolidatedWorkbook) -> None:
    ws, sc = book.sheet("Resumen", [30, 20, 26, 20], freeze=False)  # long texts in B spill over the empty C and D
    ws.append(sc.bold(["Consolidado de rendición de cuentas y POA"]))
    ws.append(["Generado", data.generated.strftime("%d/%m/%Y %H:%M UTC")])
    ws.append(["Instalación", data.installation])
    ws.append(
        [
            "Datos personales",
            "Este libro no contiene datos personales de la ciudadanía: la "
            "asistencia y los registros de personas se muestran solo como conteos anónimos.",
        ]
    )
    ws.append([])
    ws.append(sc.bold(["Instalación", "Rol", "Paquetes consolidados", "Registros vigentes"]))
    for i in data.installations:
        ws.append([i.name, i.role_label, i.packages, i.records])
    ws.append([])
    ws.append(sc.bold(["Hoja (tipo de registro)", "Registros vigentes"]))
    for k in data.kinds:
        if k.count:
            title = k.title + (" (conteos)" if k.count_only else "")
            ws.append([_BAD_SHEET.sub(" ", title).strip()[:31], k.count])
    book.sheets["Resumen"] = 0


def _activities(book: _Book, activities: Stream[ActivityLine]) -> None:
    ws, sc = book.sheet("Planes y actividades", [28, 6, 6, 48, 22, 22, 13, 12, 18, 16, 24])
    ws.append(sc.bold(ACTIVITY_HEADERS))
    n = 0
    for a in activities:
        ws.append(
            [
                a.plan,
                sc.centered(a.year),
                sc.centered(a.number),
                a.description,
                a.responsible,
                a.indicator,
                format_pct(a.compliance) if a.compliance is not None else "",
                a.period,
                a.light.label if a.light is not None else "Sin reporte",
                a.installation,
                a.package,
            ]
        )
        n += 1
        if n % 5000 == 0:
            book.cancel.check()
    book.sheets["Planes y actividades"] = n


def _counts(book: _Book, s: PeopleCounts) -> None:
    ws, sc = book.sheet(f"{s.kind.title} (conteos)", [50, 38, 12])
    ws.append(sc.bold([(s.group_label or "Grupo").capitalize(), "Identificador", "Registros"]))
    for g in s.groups:
        ws.append([g.group or ("(sin dato)" if g.group_id is None else ""), g.group_id, g.count])
    book.sheets[ws.title] = len(s.groups)
    book.done += s.kind.count
    book.progress(book.done, book.grand, f"Escribiendo {s.kind.label}")


def _records(book: _Book, s: RecordSheet) -> None:
    """One sheet per kind of record (continued on a second sheet past Excel's row limit)."""
    widths = [KIND_WIDTHS[k] for k in s.column_kinds] + PROVENANCE_WIDTHS
    what = f"Escribiendo {s.kind.label}"
    part = 1
    ws, sc = book.sheet(s.kind.title, widths)
    ws.append(sc.bold(s.headers))
    in_sheet = 0
    for values in s.rows:
        if in_sheet >= MAX_ROWS:
            book.sheets[ws.title] = in_sheet
            part += 1
            ws, sc = book.sheet(f"{s.kind.title} {part}", widths)
            ws.append(sc.bold(s.headers))
            in_sheet = 0
        ws.append(values)
        in_sheet += 1
        book.done += 1
        if book.done % 5000 == 0:
            book.cancel.check()
            book.progress(book.done, book.grand, what)
    book.sheets[ws.title] = in_sheet


def write_consolidated_xlsx(
    data: ConsolidatedWorkbook,
    out: Path,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> dict:
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"«{out.name}»: el libro consolidado debe terminar en .xlsx.")
    total = sum(k.count for k in data.kinds)
    book = _Book(progress, cancel, total)
    _summary(book, data)
    if data.activities is not None:
        _activities(book, data.activities)
    for s in data.sheets:
        cancel.check()
        if isinstance(s, RecordSheet):
            _records(book, s)
        else:
            _counts(book, s)
    save_workbook(book.wb, out)
    progress(book.grand, book.grand, "Libro guardado")
    return {"file": str(out), "sheets": book.sheets, "records": total}
