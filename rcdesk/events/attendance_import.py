"""Read attendance sheets typed after an event (.xlsx/.xls/.csv) into checked rows.

Real sheets have title rows above the header, header variants ("Nombres y apellidos",
"APELLIDOS Y NOMBRES", "N° Cédula", "C.I."…), ID numbers stored as numbers (leading zero
lost, 1714307103.0), blank and pre-numbered empty rows, mixed case and stray spaces. This
module finds the header, maps the columns, validates each ID (rcdesk.validation.ids) and
marks duplicates inside the file. No database access: the service adds the duplicates
against rows already registered and saves everything in one transaction.

Formula-looking text (= + - @ at the start) is kept as plain text; exports keep it text.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.text import clean, fold
from rcdesk.validation.ids import IdCheck, check_id

FIELDS = ("name", "first", "last", "id", "org", "role", "territory", "phone", "email", "contact", "minor",
          "age", "ignore")
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
    "ignore": {"no", "n", "nro", "numero", "item", "firma", "orden", "n o", "no orden", "observaciones", "hora"},
}
_CONTAINS = (
    ("firma", "ignore"), ("correo", "email"), ("mail", "email"), ("telefono", "phone"), ("celular", "phone"),
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


@dataclass
class ParsedSheet:
    source: str
    sheet: str
    header_line: int
    columns: dict[str, str]    # field -> header text found
    rows: list[SheetRow] = field(default_factory=list)
    blank_rows: int = 0

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


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


def _read_grid(path: Path) -> list[tuple[str, list[list[object]]]]:
    """[(sheet name, rows)] of the file; raises UserError for unreadable files."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise UserError(f"No existe el archivo «{path}».")
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        try:
            from python_calamine import CalamineWorkbook

            wb = CalamineWorkbook.from_path(str(path))
            return [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
                    for name in wb.sheet_names]
        except UserError:
            raise
        except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file for the user
            raise UserError(f"No se puede leer «{path.name}» como hoja de cálculo: {exc}") from exc
    if suffix in (".csv", ".txt"):
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
            if sample.count(";") > sample.count(","):
                dialect = type("Semi", (csv.excel,), {"delimiter": ";"})
        return [(path.stem, [list(r) for r in csv.reader(io.StringIO(text), dialect)])]
    raise UserError(f"«{path.name}»: formato no admitido; use .xlsx, .xls o .csv.")


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


def read_attendance(path: Path | str, country: str = "EC", *, progress: ProgressFn = no_progress,
                    cancel: CancelToken = NEVER_CANCELLED) -> ParsedSheet:
    """Read and check an attendance sheet; raises UserError when no name column is found."""
    path = Path(path)
    grids = _read_grid(path)
    found = None
    for sheet, rows in grids:
        h = _find_header(rows)
        if h:
            found = (sheet, rows, *h)
            break
    if found is None:
        names = ", ".join(f"«{s}»" for s, _ in grids) or "(sin hojas)"
        raise UserError(
            f"«{path.name}»: no se encontró la columna de nombres en ninguna hoja ({names}). "
            "La fila de encabezados debe tener una columna «Nombres y apellidos» (o «Nombre», «Nombres» y "
            "«Apellidos», «Participante»). No se importó nada.")
    sheet, rows, header_idx, mapping = found
    header = rows[header_idx]
    columns = {fld: _text(header[j]) for j, fld in mapping.items() if fld != "ignore"}
    parsed = ParsedSheet(path.name, sheet, header_idx + 1, columns)
    col = {fld: j for j, fld in mapping.items() if fld != "ignore"}
    if "first" in col and "last" not in col and "name" not in col:
        col["name"] = col.pop("first")
    seen: dict[str, int] = {}
    total = len(rows) - header_idx - 1
    for n, row in enumerate(rows[header_idx + 1:], start=header_idx + 2):
        if n % 500 == 0:
            cancel.check()
            progress(n - header_idx - 1, total, "Revisando filas…")

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
        idc = check_id(id_raw, country)
        r = SheetRow(n, smart_case(name), idc, org, role_code(_text(get("role"))), terr, phone, email, minor)
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
    progress(total, total, "Hoja revisada")
    return parsed
