"""Read attendance sheets typed after an event (.xlsx/.xls/.ods/.csv) into checked rows.

Real sheets have title rows above the header, header variants ("Nombres y apellidos",
"APELLIDOS Y NOMBRES", "N° Cédula", "C.I."…), ID numbers stored as numbers (leading zero
lost, 1714307103.0), blank and pre-numbered empty rows, mixed case and stray spaces. This
module finds the header band, maps every column through the one column mapping
(`rcdesk.imports.mapping.propose` with the `ATTENDANCE` catalog, then the user's profile and
`--map` choices), validates each ID (rcdesk.validation.ids) and marks duplicates inside the
file. No database access: the service adds the duplicates against rows already registered
and saves everything in one transaction.

Demographic columns (género, sexo, rango de edad, autoidentificación étnica, discapacidad),
typed as text or marked with X under sub-headers («Género» merged over «F | M | LGBTIQ+»), are
read into category codes kept in memory only: the service turns them into the event's anonymous
tally and never stores them on the named row (domain.md §9). A column mapped to a demographic
field whose own header names a category («Género / F», «Mujer», «18-29») is read as X marks for
that category; otherwise its values are read as text. Every column not mapped is listed in
`ignored_columns` (attendance keeps no «otros datos»: personal data, data minimisation).

Formula-looking text (= + - @ at the start) is kept as plain text; exports keep it text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.events import tallies
from rcdesk.events.attendance_fields import ATTENDANCE, DEMOGRAPHIC, SIGNATURE_WORD
from rcdesk.imports import profiles
from rcdesk.imports.fields import IGNORE, KEEP, norm, read_label
from rcdesk.imports.headers import SourceColumn, Table, col_letter
from rcdesk.imports.mapping import MAP, SheetMapping, Target, parse_spec, propose, unknown_overrides
from rcdesk.imports.text_files import read_text_table, to_grid
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.plans.xlsx_grid import Grid, read_workbook
from rcdesk.text import clean, fold
from rcdesk.validation.ids import IdCheck, check_id

_YES = {"si", "s", "x", "1", "yes", "true", "verdadero", "menor"}
_PARTICLES = {"de", "del", "la", "las", "los", "y", "da", "van", "von"}
_DEMO_ORDER = ("genero", "sexo", "rango_edad", "etnia", "discapacidad")  # género wins over sexo
HEADER_SCAN = 25
SAMPLES = 3
REMEMBERED = "recordado"

ROW_STATUSES = {
    "ok": "Correcta",
    "repaired": "Reparada",
    "warning": "Con aviso",
    "invalid": "Documento no válido",
    "duplicate": "Duplicada",
    "error": "Con error",
}


@dataclass(frozen=True)
class SheetRow:
    line: int  # row number as the user sees it in the sheet (1-based)
    name: str
    id_check: IdCheck
    organization: str = ""
    role: str = "CIUDADANO"
    territory: str = ""
    phone: str = ""
    email: str = ""
    is_minor: bool = False
    status: str = "ok"  # key of ROW_STATUSES
    message: str = ""
    duplicate_of: str = ""  # "fila 12" or "ya registrado como Nº 34 …"
    # ((dimension, category), …) for the anonymous tally; in memory only, never saved on the row
    demographics: tuple[tuple[str, str], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class IgnoredColumn:
    sheet: str
    column: str  # letter, as the user sees it (A, B, … AA)
    header: str
    reason: str = ""  # why it is not imported, as the mapping page says it

    def as_json(self) -> dict:
        return {"sheet": self.sheet, "column": self.column, "header": self.header}

    def __str__(self) -> str:
        return f"hoja «{self.sheet}», columna {self.column} («{self.header or 'sin encabezado'}»)"


@dataclass
class ParsedSheet:
    source: str
    sheet: str
    header_line: int
    columns: dict[str, str]  # field key (ATTENDANCE) -> header text found
    rows: list[SheetRow] = field(default_factory=list)
    blank_rows: int = 0
    ignored_columns: list[IgnoredColumn] = field(default_factory=list)
    demographic_columns: dict[str, str] = field(default_factory=dict)  # tally dimension → header(s) read
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""  # CSV only: how the text was decoded (shown in the preview)
    mapping: SheetMapping | None = None  # every column's decision (page, --json «columns», profiles)
    errors: list[str] = field(default_factory=list)  # «hoja «S», fila N: …»; any error: nothing is saved
    profile_name: str = ""  # the profile applied («recordado»: the mapping remembered for these headers)
    signature: str = ""  # header signature under which a real import remembers the mapping

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def tally(self, rows: list[SheetRow] | None = None) -> dict[str, dict[str, int]]:
        """Anonymous counts {dimension: {category: n}} over `rows` (default: every row read)."""
        out: dict[str, dict[str, int]] = {}
        for r in self.rows if rows is None else rows:
            for dim, code in r.demographics:
                out.setdefault(dim, {})
                out[dim][code] = out[dim].get(code, 0) + 1
        return out


def smart_case(name: str) -> str:
    """Names typed ALL CAPS or all lower-case become "María de los Ángeles Pérez"."""
    if not name or not (name.isupper() or name.islower()):
        return name
    words = name.lower().split(" ")
    out = [w if (i and w in _PARTICLES) else w[:1].upper() + w[1:] for i, w in enumerate(words)]
    return " ".join(out)


def role_code(text: str) -> str:
    t = fold(text)
    if not t:
        return "CIUDADANO"
    for needles, code in (
        (("delegad", "asamble"), "DELEGADO"),
        (("servidor", "funcionari", "tecnic", "analista", "emplead"), "SERVIDOR"),
        (
            ("autoridad", "alcald", "gobernador", "concejal", "presidente", "teniente", "jefe politic", "comisari"),
            "AUTORIDAD",
        ),
        (("prensa", "periodist", "medio"), "PRENSA"),
        (("dirigente", "representante", "lider", "vocal", "socio"), "ORGANIZACION"),
    ):
        if any(n in t for n in needles):
            return code
    return "CIUDADANO"


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return clean(v)


def _read_grid(path: Path) -> tuple[list[Grid], str, list[str]]:
    """(sheets, CSV encoding or "", warnings); raises UserError for unreadable or hostile files."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise UserError(f"No existe el archivo «{path}».")
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return read_workbook(path), "", []
    if suffix in (".csv", ".txt"):
        table = read_text_table(path)
        return [to_grid(table)], table.described, list(table.warnings)
    raise UserError(f"«{path.name}»: formato no admitido; use .xlsx, .xls, .ods o .csv.")


# -- finding the header band ------------------------------------------------------------------
def field_of(text: object, user: dict[str, str | None] | None = None) -> str | None:
    """The ATTENDANCE field a header cell names: the user's choice for that header first, then the
    catalog (None: no field, or a signature column)."""
    if not isinstance(text, str) or not text.strip():
        return None
    key = norm(text)
    if user and key in user:
        return user[key]
    if SIGNATURE_WORD in key.split():
        return None
    f, _ = ATTENDANCE.match(read_label(text))
    return f.key if f else None


def _user_fields(choices: dict[str, str]) -> dict[str, str | None]:
    """{normalised header: field or None} of a profile or --map (letters name no header text)."""
    out: dict[str, str | None] = {}
    for head, spec in choices.items():
        action, target = parse_spec(spec, ATTENDANCE)
        out[norm(head)] = target.field if action == MAP and target else None
    return out


def _find_header(grid: Grid, user: dict[str, str | None]) -> tuple[int, int, bool] | None:
    """(row, distinct fields named, names a person) of the best header row among the first rows."""
    best: tuple[int, int, bool] | None = None
    fallback: tuple[int, int, bool] | None = None
    cache: dict[str, str | None] = {}
    for i in range(min(grid.height, HEADER_SCAN)):
        fields = set()
        texts = numbers = 0
        for cell in grid.rows[i]:
            if isinstance(cell, str) and cell:
                texts += 1
                if cell not in cache:
                    cache[cell] = field_of(cell, user)
                if cache[cell]:
                    fields.add(cache[cell])
            elif cell != "":
                numbers += 1
        named = "nombre" in fields or "nombres" in fields
        score = len(fields)
        if score == 0 or (not named and score < 2):
            # headers the importer does not know («Quién asiste | Celular»): the first row of texts
            # above data, so the user can say what its columns are
            if fallback is None and texts >= 2 and not numbers and i + 1 < grid.height and not grid.row_is_blank(i + 1):
                fallback = (i, score, False)
            continue
        # a row naming a person wins over any row that does not
        if best is None or (named, score) > (best[2], best[1]):
            best = (i, score, named)
    return best or fallback


@dataclass
class _Marks:
    """X-mark columns of one demographic field: column → category, under a group header."""

    field: str
    header: str
    columns: dict[int, str]


def _span(grid: Grid, r: int, c: int) -> range:
    """Columns under a group header cell: its merged range, else up to the next header cell."""
    end = c
    while end + 1 < grid.width and (grid.merged_from.get((r, end + 1)) == (r, c)):
        end += 1
    if end == c and not any(a == (r, c) for a in grid.merged_from.values()):
        while end + 1 < min(grid.width, c + 12) and grid.get(r, end + 1) == "":
            end += 1
    return range(c, end + 1)


def _mark_groups(grid: Grid, top: int, sub: int, country: str) -> list[_Marks]:
    """Demographic headers in row `top` whose columns in row `sub` are category labels."""
    if not (0 <= top < sub < grid.height):
        return []
    groups = []
    for c in range(grid.width):
        fld = field_of(grid.get(top, c))
        if fld not in DEMOGRAPHIC:
            continue
        dim = DEMOGRAPHIC[fld]
        cols: dict[int, str] = {}
        for j in _span(grid, top, c):
            label = grid.get(sub, j)
            if label == "":
                continue
            code = tallies.category(dim, label, country)
            if code is None:
                cols = {}
                break
            cols[j] = code
        if len(cols) >= 2:
            groups.append(_Marks(fld, _text(grid.get(top, c)), cols))
    return groups


def _single_row_marks(grid: Grid, r: int, taken: set[int], country: str) -> list[_Marks]:
    """Header cells that are themselves categories («Mujer | Hombre | LGBTIQ+», «18-29 | 30-64»), one
    row, X below: grouped per dimension when at least two of a dimension sit side by side."""
    by_field: dict[str, _Marks] = {}
    for c in range(grid.width):
        head = grid.get(r, c)
        if c in taken or not isinstance(head, str) or len(head) < 2 or field_of(head):
            continue
        for fld, dim in (("genero", "genero"), ("rango_edad", "edad"), ("etnia", "etnia")):
            code = tallies.category(dim, head, country)
            if code is not None and code != tallies.NO_RESPONSE:
                by_field.setdefault(fld, _Marks(fld, "", {})).columns[c] = code
                break
    out = []
    for m in by_field.values():
        if len(m.columns) >= 2:
            m.header = " | ".join(_text(grid.get(r, c)) for c in m.columns)
            out.append(m)
    return out


def _band_text(grid: Grid, r: int, c: int) -> str:
    """A header cell's text; a cell inside a horizontal merge reads its group label."""
    v = grid.get(r, c)
    if v == "":
        anchor = grid.merged_from.get((r, c))
        if anchor is not None and anchor[0] == r:
            v = grid.get(*anchor)
    return _text(v)


def _table(grid: Grid, header_idx: int, country: str) -> tuple[Table, dict[int, tuple[str, str]]]:
    """The header band as a Table (a path per column) and the X-mark columns found in it
    (column → (field, category)) — the catalog's proposal for them."""
    # «Género» in the header row over «F | M | LGBTIQ+» in the row below, or the header row holds
    # the sub-headers and the group sits in the row above it
    marks = _mark_groups(grid, header_idx, header_idx + 1, country)
    top, bottom = (header_idx, header_idx + 1) if marks else (header_idx, header_idx)
    if not marks:
        marks = _mark_groups(grid, header_idx - 1, header_idx, country)
        if marks:
            top = header_idx - 1
    in_group = {j: m for m in marks for j in m.columns}
    taken = set(in_group) | {j for j in range(grid.width) if field_of(grid.get(header_idx, j))}
    singles = _single_row_marks(grid, header_idx, taken, country)
    proposed = {j: (m.field, code) for m in marks + singles for j, code in m.columns.items()}
    columns, last = [], -1
    for j in range(grid.width):
        if j in in_group:
            path = [in_group[j].header, _text(grid.get(bottom, j))]
        elif top < header_idx:  # group row above: only the groups' own columns read it
            path = [_text(grid.get(header_idx, j))]
        else:
            path = [_band_text(grid, r, j) for r in range(top, bottom + 1)]
        clean_path: list[str] = []
        for t in path:
            if t and (not clean_path or fold(clean_path[-1]) != fold(t)):
                clean_path.append(t)
        samples = []
        for r in range(bottom + 1, min(grid.height, bottom + 201)):
            t = _text(grid.get(r, j))
            if t:
                samples.append(t[:60])
                if len(samples) >= SAMPLES:
                    break
        if clean_path or samples:
            last = j
        columns.append(SourceColumn(j, tuple(clean_path), tuple(samples)))
    return Table(grid, top, bottom, columns[: last + 1]), proposed


# -- the mapping ------------------------------------------------------------------------------
def mark_category(fld: str, column: SourceColumn, country: str) -> str | None:
    """The category an X in this column counts as, when its own header names one
    («Género / F» → FEMENINO, «18-29» → 18_29); None: the column holds text values."""
    dim = DEMOGRAPHIC.get(fld)
    if dim is None or not column.path:
        return None
    if len(column.path) == 1 and field_of(column.path[0]) == fld:
        return None  # «Con discapacidad» names the field: its cells are typed values
    code = tallies.category(dim, column.path[-1], country)
    if len(column.path) == 1 and code == tallies.NO_RESPONSE:
        return None
    return code


def _category_label(fld: str, code: str, country: str) -> str:
    dim = DEMOGRAPHIC[fld]
    return tallies.dimensions(country)[dim]["categories"].get(code, code)


def map_sheet(
    table: Table,
    proposed: dict[int, tuple[str, str]],
    country: str,
    *,
    profile: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    profile_name: str = "",
) -> SheetMapping:
    """Every column's decision: the catalog's proposal, the X-mark groups found under demographic
    headers, then the profile and the user's choices (which always win)."""
    sm = propose(table, ATTENDANCE, profile=profile, overrides=overrides, profile_name=profile_name)
    for d in sm.decisions:
        chosen = d.source in ("perfil", "usuario")
        if not chosen and d.column.index in proposed:
            fld, code = proposed[d.column.index]
            d.action, d.target, d.question, d.ask = MAP, Target(fld), False, ""
            d.source = "exacto" if len(d.column.path) > 1 else "probable"
        elif not chosen and d.action == KEEP:
            d.action, d.target, d.note = IGNORE, None, "la asistencia no guarda otros datos (datos personales)"
            continue
        elif not chosen and d.column.path and SIGNATURE_WORD in norm(d.header).split():
            d.action, d.target, d.question, d.ask = IGNORE, None, False, ""
            d.note = "firmas: no se importan"
            continue
        if d.action == MAP and d.target is not None and d.target.field in DEMOGRAPHIC:
            mark = mark_category(d.target.field, d.column, country)
            what = f"marca X = «{_category_label(d.target.field, mark, country)}»" if mark else "valores escritos"
            d.note = f"{what}; solo para el conteo anónimo" + (f" ({d.note})" if chosen and d.note else "")
        elif d.action == IGNORE and not d.note:
            d.note = "no se importa"
    return sm


# -- reading ------------------------------------------------------------------------------------
_NOT_MARKED = {"", "no", "0", "-", "false", "falso", "n"}


def _marked(value: object) -> bool:
    return fold(_text(value)) not in _NOT_MARKED


def _pick_sheets(grids: list[Grid], sheets: list[str] | None, path: Path) -> list[Grid]:
    if not sheets:
        return grids
    if len(sheets) > 1:
        raise UserError(
            f"«{path.name}»: la asistencia se importa de una hoja por vez; indique una sola hoja "
            f"(--sheet), no {len(sheets)}."
        )
    want = fold(sheets[0])
    found = [g for g in grids if fold(g.name) == want]
    if not found:
        names = ", ".join(f"«{g.name}»" for g in grids) or "(sin hojas)"
        raise UserError(f"«{path.name}» no tiene la hoja «{sheets[0]}». Hojas: {names}.")
    return found


def read_attendance(
    path: Path | str,
    country: str = "EC",
    *,
    sheets: list[str] | None = None,
    overrides: dict[str, str] | None = None,
    profile: dict[str, str] | None = None,
    profile_name: str = "",
    remembered: Callable[[str], dict | None] | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
) -> ParsedSheet:
    """Read, map and check an attendance sheet.

    The mapping is the catalog's proposal, then `profile` (a file) or else the mapping
    `remembered(signature)` returns for these headers, then `overrides` (the user's choices).
    Problems the user can fix by mapping (no name column, a --map naming no column) come back in
    `errors` with the mapping, so the preview can show them; an unreadable file or a sheet with
    no header at all raises UserError.
    """
    path = Path(path)
    overrides = dict(overrides or {})
    user = _user_fields(profile or {}) | _user_fields(overrides)
    grids, encoding, warnings = _read_grid(path)
    grids = _pick_sheets(grids, sheets, path)
    candidates = [(g, h) for g in grids if (h := _find_header(g, user))]
    # the first sheet naming a person; else one naming two fields; else the first with a text header
    found = (
        next((c for c in candidates if c[1][2]), None)
        or next((c for c in candidates if c[1][1] >= 2), None)
        or next(iter(candidates), None)
    )
    if found is None:
        names = ", ".join(f"«{g.name}»" for g in grids) or "(sin hojas)"
        raise UserError(
            f"«{path.name}»: no se encontró la columna de nombres en ninguna hoja ({names}). "
            "La fila de encabezados debe tener una columna «Nombres y apellidos» (o «Nombre», «Nombres» y "
            "«Apellidos», «Participante»). No se importó nada."
        )
    grid, (header_idx, _score, _named) = found
    sheet = grid.name
    others = [g.name for g in grids if g is not grid and any(not g.row_is_blank(r) for r in range(g.height))]
    if others:
        warnings = [
            *warnings,
            f"se importa la hoja «{sheet}»; no se importan las hojas "
            f"{', '.join(f'«{n}»' for n in others)} (elija otra con --sheet).",
        ]
    table, proposed = _table(grid, header_idx, country)
    sm = map_sheet(table, proposed, country, profile=profile, overrides=overrides, profile_name=profile_name)
    signature = profiles.signature(ATTENDANCE.kind, [sm])
    if profile is None and remembered is not None:
        doc = remembered(signature)
        if doc is not None:
            try:
                kept = profiles.columns_of(doc, ATTENDANCE)
            except UserError:
                kept = None  # a remembered mapping this version cannot use is not offered
            if kept:
                profile_name = REMEMBERED
                sm = map_sheet(table, proposed, country, profile=kept, overrides=overrides, profile_name=REMEMBERED)
    parsed = ParsedSheet(
        path.name,
        sheet,
        header_idx + 1,
        {},
        warnings=warnings,
        encoding=encoding,
        mapping=sm,
        profile_name=profile_name,
        signature=signature,
    )
    unknown = unknown_overrides([sm], overrides)
    if unknown:
        heads = ", ".join(f"«{d.header}»" for d in sm.decisions if d.column.path)
        parsed.errors += [
            f"hoja «{sheet}»: --map «{h}»: la hoja no tiene esa columna (columnas: {heads})." for h in unknown
        ]
    _read_rows(parsed, grid, sm, country, progress, cancel)
    return parsed


def _reading_plan(sm: SheetMapping, country: str) -> tuple[dict[str, int], dict[str, int], dict[str, dict[int, str]]]:
    """(field → column for text fields, demographic field → column typed as text,
    demographic field → {column: category} read as X marks)."""
    col: dict[str, int] = {}
    text_demo: dict[str, int] = {}
    marks: dict[str, dict[int, str]] = {}
    for d in sm.decisions:
        if d.action != MAP or d.target is None:
            continue
        fld, j = d.target.field, d.column.index
        code = mark_category(fld, d.column, country)
        if code is not None:
            marks.setdefault(fld, {})[j] = code
        elif fld in DEMOGRAPHIC:
            text_demo.setdefault(fld, j)
        else:
            col.setdefault(fld, j)
    if "nombres" in col and "apellidos" not in col and "nombre" not in col:
        col["nombre"] = col.pop("nombres")
    return col, text_demo, marks


def _read_rows(
    parsed: ParsedSheet, grid: Grid, sm: SheetMapping, country: str, progress: ProgressFn, cancel: CancelToken
) -> None:
    sheet, rows = grid.name, grid.rows
    col, text_demo, marks = _reading_plan(sm, country)
    headers = {d.column.index: d.header for d in sm.decisions}
    _describe_columns(parsed, sm, headers, col, text_demo, marks)
    data_start = sm.table.first_data_row
    if "nombre" not in col and not ("nombres" in col and "apellidos" in col):
        parsed.errors.insert(
            0,
            (
                f"hoja «{sheet}», fila {parsed.header_line}: no se encontró la columna de nombres. La fila de "
                "encabezados debe tener una columna «Nombres y apellidos» (o «Nombre», «Nombres» y «Apellidos», "
                "«Participante»), o asigne la columna que los tiene al campo «nombre» "
                '(--map "ENCABEZADO=nombre"). No se importó nada.'
            ),
        )
    used_cols: set[int] = set()
    if parsed.errors:
        _ignored(parsed, sm, used_cols)
        return
    demo = _DemoReader(text_demo, marks, headers, country)
    seen: dict[str, int] = {}
    total = len(rows) - data_start
    for n, row in enumerate(rows[data_start:], start=data_start + 1):
        if n % 500 == 0:
            cancel.check()
            progress(n - data_start, total, "Revisando filas…")
        used_cols.update(j for j, v in enumerate(row) if v != "")
        r = _sheet_row(n, row, col, demo, country)
        if r is None:
            parsed.blank_rows += 1
            continue
        parsed.rows.append(_row_status(r, parsed.columns, seen))
    _ignored(parsed, sm, used_cols)
    if not parsed.rows:
        parsed.errors.append(
            f"hoja «{sheet}»: no hay filas con datos debajo del encabezado "
            f"(fila {parsed.header_line}). No se importó nada."
        )
    demo.warn(parsed, sheet)
    progress(total, total, "Hoja revisada")


def _describe_columns(
    parsed: ParsedSheet,
    sm: SheetMapping,
    headers: dict[int, str],
    col: dict[str, int],
    text_demo: dict[str, int],
    marks: dict[str, dict[int, str]],
) -> None:
    """The preview's account of which columns give each field and each demographic dimension."""
    parsed.columns = {fld: headers[j] for fld, j in col.items()}
    for fld, j in text_demo.items():
        dim = DEMOGRAPHIC[fld]
        parsed.demographic_columns[dim] = " y ".join(
            filter(None, (parsed.demographic_columns.get(dim), f"«{headers[j]}» (texto)"))
        )
    for fld, cols in marks.items():
        dim = DEMOGRAPHIC[fld]
        groups: dict[str, list[str]] = {}
        for j in cols:
            path = sm.decisions[j].column.path
            groups.setdefault(path[0] if len(path) > 1 else "", []).append(path[-1])
        for group, labels in groups.items():
            desc = f"«{group}»: {' | '.join(labels)} (marcas X)" if group else f"{' | '.join(labels)} (marcas X)"
            parsed.demographic_columns[dim] = " y ".join(filter(None, (parsed.demographic_columns.get(dim), desc)))


def _sheet_row(n: int, row: list, col: dict[str, int], demo: _DemoReader, country: str) -> SheetRow | None:
    """The person on sheet row `n` as written (no status yet); None for a row that names nobody."""

    def get(fld: str) -> object:
        j = col.get(fld)
        return row[j] if j is not None and j < len(row) else None

    if "nombre" in col:
        name = _text(get("nombre"))
    else:
        name = clean(f"{_text(get('nombres'))} {_text(get('apellidos'))}")
    id_raw = get("documento")
    org, terr = _text(get("organizacion")), _text(get("territorio"))
    phone, email = _text(get("telefono")), _text(get("correo"))
    contact = _text(get("contacto"))
    if contact:
        if "@" in contact:
            email = email or contact
        else:
            phone = phone or contact
    if not any((name, _text(id_raw), org, terr, phone, email)):
        return None
    minor = fold(_text(get("menor"))) in _YES
    age = get("edad")
    try:
        if age not in (None, "") and float(str(age).replace(",", ".")) < 18:
            minor = True
    except ValueError:
        pass
    return SheetRow(
        n,
        smart_case(name),
        check_id(id_raw, country),
        org,
        role_code(_text(get("cargo"))),
        terr,
        phone,
        email,
        minor,
        demographics=demo.read(n, row, age),
    )


def _row_status(r: SheetRow, columns: dict[str, str], seen: dict[str, int]) -> SheetRow:
    """A row with its status: no name, invalid or repeated document (`seen`: document -> first row), or repaired."""
    n, idc = r.line, r.id_check
    if not r.name:
        r = replace(r, status="error", message=f"fila {n}: falta el nombre")
    elif idc.status == "invalid":
        r = replace(
            r,
            status="invalid",
            message=f"fila {n}, columna «{columns.get('documento', 'documento')}»: {idc.raw} – {idc.message}",
        )
    elif idc.number and idc.number in seen:
        r = replace(
            r,
            status="duplicate",
            duplicate_of=f"fila {seen[idc.number]}",
            message=f"fila {n}: documento {idc.number} repetido (ya está en la fila {seen[idc.number]})",
        )
    elif idc.status in ("repaired", "warning"):
        r = replace(r, status=idc.status, message=f"fila {n}: {idc.raw} → {idc.number}: {idc.message}")
    if idc.number and r.status != "duplicate" and idc.status != "invalid":
        seen.setdefault(idc.number, n)
    return r


class _DemoReader:
    """The demographic categories of each row, from text columns, X marks or the age; what it could not
    read is counted for one warning per value, not one per row."""

    def __init__(
        self, text_demo: dict[str, int], marks: dict[str, dict[int, str]], headers: dict[int, str], country: str
    ) -> None:
        self.text_demo, self.marks, self.headers, self.country = text_demo, marks, headers, country
        self.unknown: dict[tuple[str, str], int] = {}
        self.ambiguous: list[int] = []

    def read(self, n: int, row: list, age: object) -> tuple[tuple[str, str], ...]:
        found_codes: dict[str, str] = {}
        for fld, j in self.text_demo.items():
            value = _text(row[j]) if j < len(row) else ""
            if not value:
                continue
            code = tallies.category(DEMOGRAPHIC[fld], value, self.country)
            if code is None:
                key = (self.headers[j], value)
                self.unknown[key] = self.unknown.get(key, 0) + 1
            else:
                found_codes.setdefault(fld, code)
        for fld, cols in self.marks.items():
            hits = {code for j, code in cols.items() if j < len(row) and _marked(row[j])}
            if len(hits) == 1:
                found_codes.setdefault(fld, hits.pop())
            elif hits:
                self.ambiguous.append(n)
        if "rango_edad" not in found_codes and age not in (None, ""):
            code = tallies.age_category(age, self.country)
            if code:
                found_codes["rango_edad"] = code
        demo: dict[str, str] = {}
        for fld in _DEMO_ORDER:
            if fld in found_codes:
                demo.setdefault(DEMOGRAPHIC[fld], found_codes[fld])
        return tuple(demo.items())

    def warn(self, parsed: ParsedSheet, sheet: str) -> None:
        for (head, value), k in sorted(self.unknown.items()):
            parsed.warnings.append(
                f"hoja «{sheet}», columna «{head}»: valor «{value}» no reconocido en {k} fila(s); "
                "se cuenta como «No responde»."
            )
        if self.ambiguous:
            ambiguous = self.ambiguous
            shown = ", ".join(map(str, ambiguous[:10])) + (" …" if len(ambiguous) > 10 else "")
            parsed.warnings.append(
                f"hoja «{sheet}»: filas con más de una X en el mismo grupo ({shown}); no se cuentan en ese grupo."
            )


def _ignored(parsed: ParsedSheet, sm: SheetMapping, used_cols: set[int]) -> None:
    """Every column not mapped that has a header or data: nothing is dropped without a word."""
    in_table = {d.column.index for d in sm.decisions}
    for d in sm.decisions:
        if d.action != MAP and (d.column.path or d.column.samples or d.column.index in used_cols):
            head = d.header if d.column.path else ""
            parsed.ignored_columns.append(IgnoredColumn(parsed.sheet, d.letter, head, d.note))
    for j in sorted(used_cols - in_table):
        parsed.ignored_columns.append(IgnoredColumn(parsed.sheet, col_letter(j), "", "columna sin encabezado"))


def refusal(parsed: ParsedSheet) -> UserError:
    """The Spanish refusal of a preview with errors (nothing is saved)."""
    first = parsed.errors[0]
    return UserError(f"«{parsed.source}», {first}", details=parsed.errors[1:])
