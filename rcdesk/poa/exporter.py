"""Write POAs back to .xlsx in the layout the importer reads (one sheet per unit, with
«Unidad» and «Cantón» columns so the file re-imports even when the sheet name had to be
shortened). Cells follow the safe-cell rule (`rcdesk.reports.cells`).
"""
from __future__ import annotations

import re
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.models.poa import POLARITIES
from rcdesk.poa.parsed import ParsedPoa
from rcdesk.poa.periods import period_code

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def headers_for(poa: ParsedPoa, n: int) -> list[str]:
    k = poa.period_kind
    return [
        "Unidad", "Cantón", "Código objetivo", "Objetivo", "Alineación", "No. meta", "Meta", "Indicador", "Unidad de medida",
        "Línea base", "Meta anual", "Polaridad", "Actividades",
        *[f"Programado {period_code(k, i)}" for i in range(1, n + 1)],
        *[f"Ejecutado {period_code(k, i)}" for i in range(1, n + 1)],
        *[f"Presupuesto {period_code(k, i)}" for i in range(1, n + 1)],
        *[f"Devengado {period_code(k, i)}" for i in range(1, n + 1)],
        "Presupuesto codificado", "Presupuesto comprometido", "Descripción de la gestión",
        "Medio de verificación (enlace)", "Cómo aporta al plan de desarrollo",
    ]


def sheet_title(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "POA"
    title, i = base, 2
    while title.lower() in used:
        suffix = f" ({i})"
        title = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(title.lower())
    return title


def export_poas(poas: list[ParsedPoa], out: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from rcdesk.poa.periods import period_count
    from rcdesk.poa.xlsx_layout import print_setup, row_height
    from rcdesk.reports.cells import as_text, put

    if not poas:
        raise UserError("No hay POA para exportar.")
    out = Path(out)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E79")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    widths_by_header = {"Objetivo": 40, "Meta": 45, "Indicador": 32, "Actividades": 40, "Unidad": 30, "Alineación": 30,
                        "Descripción de la gestión": 45, "Cómo aporta al plan de desarrollo": 35,
                        "Medio de verificación (enlace)": 40, "Cantón": 14, "Código objetivo": 11, "No. meta": 9,
                        "Unidad de medida": 16}
    for poa in poas:
        n = period_count(poa.period_kind)
        ws = wb.create_sheet(sheet_title(poa.unit_name, used))
        put(ws["A1"], f"POA {poa.fiscal_year} — {poa.unit_name}").font = Font(bold=True, size=13)
        headers = headers_for(poa, n)
        ws.append(headers)
        for c in ws[2]:
            as_text(c)
            c.font, c.fill = head_font, head_fill
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.row_dimensions[2].height = 48
        widths = [widths_by_header.get(h, 13) for h in headers]
        money = {i for i, h in enumerate(headers) if h.startswith(("Presupuesto", "Devengado"))}
        text_cols = [i for i, h in enumerate(headers) if widths_by_header.get(h, 13) >= 30]
        for o in poa.objectives:
            for m in o.metas:
                row = [
                    poa.unit_name, poa.canton_name, o.code, o.description, o.alignment, m.number, m.description, m.indicator,
                    m.unit_of_measure, m.baseline, m.annual_target, POLARITIES.get(m.polarity, m.polarity),
                    "\n".join(m.activities),
                    *(list(m.planned) + [None] * n)[:n],
                    *(list(m.executed) + [None] * n)[:n],
                    *(list(m.planned_budget) + [None] * n)[:n],
                    *(list(m.devengado) + [None] * n)[:n],
                    m.codificado, m.comprometido, m.narrative, "\n".join(u for _, u in m.links), m.contribution,
                ]
                ws.append(row)
                r = ws.max_row
                for i, c in enumerate(ws[r]):
                    if isinstance(c.value, str):
                        as_text(c)
                        c.alignment = wrap
                    else:
                        c.alignment = top
                        if isinstance(c.value, (int, float)):
                            c.number_format = "#,##0.00" if i in money else "0.00"
                h = row_height(row, widths, text_cols)
                if h is not None:
                    ws.row_dimensions[r].height = h
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "H3"
        print_setup(ws, fit_width=3, title_rows="2:2")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        wb.save(out)
    except PermissionError as exc:
        raise UserError(f"No se puede escribir «{out.name}»: ¿está abierto en Excel? Ciérrelo e intente de nuevo.") from exc
    except OSError as exc:
        raise UserError(f"No se puede escribir «{out}»: {exc.strerror or exc}.") from exc
    return out
