"""Read attendance sheets typed after an event (.xlsx/.xls/.csv) into checked rows.

Real sheets have title rows above the header, header variants ("Nombres y apellidos",
"APELLIDOS Y NOMBRES", "N° Cédula", "C.I."…), ID numbers stored as numbers (leading zero
lost, 1714307103.0), blank and pre-numbered empty rows, mixed case and stray spaces. This
module finds the header, maps the columns, validates each ID (rcdesk.validation.ids) and
marks duplicates inside the file. No database access: the service adds the duplicates
against rows already registered and saves everything in one transaction.

Demographic columns (género, sexo, rango de edad, autoidentificación étnica, discapacidad),
typed as text or marked with X under sub-headers («Género» merged over «F | M | LGBTIQ+»), are
read into category codes kept in memory only: the service turns them into the event's anonymous
tally and never stores them on the named row (domain.md §9). Every column not taken is listed
in `ignored_columns`.

Formula-looking text (= + - @ at the start) is kept as plain text; exports keep it text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.events import tallies
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.text import clean, fold
from rcdesk.imports.text_files import read_text_table, to_grid
from rcdesk.plans.xlsx_grid import Grid, read_workbook
from rcdesk.validation.ids import IdCheck, check_id

FIELDS = ("name", "first", "last", "id", "org", "role", "territory", "phone", "email", "contact", "minor",
          "age", "gender", "sex", "age_range", "ethnicity", "disability", "ignore")
# demographic field → tally dimension (rcdesk/data/events/tallies.json); «sexo» fills género's
# count for a row whose género is blank (the CPCCS form asks hombres / mujeres / GLBTI)
DEMOGRAPHIC = {"gender": "genero", "sex": "genero", "age_range": "edad", "ethnicity": "etnia",
               "disability": "discapacidad"}
_EXACT = {
    "name": {"nombres y apellidos", "apellidos y nombres", "nombre completo", "nombre", "nombre y apellido",
             "nombres y apellido", "participante", "asistente", "nombre del participante", "nombre del asistente",
             "nombres completos", "apellidos nombres", "nombres apellidos"},
    "first": {"nombres"},
    "last": {"apellidos"},
    "id": {"cedula", "ci", "c i", "cc", "no cedula", "nro cedula", "numero de cedula", "n cedula", "documento",
           "no documento", "numero de documento", "nro de documento", "no de documento", "documento de identidad",
           "identificacion", "no identificacion", "dni", "nit", "ruc", "cedula ruc", "cedula o ruc", "n de cedula",
           "no de cedula", "cedula de identidad", "cedula de ciudadania", "num documento", "id"},
    "org": {"organizacion", "institucion", "entidad", "sector", "organizacion sector", "organizacion o sector",
            "organizacion institucion", "empresa", "colectivo", "institucion u organizacion", "dependencia"},
    "role": {"cargo", "rol", "calidad", "tipo de participante", "tipo", "calidad en la que asiste", "funcion"},
    "territory": {"canton", "parroquia", "comunidad", "barrio", "municipio", "territorio", "procedencia", "lugar",
                  "localidad", "recinto", "vereda", "canton parroquia comunidad", "canton parroquia",
                  "lugar de procedencia", "corregimiento", "zona", "direccion"},
    "phone": {"telefono", "celular", "movil", "tel", "telefono celular", "no telefono", "numero de telefono",
              "whatsapp", "telf"},
    "email": {"correo", "email", "e mail", "correo electronico", "mail"},
    "contact": {"telefono o correo", "contacto", "telefono correo", "datos de contacto"},
    "minor": {"menor de edad", "menor", "es menor de edad"},
    "age": {"edad", "anos"},
    "gender": {"genero", "identidad de genero", "genero sexo", "sexo genero", "genero f m lgbtiq+"},
    "sex": {"sexo", "sexo h m", "sexo biologico"},
    "age_range": {"rango de edad", "rango edad", "rangos de edad", "grupo de edad", "grupo etario", "edad rango",
                  "grupo etareo", "rango etario"},
    "ethnicity": {"etnia", "autoidentificacion", "autoidentificacion etnica", "pueblos y nacionalidades",
                  "pueblo y nacionalidad", "pueblo o nacionalidad", "pueblo nacionalidad", "autorreconocimiento etnico",
                  "grupo etnico", "pertenencia etnica", "etnia pueblo"},
    "disability": {"discapacidad", "tiene discapacidad", "persona con discapacidad", "con discapacidad"},
    "ignore": {"no", "n", "nro", "numero", "item", "firma", "orden", "n o", "no orden", "observaciones", "hora"},
}
_CONTAINS = (
    ("firma", "ignore"), ("genero", "gender"), ("autoidentific", "ethnicity"), ("etnic", "ethnicity"),
    ("pueblos", "ethnicity"), ("discapacidad", "disability"), ("rango de edad", "age_range"), ("correo", "email"), ("mail", "email"), ("telefono", "phone"), ("celular", "phone"),
    ("cedula", "id"), ("documento", "id"), ("identificacion", "id"), ("nombre", "name"),
    ("organizacion", "org"), ("institucion", "org"), ("canton", "territory"), ("parroquia", "territory"),
    ("comunidad", "territory"), ("municipio", "territory"), ("cargo", "role"), ("menor", "minor"),
)
_PUNCT = re.compile(r"[.,:;°º#/()\-_*¿?'\"“”]+")
_YES = {"si", "s", "x", "1", "yes", "true", "verdadero", "menor"}
_PARTICLES = {"de", "del", "la", "las", "los", "y", "da", "van", "von"}

ROW_STATUSES = {
    "ok": "Correcta", "repaired": "Reparada", "warning": "Con aviso", "invalid": "Documento no válido",
    "duplicate": "Duplicada", "error": "Con error",
}


@dataclass(frozen=True)
class SheetRow:
    line: int                  # row number as the user sees it in the sheet (1-based)
    name: str
    id_check: IdCheck
    organization: str = ""
    role: str = "CIUDADANO"
    territory: str = ""
    phone: str = ""
    email: str = ""
    is_minor: bool = False
    status: str = "ok"         # key of ROW_STATUSES
    message: str = ""
    duplicate_of: str = ""     # "fila 12" or "ya registrado como Nº 34 …"
    # ((dimension, category), …) for the anonymous tally; in memory only, never saved on the row
    demographics: tuple[tuple[str, str], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class IgnoredColumn:
    sheet: str
    column: str                # letter, as the user sees it (A, B, … AA)
    header: str

    def as_json(self) -> dict:
        return {"sheet": self.sheet, "column": self.column, "header": self.header}

    def __str__(self) -> str:
        return f"hoja «{self.sheet}», columna {self.column} («{self.header or 'sin encabezado'}»)"


@dataclass
class ParsedSheet:
    source: str
    sheet: str
    header_line: int
    columns: dict[str, str]    # field -> header text found
    rows: list[SheetRow] = field(default_factory=list)
    blank_rows: int = 0
    ignored_columns: list[IgnoredColumn] = field(default_factory=list)
    demographic_columns: dict[str, str] = field(default_factory=dict)  # tally dimension → header(s) read
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""         # CSV only: how the text was decoded (shown in the preview)

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


def _norm_header(value: object) -> str:
    return clean(_PUNCT.sub(" ", fold(clean(value))))


def classify_header(value: object) -> str | None:
    h = _norm_header(value)
    if not h:
        return None
    for fld, variants in _EXACT.items():
        if h in variants:
            return fld
    for needle, fld in _CONTAINS:
        if needle in h:
            return fld
    return None


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
        (("autoridad", "alcald", "gobernador", "concejal", "presidente", "teniente", "jefe politic", "comisari"),
         "AUTORIDAD"),
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


def col_letter(c: int) -> str:
    out = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


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
        head = grid.get(top, c)
        fld = classify_header(head) if isinstance(head, str) else None
        if fld not in DEMOGRAPHIC:
            continue
        dim = DEMOGRAPHIC[fld]
        cols = {}
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
            groups.append(_Marks(fld, _text(head), cols))
    return groups


def _single_row_marks(grid: Grid, r: int, taken: set[int], country: str) -> list[_Marks]:
    """Header cells that are themselves categories («Mujer | Hombre | LGBTIQ+», «18-29 | 30-64»), one
    row, X below: grouped per dimension when at least two of a dimension sit side by side."""
    by_field: dict[str, _Marks] = {}
    for c in range(grid.width):
        head = grid.get(r, c)
        if c in taken or not isinstance(head, str) or len(head) < 2 or classify_header(head):
            continue
        for fld, dim in (("gender", "genero"), ("age_range", "edad"), ("ethnicity", "etnia")):
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


def _find_header(rows: list[list[object]]) -> tuple[int, dict[int, str]] | None:
    best = None
    for i, row in enumerate(rows[:25]):
        mapping: dict[int, str] = {}
        for j, cell in enumerate(row):
            fld = classify_header(cell) if isinstance(cell, str) else None
            if fld and fld not in mapping.values() or fld == "ignore":
                mapping[j] = fld
        fields = set(mapping.values())
        has_name = "name" in fields or ("first" in fields and "last" in fields) or "first" in fields
        if not has_name:
            continue
        score = len(fields - {"ignore"})
        if best is None or score > best[2]:
            best = (i, mapping, score)
    return (best[0], best[1]) if best else None


_NOT_MARKED = {"", "no", "0", "-", "false", "falso", "n"}


def _marked(value: object) -> bool:
    return fold(_text(value)) not in _NOT_MARKED


def read_attendance(path: Path | str, country: str = "EC", *, progress: ProgressFn = no_progress,
                    cancel: CancelToken = NEVER_CANCELLED) -> ParsedSheet:
    """Read and check an attendance sheet; raises UserError when no name column is found."""
    path = Path(path)
    grids, encoding, warnings = _read_grid(path)
    found = None
    for g in grids:
        h = _find_header(g.rows)
        if h:
            found = (g, *h)
            break
    if found is None:
        names = ", ".join(f"«{g.name}»" for g in grids) or "(sin hojas)"
        raise UserError(
            f"«{path.name}»: no se encontró la columna de nombres en ninguna hoja ({names}). "
            "La fila de encabezados debe tener una columna «Nombres y apellidos» (o «Nombre», «Nombres» y "
            "«Apellidos», «Participante»). No se importó nada.")
    grid, header_idx, mapping = found
    sheet, rows = grid.name, grid.rows
    header = rows[header_idx]
    # X marks: the header row holds «Género» over «F | M | LGBTIQ+» in the row below, or the
    # header row holds the sub-headers and the group sits in the row above it
    marks = _mark_groups(grid, header_idx, header_idx + 1, country)
    data_start = header_idx + 2 if marks else header_idx + 1
    if not marks:
        marks = _mark_groups(grid, header_idx - 1, header_idx, country)
    for m in marks:
        mapping = {j: f for j, f in mapping.items() if f != m.field}
    marks += _single_row_marks(grid, header_idx, set(mapping) | {j for m in marks for j in m.columns}, country)
    marked_cols = {j for m in marks for j in m.columns}
    columns = {fld: _text(header[j]) for j, fld in mapping.items() if fld != "ignore"}
    parsed = ParsedSheet(path.name, sheet, header_idx + 1, columns, warnings=warnings, encoding=encoding)
    col = {fld: j for j, fld in mapping.items() if fld != "ignore"}
    if "first" in col and "last" not in col and "name" not in col:
        col["name"] = col.pop("first")
    text_demo = {fld: j for fld, j in col.items() if fld in DEMOGRAPHIC}
    for fld, j in text_demo.items():
        dim = DEMOGRAPHIC[fld]
        parsed.demographic_columns.setdefault(dim, "")
        parsed.demographic_columns[dim] = " y ".join(filter(None, (parsed.demographic_columns[dim],
                                                                     f"«{_text(header[j])}» (texto)")))
    for m in marks:
        labels = " | ".join(_text(grid.get(data_start - 1, j)) or _text(header[j]) for j in m.columns)
        dim = DEMOGRAPHIC[m.field]
        desc = f"«{m.header}»: {labels} (marcas X)" if m.header and m.header != labels else f"{labels} (marcas X)"
        parsed.demographic_columns[dim] = " y ".join(filter(None, (parsed.demographic_columns.get(dim), desc)))
    taken = set(col.values()) | marked_cols
    used_cols: set[int] = set()
    for row in rows[data_start:]:
        used_cols.update(j for j, v in enumerate(row) if v != "")
    for j in range(grid.width):
        head = _text(header[j]) if j < len(header) else ""
        if not head and data_start > header_idx + 1:
            head = _text(grid.get(header_idx + 1, j))
        if j not in taken and (head or j in used_cols):
            parsed.ignored_columns.append(IgnoredColumn(sheet, col_letter(j), head))
    unknown: dict[tuple[str, str], int] = {}
    ambiguous: list[int] = []
    seen: dict[str, int] = {}
    total = len(rows) - data_start
    for n, row in enumerate(rows[data_start:], start=data_start + 1):
        if n % 500 == 0:
            cancel.check()
            progress(n - data_start, total, "Revisando filas…")

        def get(fld: str) -> object:
            j = col.get(fld)
            return row[j] if j is not None and j < len(row) else None

        if "name" in col:
            name = _text(get("name"))
        else:
            name = clean(f"{_text(get('first'))} {_text(get('last'))}")
        id_raw = get("id")
        org, terr = _text(get("org")), _text(get("territory"))
        phone, email = _text(get("phone")), _text(get("email"))
        contact = _text(get("contact"))
        if contact:
            if "@" in contact:
                email = email or contact
            else:
                phone = phone or contact
        if not any((name, _text(id_raw), org, terr, phone, email)):
            parsed.blank_rows += 1
            continue
        minor = fold(_text(get("minor"))) in _YES
        age = get("age")
        try:
            if age not in (None, "") and float(str(age).replace(",", ".")) < 18:
                minor = True
        except ValueError:
            pass
        found_codes: dict[str, str] = {}
        for fld, j in text_demo.items():
            value = _text(row[j]) if j < len(row) else ""
            if not value:
                continue
            code = tallies.category(DEMOGRAPHIC[fld], value, country)
            if code is None:
                key = (_text(header[j]), value)
                unknown[key] = unknown.get(key, 0) + 1
            else:
                found_codes.setdefault(fld, code)
        for m in marks:
            hits = {m.columns[j] for j in m.columns if j < len(row) and _marked(row[j])}
            if len(hits) == 1:
                found_codes.setdefault(m.field, hits.pop())
            elif hits:
                ambiguous.append(n)
        if "age_range" not in found_codes and age not in (None, ""):
            code = tallies.age_category(age, country)
            if code:
                found_codes["age_range"] = code
        demo = {}
        for fld in ("gender", "sex", "age_range", "ethnicity", "disability"):
            if fld in found_codes:
                demo.setdefault(DEMOGRAPHIC[fld], found_codes[fld])
        idc = check_id(id_raw, country)
        r = SheetRow(n, smart_case(name), idc, org, role_code(_text(get("role"))), terr, phone, email, minor,
                     demographics=tuple(demo.items()))
        if not name:
            r = replace(r, status="error", message=f"fila {n}: falta el nombre")
        elif idc.status == "invalid":
            r = replace(r, status="invalid", message=f"fila {n}, columna «{columns.get('id', 'documento')}»: "
                                                    f"{idc.raw} – {idc.message}")
        elif idc.number and idc.number in seen:
            r = replace(r, status="duplicate", duplicate_of=f"fila {seen[idc.number]}",
                        message=f"fila {n}: documento {idc.number} repetido (ya está en la fila {seen[idc.number]})")
        elif idc.status in ("repaired", "warning"):
            r = replace(r, status=idc.status, message=f"fila {n}: {idc.raw} → {idc.number}: {idc.message}")
        if idc.number and r.status != "duplicate" and idc.status != "invalid":
            seen.setdefault(idc.number, n)
        parsed.rows.append(r)
    if not parsed.rows:
        raise UserError(f"«{path.name}», hoja «{sheet}»: no hay filas con datos debajo del encabezado "
                        f"(fila {header_idx + 1}). No se importó nada.")
    for (head, value), k in sorted(unknown.items()):
        parsed.warnings.append(f"hoja «{sheet}», columna «{head}»: valor «{value}» no reconocido en {k} fila(s); "
                               "se cuenta como «No responde».")
    if ambiguous:
        shown = ", ".join(map(str, ambiguous[:10])) + (" …" if len(ambiguous) > 10 else "")
        parsed.warnings.append(f"hoja «{sheet}»: filas con más de una X en el mismo grupo ({shown}); no se cuentan "
                               "en ese grupo.")
    progress(total, total, "Hoja revisada")
    return parsed
