"""Consolidated workbook for the central office (openpyxl write-only: streaming, flat memory).

Every cell, headers included, follows the safe-cell rule (`rcdesk.reports.cells`): text a
spreadsheet could evaluate is a quote-prefixed string cell. No personal data of citizens is
written (see `consolidated_data`).
"""

from __future__ import annotations

import re
from pathlib import Path

from rcdesk.compliance import format_pct, from_percent
from rcdesk.errors import UserError
from rcdesk.ids import utcnow
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.reports.cells import SafeCells
from rcdesk.reports.output import save_workbook
from rcdesk.sync.consolidated_data import (
    activity_light,
    cap,
    counts_by_parent,
    group_label,
    installation_summary,
    iter_rows,
    live_count,
    plan_profiles,
    sheet_specs,
)
from rcdesk.sync.provenance import ProvenanceIndex
from rcdesk.sync.tables import label

MAX_ROWS = 1_048_000
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _widths(ws, widths: list[float], *, freeze: bool = True) -> None:
    """Column widths, a frozen header row and the print layout (write-only sheets accept
    all of these before any row): A4 landscape, scaled to one page wide (a few for wide
    sheets), the header row repeated on every printed page, "Página x de y" and the
    sheet's name in the footer."""
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    if freeze:
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    # about 150 character widths fit across a landscape page at 100 %; up to 220 still print
    # at a readable size (~7.5 pt), wider data sheets go over a few pages across instead
    ws.page_setup.fitToWidth = max(1, -(-int(sum(widths)) // 220))
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Página &P de &N"
    ws.oddFooter.right.size = 8


def _spec_widths(spec) -> list[float]:
    import sqlalchemy as sa

    out = []
    for c in spec.columns:
        t = spec.table.c[c].type
        if c == "id" or c.endswith("_id"):
            out.append(14)  # the first characters identify a record (commands accept a prefix)
        elif isinstance(t, (sa.DateTime, sa.Date)):
            out.append(18)
        elif isinstance(t, (sa.Integer, sa.Float, sa.Numeric, sa.Boolean)):
            out.append(11)
        elif c == "sha256":
            out.append(14)
        elif isinstance(t, sa.String) and (t.length or 100) <= 40:
            out.append(16)
        else:
            out.append(32)
    return out + [22, 34]


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", title).strip()[:31] or "Hoja"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def write_consolidated_xlsx(
    db, out: Path, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> dict:
    from openpyxl import Workbook

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"«{out.name}»: el libro consolidado debe terminar en .xlsx.")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    used: set[str] = set()
    sheets: dict[str, int] = {}
    profiles = plan_profiles(db)
    with db.connect(write=False) as conn:  # a report only reads: never wait for or block a writer
        prov = ProvenanceIndex(conn)
        specs = sorted(sheet_specs(), key=lambda sp: label(sp.table.name).lower())
        totals = {s.table.name: live_count(conn, s.table) for s in specs}
        grand = sum(totals.values()) or 1
        done = 0

        # -- summary ---------------------------------------------------------------------
        ws = wb.create_sheet(_sheet_name("Resumen", used))
        _widths(ws, [30, 20, 26, 20], freeze=False)  # long texts in B spill over the empty C and D
        sc = SafeCells(ws)
        ws.append(sc.bold(["Consolidado de rendición de cuentas y POA"]))
        ws.append(sc.row(["Generado", utcnow().strftime("%d/%m/%Y %H:%M UTC")]))
        ws.append(sc.row(["Instalación", f"{db.installation_name} ({db.installation_id})"]))
        ws.append(
            sc.row(
                [
                    "Datos personales",
                    "Este libro no contiene datos personales de la ciudadanía: la "
                    "asistencia y los registros de personas se muestran solo como conteos anónimos.",
                ]
            )
        )
        ws.append([])
        ws.append(sc.bold(["Instalación", "Rol", "Paquetes consolidados", "Registros vigentes"]))
        for name, role, npk, nrec in installation_summary(conn):
            ws.append(sc.row([name, "Sede central" if role == "hq" else "Campo", npk, nrec]))
        ws.append([])
        ws.append(sc.bold(["Hoja (tipo de registro)", "Registros vigentes"]))
        for s in specs:
            if totals[s.table.name]:
                title = cap(label(s.table.name)) + (" (conteos)" if s.count_only else "")
                ws.append(sc.row([_BAD_SHEET.sub(" ", title).strip()[:31], totals[s.table.name]]))
        sheets["Resumen"] = 0

        # -- plans and activities ----------------------------------------------------------
        if totals.get("plan_activity"):
            from rcdesk.sync.consolidated_data import activity_rows

            ws = wb.create_sheet(_sheet_name("Planes y actividades", used))
            _widths(ws, [28, 6, 6, 48, 22, 22, 13, 12, 18, 16, 24])
            sc = SafeCells(ws)
            ws.append(
                sc.bold(
                    [
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
                )
            )
            n = 0
            for r in activity_rows(conn):
                c = from_percent(r[6]) if r[6] is not None else None
                band = activity_light(profiles, r[11], c).label if c is not None else "Sin reporte"
                period = f"{r[7]} {r[8]}" if r[7] else ""
                ws.append(
                    sc.row(
                        [
                            r[0],
                            sc.centered(r[1]),
                            sc.centered(r[2]),
                            r[3],
                            r[4],
                            r[5],
                            format_pct(c) if c is not None else "",
                            period,
                            band,
                            prov.installation(r[9]),
                            prov.package(r[10]),
                        ]
                    )
                )
                n += 1
                if n % 5000 == 0:
                    cancel.check()
            sheets["Planes y actividades"] = n

        # -- one sheet per kind ------------------------------------------------------------
        for s in specs:
            name = s.table.name
            if not totals[name]:
                continue
            cancel.check()
            if s.count_only:
                ws = wb.create_sheet(_sheet_name(f"{cap(label(name))} (conteos)", used))
                _widths(ws, [50, 38, 12])
                sc = SafeCells(ws)
                glabel = group_label(s) or "Grupo"
                ws.append(sc.bold([glabel.capitalize(), "Identificador", "Registros"]))
                rows = counts_by_parent(conn, s)
                for gid, glbl, cnt in rows:
                    ws.append(sc.row([glbl or ("(sin dato)" if gid is None else ""), gid, cnt]))
                sheets[ws.title] = len(rows)
                done += totals[name]
                progress(done, grand, f"Escribiendo {label(name)}")
                continue
            part = 1
            ws = wb.create_sheet(_sheet_name(cap(label(name)), used))
            widths = _spec_widths(s)
            _widths(ws, widths)
            sc = SafeCells(ws)
            head = sc.bold(s.headers + ["Registrado por", "Paquete"])
            ws.append(head)
            in_sheet = 0
            convs = [(i, f) for i, f in enumerate(s.converters) if f is not None]
            ncols = len(s.columns)
            for row in iter_rows(conn, s):
                values = list(row[:ncols])
                for i, f in convs:
                    values[i] = f(values[i])
                values.append(prov.installation(row[ncols]))
                values.append(prov.package(row[ncols + 1]))
                if in_sheet >= MAX_ROWS:
                    sheets[ws.title] = in_sheet
                    part += 1
                    ws = wb.create_sheet(_sheet_name(f"{cap(label(name))} {part}", used))
                    _widths(ws, widths)
                    sc = SafeCells(ws)
                    ws.append(sc.bold(s.headers + ["Registrado por", "Paquete"]))
                    in_sheet = 0
                ws.append(sc.row(values))
                in_sheet += 1
                done += 1
                if done % 5000 == 0:
                    cancel.check()
                    progress(done, grand, f"Escribiendo {label(name)}")
            sheets[ws.title] = in_sheet
    save_workbook(wb, out)
    progress(grand, grand, "Libro guardado")
    return {"file": str(out), "sheets": sheets, "records": sum(totals.values())}
