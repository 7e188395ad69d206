"""CPCCS «Formulario de Informe de Rendición de Cuentas» — quantitative sections as .xlsx:
«Ejecución programática» (domain.md §3.3 item 15) and «Cumplimiento de ejecución
presupuestaria» (item 17), ready to be typed or pasted into the CPCCS system.

Each section sheet starts with its header in row 1 (the CPCCS fields first, in the form's
order, then reference columns to the right) so that a block can be copied as is; a «Notas»
sheet records the cut, the rules applied and the counts. CPCCS rules: % = cumplidos /
planificados × 100 rounded to 2 decimals and 0 when nothing was planned; ONE budget-execution
type for the whole report (META, PROGRAMA Y/O PROYECTO or AREA).

Written with openpyxl's write-only mode under the safe-cell rule (`rcdesk.reports.cells`):
text starting with = + - @, a tab or a carriage return is quote-prefixed text, never a formula.
The data comes from `rcdesk.services.cpccs_export`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken

BUDGET_TYPES = {"META": "META", "PROGRAMA": "PROGRAMA Y/O PROYECTO", "AREA": "AREA"}

PROGRAMMATIC_SHEET = "Ejecución programática"
BUDGET_SHEET = "Cumplimiento ejecución presup."  # sheet names are limited to 31 characters
BUDGET_TITLE = "Cumplimiento de ejecución presupuestaria"

PROGRAMMATIC_HEADERS = (
    "OBJETIVO ESTRATÉGICO / COMPETENCIA / FUNCIÓN",
    "NO. DE META",
    "DESCRIPCIÓN DE LA META",
    "INDICADOR DE LA META",
    "TOTAL DE RESULTADOS PLANIFICADOS",
    "TOTAL DE RESULTADOS CUMPLIDOS",
    "% DE LA GESTIÓN",
    "DESCRIPCIÓN DE LA GESTIÓN POR META",
    "CÓMO APORTA EL RESULTADO ALCANZADO AL LOGRO DEL PLAN DE DESARROLLO",
    "UNIDAD (referencia)",
    "CANTÓN (referencia)",
    "NO. DE META EN EL POA DE LA UNIDAD (referencia)",
)
PROGRAMMATIC_WIDTHS = (36, 8, 42, 30, 16, 16, 11, 50, 36, 30, 14, 16)
BUDGET_HEADERS = (
    "TIPO DE EJECUCIÓN PRESUPUESTARIA",
    "DESCRIPCIÓN",
    "PRESUPUESTO CODIFICADO",
    "PRESUPUESTO EJECUTADO",
    "% CUMPLIMIENTO DEL PRESUPUESTO",
    "LINK AL MEDIO DE VERIFICACIÓN PUBLICADO EN LA PÁG. WEB DE LA INSTITUCIÓN",
    "UNIDAD (referencia)",
    "CANTÓN (referencia)",
)
BUDGET_WIDTHS = (21, 48, 16, 16, 18, 40, 30, 14)


@dataclass(frozen=True)
class CpccsRows:
    programmatic: list[tuple]
    budget: list[tuple]
    notes: list[tuple]
    skipped_budget: int


# column formats: "money" (#,##0.00), "num" (0.00), "wrap" (long text, wrapped), "top" (as is);
# every cell sits at the top of its row, next to the first line of the wrapped texts
PROGRAMMATIC_FORMATS = ("wrap", "top", "wrap", "wrap", "num", "num", "num", "wrap", "wrap", "wrap", "top", "top")
BUDGET_FORMATS = ("top", "wrap", "money", "money", "num", "wrap", "wrap", "top")
NUMBER_FORMATS = {"money": "#,##0.00", "num": "0.00"}


def write_workbook(out: str | Path, rows: CpccsRows, *, cancel: CancelToken = NEVER_CANCELLED) -> Path:
    """Write the three sheets (write-only mode).

    Numbers show 2 decimals and long texts wrap: one styled template cell per formatted
    column is reused for every row (the write-only writer serialises a row as soon as it
    is appended), so styling costs a value assignment per cell, not a new cell."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from rcdesk.poa.xlsx_layout import print_setup, row_height, text_lines
    from rcdesk.reports.cells import put
    from rcdesk.reports.output import save_workbook

    text_lines.cache_clear()  # each export pays for its own measuring (honest benchmark)
    out = Path(out)
    wb = Workbook(write_only=True)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E79")
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    top = Alignment(vertical="top")
    top_wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, headers: tuple, widths: tuple, formats: tuple, data: list[tuple], fit: int) -> None:
        ws = wb.create_sheet(title)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        ws.row_dimensions[1].height = 62
        print_setup(ws, fit_width=fit)
        head = []
        for h in headers:
            c = put(WriteOnlyCell(ws), h)
            c.font, c.fill, c.alignment = bold, fill, wrap
            head.append(c)
        ws.append(head)
        templates: list = []
        for f in formats:
            if f is None:
                templates.append(None)
                continue
            c = WriteOnlyCell(ws)
            if f == "wrap":
                c.alignment = top_wrap
            elif f == "top":
                c.alignment = top
            else:
                c.number_format = NUMBER_FORMATS[f]
                c.alignment = top
            templates.append(c)
        ws._values_to_row = _styled_rows(ws, templates)
        append = ws.append
        dims = ws.row_dimensions
        wrap_cols = [i for i, f in enumerate(formats) if f == "wrap"]
        for n, row in enumerate(data):
            h = row_height(row, widths, wrap_cols)
            if h is not None:
                dims[n + 2].height = h
            append(row)
            if n % 2000 == 1999:
                cancel.check()

    # the programmatic section is 2 pages wide on paper (readable type), the budget one fits in 1
    sheet(PROGRAMMATIC_SHEET, PROGRAMMATIC_HEADERS, PROGRAMMATIC_WIDTHS, PROGRAMMATIC_FORMATS, rows.programmatic, 2)
    sheet(BUDGET_SHEET, BUDGET_HEADERS, BUDGET_WIDTHS, BUDGET_FORMATS, rows.budget, 1)
    notes = wb.create_sheet("Notas")
    notes.column_dimensions["A"].width = 34
    notes.column_dimensions["B"].width = 100
    print_setup(notes, title_rows=None)
    label = Font(bold=True)
    for n, r in enumerate(rows.notes, start=1):
        h = row_height(r, (34, 100), (1,))
        if h is not None:
            notes.row_dimensions[n].height = h
        a = put(WriteOnlyCell(notes), r[0])
        a.font, a.alignment = label, top
        b = put(WriteOnlyCell(notes), r[1])
        b.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        notes.append([a, b])
    cancel.check()
    return save_workbook(wb, out)


def _styled_rows(ws, templates: list):
    """Replacement for openpyxl's `WriteOnlyWorksheet._values_to_row` that gives each value
    the styled template cell of its column (plain values share one unstyled cell, as
    openpyxl does), under the safe-cell rule."""
    from openpyxl.cell import WriteOnlyCell

    from rcdesk.reports.cells import put

    plain = WriteOnlyCell(ws)
    width = len(templates)

    def values_to_row(values, row_idx: int):
        for col_idx, value in enumerate(values, 1):
            if value is None or value == "":
                continue
            t = templates[col_idx - 1] if col_idx <= width else None
            cell = put(plain if t is None else t, value)
            cell.column = col_idx
            cell.row = row_idx
            yield cell

    return values_to_row


def build_rows(
    evaluation, *, budget_type: str = "META", links: dict[str, str] | None = None, entity: str = ""
) -> CpccsRows:
    """Rows of both sections from an `Evaluation` (see `rcdesk/services/poa_eval.py`)."""
    if budget_type not in BUDGET_TYPES:
        raise UserError(
            f"Tipo de ejecución presupuestaria «{budget_type}» desconocido "
            f"(use {', '.join(BUDGET_TYPES)}); el CPCCS admite un solo tipo por informe."
        )
    links = links or {}
    units = {u.key: u for u in evaluation.units}
    prog = []
    for n, m in enumerate(evaluation.metas, start=1):
        u = units.get(m.unit_id)
        pct = 0.0 if m.pct is None else m.pct
        prog.append(
            (
                m.objective,
                n,
                m.description,
                m.indicator or m.unit_of_measure,
                m.planned,
                m.executed,
                pct,
                m.narrative,
                m.contribution,
                u.label if u else "",
                u.canton if u else "",
                m.number,
            )
        )
    kind = BUDGET_TYPES[budget_type]
    budget = []
    skipped = 0
    if budget_type == "META":
        for m in evaluation.metas:
            if not m.codificado:
                skipped += 1
                continue
            u = units.get(m.unit_id)
            budget.append(
                (
                    kind,
                    m.description,
                    m.codificado,
                    m.devengado,
                    m.pct_budget or 0.0,
                    links.get(m.meta_id, ""),
                    u.label if u else "",
                    u.canton if u else "",
                )
            )
    elif budget_type == "PROGRAMA":
        for o in evaluation.objectives:
            if not o.codificado:
                skipped += 1
                continue
            u = units.get(o.parent_key)
            budget.append(
                (
                    kind,
                    o.label,
                    o.codificado,
                    o.devengado,
                    o.pct_budget or 0.0,
                    "",
                    u.label if u else "",
                    u.canton if u else "",
                )
            )
    else:
        for u in evaluation.units:
            if not u.codificado:
                skipped += 1
                continue
            budget.append((kind, u.label, u.codificado, u.devengado, u.pct_budget or 0.0, "", u.label, u.canton))
    from rcdesk.services.cpccs import rows_average

    p = evaluation.province
    avg = rows_average(evaluation)
    notes = [
        ("Informe", "Formulario de Informe de Rendición de Cuentas (CPCCS) — secciones cuantitativas"),
        ("Entidad", entity),
        ("Año fiscal", evaluation.year),
        ("Fecha de corte", evaluation.cut.strftime("%d/%m/%Y")),
        ("Generado", datetime.now().strftime("%d/%m/%Y %H:%M")),
        ("Metas exportadas", len(prog)),
        ("Unidades", len(evaluation.units)),
        (
            "% de la gestión",
            "Resultados cumplidos / planificados × 100, redondeado a 2 decimales; 0 cuando no "
            "hubo resultados planificados (regla del sistema del CPCCS).",
        ),
        ("Tipo de ejecución presupuestaria", f"{kind} (el CPCCS admite un solo tipo para todo el informe)."),
        (
            "Filas sin presupuesto",
            f"{skipped} (sin presupuesto codificado; no se incluyen en la sección presupuestaria).",
        ),
        # §4.1: the simple mean over the metas' rows, not a mean of unit means
        ("Cumplimiento promedio provincial", "N/A" if avg is None else f"{avg:.2f} %".replace(".", ",")),
        (
            "Ejecución presupuestaria provincial",
            "N/A" if p.pct_budget is None else f"{p.pct_budget:.2f} %".replace(".", ","),
        ),
        (
            "Columnas «(referencia)»",
            "No forman parte del formulario del CPCCS: sirven para ubicar la unidad y su "
            "meta. Copie solo las columnas del formulario.",
        ),
    ]
    return CpccsRows(prog, budget, notes, skipped)
