"""rcdesk's own flat layout: one header row, one activity per row, nothing lost.

Above the table, label/value rows keep the plan data ("Formato de origen", "Título",
"Entidad", "Vigencia", "Encabezado"). Each group level has three columns (type, code,
name); a row with group columns but no description declares an empty group.
"""

from __future__ import annotations

from rcdesk.plans.datetext import parse_date, parse_schedule
from rcdesk.plans.detect import fold
from rcdesk.plans.importers.base import Context, _short, column_letter, is_mark
from rcdesk.plans.parsed import (
    EXTRA,
    GROUP_KINDS,
    LAYOUTS,
    MURC_STAGES,
    ParsedActivity,
    ParsedGroup,
    Problem,
    Severity,
    SourceColumn,
)
from rcdesk.plans.xlsx_grid import Grid, cell_text

MARKER = "Formato genérico rcdesk"
META_LABELS = {
    "layout": "Formato de origen",
    "title": "Título",
    "entity": "Entidad",
    "year": "Vigencia",
    "header": "Encabezado",
}
GROUP_HEADERS = ("Tipo de grupo {n}", "Código grupo {n}", "Grupo {n}")
FIELD_HEADERS = (
    ("number", "N.º"),
    ("description", "Descripción"),
    ("responsible", "Responsable"),
    ("meta", "Meta / producto"),
    ("recursos", "Recursos"),
    ("indicator", "Indicador"),
    *((f"stage:{code}", label) for code, label in MURC_STAGES),
    ("cuatri:1", "Cuatrimestre 1"),
    ("cuatri:2", "Cuatrimestre 2"),
    ("cuatri:3", "Cuatrimestre 3"),
    ("start", "Fecha inicial"),
    ("end", "Fecha final"),
    ("scheduled", "Fecha programada (texto)"),
)
_FIELD_BY_FOLD = {fold(h): key for key, h in FIELD_HEADERS}
_KIND_BY_FOLD = {fold(label): key for key, label in GROUP_KINDS.items()} | {k: k for k in GROUP_KINDS}


def find_generic_header(grid: Grid, limit: int = 60) -> int | None:
    for r in range(min(grid.height, limit)):
        texts = {fold(cell_text(v)) for v in grid.rows[r] if v != ""}
        if "tipo de grupo 1" in texts and "descripcion" in texts:
            return r
    return None


def parse_generic(grid: Grid, header_row: int, ctx: Context, *, first_sheet: bool) -> None:
    plan = ctx.plan
    sheet = grid.name

    def problem(sev: Severity, msg: str, r: int | None, col: str | None = None) -> None:
        _problem(ctx, sheet, sev, msg, r, col)

    _plan_data(grid, header_row, ctx, first_sheet)

    header = [cell_text(v) for v in grid.rows[header_row]]
    cols, levels, extra = _columns(header)
    depth = max(levels) if levels else 0
    desc_col = cols["description"]
    seen: set[int] = set()  # columns without a header that hold data: kept as «Columna X»

    def get(r: int, key: str) -> object:
        c = cols.get(key)
        return grid.get(r, c) if c is not None else ""

    for r in range(header_row + 1, grid.height):
        ctx.tick()
        row = grid.rows[r]
        if all(v == "" for v in row):
            continue
        group = _group_path(grid, r, ctx, levels, depth, header)
        description = cell_text(get(r, "description"))
        others = [
            c
            for c, v in enumerate(row)
            if v != "" and c != desc_col and c not in {x for lv in levels.values() for x in lv.values()}
        ]
        if not description:
            if others:
                problem(
                    "error", "La fila tiene datos pero no tiene la descripción de la actividad.", r, header[desc_col]
                )
            elif group is None:
                problem("error", "La fila no tiene grupo ni descripción.", r)
            continue
        if group is None:
            problem("warning", "Actividad sin grupo: se colocó en «Sin agrupar».", r)
            group = next((g for g in plan.groups if g.name == "Sin agrupar" and not g.code), None)
            if group is None:
                group = ParsedGroup(kind="seccion", name="Sin agrupar")
                plan.groups.append(group)
        act = ParsedActivity(
            description=description,
            number=cell_text(get(r, "number")),
            responsible=cell_text(get(r, "responsible")),
            meta=cell_text(get(r, "meta")),
            recursos=cell_text(get(r, "recursos")),
            indicator=cell_text(get(r, "indicator")),
            scheduled_text=cell_text(get(r, "scheduled")),
            source_sheet=sheet,
            source_row=r + 1,
        )
        for code, _label in MURC_STAGES:
            v = get(r, f"stage:{code}")
            m = is_mark(v)
            if m:
                act.stages.append(code)
            elif m is None:
                act.extra[header[cols[f"stage:{code}"]]] = cell_text(v)
        for n in (1, 2, 3):
            v = get(r, f"cuatri:{n}")
            m = is_mark(v)
            if m:
                act.cuatrimestres.append(n)
            elif m is None:
                act.extra[header[cols[f"cuatri:{n}"]]] = cell_text(v)
        _dates(act, grid, r, ctx, cols, header)
        for c, h in extra.items():
            t = cell_text(grid.get(r, c))
            if t:
                act.extra[h] = t
        for c, v in enumerate(row):
            if (
                v != ""
                and c not in extra
                and c not in cols.values()
                and c not in {x for lv in levels.values() for x in lv.values()}
            ):
                act.extra[f"Columna {column_letter(c)}"] = cell_text(v)
                seen.add(c)
        group.activities.append(act)
    # rcdesk's own layout uses or keeps every column; the ledger says so for the import result
    uses = {c: key for key, c in cols.items()} | {c: "group" for lv in levels.values() for c in lv.values()}
    plan.columns += [
        SourceColumn(sheet, column_letter(c), header[c] if c < len(header) else "", uses.get(c, EXTRA))
        for c in sorted(set(uses) | set(extra) | seen)
    ]


def _problem(ctx: Context, sheet: str, sev: Severity, msg: str, r: int | None, col: str | None = None) -> None:
    ctx.plan.problems.append(Problem(sev, msg, sheet=sheet, row=None if r is None else r + 1, column=col))


def _plan_data(grid: Grid, header_row: int, ctx: Context, first_sheet: bool) -> None:
    """The plan's data written above the table (layout, title, entity, vigencia, header lines)."""
    plan = ctx.plan
    for r in range(header_row):
        ctx.tick()
        cells = [cell_text(v) for v in grid.rows[r] if v != ""]
        if len(cells) < 2 or not first_sheet:
            continue
        filled = [v for v in grid.rows[r] if v != ""]
        label, value = fold(cells[0]), filled[-1] if fold(cells[0]) == fold(MARKER) else filled[1]
        text = cell_text(value)
        if label == fold(MARKER) or label == fold(META_LABELS["layout"]):
            f = fold(text)
            if f in LAYOUTS:
                plan.layout = f
        elif label == fold(META_LABELS["title"]):
            plan.title = text
        elif label == fold(META_LABELS["entity"]):
            plan.entity = text
        elif label == fold(META_LABELS["year"]):
            try:
                plan.year = int(float(text))
            except ValueError:
                _problem(ctx, grid.name, "warning", f"La vigencia «{text}» no es un año.", r)
        elif label == fold(META_LABELS["header"]):
            plan.header_lines.append(text)


def _columns(header: list[str]) -> tuple[dict[str, int], dict[int, dict[str, int]], dict[int, str]]:
    """(field -> column, group level -> {kind/code/name -> column}, column -> header of the other columns)."""
    cols: dict[str, int] = {}
    levels: dict[int, dict[str, int]] = {}
    extra: dict[int, str] = {}
    for c, h in enumerate(header):
        if not h:
            continue
        f = fold(h)
        matched = False
        for n in range(1, 10):
            for part, pattern in zip(("kind", "code", "name"), GROUP_HEADERS):
                if f == fold(pattern.format(n=n)):
                    levels.setdefault(n, {})[part] = c
                    matched = True
        if matched:
            continue
        key = _FIELD_BY_FOLD.get(f)
        if key and key not in cols:
            cols[key] = c
        else:
            extra[c] = h
    return cols, levels, extra


def _group_path(
    grid: Grid, r: int, ctx: Context, levels: dict[int, dict[str, int]], depth: int, header: list[str]
) -> ParsedGroup | None:
    """The group row `r` belongs to, walking (and adding) its path level by level; None without one."""
    siblings = ctx.plan.groups
    group: ParsedGroup | None = None
    for n in range(1, depth + 1):
        lv = levels[n]
        kind_t = cell_text(grid.get(r, lv["kind"])) if "kind" in lv else ""
        code = cell_text(grid.get(r, lv["code"])) if "code" in lv else ""
        name = cell_text(grid.get(r, lv["name"])) if "name" in lv else ""
        if not (kind_t or code or name):
            break
        kind = _KIND_BY_FOLD.get(fold(kind_t))
        if kind is None:
            kind = "seccion"
            if kind_t:
                _problem(
                    ctx,
                    grid.name,
                    "warning",
                    f"Tipo de grupo desconocido «{kind_t}»; se usa «Sección».",
                    r,
                    header[lv["kind"]],
                )
        found = next((g for g in siblings if (g.kind, g.code, g.name) == (kind, code, name)), None)
        if found is None:
            found = ParsedGroup(kind=kind, code=code, name=name)
            siblings.append(found)
        group = found
        siblings = found.children
    return group


def _dates(act: ParsedActivity, grid: Grid, r: int, ctx: Context, cols: dict[str, int], header: list[str]) -> None:
    """Start and end dates from their columns, else from the scheduled text; unreadable dates kept as text."""
    for key, attr in (("start", "start_date"), ("end", "end_date")):
        c = cols.get(key)
        v = grid.get(r, c) if c is not None else ""
        if v == "":
            continue
        d = parse_date(v)
        if d is None:
            _problem(
                ctx,
                grid.name,
                "warning",
                f"No se pudo leer la fecha «{_short(cell_text(v))}»; se conserva como texto.",
                r,
                header[cols[key]],
            )
            act.scheduled_text = (act.scheduled_text + " " + cell_text(v)).strip()
        else:
            setattr(act, attr, d)
    if act.scheduled_text and act.start_date is None and act.end_date is None:
        rng = parse_schedule(act.scheduled_text, ctx.plan.year)
        if rng:
            act.start_date, act.end_date = rng
    if act.start_date and act.end_date and act.end_date < act.start_date:
        _problem(ctx, grid.name, "warning", "La fecha final es anterior a la fecha inicial.", r, header[cols["end"]])
