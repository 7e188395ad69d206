"""Plans read through the one column mapping (`rcdesk.imports`): every column of a sheet is
mapped to a `PLAN` field, kept as «otros datos» or ignored, and the user may change any of them.

Two ways in, one result (the `ParsedPlan` the layouts build, saved by the same code):
- a known layout (CPCCS, MURC, PAAC, dated) states its columns as decisions (`layout_mapping`);
  without the user's choices it is read exactly as before; with them, the layout's reader takes
  the changed columns (`layout_cmap`) or, when they need what it cannot read (several group
  columns, group codes, stage names in text, month marks), `MappedParser` reads the sheet;
- a sheet no layout recognises is found by `find_table` and read by `MappedParser` with the
  proposed mapping: a person who maps its columns can always import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rcdesk.imports.fields import IGNORE, KEEP, norm
from rcdesk.imports.headers import Table, find_table, table_at
from rcdesk.imports.mapping import (
    MAP,
    SheetMapping,
    Target,
    apply_choices,
    propose,
)
from rcdesk.plans.datetext import parse_schedule
from rcdesk.plans.detect import ColumnMap, classify, fold
from rcdesk.plans.fields import CODE_PREFIX, FIELD_OF_ROLE, GROUP_FIELDS, PLAN, ROLE_OF, STAGE_FIELDS, score
from rcdesk.plans.importers.base import Context, SheetParser, is_mark
from rcdesk.plans.importers.group_labels import split_label
from rcdesk.plans.parsed import EXTRA, IGNORED, LAYOUT_LABELS, ParsedActivity, ParsedGroup, SourceColumn
from rcdesk.plans.xlsx_grid import Grid, cell_text
from rcdesk.poa.periods import MONTHS as _MONTHS

CHOSEN = ("usuario", "perfil")
_STAGE_WORDS = {
    "aprestamiento": ("aprestamiento",),
    "diseno": ("diseno",),
    "preparacion": ("preparacion", "capacitacion"),
    "ejecucion": ("ejecucion",),
    "seguimiento": ("seguimiento", "evaluacion"),
}
# what the layout readers cannot take: the sheet goes to MappedParser instead
_MAPPED_ONLY = {"etapa_murc", "mes", *(CODE_PREFIX + k for k in GROUP_FIELDS)}


def chosen(sm: SheetMapping) -> bool:
    """The user (or a profile) decided at least one column of the sheet."""
    return any(d.source in CHOSEN for d in sm.decisions)


def _score_with(names: set[str]):
    """The catalog's header score, plus the headers the user named in --map or a profile: a
    workbook whose headers rcdesk knows none of is still found once the user names them."""

    def s(text: str) -> int:
        return 100 if names and norm(text) in names else score(text)

    return s


def find_sheet_table(grid: Grid, choices: dict[str, str]) -> Table | None:
    return find_table(grid, _score_with({norm(h) for h in choices}))


def _tidy(sm: SheetMapping) -> None:
    """Per-period proposals only for cuatrimestres and months (a plan has no quarters)."""
    for d in sm.decisions:
        if d.action != MAP or d.target is None or d.source in CHOSEN:
            continue
        if d.target.field in ("cuatrimestre", "mes"):
            kind = d.period_kind
            if kind == "mes" and 1 <= (d.target.period or 0) <= 12:
                d.target = Target("mes", d.target.period)
            elif kind == "cuatrimestre" and 1 <= (d.target.period or 0) <= 3:
                d.target = Target("cuatrimestre", d.target.period)
            else:
                d.action, d.target, d.source = IGNORE, None, ""
                d.note = "un plan va por cuatrimestres o por meses; asigne un campo si esta columna lo es"


def proposed_mapping(
    table: Table, *, profile: dict[str, str] | None, overrides: dict[str, str] | None, profile_name: str
) -> SheetMapping:
    sm = propose(table, PLAN)
    _tidy(sm)
    _choose(sm, profile, overrides, profile_name)
    return sm


def _choose(
    sm: SheetMapping, profile: dict[str, str] | None, overrides: dict[str, str] | None, profile_name: str
) -> None:
    apply_choices(sm, PLAN, profile=profile, overrides=overrides, profile_name=profile_name)


def _layout_target(cmap: ColumnMap, c: int, group_kind: str) -> Target | None:
    for role, col in cmap.roles.items():
        if col == c and role in FIELD_OF_ROLE:
            return Target(FIELD_OF_ROLE[role])
    for code, col in cmap.stages.items():
        if col == c:
            return Target(code)
    for n, col in cmap.cuatrimestres.items():
        if col == c:
            return Target("cuatrimestre", n)
    if c == cmap.group_col:
        return Target(group_kind)
    for role, col in cmap.roles.items():
        if col == c and role in GROUP_FIELDS:
            return Target(role)
    return None


def layout_mapping(
    grid: Grid,
    cmap: ColumnMap,
    group_kind: str,
    *,
    profile: dict[str, str] | None,
    overrides: dict[str, str] | None,
    profile_name: str,
) -> SheetMapping:
    """The columns as the detected layout reads them, then the user's choices on top."""
    top = cmap.header_row
    table = table_at(grid, top, top + cmap.header_rows - 1)
    sm = propose(table, PLAN)
    note = f"formato «{LAYOUT_LABELS.get(cmap.layout, cmap.layout)}»"
    for d in sm.decisions:
        c = d.column.index
        target = _layout_target(cmap, c, group_kind)
        d.question, d.ask, d.set_aside = False, "", None
        if target is not None:
            d.action, d.target, d.source, d.note = MAP, target, "exacto", note
            d.period_kind = "cuatrimestre" if target.field == "cuatrimestre" else None
        elif c in cmap.extra:
            d.action, d.target, d.source, d.note = KEEP, None, "exacto", f"{note}: se guarda como otros datos"
        else:
            d.action, d.target, d.source = IGNORE, None, ""
            d.note = (
                f"no corresponde a ningún campo del {note}"
                if d.column.path
                else ("columna sin encabezado" if d.column.samples else "columna vacía")
            )
            if not d.column.path and d.column.samples:
                # the layouts keep an unnamed column with data as «Columna X»
                d.action, d.source, d.note = KEEP, "exacto", f"{note}: columna sin encabezado, se guarda"
    _choose(sm, profile, overrides, profile_name)
    return sm


@dataclass(frozen=True)
class Level:
    kind: str
    name_col: int | None
    code_col: int | None


def _levels(sm: SheetMapping) -> list[Level]:
    """Group columns, left to right; a code column joins the name column of its kind."""
    names: dict[str, int] = {}
    codes: dict[str, int] = {}
    for d in sm.decisions:
        if d.action != MAP or d.target is None:
            continue
        f = d.target.field
        if f in GROUP_FIELDS:
            names.setdefault(f, d.column.index)
        elif f.startswith(CODE_PREFIX) and f[len(CODE_PREFIX) :] in GROUP_FIELDS:
            codes.setdefault(f[len(CODE_PREFIX) :], d.column.index)
    kinds = sorted(set(names) | set(codes), key=lambda k: min(c for c in (names.get(k), codes.get(k)) if c is not None))
    return [Level(k, names.get(k), codes.get(k)) for k in kinds]


def sheet_cmap(sm: SheetMapping, layout: str = "") -> ColumnMap | None:
    """The ColumnMap the row engine reads with; None when no column is the activity."""
    t = sm.table
    cmap = ColumnMap(header_row=t.top, header_rows=t.bottom - t.top + 1)
    for d in sm.decisions:
        c = d.column.index
        if d.column.path:
            cmap.headers[c] = d.column.path[-1]  # what the cell of a repeated header row holds
        if d.action == KEEP:
            cmap.extra[c] = d.kept_name
            continue
        if d.action == IGNORE:
            cmap.ignored[c] = d.note
            continue
        target = d.field_target
        f = target.field
        if f in ROLE_OF:
            cmap.roles.setdefault(ROLE_OF[f], c)
        elif f in STAGE_FIELDS:
            cmap.stages.setdefault(f, c)
        elif f == "cuatrimestre" and target.period is not None and target.period in (1, 2, 3):
            cmap.cuatrimestres.setdefault(target.period, c)
        elif f in GROUP_FIELDS:
            cmap.roles.setdefault(f, c)
    if "description" not in cmap.roles:
        return None
    levels = _levels(sm)
    if levels:
        first = levels[0]
        cmap.group_col = first.name_col if first.name_col is not None else first.code_col
    cmap.layout = layout or classify(cmap)
    return cmap


def needs_mapped_reader(sm: SheetMapping, original: ColumnMap) -> bool:
    """The choices ask for what the layout reader cannot do."""
    groups = []
    for d in sm.decisions:
        if d.action == MAP and d.target is not None:
            if d.target.field in _MAPPED_ONLY:
                return True
            if d.target.field == "cuatrimestre" and d.target.period not in (1, 2, 3):
                return True
            if d.target.field in GROUP_FIELDS:
                groups.append(d.column.index)
    return groups != ([original.group_col] if original.group_col is not None else [])


class MappedParser(SheetParser):
    """The row engine (page breaks, repeated headers, sections under the table, dates, X marks)
    with the sheet's mapping: group columns nest left to right, a lone «FASE 1 …» row opens a group."""

    layout = "mapped"

    def __init__(self, grid: Grid, cmap: ColumnMap, ctx: Context, sm: SheetMapping) -> None:
        super().__init__(grid, cmap, ctx)
        self.sm = sm
        self.levels = _levels(sm)
        self.group_cols = {c for lv in self.levels for c in (lv.name_col, lv.code_col) if c is not None}
        self.months = {d.field_target.period: d.column.index for d in sm.mapped("mes") if d.field_target.period}
        self.stage_text = [d.column.index for d in sm.mapped("etapa_murc")]
        self.top_kind = self.levels[0].kind if self.levels else "seccion"
        self.group_col_kind = self.top_kind
        # every column of the table is decided: nothing outside the decisions goes to «otros datos»
        self._data_cols |= {d.column.index for d in sm.decisions}
        self.path: list[tuple[int, ParsedGroup]] = []
        self.field_cols = {d.column.index for d in sm.decisions if d.action == MAP}

    # -- groups ------------------------------------------------------------------------------
    def _open(self, level: int, kind: str, code: str, name: str) -> bool:
        key = (kind, fold(code), fold(name))
        if any((g.kind, fold(g.code), fold(g.name)) == key for _lv, g in self.path):
            return False  # the same group written again on the next row: deeper levels stay open
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        siblings = self.path[-1][1].children if self.path else self.plan.groups
        self.path.append((level, self._find_or_add(siblings, kind, code, name)))
        self.ctx.last_activity = None
        return True

    def open_top(self, kind: str, code: str, name: str) -> None:
        self._open(-1, kind, code, name)

    def open_child(self, code: str, name: str) -> None:
        self._open(0, self.levels[0].kind if self.levels else "seccion", code, name)

    def open_group_label(self, text: str) -> None:
        kind, code, name = split_label(text)
        if kind is not None and kind != (self.levels[0].kind if self.levels else None):
            self._open(-1, kind, code, name)  # «FASE 1» in a column of secciones heads them
        else:
            self.open_child(*self.split_group_label(text))

    def current_group(self) -> ParsedGroup:
        if self.path:
            return self.path[-1][1]
        self.path.append((-1, self._find_or_add(self.plan.groups, self.top_kind, "", "Sin agrupar")))
        return self.path[-1][1]

    def header_group_value(self, r: int) -> str:
        return ""  # the header band holds headers, never a group's name

    def group_row(self, r: int, cells: list[tuple[int, object]]) -> tuple[str, str, str] | None:
        """A lone «FASE 1: Planificación» / «Componente 3 …» row between activities (or a group row
        of the sheet's layout, when a known layout is read with the user's columns)."""
        g = super().group_row(r, cells)
        if g is not None:
            self.top_kind = g[0]  # base.parse opens a group of `top_kind` through open_top
            return g
        if len(cells) != 1 or cells[0][0] == self.cmap.roles.get("description"):
            return None
        kind, code, name = split_label(cell_text(cells[0][1]))
        if not code:
            return None
        kind = kind or "seccion"
        self.top_kind = kind  # base.parse opens a group of `top_kind` through open_top
        return kind, code, name

    def _own(self, r: int, c: int | None) -> str:
        if c is None:
            return ""
        raw = self.grid.get(r, c)
        if raw == "" or self.grid.is_vertical_copy(r, c):
            return ""
        return cell_text(raw)

    # -- rows --------------------------------------------------------------------------------
    def data_row(self, r: int, cells: list[tuple[int, object]]) -> None:
        opened = False
        for i, lv in enumerate(self.levels):
            name, code = self._own(r, lv.name_col), self._own(r, lv.code_col)
            if not (name or code):
                continue
            if lv.code_col is None:
                code, name = self.split_group_label(name)
            opened = self._open(i, lv.kind, code, name) or opened
        non_group = [(c, v) for c, v in cells if c not in self.group_cols]
        if not non_group:
            return
        desc_col = self.cmap.description
        if len(non_group) == 1 and non_group[0][0] != desc_col and not opened:
            c, v = non_group[0]
            if isinstance(v, str) and len(cell_text(v)) >= 25 and c not in self.field_cols:
                self.lone_text_row(r, c, cell_text(v))  # a title or note in a column no field takes
                return
        act = self.read_fields(r)
        self._more_fields(r, act)
        if act.description and self.grid.is_vertical_copy(r, desc_col) and self.grid.get(r, desc_col) == "":
            act.description = ""
            if self.ctx.last_activity is not None:
                self.merge_into_last(r, act, announce=False)
                return
        if not act.description:
            if self._is_continuation(act, "x" if opened else ""):
                self.merge_into_last(r, act)
                return
            present = [self.cmap.headers.get(c) or f"columna {c + 1}" for c, _ in non_group]
            self.problem(
                "error",
                "La fila tiene datos ("
                + ", ".join(f"«{p}»" for p in present[:4])
                + ") pero no tiene la actividad. Escriba la actividad, borre la fila o asigne el campo "
                "«actividad» a otra columna.",
                r,
                desc_col,
            )
            return
        if not opened and self._is_continuation(act, ""):
            self.merge_into_last(r, act)
            return
        self.check_dates(r, act)
        self.current_group().activities.append(act)
        self.activities_here += 1
        self.ctx.last_activity = act
        self.ctx.last_activity_row = r
        self.after_break = False

    def _more_fields(self, r: int, act: ParsedActivity) -> None:
        for c in self.stage_text:
            text = cell_text(self.grid.value(r, c))
            if not text:
                continue
            f = fold(text)
            found = [code for code, words in _STAGE_WORDS.items() if any(re.search(rf"\b{w}", f) for w in words)]
            if found:
                act.stages = [s for s in STAGE_FIELDS if s in set(act.stages) | set(found)]
            else:
                act.extra[self.cmap.headers.get(c, "Etapa")] = text
                self.problem(
                    "warning",
                    f"«{text}» no nombra una etapa MURC (aprestamiento, diseño, preparación, "
                    "ejecución, seguimiento); se conserva como otros datos.",
                    r,
                    c,
                )
        if self.months:
            marked = sorted(n for n, c in self.months.items() if is_mark(self.grid.get(r, c)))
            if marked:
                first, last = _MONTHS[marked[0] - 1], _MONTHS[marked[-1] - 1]
                text = first if first == last else f"{first} a {last}"
                if not act.scheduled_text:
                    act.scheduled_text = text
                if act.start_date is None and act.end_date is None:
                    rng = parse_schedule(text, self.default_year or self.plan.year)
                    if rng is not None:
                        act.start_date, act.end_date = rng

    # -- column ledger -----------------------------------------------------------------------
    def ledger(self) -> list[SourceColumn]:
        out = []
        decided = set()
        for d in self.sm.decisions:
            decided.add(d.column.index)
            if not d.column.path and not d.column.samples:
                continue
            if d.action == MAP and d.target is not None:
                use = _use(d.target)
            else:
                use = EXTRA if d.action == KEEP else IGNORED
            out.append(
                SourceColumn(self.sheet, d.letter, d.header.replace("\n", " "), use, d.note if use == IGNORED else "")
            )
        for c in sorted(self.data_seen - decided):
            out.append(SourceColumn(self.sheet, _letter(c), "", EXTRA))
        return out


def mapped_parser(layout_parser: type[SheetParser] | None) -> type[MappedParser]:
    """MappedParser, or for a known layout read with the user's columns one that still knows the
    layout's group rows («FASE 1 …», «ETAPA DE …», «COMPONENTE 3: …», MURC elements)."""
    if layout_parser is None:
        return MappedParser
    return type(f"Mapped{layout_parser.__name__}", (MappedParser, layout_parser), {})


def _use(t: Target) -> str:
    f = t.field
    if f in ROLE_OF:
        return ROLE_OF[f]
    if f in STAGE_FIELDS:
        return f"stage:{f}"
    if f == "etapa_murc":
        return "stages"
    if f in ("cuatrimestre", "mes"):
        return f"{f}:{t.period}"
    return "group"


def _letter(c: int) -> str:
    from rcdesk.imports.headers import col_letter

    return col_letter(c)


__all__ = [
    "CHOSEN",
    "MappedParser",
    "mapped_parser",
    "chosen",
    "find_sheet_table",
    "layout_mapping",
    "needs_mapped_reader",
    "proposed_mapping",
    "sheet_cmap",
]
