"""Write a plan to ``.xlsx``: in the layout it came from, or in rcdesk's generic layout.

    write_plan(parsed, path)                    # parsed.layout ("cpccs", "murc", "dated", "paac")
    write_plan(parsed, path, layout="generic")  # flat, one activity per row, nothing lost

Both are read back by `read_plan` into the same groups, activities and fields. Columns a
layout does not have (a MURC plan with dates, extra columns of the original file) are added
after the layout's own columns, so nothing is dropped. Cells follow the safe-cell rule
(`rcdesk.reports.cells`): text starting with = + - @, a tab or a carriage return is
quote-prefixed text, never a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.plans.datetext import parse_schedule
from rcdesk.plans.detect import header_role
from rcdesk.plans.importers.generic import FIELD_HEADERS, GROUP_HEADERS, MARKER, META_LABELS
from rcdesk.plans.parsed import GROUP_KINDS, LAYOUTS, MURC_STAGES, ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.reports.cells import print_layout
from rcdesk.reports.cells import put as put_safe

DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = "D9E2F3"
GROUP_FILL = "FCE4D6"
TITLE_FILL = "FFFFFF"


@dataclass
class Col:
    key: str  # "group", "number", "description", …, "stage:diseno", "cuatri:2", "extra:<header>"
    header: str
    width: float


# The layout's own columns, in the order institutions use.
BASE_COLUMNS: dict[str, list[Col]] = {
    "cpccs": [Col("group", "", 24), Col("description", "ACTIVIDADES", 70), Col("responsible", "RESPONSABLES", 32)],
    "murc": [
        Col("group", "", 18),
        Col("description", "ACTIVIDADES", 55),
        *(Col(f"stage:{code}", label, 13) for code, label in MURC_STAGES),
        Col("meta", "META/PRODUCTO", 45),
        Col("cuatri:1", "1", 6),
        Col("cuatri:2", "2", 6),
        Col("cuatri:3", "3", 6),
        Col("responsible", "DEPENDENCIA RESPONSABLE", 32),
    ],
    "dated": [
        Col("number", "No.", 6),
        Col("description", "ACTIVIDAD", 60),
        Col("start", "FECHA INICIAL", 14),
        Col("end", "FECHA FINAL", 14),
        Col("responsible", "RESPONSABLE", 36),
    ],
    "paac": [
        Col("group", "Subcomponente", 30),
        Col("description", "Actividades", 55),
        Col("meta", "Meta o Producto", 38),
        Col("recursos", "Recursos", 16),
        Col("responsible", "Responsable", 30),
        Col("scheduled", "Fecha programada", 22),
    ],
}
OPTIONAL_COLUMNS = [
    Col("number", "No.", 6),
    Col("meta", "Meta / producto", 38),
    Col("recursos", "Recursos", 16),
    Col("indicator", "Indicador", 30),
    *(Col(f"stage:{code}", label, 13) for code, label in MURC_STAGES),
    Col("cuatri:1", "Cuatrimestre 1", 8),
    Col("cuatri:2", "Cuatrimestre 2", 8),
    Col("cuatri:3", "Cuatrimestre 3", 8),
    Col("responsible", "Responsable", 30),
    Col("start", "Fecha inicial", 14),
    Col("end", "Fecha final", 14),
    Col("scheduled", "Fecha programada", 22),
]
_ROLE_TO_KEY = {
    "number": "number",
    "meta": "meta",
    "recursos": "recursos",
    "indicator": "indicator",
    "responsible": "responsible",
    "start": "start",
    "end": "end",
    "scheduled": "scheduled",
}


def write_plan(parsed: ParsedPlan, path: str | Path, layout: str = "original") -> Path:
    """Write `parsed` to `path` (.xlsx) and return the path."""
    path = Path(path)
    if layout == "original":
        layout = parsed.layout if parsed.layout in BASE_COLUMNS else "generic"
    if layout not in LAYOUTS:
        raise UserError(f"Formato de exportación desconocido: «{layout}». Use «original» o «generic».")
    from rcdesk.reports.output import write_file

    if layout == "generic":
        return write_file(path, lambda tmp: _write_generic(parsed, tmp))
    return write_file(path, lambda tmp: _LayoutWriter(parsed, layout).save(tmp))


# ---- values -----------------------------------------------------------------------------
def _mark(flag: bool) -> str:
    return "X" if flag else ""


def _value(act: ParsedActivity, key: str, *, plan_year: int | None, scheduled_with_dates: bool) -> object:
    if key == "description":
        return act.description
    if key in ("number", "responsible", "meta", "recursos", "indicator"):
        return getattr(act, key)
    if key.startswith("stage:"):
        return _mark(key[6:] in act.stages)
    if key.startswith("cuatri:"):
        return _mark(int(key[7:]) in act.cuatrimestres)
    if key == "start":
        return act.start_date
    if key == "end":
        return act.end_date
    if key == "scheduled":
        return _scheduled_value(act, scheduled_with_dates)
    if key.startswith("extra:"):
        return act.extra.get(key[6:], "")
    return ""


def _scheduled_value(act: ParsedActivity, with_date_columns: bool) -> object:
    if act.scheduled_text:
        return act.scheduled_text
    if not with_date_columns and act.start_date and act.start_date == act.end_date:
        return act.start_date
    return ""


def _schedule_roundtrips(act: ParsedActivity, year: int | None) -> bool:
    """Would the scheduled cell alone give back this activity's start and end dates?"""
    v = _scheduled_value(act, False)
    got: tuple[date | None, date | None]
    if v == "":
        got = (None, None)
    elif isinstance(v, date):
        got = (v, v)
    else:
        got = parse_schedule(v, year) or (None, None)
    return got == (act.start_date, act.end_date)


def _columns(parsed: ParsedPlan, layout: str) -> list[Col]:
    acts = list(parsed.activities())
    cols = list(BASE_COLUMNS[layout])
    have = {c.key for c in cols}
    needed: set[str] = set()
    for a in acts:
        for key in ("number", "meta", "recursos", "indicator", "responsible"):
            if getattr(a, key):
                needed.add(key)
        needed.update(f"stage:{s}" for s in a.stages)
        needed.update(f"cuatri:{n}" for n in a.cuatrimestres)
        if a.scheduled_text:
            needed.add("scheduled")
        if a.start_date or a.end_date:
            if "start" in have:
                continue
            if "scheduled" in have or not a.scheduled_text:
                needed.add("scheduled")
            if not _schedule_roundtrips(a, parsed.year):
                needed.update(("start", "end"))
    extra_keys = list(dict.fromkeys(k for a in acts for k in a.extra))
    for k in extra_keys:
        # an extra column named like a field ("Ejecución", "Responsable") must follow that
        # field's own column, or it would be read back as the field itself
        role = header_role(k)
        if role and role.startswith("stage:"):
            needed.add(role)
        elif role in _ROLE_TO_KEY:
            needed.add(_ROLE_TO_KEY[role])
    if "start" in needed or "end" in needed:
        needed.update(("start", "end"))
    for col in OPTIONAL_COLUMNS:
        if col.key in needed and col.key not in have:
            cols.append(col)
            have.add(col.key)
    for k in extra_keys:
        cols.append(Col(f"extra:{k}", k, 24))
    return cols


def _check_depth(parsed: ParsedPlan, layout: str) -> None:
    max_depth = 2 if layout in ("cpccs", "paac") else 1

    def depth(g: ParsedGroup) -> int:
        return 1 + max((depth(c) for c in g.children), default=0)

    if any(depth(g) > max_depth for g in parsed.groups):
        raise UserError(
            f"El plan tiene más niveles de grupos de los que admite el formato original "
            f"({max_depth}). Expórtelo en el formato genérico."
        )


# ---- layouts ----------------------------------------------------------------------------
class _LayoutWriter:
    def __init__(self, parsed: ParsedPlan, layout: str) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        _check_depth(parsed, layout)
        self.parsed = parsed
        self.layout = layout
        self.cols = _columns(parsed, layout)
        self.keys = [c.key for c in self.cols]
        self.with_dates = "start" in self.keys
        self.wb = Workbook()
        self.ws = self.wb.active
        self.ws.title = {"cpccs": "Cronograma", "murc": "Cronograma", "dated": "Cronograma", "paac": "Componente 3"}[
            layout
        ]
        self.row = 1
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.bold = Font(bold=True)
        self.title_font = Font(bold=True, size=13)
        self.title_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.group_align = Alignment(vertical="center", wrap_text=True)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.group_fill = PatternFill("solid", fgColor=GROUP_FILL)
        self.header_written = False
        self.title_rows: str | None = None  # the first header row(s), repeated on printed pages

    # cells
    def put(self, r: int, c: int, value: object, *, style: str = "data") -> None:
        cell = self.ws.cell(row=r, column=c)
        if isinstance(value, str):
            put_safe(cell, value)
        elif isinstance(value, date):
            cell.value = value
            cell.number_format = DATE_FORMAT
        elif value is not None:
            cell.value = value
        if style == "title":
            cell.font = self.title_font
            cell.alignment = self.title_align
        elif style == "header":
            cell.font = self.bold
            cell.fill = self.header_fill
            cell.alignment = self.center
            cell.border = self.border
        elif style == "group":
            cell.font = self.bold
            cell.fill = self.group_fill
            cell.alignment = self.group_align
            cell.border = self.border
        else:
            cell.border = self.border
            key = self.keys[c - 1] if c - 1 < len(self.keys) else ""
            if key.startswith(("stage:", "cuatri:")) or key in ("start", "end", "number"):
                cell.alignment = self.center
            else:
                cell.alignment = self.wrap

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        if (r0, c0) != (r1, c1):
            self.ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)

    def full_row(self, text: str, *, style: str) -> None:
        self.put(self.row, 1, text, style=style)
        if style == "group":
            for c in range(2, len(self.cols) + 1):
                self.put(self.row, c, None, style="group")
        self.merge(self.row, 1, self.row, len(self.cols))
        if "\n" in text:
            self.ws.row_dimensions[self.row].height = 16 * (text.count("\n") + 1)
        self.row += 1

    def titles(self) -> None:
        for line in self.parsed.header_lines:
            self.full_row(line, style="title")
        if self.parsed.header_lines:
            self.row += 1

    def header(self, group_label: str = "") -> None:
        r = self.row
        two_rows = self.layout == "murc"
        if self.title_rows is None:
            self.title_rows = f"{r}:{r + 1}" if two_rows else f"{r}:{r}"
        for i, col in enumerate(self.cols, start=1):
            text = col.header
            if col.key == "group" and self.layout == "murc":
                text = group_label
            if two_rows and col.key.startswith(("stage:", "cuatri:")) and col.key in self._murc_base():
                self.put(r + 1, i, text, style="header")
                continue
            self.put(r, i, text, style="header")
            if two_rows:
                self.put(r + 1, i, None, style="header")
                if col.key != "group":
                    self.merge(r, i, r + 1, i)
        if two_rows:
            stage_cols = [
                i for i, c in enumerate(self.cols, 1) if c.key.startswith("stage:") and c.key in self._murc_base()
            ]
            cuatri_cols = [
                i for i, c in enumerate(self.cols, 1) if c.key.startswith("cuatri:") and c.key in self._murc_base()
            ]
            self.put(r, stage_cols[0], "ETAPAS", style="header")
            self.merge(r, stage_cols[0], r, stage_cols[-1])
            self.put(r, cuatri_cols[0], "Cuatrimestre", style="header")
            self.merge(r, cuatri_cols[0], r, cuatri_cols[-1])
            self.row += 2
        else:
            self.row += 1
        self.header_written = True

    def _murc_base(self) -> set[str]:
        return {c.key for c in BASE_COLUMNS["murc"]}

    def activity(self, act: ParsedActivity, group_label: str | None = None) -> None:
        for i, col in enumerate(self.cols, start=1):
            v: object
            if col.key == "group":
                v = group_label or ""
            else:
                v = _value(act, col.key, plan_year=self.parsed.year, scheduled_with_dates=self.with_dates)
            self.put(self.row, i, v)
        self.row += 1

    def labelled_block(self, label: str, acts: list[ParsedActivity]) -> None:
        """Activities with `label` in the group column, merged down over their rows."""
        gi = self.keys.index("group") + 1
        r0 = self.row
        if not acts:
            self.put(self.row, gi, label, style="group")
            for c in range(1, len(self.cols) + 1):
                if c != gi:
                    self.put(self.row, c, None)
            self.row += 1
            return
        for a in acts:
            self.activity(a)
        self.put(r0, gi, label, style="group")
        self.merge(r0, gi, self.row - 1, gi)

    # layouts
    def write(self) -> None:
        getattr(self, f"_write_{self.layout}")()
        for i, col in enumerate(self.cols, start=1):
            from openpyxl.utils import get_column_letter

            self.ws.column_dimensions[get_column_letter(i)].width = col.width
        self.ws.sheet_view.zoomScale = 90
        print_layout(self.ws, title_rows=self.title_rows)

    def _write_cpccs(self) -> None:
        from rcdesk.plans.importers.cpccs import FASE_RE

        self.titles()
        for g in self.parsed.groups:
            if g.kind == "fase" and FASE_RE.match(g.code or ""):
                self.put(self.row, 1, g.code, style="group")
                self.put(self.row, 2, g.name, style="group")
                for c in range(3, len(self.cols) + 1):
                    self.put(self.row, c, None, style="group")
                self.row += 1
            elif g.kind == "fase" and not g.code and g.name == "Sin agrupar" and not self.header_written:
                pass
            else:
                if not self.header_written:
                    self.header()
                self.labelled_block(g.name, g.activities)
                continue
            if not self.header_written:
                self.header()
            for a in g.activities:
                self.activity(a)
            for child in g.children:
                self.labelled_block(child.name, child.activities)
        if not self.header_written:
            self.header()

    def _write_murc(self) -> None:
        self.titles()
        first = True
        for g in self.parsed.groups:
            unlabelled = not g.code and g.name == "Sin agrupar"
            if not first and self.parsed.title:
                self.full_row(self.parsed.title, style="title")
                self.row += 1
            first = False
            r0 = self.row
            self.header("" if unlabelled else g.name)
            for a in g.activities:
                self.activity(a)
            if not unlabelled:
                self.ws.cell(row=r0, column=1).alignment = self.center
                self.merge(r0, 1, self.row - 1, 1)
            self.row += 1
        if not self.header_written:
            self.header()

    def _write_dated(self) -> None:
        self.titles()
        for g in self.parsed.groups:
            if not (not g.code and g.name == "Sin agrupar" and not self.header_written):
                label = f"{g.code} {g.name}".strip() if g.code else g.name
                self.full_row(label, style="group")
            self.header()
            for a in g.activities:
                self.activity(a)
        if not self.header_written:
            self.header()

    def _write_paac(self) -> None:
        self.titles()
        for g in self.parsed.groups:
            if g.kind == "componente":
                if g.code or g.name != "Sin agrupar":
                    self.full_row(f"{g.code}: {g.name}" if g.code else g.name, style="group")
                self.header()
                for a in g.activities:
                    self.activity(a)
                for child in g.children:
                    self.labelled_block(_label(child), child.activities)
            else:
                if not self.header_written:
                    self.header()
                self.labelled_block(_label(g), g.activities)
        if not self.header_written:
            self.header()

    def save(self, path: Path) -> None:
        self.write()
        self.wb.properties.keywords = f"rcdesk-layout:{self.layout}"
        self.wb.properties.title = self.parsed.title or None
        self.wb.properties.creator = "rcdesk"
        self.ws.freeze_panes = None
        self.wb.save(path)


def _label(g: ParsedGroup) -> str:
    return f"{g.code}: {g.name}" if g.code and g.name else (g.code or g.name)


# ---- generic ----------------------------------------------------------------------------
def _write_generic(parsed: ParsedPlan, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    acts = list(parsed.activities())
    depth = 0

    def measure(g: ParsedGroup, d: int) -> None:
        nonlocal depth
        depth = max(depth, d)
        for c in g.children:
            measure(c, d + 1)

    for g in parsed.groups:
        measure(g, 1)
    depth = max(depth, 1)
    extra_keys = list(dict.fromkeys(k for a in acts for k in a.extra))
    headers: list[tuple[str, str, float]] = []  # (key, header, width)
    for n in range(1, depth + 1):
        headers += [
            (f"g{n}:kind", GROUP_HEADERS[0].format(n=n), 13),
            (f"g{n}:code", GROUP_HEADERS[1].format(n=n), 14),
            (f"g{n}:name", GROUP_HEADERS[2].format(n=n), 30),
        ]
    widths = {
        "description": 60,
        "responsible": 30,
        "meta": 40,
        "recursos": 16,
        "indicator": 25,
        "scheduled": 26,
        "number": 6,
        "start": 13,
        "end": 13,
    }
    for key, header in FIELD_HEADERS:
        headers.append((key, header, widths.get(key, 9)))
    for k in extra_keys:
        headers.append((f"extra:{k}", k, 24))

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Plan")
    for i, (_k, _h, w) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(value: object, *, header: bool = False) -> object:
        c = put_safe(WriteOnlyCell(ws), value if value != "" else None)
        if isinstance(value, date):
            c.number_format = DATE_FORMAT
        if header:
            c.font = bold
            c.fill = fill
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        elif isinstance(value, str) and len(value) > 30:
            c.alignment = wrap
        return c

    head_row = 6 + len(parsed.header_lines)  # under the metadata lines and a blank row
    print_layout(ws, title_rows=f"{head_row}:{head_row}")  # write-only: before the first row
    ws.append([cell(MARKER, header=True), cell(META_LABELS["layout"]), cell(parsed.layout or "generic")])
    ws.append([cell(META_LABELS["title"]), cell(parsed.title)])
    ws.append([cell(META_LABELS["entity"]), cell(parsed.entity)])
    ws.append([cell(META_LABELS["year"]), cell(parsed.year if parsed.year is not None else "")])
    for line in parsed.header_lines:
        ws.append([cell(META_LABELS["header"]), cell(line)])
    ws.append([])
    ws.append([cell(h, header=True) for _k, h, _w in headers])

    def path_cells(path_groups: list[ParsedGroup]) -> list[object]:
        out: list[object] = []
        for n in range(depth):
            if n < len(path_groups):
                g = path_groups[n]
                out += [cell(GROUP_KINDS.get(g.kind, g.kind)), cell(g.code), cell(g.name)]
            else:
                out += [cell(""), cell(""), cell("")]
        return out

    def walk(g: ParsedGroup, trail: list[ParsedGroup]) -> None:
        trail = trail + [g]
        if not g.activities and not g.children:
            ws.append(path_cells(trail))
        for a in g.activities:
            row = path_cells(trail)
            for key, _h, _w in headers[depth * 3 :]:
                row.append(cell(_value(a, key, plan_year=parsed.year, scheduled_with_dates=True)))
            ws.append(row)
        for c in g.children:
            walk(c, trail)

    for g in parsed.groups:
        walk(g, [])
    wb.save(path)
