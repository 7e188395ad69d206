"""Write POAs back to .xlsx in the layout the importer reads (one sheet per unit, with
«Unidad» and «Cantón» columns so the file re-imports even when the sheet name had to be
shortened). Cells follow the safe-cell rule (`rcdesk.reports.cells`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.imports.fields import KEPT_PREFIX
from rcdesk.models.poa import POLARITIES
from rcdesk.poa.importer import META_LEVEL_LABELS
from rcdesk.poa.parsed import ParsedMeta, ParsedObjective, ParsedPoa
from rcdesk.poa.periods import period_code

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


# objective levels as columns, top-down (the importer maps each header back to its level)
LEVEL_COLUMNS = (
    ("dimension", "Dimensión"),
    ("eje", "Eje"),
    ("linea", "Línea estratégica"),
    ("programa", "Programa"),
    ("subprograma", "Subprograma"),
    ("proyecto", "Proyecto"),
)
BUDGET_LABELS = {
    "EC": {
        "inicial": "Asignación inicial",
        "codificado": "Presupuesto codificado",
        "comprometido": "Presupuesto comprometido",
        "devengado": "Devengado",
        "pagado": "Pagado",
    },
    "CO": {
        "inicial": "Apropiación inicial",
        "codificado": "Apropiación definitiva",
        "comprometido": "Compromisos",
        "devengado": "Obligaciones",
        "pagado": "Pagos",
    },
}


@dataclass(frozen=True)
class _Shape:
    """Which optional columns a POA needs (a plain Ecuadorian POA keeps the classic layout)."""

    levels: tuple[str, ...]
    result: bool
    meta_levels: bool
    inicial: bool
    pagado: bool
    kept: tuple[str, ...]


def _chain(o: ParsedObjective) -> list[ParsedObjective]:
    out = []
    node: ParsedObjective | None = o
    while node is not None:
        out.append(node)
        node = node.parent
    return out[::-1]


def _shape(poa: ParsedPoa) -> _Shape:
    levels = {x.level for o in poa.objectives for x in _chain(o)}
    metas = [m for o in poa.objectives for m in o.metas]
    kept: list[str] = []
    for m in metas:
        for k in m.extra:
            if k not in kept:
                kept.append(k)
    return _Shape(
        tuple(lvl for lvl, _ in LEVEL_COLUMNS if lvl in levels),
        "resultado" in levels,
        any(m.level for m in metas),
        any(m.initial_budget is not None for m in metas),
        any(m.pagado is not None for m in metas),
        tuple(kept),
    )


def headers_for(poa: ParsedPoa, n: int, country: str = "EC") -> list[str]:
    k = poa.period_kind
    shape = _shape(poa)
    money = BUDGET_LABELS.get(country, BUDGET_LABELS["EC"])
    return [
        "Unidad",
        "Cantón",
        *[label for lvl, label in LEVEL_COLUMNS if lvl in shape.levels],
        "Código objetivo",
        "Objetivo",
        "Alineación",
        *(["Meta de resultado", "Indicador de resultado"] if shape.result else []),
        *(["Nivel de la meta"] if shape.meta_levels else []),
        "No. meta",
        "Meta",
        "Indicador",
        "Unidad de medida",
        "Línea base",
        "Meta anual",
        "Polaridad",
        "Actividades",
        *[f"Programado {period_code(k, i)}" for i in range(1, n + 1)],
        *[f"Ejecutado {period_code(k, i)}" for i in range(1, n + 1)],
        *[f"Presupuesto {period_code(k, i)}" for i in range(1, n + 1)],
        *[f"{money['devengado']} {period_code(k, i)}" for i in range(1, n + 1)],
        *([money["inicial"]] if shape.inicial else []),
        money["codificado"],
        money["comprometido"],
        *([money["pagado"]] if shape.pagado else []),
        "Descripción de la gestión",
        "Medio de verificación (enlace)",
        "Cómo aporta al plan de desarrollo",
        *[KEPT_PREFIX + k for k in shape.kept],
    ]


def row_for(poa: ParsedPoa, o: ParsedObjective, m: ParsedMeta, n: int, shape: _Shape) -> list:
    chain = _chain(o)
    by_level = {x.level: x for x in chain}
    plain = by_level.get("")
    result = by_level.get("resultado")
    return [
        poa.unit_name,
        poa.canton_name,
        *[by_level[lvl].description if lvl in by_level else None for lvl in shape.levels],
        o.code,
        plain.description if plain else None,
        o.alignment,
        *([result.description if result else None, result.indicator if result else None] if shape.result else []),
        *([META_LEVEL_LABELS.get(m.level, m.level) or None] if shape.meta_levels else []),
        m.number,
        m.description,
        m.indicator,
        m.unit_of_measure,
        m.baseline,
        m.annual_target,
        POLARITIES.get(m.polarity, m.polarity),
        "\n".join(m.activities),
        *(list(m.planned) + [None] * n)[:n],
        *(list(m.executed) + [None] * n)[:n],
        *(list(m.planned_budget) + [None] * n)[:n],
        *(list(m.devengado) + [None] * n)[:n],
        *([m.initial_budget] if shape.inicial else []),
        m.codificado,
        m.comprometido,
        *([m.pagado] if shape.pagado else []),
        m.narrative,
        "\n".join(u for _, u in m.links),
        m.contribution,
        *[m.extra.get(k) for k in shape.kept],
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


def export_poas(poas: list[ParsedPoa], out: str | Path, *, country: str = "EC") -> Path:
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
    widths_by_header = {
        "Objetivo": 40,
        "Meta": 45,
        "Indicador": 32,
        "Actividades": 40,
        "Unidad": 30,
        "Alineación": 30,
        "Descripción de la gestión": 45,
        "Cómo aporta al plan de desarrollo": 35,
        "Medio de verificación (enlace)": 40,
        "Cantón": 14,
        "Código objetivo": 11,
        "No. meta": 9,
        "Unidad de medida": 16,
    }
    for poa in poas:
        n = period_count(poa.period_kind)
        ws = wb.create_sheet(sheet_title(poa.unit_name, used))
        put(ws["A1"], f"POA {poa.fiscal_year} — {poa.unit_name}").font = Font(bold=True, size=13)
        hr = 2
        if poa.report_date is not None:
            put(ws["A2"], f"Fecha de reporte: {poa.report_date:%d/%m/%Y}")
            hr = 3
        headers = headers_for(poa, n, country)
        ws.append(headers)
        for c in ws[hr]:
            as_text(c)
            c.font, c.fill = head_font, head_fill
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.row_dimensions[hr].height = 48
        widths = [widths_by_header.get(h, 13) for h in headers]
        money_heads = tuple(BUDGET_LABELS.get(country, BUDGET_LABELS["EC"]).values()) + ("Presupuesto",)
        money = {i for i, h in enumerate(headers) if h.startswith(money_heads)}
        text_cols = [i for i, h in enumerate(headers) if widths_by_header.get(h, 13) >= 30]
        shape = _shape(poa)
        for o in poa.objectives:
            for m in o.metas:
                row = row_for(poa, o, m, n, shape)
                ws.append(row)
                r = ws.max_row
                for i, c in enumerate(ws[r]):
                    if isinstance(c.value, str):
                        as_text(c)
                        c.alignment = wrap
                    else:
                        c.alignment = top
                        if isinstance(c.value, (int, float)):
                            # quantities as the cell holds them (0,125 must not read 0,13); money with cents
                            c.number_format = "#,##0.00" if i in money else "General"
                h = row_height(row, widths, text_cols)
                if h is not None:
                    ws.row_dimensions[r].height = h
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = f"{get_column_letter(headers.index('Meta') + 2)}{hr + 1}"
        print_setup(ws, fit_width=3, title_rows=f"{hr}:{hr}")
    from rcdesk.reports.output import save_workbook

    return save_workbook(wb, out)
