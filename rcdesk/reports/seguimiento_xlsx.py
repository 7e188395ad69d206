"""Informe de seguimiento as .xlsx, in the layout Control Interno publishes.

Sheet «Seguimiento»: header block (Entidad, Vigencia, Periodo, Fecha de publicación), then
for each component a title row, the column headers and one row per activity with the
Semáforo cell filled in its colour, and the component's average. Sheet «Resumen»: average
and colour distribution per component. Sheet «Alertas»: alerts and recommendations.
Written in openpyxl write-only mode; text that starts with = + - @ stays text.
"""
from __future__ import annotations

from pathlib import Path

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, LIGHT_ORDER
from rcdesk.followup.informe import COLUMNS, Seguimiento
from rcdesk.followup.periods import date_text
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress

WIDTHS = (30, 48, 40, 30, 26, 16, 11, 12, 34)
_FORMULA_START = ("=", "+", "-", "@")


def write_xlsx(data: Seguimiento, path: Path, *, progress: ProgressFn = no_progress,
               cancel: CancelToken = NEVER_CANCELLED) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Seguimiento")
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[_col(i)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    thin = Side(style="thin", color="9E9E9E")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="top", horizontal="center")
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="37474F")
    head_font = Font(bold=True, color="FFFFFF")
    comp_fill = PatternFill("solid", fgColor="CFD8DC")

    def cell(value, *, font=None, fill=None, align=None, brd=None, fmt=None):  # noqa: ANN001, ANN202
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            c.data_type = "s"  # never a formula
        if font:
            c.font = font
        if fill:
            c.fill = fill
        if align:
            c.alignment = align
        if brd:
            c.border = brd
        if fmt:
            c.number_format = fmt
        return c

    ws.append([cell(f"INFORME DE SEGUIMIENTO — {data.plan_title or 'PLAN'}".upper(), font=Font(bold=True, size=13))])
    ws.append([cell("Entidad:", font=bold), cell(data.entity), None, cell("Vigencia:", font=bold), cell(data.year)])
    ws.append([cell("Periodo:", font=bold), cell(f"{data.period_span} · {data.period_label}"), None,
               cell("Fecha de corte:", font=bold), cell(date_text(data.cut))])
    ws.append([cell("Fecha de publicación:", font=bold), cell(date_text(data.published_on)), None,
               cell("Plazo de publicación:", font=bold), cell(date_text(data.publish_by) if data.publish_by else "")])
    ws.append([cell("Avance del plan:", font=bold),
               cell(float(data.plan.raw) / 100 if data.plan.raw is not None else "N/A", fmt="0.00%"), None,
               cell("Semáforo:", font=bold), cell(COLOR_LABELS[data.plan_light.color],
                                                  fill=_fill(PatternFill, data.plan_light.color))])
    ws.append([])
    total = data.activity_count
    done = 0
    for block in data.components:
        cancel.check()
        ws.append([cell(f"Componente: {block.label}", font=bold, fill=comp_fill)]
                  + [cell("", fill=comp_fill) for _ in COLUMNS[1:]])
        ws.append([cell(h, font=head_font, fill=head_fill, align=center, brd=border) for h in COLUMNS])
        for r in block.rows:
            cells = r.cells()
            pct = float(r.pct) / 100 if r.pct is not None else "N/A"
            ws.append([
                cell(cells[0], align=wrap, brd=border), cell(cells[1], align=wrap, brd=border),
                cell(cells[2], align=wrap, brd=border), cell(cells[3], align=wrap, brd=border),
                cell(cells[4], align=wrap, brd=border), cell(cells[5], align=center, brd=border),
                cell(pct, align=center, brd=border, fmt="0.00%"),
                cell(cells[7], align=center, brd=border, fill=_fill(PatternFill, r.light.color),
                     font=Font(bold=True, color="212121" if r.light.color == "amarillo" else "FFFFFF")),
                cell(cells[8], align=wrap, brd=border),
            ])
        done += len(block.rows)
        progress(done, total + 1, "Escribiendo el libro…")
        ws.append([None] * 5 + [cell("Promedio del componente", font=bold),
                                cell(float(block.compliance.raw) / 100 if block.compliance.raw is not None else "N/A",
                                     font=bold, fmt="0.00%"),
                                cell(COLOR_LABELS[block.light.color], fill=_fill(PatternFill, block.light.color),
                                     font=bold)])
        ws.append([])

    ws2 = wb.create_sheet("Resumen")
    ws2.column_dimensions["A"].width = 50
    for i in range(2, 4 + len(LIGHT_ORDER) + 1):
        ws2.column_dimensions[_col(i)].width = 13
    ws2.append([cell("Resumen por componente", font=Font(bold=True, size=12))])
    ws2.append([cell(h, font=head_font, fill=head_fill, align=center)
                for h in ["Componente", "Actividades", "% de avance", "Semáforo"] + [COLOR_LABELS[c] for c in LIGHT_ORDER]])
    for b in data.components:
        ws2.append([cell(b.label, align=wrap), cell(len(b.rows)),
                    cell(float(b.compliance.raw) / 100 if b.compliance.raw is not None else "N/A", fmt="0.00%"),
                    cell(COLOR_LABELS[b.light.color], fill=_fill(PatternFill, b.light.color))]
                   + [cell(b.colors.get(c, 0)) for c in LIGHT_ORDER])
    ws2.append([cell("Total del plan", font=bold), cell(total, font=bold),
                cell(float(data.plan.raw) / 100 if data.plan.raw is not None else "N/A", font=bold, fmt="0.00%"),
                cell(COLOR_LABELS[data.plan_light.color], fill=_fill(PatternFill, data.plan_light.color), font=bold)]
               + [cell(data.colors.get(c, 0), font=bold) for c in LIGHT_ORDER])
    ws2.append([])
    ws2.append([cell("Convenciones del semáforo", font=bold), cell(data.profile_name)])
    for color, label in data.profile_bands:
        ws2.append([cell(label), None, None, cell(COLOR_LABELS.get(color, color), fill=_fill(PatternFill, color))])

    ws3 = wb.create_sheet("Alertas")
    ws3.column_dimensions["A"].width = 140
    ws3.append([cell("Alertas", font=Font(bold=True, size=12))])
    for a in data.alerts:
        ws3.append([cell(a, align=Alignment(wrap_text=True))])
    ws3.append([])
    ws3.append([cell("Recomendaciones", font=Font(bold=True, size=12))])
    for r in data.recommendations:
        ws3.append([cell(f"• {r}", align=Alignment(wrap_text=True))])
    ws3.append([])
    ws3.append([cell("Firma:", font=bold)])
    ws3.append([cell(data.signer_name or "______________________________")])
    ws3.append([cell(data.signer_role)])
    ws3.append([cell(data.entity)])

    cancel.check()
    tmp = path.with_name(path.name + ".tmp")
    try:
        wb.save(tmp)
        tmp.replace(path)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        from rcdesk.errors import UserError

        raise UserError(f"No se pudo escribir «{path}»: el archivo está abierto en otro programa o la carpeta "
                        "no permite escribir.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    progress(total + 1, total + 1, "Libro listo")
    return path


def _fill(PatternFill, color: str):  # noqa: ANN001, ANN202, N803
    return PatternFill("solid", fgColor=COLOR_HEX.get(color, "#9E9E9E").lstrip("#"))


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)
