"""The row engine shared by the layout importers.

Each layout module subclasses `SheetParser` and says how it recognises its group rows
("FASE 1 …", "ETAPA DE …", "COMPONENTE 3: …") and what kind its group column holds. The
engine does the rest, the same way for every layout: skips blank rows, repeated headers
and page title rows, carries group labels down, reads X marks and dates, merges rows that
continue an activity across a page break, keeps unknown columns in `extra`, and records a
`Problem` (Spanish, naming sheet, row and column) for anything it cannot use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rcdesk.jobs import CancelToken, ProgressFn
from rcdesk.plans.datetext import format_date, parse_date, parse_schedule
from rcdesk.plans.detect import (
    ALL_HEADER_WORDS,
    GROUP_HEADER_WORDS,
    STAGE_LABELS,
    ColumnMap,
    cuatrimestre_number,
    fold,
    header_role,
)
from rcdesk.plans.importers.group_labels import split_label
from rcdesk.plans.importers.sections import BULLET_LIST, Section, heading_of, is_bullet
from rcdesk.plans.parsed import EXTRA, IGNORED, ParsedActivity, ParsedGroup, ParsedPlan, Problem, Severity, SourceColumn
from rcdesk.plans.xlsx_grid import Grid, cell_text

PROGRESS_EVERY = 200
_GROUP_ROLES = {"elemento", "componente", "seccion", "fase", "etapa", "subcomponente"}

MARKS = {"x", "si", "s", "yes", "1", "ok", "v", "true", "verdadero"}
MARK_CHARS = set("xX✓✔√•●■☑✗✘*")
_ITEM_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_BULLET = re.compile(r"^\s*([-•*·]|\d+[.)]\s)")


def is_mark(value: object) -> bool | None:
    """True for an X-like mark, False for empty, None for other content."""
    if value is True:
        return True
    if value in ("", None, False):
        return False if value is not None else False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True if value == 1 else None
    text = str(value).strip()
    if not text:
        return False
    if all(ch in MARK_CHARS or ch.isspace() for ch in text):
        return True
    f = fold(text)
    return True if f in MARKS else None


def column_letter(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    return f"{a} {b}"


@dataclass
class Context:
    """State shared by the sheets of one workbook."""

    plan: ParsedPlan
    progress: ProgressFn
    cancel: CancelToken
    total_rows: int
    done_rows: int = 0
    next_report: int = PROGRESS_EVERY
    # The groups currently open: [top, child]
    top: ParsedGroup | None = None
    child: ParsedGroup | None = None
    last_activity: ParsedActivity | None = None
    last_activity_row: int | None = None
    title_lines_folded: set[str] = field(default_factory=set)

    def tick(self, n: int = 1) -> None:
        self.done_rows += n
        if self.done_rows >= self.next_report:
            self.next_report = self.done_rows + PROGRESS_EVERY
            self.cancel.check()
            self.progress(self.done_rows, self.total_rows, "Leyendo filas…")


class SheetParser:
    """Parse one sheet of a given layout into the plan held by `ctx`."""

    layout = ""
    top_kind = "fase"  # kind of top-level groups
    group_col_kind = "seccion"  # kind of the labels found in the group column
    group_col_is_top = False  # True when the group column holds top-level groups (murc)

    def __init__(self, grid: Grid, cmap: ColumnMap, ctx: Context) -> None:
        self.grid = grid
        self.cmap = cmap
        self.ctx = ctx
        self.plan = ctx.plan
        self.sheet = grid.name
        self.after_break = False
        self.default_year = ctx.plan.year
        self._header_folded = {c: fold(t) for c, t in cmap.headers.items()}
        # columns the user's mapping ignores count as read: their values never slip into «otros datos»
        self._data_cols = cmap.known_columns() | set(cmap.extra) | set(cmap.ignored)
        self.activities_here = 0  # activities taken from this sheet (sections only follow a table)
        self.data_seen: set[int] = set()  # columns holding data in activity rows (column ledger)

    # ---- hooks for layouts -------------------------------------------------------------
    def group_row(self, r: int, cells: list[tuple[int, object]]) -> tuple[str, str, str] | None:
        """(kind, code, name) when row `r` is a layout group row such as "FASE 1 …"."""
        return None

    def split_group_label(self, text: str) -> tuple[str, str]:
        """(code, name) for a label found in the group column: «Subcomponente 1: Diálogo» → both parts."""
        _kind, code, name = split_label(text)
        return code, name

    def open_group_label(self, text: str) -> None:
        """Open the group a label names; «FASE 1» in a cpccs group column is a fase, not a sección."""
        kind, code, name = split_label(text)
        if kind is not None and kind == self.top_kind and not self.group_col_is_top:
            self.open_top(kind, code, name)
        else:
            self.open_child(*self.split_group_label(text))

    def looks_like_group_label(self, text: str) -> bool:
        return bool(text) and len(text) <= 120 and not _BULLET.match(text)

    # ---- problems ----------------------------------------------------------------------
    def problem(self, severity: Severity, message: str, r: int | None, column: int | None = None) -> None:
        col = None
        if column is not None:
            col = self.cmap.headers.get(column) or f"columna {column_letter(column)}"
            col = col.replace("\n", " ")
        self.plan.problems.append(
            Problem(severity, message, sheet=self.sheet, row=None if r is None else r + 1, column=col)
        )

    # ---- groups ------------------------------------------------------------------------
    def _find_or_add(self, siblings: list[ParsedGroup], kind: str, code: str, name: str) -> ParsedGroup:
        key = (kind, fold(code), fold(name))
        for g in siblings:
            if (g.kind, fold(g.code), fold(g.name)) == key:
                return g
        g = ParsedGroup(kind=kind, code=code, name=name)
        siblings.append(g)
        return g

    def open_top(self, kind: str, code: str, name: str) -> None:
        group = self._find_or_add(self.plan.groups, kind, code, name)
        if group is self.ctx.top:
            return  # the same title repeated at a page break: the open subgroup carries on
        self.ctx.top = group
        self.ctx.child = None
        self.ctx.last_activity = None

    def open_child(self, code: str, name: str) -> None:
        if self.group_col_is_top:
            self.open_top(self.group_col_kind, code, name)
            return
        if self.ctx.top is None:
            # no top-level group seen yet: the label becomes a top-level group of its own kind
            self.ctx.top = self._find_or_add(self.plan.groups, self.group_col_kind, code, name)
            self.ctx.child = None
        elif self.ctx.top.kind == self.group_col_kind:
            self.ctx.top = self._find_or_add(self.plan.groups, self.group_col_kind, code, name)
            self.ctx.child = None
        else:
            self.ctx.child = self._find_or_add(self.ctx.top.children, self.group_col_kind, code, name)
        self.ctx.last_activity = None

    def current_group(self) -> ParsedGroup:
        if self.ctx.child is not None:
            return self.ctx.child
        if self.ctx.top is None:
            self.ctx.top = self._find_or_add(self.plan.groups, self.top_kind, "", "Sin agrupar")
        return self.ctx.top

    # ---- row classification ------------------------------------------------------------
    def cells(self, r: int) -> list[tuple[int, object]]:
        return [(c, v) for c, v in enumerate(self.grid.rows[r]) if v != ""]

    def is_header_like(self, cells: list[tuple[int, object]]) -> bool:
        hits = 0
        desc = self.cmap.description
        for c, v in cells:
            if c == self.cmap.group_col:
                continue
            if isinstance(v, str) and len(v) > 60:
                return False  # header cells are short; activity texts are not
            f = fold(cell_text(v))
            own = self._header_folded.get(c)
            role = header_role(v)
            if role in _GROUP_ROLES:
                role = None  # "INFORMACIÓN", "Etapa": group labels as often as headers
            if f and (f == own or f in ALL_HEADER_WORDS or (role is not None and len(f) < 40)):
                hits += 1
            else:
                return False
        if hits >= 2:
            return True
        return hits == 1 and not any(c == desc for c, _ in cells)

    def header_group_value(self, r: int) -> str:
        gc = self.cmap.group_col
        if gc is None:
            return ""
        text = cell_text(self.grid.get(r, gc))
        if self.is_header_text(text):
            return ""
        return text

    @staticmethod
    def is_header_text(text: str) -> bool:
        """The text heads a group column («Subcomponente/proceso», «FASE», «No.»): never a group name.

        Element names («INFORMACIÓN») are left out: Ibagué's matrix heads its group column with one.
        """
        f = fold(text)
        return not f or f in GROUP_HEADER_WORDS or f in ("no", "n", "grupo", "grupos")

    def next_nonblank(self, r: int, limit: int = 3) -> int | None:
        for k in range(r + 1, min(self.grid.height, r + 1 + limit)):
            if not self.grid.row_is_blank(k):
                return k
        return None

    def precedes_header(self, r: int) -> bool:
        """Row `r` is followed (within a few rows of titles) by a repeated header or group row."""
        k = r
        for _ in range(4):
            nxt = self.next_nonblank(k)
            if nxt is None:
                return False
            k = nxt
            cells = self.cells(k)
            if self.is_header_like(cells) or self.group_row(k, cells) is not None:
                return True
            if len(cells) != 1:
                return False
        return False

    # ---- sections under the table ------------------------------------------------------
    def has_anchor(self, cells: list[tuple[int, object]]) -> bool:
        """The row carries what only activity rows carry: a date, an X mark, or an item number."""
        cmap = self.cmap
        anchors = {cmap.roles[k] for k in ("start", "end", "scheduled") if k in cmap.roles}
        anchors |= set(cmap.stages.values()) | set(cmap.cuatrimestres.values())
        number = cmap.roles.get("number")
        cols = {c for c, _ in cells}
        for c, v in cells:
            if c in anchors:
                return True
            if c == number and cmap.description in cols and _ITEM_NUMBER.match(cell_text(v)):
                return True
        return False

    def section_start(self, cells: list[tuple[int, object]], *, blank_before: bool) -> str | None:
        """The section's name when this row opens one under the table (see importers/sections.py)."""
        if not self.activities_here or len(cells) > 2 or self.has_anchor(cells):
            return None
        text = cell_text(cells[0][1])
        name = heading_of(text)
        if name:
            return name
        if blank_before and len(cells) == 1 and is_bullet(text):
            return BULLET_LIST
        return None

    def close_section(self, section: Section) -> None:
        self.plan.problems.append(
            Problem(
                "warning",
                f"sección «{section.name}» bajo la tabla; no se importó como actividades",
                sheet=self.sheet,
                row=section.first + 1,
                last_row=section.last + 1,
            )
        )
        self.ctx.last_activity = None

    # ---- main loop ---------------------------------------------------------------------
    def parse(self, first_row: int) -> None:
        grid = self.grid
        section: Section | None = None
        previous_blank = False
        for r in range(first_row, grid.height):
            self.ctx.tick()
            cells = self.cells(r)
            if not cells:
                previous_blank = True
                continue
            blank_before, previous_blank = previous_blank, False
            if section is not None:
                if not (self.is_header_like(cells) or self.group_row(r, cells) is not None or self.has_anchor(cells)):
                    name = heading_of(cell_text(cells[0][1])) if len(cells) <= 2 else None
                    if name:
                        self.close_section(section)
                        section = Section(name, r, r)
                    else:
                        section.last = r
                    continue
                self.close_section(section)  # the table goes on (a new page, a new fase)
                section = None
            name = self.section_start(cells, blank_before=blank_before)
            if name is not None:
                section = Section(name, r, r)
                continue
            # a lone label the layout reads as a group («APRESTAMIENTO» above a repeated header)
            # wins over a header word that happens to spell the same
            lone_group = self.group_row(r, cells) if len(cells) == 1 else None
            if lone_group is None and self.is_header_like(cells):
                label = self.header_group_value(r)
                if label:
                    self.open_group_label(label)
                self.after_break = True
                continue
            g = lone_group or self.group_row(r, cells)
            if g is not None:
                kind, code, name = g
                if kind == self.top_kind:
                    self.open_top(kind, code, name)
                else:
                    self.open_child(code, name)
                self.after_break = True
                continue
            self.data_row(r, cells)
        if section is not None:
            self.close_section(section)

    def lone_text_row(self, r: int, c: int, text: str) -> None:
        """A row with a single text cell outside the activity column."""
        folded = fold(text)
        if folded in self.ctx.title_lines_folded or self.precedes_header(r):
            self.ctx.title_lines_folded.add(folded)
            self.after_break = True
            return  # a page title repeated at a page break
        if c == self.cmap.group_col and self.looks_like_group_label(text):
            if self.is_header_text(text):
                self.after_break = True
                return  # a stray copy of the group column's header
            self.open_group_label(text)
            return
        self.problem(
            "warning",
            f"Se ignoró el texto «{_short(text)}»: está fuera de la tabla de actividades.",
            r,
        )

    def data_row(self, r: int, cells: list[tuple[int, object]]) -> None:
        grid, cmap = self.grid, self.cmap
        desc_col = cmap.description
        gc = cmap.group_col
        # group label carried in the group column (section, element, subcomponente)
        group_text = ""
        if gc is not None:
            raw = grid.get(r, gc)
            if raw != "" and not grid.is_vertical_copy(r, gc):
                group_text = cell_text(raw)
        non_group = [(c, v) for c, v in cells if c != gc]
        if gc is not None and len(cells) == 1 and not non_group:  # the row's one cell is the group column
            self.lone_text_row(r, gc, group_text)
            return
        if len(non_group) == 1 and non_group[0][0] != desc_col and not group_text:
            c, v = non_group[0]
            text = cell_text(v)
            if isinstance(v, str) and len(text) >= 25 and (c not in self._data_cols or c == cmap.group_col):
                self.lone_text_row(r, c, text)
                return
        if group_text:
            self.open_group_label(group_text)
            if not non_group:
                return

        act = self.read_fields(r)
        desc_raw = grid.get(r, desc_col)
        if act.description and grid.is_vertical_copy(r, desc_col) and desc_raw == "":
            # the activity cell is merged over several rows: this row adds to the same activity
            act.description = ""
            if self.ctx.last_activity is not None:
                self.merge_into_last(r, act, announce=False)
                return
        if not act.description:
            if self._is_continuation(act, group_text):
                self.merge_into_last(r, act)
                return
            present = [cmap.headers.get(c) or column_letter(c) for c, _ in non_group]
            self.problem(
                "error",
                "La fila tiene datos ("
                + ", ".join(f"«{p}»" for p in present[:4])
                + ") pero no tiene la descripción de la actividad. Escriba la actividad o borre la fila.",
                r,
                desc_col,
            )
            return
        if not group_text and self._is_continuation(act, group_text):
            self.merge_into_last(r, act)
            return
        self.check_dates(r, act)
        self.current_group().activities.append(act)
        self.activities_here += 1
        self.ctx.last_activity = act
        self.ctx.last_activity_row = r
        self.after_break = False

    def _is_continuation(self, act: ParsedActivity, group_text: str) -> bool:
        prev = self.ctx.last_activity
        if prev is None or group_text:
            return False
        anchors_prev = _anchor_fields(prev)
        anchors_now = _anchor_fields(act)
        if not act.description:
            # only text fields continuing the previous activity, right after a page break
            return self.after_break and not anchors_now and bool(act.meta or act.responsible or act.recursos)
        first = next((ch for ch in act.description if ch.isalpha()), "")
        if not first or not first.islower():
            return False
        missing = anchors_prev - anchors_now
        return bool(missing) and (self.after_break or not anchors_now)

    def merge_into_last(self, r: int, act: ParsedActivity, *, announce: bool = True) -> None:
        prev = self.ctx.last_activity
        assert prev is not None
        prev.description = _join(prev.description, act.description)
        prev.responsible = _join(prev.responsible, act.responsible)
        prev.meta = _join(prev.meta, act.meta)
        prev.recursos = _join(prev.recursos, act.recursos)
        prev.indicator = _join(prev.indicator, act.indicator)
        prev.scheduled_text = _join(prev.scheduled_text, act.scheduled_text)
        prev.number = prev.number or act.number
        prev.start_date = prev.start_date or act.start_date
        prev.end_date = prev.end_date or act.end_date
        prev.stages = [s for s in STAGE_LABELS if s in set(prev.stages) | set(act.stages)]
        prev.cuatrimestres = sorted(set(prev.cuatrimestres) | set(act.cuatrimestres))
        for k, v in act.extra.items():
            prev.extra[k] = _join(prev.extra.get(k, ""), v)
        if announce:
            prev_row = (self.ctx.last_activity_row or 0) + 1
            self.problem(
                "warning",
                f"Esta fila continúa la actividad de la fila {prev_row} (cortada por un salto de página); "
                "se unieron en una sola actividad.",
                r,
            )
        self.after_break = False

    # ---- column ledger -----------------------------------------------------------------
    def ledger(self) -> list[SourceColumn]:
        """Every column of this sheet's table with its use: a field, «otros datos», or ignored."""
        cmap = self.cmap
        uses: dict[int, str] = {}
        for role, c in cmap.roles.items():
            uses[c] = "group" if role in _GROUP_ROLES else role
        uses.update({c: f"stage:{code}" for code, c in cmap.stages.items()})
        uses.update({c: f"cuatrimestre:{n}" for n, c in cmap.cuatrimestres.items()})
        if cmap.group_col is not None:
            uses[cmap.group_col] = "group"
        for c in (*cmap.extra, *self.data_seen):  # unnamed columns with data are kept as «Columna X»
            if c not in cmap.ignored:
                uses.setdefault(c, EXTRA)
        return [
            SourceColumn(
                self.sheet,
                column_letter(c),
                (cmap.headers.get(c) or "").replace("\n", " "),
                uses.get(c, IGNORED),
                cmap.ignored.get(c, ""),
            )
            for c in sorted(set(cmap.headers) | self.data_seen | set(cmap.ignored))
        ]

    # ---- fields ------------------------------------------------------------------------
    def text_at(self, r: int, c: int | None) -> str:
        if c is None:
            return ""
        return cell_text(self.grid.value(r, c))

    def read_fields(self, r: int) -> ParsedActivity:
        cmap, grid = self.cmap, self.grid
        roles = cmap.roles
        act = ParsedActivity(
            description=self.text_at(r, roles.get("description")),
            number=self.text_at(r, roles.get("number")),
            responsible=self.text_at(r, roles.get("responsible")),
            meta=self.text_at(r, roles.get("meta")),
            recursos=self.text_at(r, roles.get("recursos")),
            indicator=self.text_at(r, roles.get("indicator")),
            source_sheet=self.sheet,
            source_row=r + 1,
        )
        for code in STAGE_LABELS:
            c = cmap.stages.get(code)
            if c is None:
                continue
            self._mark(r, c, act, lambda a, code=code: a.stages.append(code))
        for n in (1, 2, 3):
            c = cmap.cuatrimestres.get(n)
            if c is None:
                continue
            self._mark(r, c, act, lambda a, n=n: a.cuatrimestres.append(n))
        # dates
        start_v = grid.value(r, roles["start"]) if "start" in roles else ""
        end_v = grid.value(r, roles["end"]) if "end" in roles else ""
        unparsed: list[str] = []
        ranges: list[tuple[date, date]] = []
        for v, attr, col in ((start_v, "start_date", roles.get("start")), (end_v, "end_date", roles.get("end"))):
            if v == "":
                continue
            d = parse_date(v)
            if d is None:
                unparsed.append(cell_text(v))
                rng = parse_schedule(v, self.default_year)
                if rng is not None:
                    # a range in a single date cell: the start column takes its first day, the end its last
                    setattr(act, attr, rng[0] if attr == "start_date" else rng[1])
                    ranges.append(rng)
                    continue
                self.problem(
                    "warning",
                    f"No se pudo leer la fecha «{_short(cell_text(v))}»; se conserva el texto tal cual "
                    "en la fecha programada.",
                    r,
                    col,
                )
            else:
                setattr(act, attr, d)
        if ranges and (act.start_date is None or act.end_date is None):
            # «22 al 28 de abril» in the start cell and nothing in the end cell
            act.start_date = act.start_date or ranges[0][0]
            act.end_date = act.end_date or ranges[-1][1]
        sched_v = grid.value(r, roles["scheduled"]) if "scheduled" in roles else ""
        if sched_v != "":
            if isinstance(sched_v, date) and act.start_date is None and act.end_date is None:
                act.start_date = act.end_date = parse_date(sched_v)
            else:
                act.scheduled_text = cell_text(sched_v)
                if act.start_date is None and act.end_date is None:
                    rng = parse_schedule(sched_v, self.default_year)
                    if rng is None:
                        self.problem(
                            "warning",
                            f"No se pudo interpretar la fecha programada «{_short(act.scheduled_text)}»; "
                            "se conserva el texto tal cual, sin fechas de inicio y fin.",
                            r,
                            roles["scheduled"],
                        )
                    else:
                        act.start_date, act.end_date = rng
        if unparsed:
            text = " – ".join(dict.fromkeys(unparsed))
            act.scheduled_text = _join(act.scheduled_text, text) if act.scheduled_text != text else text
        # columns kept verbatim
        for c, header in cmap.extra.items():
            t = self.text_at(r, c)
            if t:
                act.extra[header.replace("\n", " ")] = t
        known, seen = self._data_cols, self.data_seen
        for c, v in enumerate(grid.rows[r]):
            if v == "":
                continue
            seen.add(c)
            if c in known:
                continue
            key = (cmap.headers.get(c) or "").replace("\n", " ") or f"Columna {column_letter(c)}"
            act.extra[key] = cell_text(v)
        return act

    def _mark(self, r: int, c: int, act: ParsedActivity, setter) -> None:
        v = self.grid.get(r, c)  # marks are never carried down from a merge
        m = is_mark(v)
        if m:
            setter(act)
        elif m is None:
            header = (self.cmap.headers.get(c) or column_letter(c)).replace("\n", " ")
            act.extra[header] = cell_text(v)
            self.problem(
                "warning",
                f"«{_short(cell_text(v))}» no es una marca X; se conserva como texto adicional.",
                r,
                c,
            )

    def check_dates(self, r: int, act: ParsedActivity) -> None:
        if act.start_date and act.end_date and act.end_date < act.start_date:
            self.problem(
                "warning",
                f"La fecha final ({format_date(act.end_date)}) es anterior a la fecha inicial "
                f"({format_date(act.start_date)}).",
                r,
                self.cmap.roles.get("end"),
            )


def _anchor_fields(act: ParsedActivity) -> set[str]:
    out = set()
    for name in ("number", "recursos", "scheduled_text"):
        if getattr(act, name):
            out.add(name)
    if act.start_date:
        out.add("start")
    if act.end_date:
        out.add("end")
    if act.stages:
        out.add("stages")
    if act.cuatrimestres:
        out.add("cuatrimestres")
    return out


def _short(text: str, n: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


__all__ = ["Context", "SheetParser", "is_mark", "column_letter", "cuatrimestre_number"]
