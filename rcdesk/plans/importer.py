"""Read an accountability plan from an ``.xlsx`` workbook, whatever its layout.

    parsed = read_plan(path, progress=..., cancel=...)

Unreadable files and workbooks without a recognisable header raise `UserError` (Spanish,
naming the file). Everything else is read, and row-level issues are listed in
``parsed.problems``: severity "error" blocks saving, "warning" is informative. Nothing is
written anywhere; saving is `PlanService.save_parsed()`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.imports import profiles
from rcdesk.imports.headers import Table
from rcdesk.imports.mapping import SheetMapping, unknown_overrides
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.plans.detect import ColumnMap, find_header, fold
from rcdesk.plans.importers import PARSERS
from rcdesk.plans.importers.base import Context, SheetParser
from rcdesk.plans.importers.generic import find_generic_header, parse_generic
from rcdesk.plans.mapped import (
    chosen,
    find_sheet_table,
    layout_mapping,
    mapped_parser,
    needs_mapped_reader,
    proposed_mapping,
    sheet_cmap,
)
from rcdesk.plans.parsed import LAYOUT_LABELS, ParsedGroup, ParsedPlan, Problem, Severity
from rcdesk.plans.xlsx_grid import Grid, cell_text, read_layout_hint, read_workbook

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_YEAR_HINT = re.compile(r"\b(vigencia|ano|periodo|año|gestion|fiscal)\s+(20\d{2})\b")
_ENTITY = re.compile(
    r"\b(gobernaci[oó]n|alcald[ií]a|municipio|gobierno\s+(?:aut[oó]nomo\s+descentralizado|provincial|municipal|"
    r"parroquial|departamental)|gad\b|prefectura|ministerio|secretar[ií]a|departamento\s+de|concejo|personer[ií]a|"
    r"contralor[ií]a|instituto|universidad|hospital|empresa|junta\s+parroquial|distrito|defensor[ií]a|"
    r"consejo|registro\s+de\s+la\s+propiedad|corporaci[oó]n|e\.?s\.?e\.?)\b[^\n]*",
    re.IGNORECASE,
)
_ENTITY_STOP = re.compile(r"\s*(?:\d|[-–—,(|]|\bvigencia\b|\ba[ñn]o\b).*$", re.IGNORECASE)
_TITLE_WORDS = re.compile(r"cronograma|plan\b|estrategia|estratégia|rendici|matriz|programa|informe", re.IGNORECASE)
REMEMBERED = "recordado"  # the profile name of a remembered mapping (the mapping page knows it)
_SOCIAL = re.compile(r"^(@\S+|www\.\S+|https?://\S+)$", re.IGNORECASE)


def read_plan(
    path: str | Path,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
    sheets: list[str] | None = None,
    overrides: dict[str, str] | None = None,
    profile: dict[str, str] | None = None,
    profile_name: str = "",
    remembered: Callable[[str], dict[str, str] | None] | None = None,
) -> ParsedPlan:
    """Read `path` into a ParsedPlan (see module docstring).

    The column mapping, in order: the layout's columns or the proposal from the headers, then
    `profile` (a file) or else what `remembered(signature)` returns for these headers, then
    `overrides` (the user's own choices, `--map`). A known layout without choices reads as it always did.
    """
    path = Path(path)
    progress(0, None, "Abriendo el archivo…")
    grids = read_workbook(path)
    cancel.check()
    plan = ParsedPlan(layout="", source_name=path.name, sheet_names=[g.name for g in grids])
    grids = _selected(grids, sheets, path.name)
    total = sum(g.height for g in grids)
    ctx = Context(plan=plan, progress=progress, cancel=cancel, total_rows=total)

    # a file rcdesk exported says which layout it is, even when extra columns were added
    found = _find_tables(grids, read_layout_hint(path), {**(profile or {}), **(overrides or {})})
    maps = _mappings(found, None, "", None)
    plan.signature = profiles.signature("plan", list(maps.values()))
    if profile is None and remembered is not None and maps:
        profile = remembered(plan.signature)
        if profile is not None:
            profile_name = REMEMBERED
    if profile or overrides:
        maps = _mappings(found, profile, profile_name, overrides)
        plan.profile_name = profile_name if profile else ""
    plan.mappings = list(maps.values())
    if overrides:
        for head in unknown_overrides(plan.mappings, overrides):
            plan.problems.append(Problem("error", f"--map «{head}»: ninguna hoja tiene esa columna."))

    parsed_any, skipped, no_activity = _read_sheets(found, maps, ctx)
    _sheets_left_out(plan, path.name, grids, parsed_any, skipped, no_activity)
    _drop_header_groups(plan.groups, ctx.title_lines_folded)
    _ignored_columns(plan)
    if parsed_any and plan.activity_count == 0:
        sev: Severity = "warning" if plan.group_count else "error"
        plan.problems.append(Problem(sev, f"No se encontró ninguna actividad en «{path.name}»."))
    elif parsed_any:
        _warn_without_dates(plan)
    if plan.year is None:
        plan.year = _year_from_activities(plan)
    progress(total, total, "Lectura terminada")
    return plan


# What each sheet holds: the generic format's header row, a known layout's header, a table found by its
# headers, or nothing recognisable (None).
_Found = list[tuple[Grid, int | ColumnMap | Table | None]]


def _find_tables(grids: list[Grid], hint: str, named: dict[str, str]) -> _Found:
    found: _Found = []
    for grid in grids:
        if not grid.rows or all(grid.row_is_blank(r) for r in range(grid.height)):
            continue
        generic_row = find_generic_header(grid)
        if generic_row is not None:
            found.append((grid, generic_row))
            continue
        cmap = find_header(grid)
        if cmap is not None:
            if hint in PARSERS:
                cmap.layout = hint
            found.append((grid, cmap))
        else:
            found.append((grid, find_sheet_table(grid, named)))
    return found


def _mappings(
    found: _Found, prof: dict[str, str] | None, prof_name: str, over: dict[str, str] | None
) -> dict[str, SheetMapping]:
    out = {}
    for grid, what in found:
        if isinstance(what, ColumnMap):
            out[grid.name] = layout_mapping(
                grid,
                what,
                PARSERS[what.layout].group_col_kind,
                profile=prof,
                overrides=over,
                profile_name=prof_name,
            )
        elif isinstance(what, Table):
            out[grid.name] = proposed_mapping(what, profile=prof, overrides=over, profile_name=prof_name)
    return out


def _read_sheets(found: _Found, maps: dict[str, SheetMapping], ctx: Context) -> tuple[bool, list[str], list[str]]:
    """Parse every sheet into `ctx.plan`: (whether any was read, sheets without a table, sheets whose
    mapping has no activity column)."""
    plan = ctx.plan
    parsed_any = False
    skipped: list[str] = []
    no_activity: list[str] = []
    for grid, what in found:
        ctx.cancel.check()
        if isinstance(what, int):
            if not plan.layout:
                plan.layout = "generic"
            parse_generic(grid, what, ctx, first_sheet=not parsed_any)
            parsed_any = True
            continue
        sm = maps.get(grid.name)
        if sm is None:
            skipped.append(grid.name)
            ctx.tick(grid.height)
            continue
        layout = what if isinstance(what, ColumnMap) else None  # None: a table found by its headers
        reader = _sheet_reader(grid, layout, sm, ctx)
        if reader is None:
            no_activity.append(grid.name)
            ctx.tick(grid.height)
            continue
        parser, cmap = reader
        if not plan.layout:
            plan.layout = cmap.layout
            plan.layout_guessed = layout is None
        elif plan.layout != cmap.layout and plan.layout != "generic":
            plan.problems.append(
                Problem(
                    "warning",
                    f"Esta hoja parece tener otro formato ({LAYOUT_LABELS.get(cmap.layout, cmap.layout)}); "
                    "se leyó con sus propios encabezados.",
                    sheet=grid.name,
                )
            )
        _pre_header(parser, grid, cmap, ctx, first=not parsed_any)
        parser.parse(cmap.header_row + cmap.header_rows)
        plan.columns += parser.ledger()
        parsed_any = True
    return parsed_any, skipped, no_activity


def _sheet_reader(
    grid: Grid, layout: ColumnMap | None, sm: SheetMapping, ctx: Context
) -> tuple[SheetParser, ColumnMap] | None:
    """The parser for a sheet and the columns it reads; None when the mapping has no activity column."""
    if layout is not None and not chosen(sm):
        return PARSERS[layout.layout](grid, layout, ctx), layout
    cmap = sheet_cmap(sm, layout.layout if layout is not None else "")
    if cmap is None:
        return None
    ctx.plan.mapped = True
    ctx.plan.questions.extend(sm.questions)
    if layout is not None:
        # the texts of the layout's header rows, so repeated headers are still recognised
        cmap.headers = {**cmap.headers, **layout.headers}
    if layout is not None and not needs_mapped_reader(sm, layout):
        return PARSERS[cmap.layout](grid, cmap, ctx), cmap
    return mapped_parser(PARSERS[cmap.layout] if layout is not None else None)(grid, cmap, ctx, sm), cmap


def _sheets_left_out(
    plan: ParsedPlan, source: str, grids: list[Grid], parsed_any: bool, skipped: list[str], no_activity: list[str]
) -> None:
    """Say which sheets were not read; refuse the file when no sheet was."""
    for name in no_activity:
        plan.problems.append(
            Problem(
                "warning" if parsed_any else "error",
                "ninguna columna es la actividad"
                + ("; la hoja no se importó" if parsed_any else "")
                + '. Asigne el campo «actividad» a la columna que la describe (--map "ENCABEZADO=actividad").',
                sheet=name,
            )
        )
    if not parsed_any and not no_activity:
        raise UserError(
            f"No se encontró la tabla de actividades en «{source}»: ninguna hoja tiene una fila de "
            "encabezados con una columna «Actividad» o «Actividades» (junto a «Responsable», "
            "«Fecha», «Meta», etapas o cuatrimestres). Si la tabla usa otros nombres, asígnelos: "
            '--map "ENCABEZADO=actividad" («rcdesk import fields plan» lista los campos).',
            details=[f"Hojas revisadas: {', '.join(g.name for g in grids)}"],
        )
    for name in skipped:
        plan.problems.append(
            Problem(
                "warning",
                "La hoja no tiene una tabla de actividades reconocible; no se importó.",
                sheet=name,
            )
        )


def _ignored_columns(plan: ParsedPlan) -> None:
    for col in plan.ignored_columns:
        head = col.header or "sin encabezado"
        plan.problems.append(
            Problem(
                "warning",
                f"la columna {col.column} («{head}») no se importó: {col.reason}."
                if col.reason
                else f"la columna {col.column} («{head}») no corresponde a ningún campo "
                f"del formato «{LAYOUT_LABELS.get(plan.layout, plan.layout)}»; no se importó.",
                sheet=col.sheet,
                column=col.column,
            )
        )


def _selected(grids: list[Grid], sheets: list[str] | None, source: str) -> list[Grid]:
    if not sheets:
        return grids
    wanted = {fold(s): s for s in sheets}
    have = {fold(g.name) for g in grids}
    missing = [s for f, s in wanted.items() if f not in have]
    if missing:
        names = ", ".join(f"«{g.name}»" for g in grids)
        raise UserError(f"«{source}» no tiene la hoja «{missing[0]}». Hojas: {names}.")
    return [g for g in grids if fold(g.name) in wanted]


def _pre_header(parser: SheetParser, grid: Grid, cmap: ColumnMap, ctx: Context, *, first: bool) -> None:
    """Rows above the first header: title lines, and the group row(s) just before it."""
    plan = ctx.plan
    rows: list[tuple[int, list]] = []
    for r in range(cmap.header_row):
        ctx.tick()
        cells = parser.cells(r)
        if cells:
            rows.append((r, cells))
    # trailing group rows right above the header ("FASE 0 …", "ETAPA DE …", "COMPONENTE 3: …")
    groups: list[tuple[str, str, str]] = []
    while rows:
        r, cells = rows[-1]
        g = parser.group_row(r, cells)
        if g is None:
            break
        groups.insert(0, g)
        rows.pop()
    lines = []
    for r, cells in rows:
        texts = list(dict.fromkeys(cell_text(v) for _, v in cells))
        lines.append(" ".join(texts))
    for line in lines:
        ctx.title_lines_folded.add(fold(line))
        for part in line.split("\n"):
            ctx.title_lines_folded.add(fold(part))
    if first:
        plan.header_lines.extend(lines)
        _describe(plan, lines)
        if plan.title:
            ctx.title_lines_folded.add(fold(plan.title))
        parser.default_year = plan.year
    else:
        for line in lines:
            if line not in plan.header_lines:
                plan.header_lines.append(line)
    for kind, code, name in groups:
        if kind == parser.top_kind:
            parser.open_top(kind, code, name)
        else:
            parser.open_child(code, name)
    # the group label in the header row itself (Ibagué: "INFORMACIÓN | ACTIVIDADES | …")
    label = parser.header_group_value(cmap.header_row)
    if label:
        parser.open_child(*parser.split_group_label(label))


def _describe(plan: ParsedPlan, lines: list[str]) -> None:
    """Entity, year and title from the title rows."""
    parts = [p.strip().strip("*").strip() for line in lines for p in line.split("\n")]
    parts = [p for p in parts if p and not _SOCIAL.match(p)]
    for p in parts:
        m = _YEAR_HINT.search(fold(p))
        if m:
            plan.year = int(m[2])
            break
    if plan.year is None:
        for p in parts:
            m = _YEAR.search(p)
            if m:
                plan.year = int(m[1])
                break
    for p in parts:
        m = _ENTITY.search(p)
        if m:
            entity = _ENTITY_STOP.sub("", m[0]).strip(" .:;-")
            if len(entity.split()) >= 2 or fold(entity) in ("gad",):
                plan.entity = entity
                break
    # title: the first line that reads like one, cut before the entity / date lines of its cell
    for line in lines:
        sub = [s.strip().strip("*").strip() for s in line.split("\n") if s.strip()]
        if not any(_TITLE_WORDS.search(s) for s in sub):
            continue
        kept: list[str] = []
        for s in sub:
            if kept and (_ENTITY.match(s) or _YEAR.search(s) and len(s) < 40):
                break
            kept.append(s)
        plan.title = " ".join(kept)
        break
    if not plan.title and parts:
        plan.title = parts[0]


def _drop_header_groups(groups: list[ParsedGroup], titles: set[str]) -> None:
    """Remove empty groups named like a column header or a title line: cells, not groups."""
    for g in list(groups):
        _drop_header_groups(g.children, titles)
        if g.activities or g.children or g.code:
            continue
        if SheetParser.is_header_text(g.name) or fold(g.name) in titles:
            groups.remove(g)


def _warn_without_dates(plan: ParsedPlan) -> None:
    """A cronograma none of whose activities has a readable date cannot warn of deadlines."""
    acts = list(plan.activities())
    if any(a.start_date or a.end_date or a.cuatrimestres for a in acts):
        return
    date_cols = [c for c in plan.columns if c.use in ("start", "end", "scheduled")]
    if date_cols:
        where = ", ".join(f"«{c.header}» (hoja «{c.sheet}»)" for c in date_cols)
        detail = f"ninguna de sus {len(acts)} actividades tiene una fecha legible en {where}"
    else:
        detail = "no tiene una columna de fechas («Fecha», «Fecha inicial», «Plazo»…)"
    plan.problems.append(
        Problem(
            "warning",
            f"El cronograma {detail}; se importa sin fechas y el seguimiento no podrá avisar de plazos vencidos. "
            "Los textos de fecha se conservan tal cual.",
        )
    )


def _year_from_activities(plan: ParsedPlan) -> int | None:
    counts: dict[int, int] = {}
    for act in plan.activities():
        for d in (act.start_date, act.end_date):
            if d:
                counts[d.year] = counts.get(d.year, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], -y))
