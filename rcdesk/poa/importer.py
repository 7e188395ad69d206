"""Read POA-shaped workbooks through the column mapping: POAs, plans de acción, planes indicativos.

Shapes of real offices this reads (each column mapped, kept or reported — nothing dropped):
- one sheet per unit, or one sheet with a unit / «RESPONSABLE» column (one unit per distinct
  value, matched ignoring case, accents and spacing; units the database lacks are created);
- quarter (cuatrimestre, month) blocks «T1. PLANEADO 2024», «T1. EJECUTADO 2024» … repeated per
  year: one POA per unit and year, or only `year`'s columns;
- a hierarchy in columns (eje, programa, subprograma, meta de resultado + indicador) or in rows
  typed by a «Clase» column (D / L / P / I / Pr) or by the length of their code;
- a title block above the table (organismo, fecha de reporte, vigencia);
- Ecuador's budget columns (codificado, comprometido, devengado) and Colombia's (apropiación
  inicial / definitiva, compromisos, obligaciones, pagos).
Numbers are kept exactly as the cell holds them (rounding happens only where they are shown).

Nothing here touches the database: `parse_grids` gets the known units and cantons and returns an
`ImportPreview` with every problem (errors block the save, warnings do not).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.imports.fields import EXACT, POA, WORDS, read_label
from rcdesk.imports.headers import Table, col_letter, find_table
from rcdesk.imports.mapping import Decision, SheetMapping, propose, unknown_overrides
from rcdesk.models.poa import PERIOD_COUNTS, POLARITIES
from rcdesk.plans.xlsx_grid import Grid, cell_text, read_workbook
from rcdesk.poa.parsed import ImportPreview, ParsedMeta, ParsedObjective, ParsedPoa
from rcdesk.text import fold

_YEAR_RE = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_NUM_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_NUM_COMMA_DEC = re.compile(r"^\d+(,\d+)?$")
_NUM_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
# what looks like an address in a «medio de verificación» cell (validated with check_url)
_URL_LIKE = re.compile(r"(?:\b[a-z][a-z0-9+.\-]*://|\bwww\.)[^\s;,<>\"]+", re.IGNORECASE)
_EMPTY_MARKS = {"-", "--", "—", "–", "n/a", "na", "no aplica", "s/d", "nd"}
_TOTALS = ("total", "subtotal", "suman", "promedio")
_DATE_TEXT = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2,4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")

# row classes of a plan de acción («Clase» column) -> (level key, rank in the hierarchy)
_CLASSES = {
    "d": ("dimension", 1),
    "dimension": ("dimension", 1),
    "e": ("eje", 1),
    "eje": ("eje", 1),
    "l": ("linea", 2),
    "linea": ("linea", 2),
    "linea estrategica": ("linea", 2),
    "p": ("programa", 3),
    "programa": ("programa", 3),
    "sp": ("subprograma", 4),
    "subprograma": ("subprograma", 4),
    "pr": ("proyecto", 5),
    "proyecto": ("proyecto", 5),
    "i": ("resultado", 0),
    "indicador": ("resultado", 0),
    "ir": ("resultado", 0),
    "indicador de resultado": ("resultado", 0),
}
_META_CLASSES = {"m", "mp", "meta", "meta de producto", "producto", "ip", "indicador de producto", "a", "actividad"}
LEVEL_LABELS = {
    "eje": "Eje",
    "dimension": "Dimensión",
    "linea": "Línea estratégica",
    "programa": "Programa",
    "subprograma": "Subprograma",
    "proyecto": "Proyecto",
    "resultado": "Meta de resultado",
    "objetivo": "Objetivo",
    "nivel": "Nivel",
}
META_LEVEL_LABELS = {
    "producto": "Producto",
    "resultado": "Resultado",
    "proyecto": "Proyecto",
    "programa": "Programa",
    "dimension": "Dimensión",
    "linea": "Línea",
    "eje": "Eje",
    "subprograma": "Subprograma",
}
_LEVEL_NAMES = {fold(v): k for k, v in META_LEVEL_LABELS.items()}
# hierarchy columns, top-down
_LEVEL_FIELDS = (
    ("eje", "eje"),
    ("linea", "linea"),
    ("programa", "programa"),
    ("subprograma", "subprograma"),
    ("proyecto", "proyecto"),
    ("objetivo", ""),
    ("meta_resultado", "resultado"),
)
_UNIT_TITLE_KEYS = (
    "organismo",
    "dependencia",
    "unidad",
    "unidad responsable",
    "secretaria",
    "entidad",
    "unidad administrativa",
    "direccion",
)
_DATE_TITLE_KEYS = ("fecha de reporte", "fecha de corte", "fecha", "corte", "fecha del reporte", "fecha reporte")
_YEAR_TITLE_KEYS = ("vigencia", "ano", "ano fiscal", "periodo", "ejercicio fiscal", "ejercicio")


def es_num(v: float) -> str:
    """Spanish display of a number in messages: 1.234,50; 12; 0,125 (more decimals only when it has them)."""
    digits = 2 if round(v, 2) == v else 4
    text = f"{v:,.{digits}f}"
    if digits == 4:
        text = text.rstrip("0")
    text = text.replace(",", "X").replace(".", ",").replace("X", ".")
    return text[:-3] if text.endswith(",00") else text


def parse_links(text: str) -> tuple[list[str], list[str]]:
    """(valid http(s) links, problems) of a «medio de verificación» cell.

    Several links may share a cell (one per line, or separated by spaces or «;»). Text
    with no address at all (a description such as «Actas firmadas») gives no link and no
    problem: the caller decides whether to warn."""
    from rcdesk.services.evidence import check_url

    links, problems = [], []
    for m in _URL_LIKE.finditer(text or ""):
        url = m.group(0).rstrip(").,;:")
        try:
            u = check_url(url)
        except UserError as exc:
            problems.append(exc.message)
            continue
        if u not in links:
            links.append(u)
    return links, problems


def parse_number(value: object) -> float | None:
    """Number from a cell, exactly: numbers as is, Spanish/English texts ("1.234,50", "1,234.50",
    "85 %", "$ 200", "0,125"); empty and "N/A"/"-" give None. Raises ValueError for other text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(str(value))
        return float(value)
    if not isinstance(value, str):
        raise ValueError(str(value))
    s = value.strip().lower().replace("usd", "").replace("cop", "").replace("$", "").replace("%", "")
    s = s.replace(" ", "").replace("\u00a0", "")
    if fold(value) in _EMPTY_MARKS or s in _EMPTY_MARKS:
        return None
    neg = s.startswith("-")
    body = s[1:] if neg else s
    if _NUM_DOTS.match(body):
        body = body.replace(".", "").replace(",", ".")
    elif _NUM_COMMA_DEC.match(body):
        body = body.replace(",", ".")
    elif _NUM_COMMAS.match(body):
        body = body.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d+)?(e[+-]?\d+)?|\.\d+", body):
        raise ValueError(value)
    v = float(body)
    if v in (float("inf"),):
        raise ValueError(value)
    return -v if neg else v


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        t = value.strip()
        m = _DATE_TEXT.match(t)
        if m:
            d, mo, y = (int(x) for x in m.groups())
            y = y + 2000 if y < 100 else y
            try:
                return date(y, mo, d)
            except ValueError:
                return None
        m = _ISO_DATE.match(t)
        if m:
            try:
                return date(*(int(x) for x in m.groups()))
            except ValueError:
                return None
    return None


@lru_cache(maxsize=4096)
def unit_key(name: str) -> str:
    """How unit names are compared: case, accents and spacing ignored."""
    return re.sub(r"[\s.,;:_\-]+", "", fold(name))


def _strip_code(name: str) -> str:
    return re.sub(r"^\s*[\d.\-]+\s*[-–.:]?\s*", "", name)


class Units:
    """Known units and cantons, and the new units a file names (created on save)."""

    def __init__(self, units, cantons: dict[str, tuple[str, str]]) -> None:
        self.units = list(units)
        self.cantons = cantons  # folded name or code -> (id, name)
        self._by_key: dict[str, list] = {}
        for u in self.units:
            for k in {unit_key(u.name), unit_key(_strip_code(u.name))}:
                if k:
                    self._by_key.setdefault(k, []).append(u)
        self.new: dict[str, str] = {}  # key -> name as first written

    def canton(self, text: str) -> tuple[str, str] | None:
        return self.cantons.get(fold(text))

    def match(self, text: str, canton_id: str | None = None) -> list:
        found = []
        for k in (unit_key(text), unit_key(_strip_code(text))):
            found = self._by_key.get(k, [])
            if found:
                break
        if not found:
            # «Guano» for «Jefatura Política de Guano»: a unique whole-word match
            words = fold(_strip_code(text))
            if len(words) >= 4:
                found = [u for u in self.units if re.search(rf"\b{re.escape(words)}\b", fold(u.name))]
                if canton_id is None and len(found) > 1:
                    found = []
        if canton_id is not None:
            found = [u for u in found if u.canton_id == canton_id] or found
        return found

    def resolve(self, text: str, canton_id: str | None = None) -> tuple[str | None, str, str]:
        """(unit id or None for a new unit, unit name, canton name)."""
        found = self.match(text, canton_id)
        if found:
            u = found[0]
            return u.unit_id, u.name, u.canton_name
        name = " ".join(text.split())
        self.new.setdefault(unit_key(name), name)
        return None, self.new[unit_key(name)], ""


def _score(text: str) -> int:
    """How strongly a header cell names a POA field (header band detection)."""
    if len(text) > 60:
        return 0
    f, s = POA.match(read_label(text))
    return s if f is not None and s >= WORDS and (s == EXACT or len(text) <= 40) else 0


def parse_workbook(
    path: str | Path,
    *,
    units,
    cantons: dict[str, tuple[str, str]],
    unit_id: str | None = None,
    year: int | None = None,
    replace: bool = False,
    existing: set[tuple[str, int]] | None = None,
    sheets: list[str] | None = None,
    profile: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    profile_name: str = "",
) -> ImportPreview:
    """Read and check a POA workbook; never raises for bad content (see `ImportPreview.errors`)."""
    path = Path(path)
    grids = read_workbook(path)
    return parse_grids(
        grids,
        path.name,
        units=units,
        cantons=cantons,
        unit_id=unit_id,
        year=year,
        replace=replace,
        existing=existing,
        sheets=sheets,
        profile=profile,
        overrides=overrides,
        profile_name=profile_name,
    )


def tables(grids: list[Grid], sheets: list[str] | None = None) -> tuple[list[Table], list[str]]:
    """The POA tables of a workbook and a warning for each sheet skipped."""
    warnings = []
    found = []
    wanted = {fold(s) for s in sheets or []}
    if wanted:
        missing = wanted - {fold(g.name) for g in grids}
        if missing:
            names = ", ".join(f"«{g.name}»" for g in grids)
            raise UserError(f"El libro no tiene la hoja «{sorted(missing)[0]}». Hojas: {names}.")
    for grid in grids:
        if wanted and fold(grid.name) not in wanted:
            continue
        if not grid.rows:
            continue
        table = find_table(grid, _score)
        if table is None:
            warnings.append(
                f"hoja «{grid.name}»: no se encontraron encabezados de POA (Meta, Indicador, Programado…); se omitió."
            )
            continue
        found.append(table)
    return found, warnings


def parse_grids(
    grids: list[Grid],
    source_name: str,
    *,
    units,
    cantons,
    unit_id=None,
    year=None,
    replace=False,
    existing=None,
    sheets=None,
    profile=None,
    overrides=None,
    profile_name="",
) -> ImportPreview:
    prev = ImportPreview(source_name=source_name, replace=replace, profile_name=profile_name, year=year)
    known = Units(units, cantons)
    fixed_unit = None
    if unit_id:
        fixed_unit = next((u for u in known.units if u.unit_id == unit_id or u.unit_id.startswith(unit_id)), None)
        if fixed_unit is None:
            raise UserError(f"No existe la unidad «{unit_id}». Use «rcdesk poa units» para ver las unidades.")
    found, skipped = tables(grids, sheets)
    prev.warnings.extend(skipped)
    mappings = [
        propose(t, POA, year=year, profile=profile, overrides=overrides, profile_name=profile_name) for t in found
    ]
    if overrides:
        for head in unknown_overrides(mappings, overrides):
            prev.errors.append(f"--map «{head}»: ninguna hoja tiene esa columna.")
    data = [sm for sm in mappings if sm.mapped("meta") or (sm.mapped("clase") and sm.mapped("nombre"))]
    for sm in mappings:
        if sm not in data:
            prev.warnings.append(
                f"hoja «{sm.sheet}»: ninguna columna es la meta; se omitió (asigne el campo «meta» "
                "a una columna si la hoja tiene metas)."
            )
    if not data:
        raise UserError(
            f"«{source_name}» no parece un POA: ninguna hoja tiene una columna de metas («Meta», «Meta de producto», "
            '«Descripción de la meta»…). Asigne el campo «meta» a una columna (--map "ENCABEZADO=meta").'
        )
    prev.mappings = data
    for sm in data:
        prev.questions.extend(sm.questions)
    file_year = _year_in(source_name)
    multi_sheet = len(data) > 1
    poas: dict[tuple[str, int], ParsedPoa] = {}
    for sm in data:
        _parse_sheet(sm, prev, known, poas, fixed_unit, year, file_year, multi_sheet, source_name)
    for (ukey, fy), p in poas.items():
        if existing and p.unit_id and (p.unit_id, fy) in existing and not replace:
            prev.errors.append(
                f"Ya existe el POA {fy} de «{p.unit_name}». Elija «Reemplazar» (opción --replace) "
                "para sustituirlo por el del archivo."
            )
    prev.poas = sorted(
        (p for p in poas.values() if p.meta_count), key=lambda p: (p.canton_name, p.unit_name, p.fiscal_year)
    )
    prev.new_units = sorted(known.new.values(), key=fold)
    if prev.new_units:
        prev.warnings.append(
            "Unidades nuevas que se crearán al guardar: " + ", ".join(f"«{n}»" for n in prev.new_units) + "."
        )
    kinds = {p.period_kind for p in prev.poas}
    if len(kinds) > 1:
        prev.errors.append("Las hojas usan periodos de distinto tipo; importe cada periodicidad por separado.")
    if not prev.poas and not prev.errors:
        prev.errors.append(f"«{source_name}» no contiene metas.")
    return prev


def _year_in(text: str) -> int | None:
    m = _YEAR_RE.search(text or "")
    return int(m.group(1)) if m else None


def _title(table: Table, keys: tuple[str, ...]) -> object:
    for k in keys:
        if k in table.title and table.title[k] not in ("", None):
            return table.title[k]
    return None


def _title_year(table: Table) -> int | None:
    v = _title(table, _YEAR_TITLE_KEYS)
    if isinstance(v, (int, float)) and 1990 <= int(v) <= 2100:
        return int(v)
    if isinstance(v, str) and _year_in(v):
        return _year_in(v)
    for line in table.title_lines:
        y = _year_in(line)
        if y:
            return y
    return None


@dataclass
class _Sheet:
    """What one sheet's rows need while they are read."""

    sm: SheetMapping
    prev: ImportPreview
    kind: str
    n: int
    fixed_unit: bool = False  # --unit: every row belongs to that unit whatever a column says

    def __post_init__(self) -> None:
        # decisions by field, once: rows ask for them thousands of times
        self.by_field: dict[str, list[Decision]] = {}
        for d in self.sm.decisions:
            if d.action == "campo" and d.target is not None:
                self.by_field.setdefault(d.target.field, []).append(d)
        self.numeric = [d for k, ds in self.by_field.items() if k in _NUMERIC_FIELDS for d in ds]
        self._one_memo: dict[tuple[str, int | None], Decision | None] = {}
        self._periodic_memo: dict[tuple[str, int], list[tuple[Decision, int]]] = {}
        # «Ejecutado T2 2024» -> «Programado T2 2024», for the typo check on every row
        planned = {(d.field_target.period, d.field_target.year): d for d in self.by_field.get("programado", ())}
        self.planned_of = {
            d.letter: planned.get((d.field_target.period, d.field_target.year))
            for d in self.by_field.get("ejecutado", ())
        }

    def mapped(self, key: str) -> list[Decision]:
        return self.by_field.get(key, [])

    def one(self, key: str, year: int | None = None) -> Decision | None:
        memo = self._one_memo
        if (key, year) not in memo:
            found = [d for d in self.by_field.get(key, ()) if year is None or d.field_target.year in (None, year)]
            exact = [d for d in found if d.field_target.year == year]
            memo[(key, year)] = exact[0] if exact else (found[0] if found else None)
        return memo[(key, year)]

    def periodic(self, key: str, year: int) -> list[tuple[Decision, int]]:
        """(column, period) of a per-period field for one year (asked for every row: worked out once)."""
        memo = self._periodic_memo
        if (key, year) not in memo:
            memo[(key, year)] = [
                (d, t.period)
                for d in self.by_field.get(key, ())
                if (t := d.field_target).year in (None, year) and t.period is not None and 1 <= t.period <= self.n
            ]
        return memo[(key, year)]

    @property
    def grid(self) -> Grid:
        return self.sm.table.grid

    def where(self, r: int, d: Decision | None = None) -> str:
        s = f"hoja «{self.grid.name}», fila {r + 1}"
        if d is not None:
            s += f", columna {d.letter} («{d.header}»)"
        return s

    def raw(self, r: int, d: Decision | None) -> object:
        return "" if d is None else self.grid.value(r, d.column.index)

    def text(self, r: int, d: Decision | None) -> str:
        return cell_text(self.raw(r, d)).strip()

    def number(self, r: int, d: Decision | None, problems: list[str], *, negative: bool = False) -> float | None:
        if d is None:
            return None
        v = self.raw(r, d)
        try:
            x = parse_number(v)
        except ValueError:
            problems.append(f"{self.where(r, d)}: «{cell_text(v)}» no es un número.")
            return None
        if x is not None and x < 0 and not negative:
            problems.append(f"{self.where(r, d)}: el valor no puede ser negativo ({cell_text(v)}).")
            return None
        return x


def _parse_sheet(
    sm: SheetMapping,
    prev: ImportPreview,
    known: Units,
    poas: dict,
    fixed_unit,
    year: int | None,
    file_year: int | None,
    multi_sheet: bool,
    source_name: str,
) -> None:
    table = sm.table
    grid = table.grid
    kinds = sm.period_kinds()
    if len(kinds) > 1:
        prev.errors.append(
            f"hoja «{grid.name}»: mezcla periodos de distinto tipo ({', '.join(sorted(kinds))}); "
            "use solo trimestres, cuatrimestres o meses (o ignore las columnas que sobran)."
        )
        return
    kind = kinds.pop() if kinds else "trimestre"
    if kind not in PERIOD_COUNTS:
        prev.errors.append(
            f"hoja «{grid.name}»: periodos de tipo «{kind}» no admitidos (trimestre, cuatrimestre o mes)."
        )
        return
    n = PERIOD_COUNTS[kind]
    for d in sm.decisions:
        if d.action == "campo" and d.target and d.target.period is not None and not 1 <= d.target.period <= n:
            prev.errors.append(
                f"hoja «{grid.name}», columna {d.letter} («{d.header}»): el periodo {d.target.period} "
                f"no existe (hay {n})."
            )
    sh = _Sheet(sm, prev, kind, n, fixed_unit is not None)
    # which years: the year-labelled blocks, or one year for the whole sheet
    sheet_year = year or _title_year(table) or _year_in(grid.name) or file_year
    years = sm.years()
    if year is not None:
        all_years = sorted({y for d in sm.decisions if (y := read_label(d.column.path).year)})
        if all_years and year not in all_years:
            prev.errors.append(
                f"hoja «{grid.name}»: no hay columnas del año {year} (el archivo tiene "
                f"{', '.join(map(str, all_years))})."
            )
            return
        years = [year]
    elif not years:
        years = [sheet_year] if sheet_year else []
    if not years:
        prev.errors.append(
            f"hoja «{grid.name}»: no se sabe el año fiscal del POA; escríbalo en el título "
            "(«POA 2025») o indíquelo (opción --year)."
        )
        return
    if len(years) > 1:
        prev.warnings.append(
            f"hoja «{grid.name}»: hay columnas de {len(years)} años ({', '.join(map(str, years))}); "
            "se crea un POA por unidad y año (elija un año, o --year, para importar solo uno)."
        )
    report_date = _as_date(_title(table, _DATE_TITLE_KEYS))
    sheet_unit = _sheet_unit(sm, prev, known, fixed_unit, multi_sheet)
    if sheet_unit is False:
        return
    extra_title = {k: cell_text(v) if not isinstance(v, str) else v for k, v in table.title.items()}
    _RowWalk(sh, known, _PoaTarget(poas, sheet_unit, report_date, extra_title, source_name)).read(years)


def _sheet_unit(sm: SheetMapping, prev: ImportPreview, known: Units, fixed_unit, multi_sheet: bool):
    """(id, name, canton) of the unit a whole sheet belongs to, None when rows say it, False on error."""
    grid = sm.table.grid
    if fixed_unit is not None:
        return fixed_unit.unit_id, fixed_unit.name, fixed_unit.canton_name
    titled = _title(sm.table, _UNIT_TITLE_KEYS)
    if isinstance(titled, str) and titled.strip():
        return known.resolve(titled)
    if known.match(grid.name):
        return known.resolve(grid.name)
    if sm.mapped("unidad"):
        return None
    if multi_sheet or re.match(r"^\s*\d{2,}\s*[-–.]?\s*\S", grid.name):
        return known.resolve(grid.name)  # one sheet per unit, named after it
    prev.errors.append(
        f"hoja «{grid.name}»: no se sabe de qué unidad es el POA: el nombre de la hoja no es una unidad registrada y "
        "ninguna columna es «unidad». Asigne el campo «unidad» a una columna (p. ej. «RESPONSABLE») o indique la "
        "unidad (opción --unit)."
    )
    return False


def _level_of_class(text: str) -> tuple[str, int] | None:
    t = fold(text).strip(" .")
    if t in _META_CLASSES:
        return None
    if text.strip() in ("Pr", "PR", "pr"):
        return "proyecto", 5
    return _CLASSES.get(t)


class _Cols:
    """The column of each field a POA row reads (None when the sheet has none), decided once per sheet."""

    def __init__(self, sm: SheetMapping) -> None:
        one = sm.one
        self.meta, self.name, self.klass, self.code = one("meta"), one("nombre"), one("clase"), one("codigo")
        self.unit, self.canton = one("unidad"), one("canton")
        self.num, self.ind, self.uom = one("numero"), one("indicador"), one("unidad_medida")
        self.base, self.trend, self.acts = one("linea_base"), one("tendencia"), one("actividades")
        self.narr, self.contrib, self.year = one("gestion"), one("aporte"), one("anio")
        self.code_obj, self.align, self.res_ind = one("codigo_objetivo"), one("alineacion"), one("indicador_resultado")
        self.level = one("nivel_meta")
        # hierarchy columns, outermost first
        self.levels: list[tuple[str, Decision]] = []
        for f, lvl in _LEVEL_FIELDS:
            col = one(f)
            if col is not None:
                self.levels.append(
                    ("dimension" if lvl == "eje" and fold(col.header).startswith("dimension") else lvl, col)
                )


@dataclass
class _PoaTarget:
    """Where the metas of one sheet go, and what every POA made from it carries."""

    poas: dict
    sheet_unit: tuple[str | None, str, str] | None  # None: each row names its unit
    report_date: date | None
    extra_title: dict
    source_name: str


class _RowWalk:
    """The rows of one sheet read top to bottom: the hierarchy written once per block is carried down
    from row to row, and each meta row becomes a meta of the POA of its unit and year."""

    def __init__(self, sh: _Sheet, known: Units, to: _PoaTarget) -> None:
        self.sh, self.known, self.to = sh, known, to
        sm, grid = sh.sm, sh.grid
        self.c = _Cols(sm)
        self.kept = sm.kept()
        self.header_cells = list(grid.rows[sm.table.bottom])
        # a repeated header shows in its first named column: only such rows get the full comparison
        self.probe = next((c for c, v in enumerate(self.header_cells) if isinstance(v, str) and v), None)
        self.code_levels = _code_levels(sh, self.c.code, self.c.meta, self.c.klass)
        self.exec_annual_period = self._exec_annual_period()
        self.obj_index: dict = {}
        self.meta_counts: dict[int, int] = {}
        self.filled: dict[str, str] = {}  # hierarchy columns carried down
        self.stack: list[tuple[int, str, str, str]] = []  # class-typed rows: (rank, level, name, code)

    def _exec_annual_period(self) -> int | None:
        """The period an executed value without period is stored in (None when no column has one)."""
        sh, report_date = self.sh, self.to.report_date
        if not sh.sm.mapped("ejecutado_anual"):
            return None
        n = sh.n
        period = n
        if report_date is not None:
            period = min(n, (report_date.month - 1) // (12 // n) + 1)
        when = f"la fecha de reporte {report_date:%d/%m/%Y}" if report_date else "sin fecha de reporte: el último"
        sh.prev.warnings.append(
            f"hoja «{sh.grid.name}»: el valor ejecutado sin periodo se guarda en el periodo {period} ({when})."
        )
        return period

    def read(self, years: list[int]) -> None:
        sh = self.sh
        for r in range(sh.sm.table.first_data_row, sh.grid.height):
            if sh.grid.row_is_blank(r) or self._not_data(r):
                continue
            self._read_row(r, years)

    def _not_data(self, r: int) -> bool:
        """The header repeated after a page break, or a totals row."""
        sh, c, cells, header = self.sh, self.c, self.sh.grid.rows[r], self.header_cells
        probe = self.probe
        if (
            probe is not None
            and probe < len(cells)
            and cells[probe] == header[probe]
            and sum(1 for a, b in zip(cells, header, strict=False) if isinstance(a, str) and a and a == b) >= 3
        ):
            return True
        first = fold(next((cell_text(v) for v in cells if v != ""), ""))
        meta_text = sh.text(r, c.meta)
        return first.startswith(_TOTALS) and not sh.text(r, c.num) and (not meta_text or fold(meta_text) == first)

    def _read_row(self, r: int, years: list[int]) -> None:
        sh, c = self.sh, self.c
        self._carry_levels(r)
        row_level = self._row_level(r)
        meta_text = sh.text(r, c.meta)
        name = sh.text(r, c.name) or meta_text
        if row_level is not None and row_level[0] != "resultado":
            rank, lvl = row_level[1], row_level[0]
            while self.stack and self.stack[-1][0] >= rank:
                self.stack.pop()
            self.stack.append((rank, lvl, name or f"({LEVEL_LABELS.get(lvl, lvl)} sin nombre)", sh.text(r, c.code)))
            if not _has_values(sh, r):
                return  # a hierarchy row: its values, if any, are kept as a meta of that level below
        path = [
            (lvl, self.filled[lvl], "", self.filled.get("resultado_ind", "") if lvl == "resultado" else "")
            for lvl, _ in c.levels
            if self.filled.get(lvl)
        ]
        path += [(lvl, nm, code, "") for _, lvl, nm, code in self.stack]
        level = self._meta_level(r, row_level)
        meta_text = meta_text or name
        if not meta_text:
            if _has_values(sh, r):
                sh.prev.errors.append(f"{sh.where(r, c.meta)}: hay cifras pero falta la descripción de la meta.")
            return
        placed = self._unit_canton(r)
        if placed is None:
            return
        row_years = self._row_years(r, years)
        polarity = self._trend(r)
        if row_years is None or polarity is None:
            return
        problems: list[str] = []
        baseline = sh.number(r, c.base, problems, negative=True)
        links, link_problems, link_warnings = _links(sh, r)
        extra = {d.kept_name: _keep_value(sh.raw(r, d)) for d in self.kept if sh.raw(r, d) != ""}
        meta = _MetaRow(r, path, level, meta_text, baseline, polarity, links, placed[0], placed[1], extra)
        made_any = False
        for fy in row_years:
            made_any = self._add_meta(meta, fy, len(row_years) > 1, problems) or made_any
        if problems or link_problems:
            sh.prev.errors.extend(problems + link_problems)
        elif made_any:
            sh.prev.warnings.extend(link_warnings)
            _value_warnings(sh, r, sh.prev)

    def _carry_levels(self, r: int) -> None:
        """Hierarchy from columns (written once per block, or merged vertically): a new value clears the deeper ones."""
        sh, levels, filled = self.sh, self.c.levels, self.filled
        for lvl, d in levels:
            t = sh.text(r, d)
            if t:
                filled[lvl] = t
                deeper = False
                for lvl2, _ in levels:
                    if deeper:
                        filled.pop(lvl2, None)
                    if lvl2 == lvl:
                        deeper = True
                if lvl == "resultado":
                    filled["resultado_ind"] = sh.text(r, self.c.res_ind)

    def _row_level(self, r: int) -> tuple[str, int] | None:
        """(level, rank) of a row typed by its class or by the length of its code."""
        sh, c = self.sh, self.c
        ctext = sh.text(r, c.klass)
        if c.klass is not None and ctext:
            row_level = _level_of_class(ctext)
            if row_level is None and fold(ctext) not in _META_CLASSES:
                sh.prev.warnings.append(
                    f"{sh.where(r, c.klass)}: clase «{ctext}» desconocida; la fila se leyó como meta."
                )
            return row_level
        if self.code_levels and sh.text(r, c.code) in self.code_levels:
            return self.code_levels[sh.text(r, c.code)]
        return None

    def _meta_level(self, r: int, row_level: tuple[str, int] | None) -> str:
        sh, c = self.sh, self.c
        if row_level is not None:
            return row_level[0]  # a level row's own figures: a meta of that level inside its objective
        if c.level is not None and sh.text(r, c.level):
            return _LEVEL_NAMES.get(fold(sh.text(r, c.level)), fold(sh.text(r, c.level)))[:20]
        if c.klass is not None or self.code_levels or any(lvl == "resultado" for lvl, _ in c.levels):
            return "producto"
        return ""

    def _unit_canton(self, r: int) -> tuple[tuple, tuple | None] | None:
        """(unit, canton) of a row, None (error reported) when they are unknown or do not fit."""
        sh, c, known, prev = self.sh, self.c, self.known, self.sh.prev
        canton = None
        cantext = sh.text(r, c.canton)
        if cantext and fold(cantext) not in _NO_CANTON:
            canton = known.canton(cantext)
            if canton is None:
                prev.errors.append(
                    f"{sh.where(r, c.canton)}: el cantón «{cantext}» no existe en el catálogo de territorios."
                )
                return None
        unit = self.to.sheet_unit
        utext = sh.text(r, c.unit)
        if c.unit is not None and utext and not sh.fixed_unit:
            unit = known.resolve(utext, canton[0] if canton else None)
        if unit is None:
            prev.errors.append(f"{sh.where(r, c.unit)}: falta la unidad.")
            return None
        if canton and unit[0] is not None:
            u = next(x for x in known.units if x.unit_id == unit[0])
            if u.canton_id and u.canton_id != canton[0]:
                prev.errors.append(
                    f"{sh.where(r, c.unit or c.canton)}: la unidad «{u.name}» no pertenece al cantón «{canton[1]}»."
                )
                return None
        return unit, canton

    def _row_years(self, r: int, years: list[int]) -> list[int] | None:
        """The fiscal year of a row when a column says it, else the sheet's; None on error (reported)."""
        sh, d = self.sh, self.c.year
        if d is None or not sh.text(r, d):
            return years
        try:
            fy = int(parse_number(sh.raw(r, d)) or 0)
        except ValueError:
            sh.prev.errors.append(f"{sh.where(r, d)}: «{sh.text(r, d)}» no es un año.")
            return None
        if not 1990 <= fy <= 2100:
            sh.prev.errors.append(f"{sh.where(r, d)}: año fiscal {fy} fuera de rango.")
            return None
        return [fy]

    def _trend(self, r: int) -> str | None:
        """The polarity a row's trend cell says (INCREMENTO when empty); None on error (reported)."""
        sh, d = self.sh, self.c.trend
        ptext = fold(sh.text(r, d))
        if not ptext:
            return "INCREMENTO"
        read = _polarity(ptext)
        if read is None:
            sh.prev.errors.append(
                f"{sh.where(r, d)}: tendencia «{sh.text(r, d)}» desconocida "
                "(Incremento, Reducción o Mantenimiento; I, D o M)."
            )
        return read

    def _poa(self, unit: tuple, canton: tuple | None, fy: int) -> ParsedPoa | None:
        """The POA of a unit and year, made on first use; None (error reported) if another sheet made it
        with another periodicity."""
        sh, to = self.sh, self.to
        key = ((unit[0] or "new:" + unit_key(unit[1])), fy)
        poa = to.poas.get(key)
        if poa is None:
            poa = to.poas[key] = ParsedPoa(
                unit[0],
                unit[1],
                fy,
                sh.kind,
                (canton[1] if canton else unit[2]),
                to.source_name,
                sh.grid.name,
                report_date=to.report_date,
                extra={k: v for k, v in to.extra_title.items()},
            )
        elif poa.period_kind != sh.kind:
            sh.prev.errors.append(
                f"hoja «{sh.grid.name}»: la unidad «{unit[1]}» aparece con otra periodicidad en otra hoja."
            )
            return None
        return poa

    def _add_meta(self, m: _MetaRow, fy: int, several_years: bool, problems: list[str]) -> bool:
        """One year's meta of a row; False when that year gives none."""
        sh, c, r = self.sh, self.c, m.r
        values = _year_values(sh, r, fy, problems, self.exec_annual_period)
        if several_years and not values["any"]:
            return False  # this year's block is empty for the row
        poa = self._poa(m.unit, m.canton, fy)
        if poa is None:
            return False
        obj = _objective(poa, m.path, sh.text(r, c.code_obj), sh.text(r, c.align), self.obj_index)
        planned, target = self._planned_target(
            r, values, f"la programación {fy}" if several_years else "la programación"
        )
        acts = [a.strip(" -•·\t") for a in sh.text(r, c.acts).split("\n")]
        obj.metas.append(
            ParsedMeta(
                number=sh.text(r, c.num) or sh.text(r, c.code) or str(self.meta_counts.get(id(poa), 0) + 1),
                description=m.description,
                indicator=sh.text(r, c.ind),
                unit_of_measure=sh.text(r, c.uom),
                annual_target=target,
                baseline=m.baseline,
                polarity=m.polarity,
                planned=planned,
                executed=values["executed"],
                planned_budget=values["budget"],
                devengado=values["devengado"],
                codificado=values["codificado"],
                comprometido=values["comprometido"],
                activities=[a for a in acts if a],
                narrative=sh.text(r, c.narr),
                contribution=sh.text(r, c.contrib),
                links=m.links,
                where=sh.where(r),
                level=m.level,
                initial_budget=values["inicial"],
                pagado=values["pagado"],
                extra=dict(m.extra),
            )
        )
        self.meta_counts[id(poa)] = self.meta_counts.get(id(poa), 0) + 1
        return True

    def _planned_target(self, r: int, values: dict, which: str) -> tuple[list[float], float]:
        """The planned periods and annual target of one year's meta, each worked out from the other when
        missing; a warning when they disagree, or when more is spent than allotted."""
        sh, n = self.sh, self.sh.n
        planned = values["planned"]
        target = values["target"]
        if not values["has_planned"]:
            planned = [0.0] * (n - 1) + [target or 0.0]
        if target is None:
            # a computed total without binary noise (0.1 + 0.2): written and read back the same
            target = float(f"{math.fsum(planned):.15g}")
        elif (
            values["has_planned"]
            and abs(sum(planned) - target) > 1e-9 * max(1.0, abs(target))
            and abs(sum(planned) - target) > 0.005
        ):
            sh.prev.warnings.append(
                f"{sh.where(r)}: {which} suma {es_num(sum(planned))} y la meta anual es {es_num(target)}."
            )
        dev_sum = sum(v or 0 for v in values["devengado"])
        if values["codificado"] is not None and dev_sum > values["codificado"] + 0.005:
            sh.prev.warnings.append(
                f"{sh.where(r)}: el devengado ({es_num(dev_sum)}) supera al codificado "
                f"({es_num(values['codificado'])})."
            )
        return planned, target


@dataclass
class _MetaRow:
    """What a meta row gives every year's meta it makes."""

    r: int
    path: list[tuple[str, str, str, str]]
    level: str
    description: str
    baseline: float | None
    polarity: str
    links: list[tuple[int | None, str]]
    unit: tuple
    canton: tuple | None
    extra: dict  # kept columns: copied into each year's meta


def _keep_value(v: object) -> object:
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return v


def _polarity(ptext: str) -> str | None:
    t = ptext.strip(" .")
    short = {"i": "INCREMENTO", "a": "INCREMENTO", "m": "MANTENIMIENTO", "d": "REDUCCION", "r": "REDUCCION"}
    if t in short:
        return short[t]
    for k, lbl in POLARITIES.items():
        if fold(lbl).startswith(t[:5]) or fold(k) == t:
            return k
    if t.startswith(("aument", "crec", "increment")):
        return "INCREMENTO"
    if t.startswith(("dismin", "reduc", "decrec")):
        return "REDUCCION"
    return None


def _has_values(sh: _Sheet, r: int) -> bool:
    for d in sh.numeric:
        v = sh.raw(r, d)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return True
        if isinstance(v, str) and v.strip():
            try:
                if parse_number(v) is not None:
                    return True
            except ValueError:
                return True
    return False


_fold = lru_cache(maxsize=65536)(fold)  # hierarchy names repeat on every row of their block
# what rcdesk itself writes in «Cantón» for a unit without one
_NO_CANTON = {"sin territorio", "nivel provincial", "-", "n/a"}
_NUMERIC_FIELDS = {
    "meta_anual",
    "programado",
    "ejecutado",
    "presupuesto",
    "devengado_periodo",
    "codificado",
    "comprometido",
    "devengado",
    "pagado",
    "presupuesto_inicial",
    "ejecutado_anual",
}


def _year_values(sh: _Sheet, r: int, fy: int, problems: list[str], exec_annual_period: int | None) -> dict:
    n = sh.n

    def per_period(field: str) -> tuple[list[float | None], bool]:
        out: list[float | None] = [None] * n
        cols = sh.periodic(field, fy)
        for d, period in cols:
            v = sh.number(r, d, problems)
            if v is not None:
                out[period - 1] = v
        return out, bool(cols)

    def annual(field: str) -> float | None:
        d = sh.one(field, fy)
        return sh.number(r, d, problems) if d is not None and d.field_target.year in (None, fy) else None

    planned, has_planned = per_period("programado")
    executed, _ = per_period("ejecutado")
    budget, _ = per_period("presupuesto")
    dev_p, has_dev_p = per_period("devengado_periodo")
    exec_annual = annual("ejecutado_anual")
    if exec_annual is not None and exec_annual_period and executed[exec_annual_period - 1] is None:
        executed[exec_annual_period - 1] = exec_annual
    dev_total = annual("devengado")
    devengado = list(dev_p)
    if dev_total is not None and not has_dev_p:
        last = max((i for i, v in enumerate(executed) if v is not None), default=(exec_annual_period or n) - 1)
        devengado[last] = dev_total
    values = {
        "planned": [v if v is not None else 0.0 for v in planned],
        "has_planned": has_planned,
        "executed": executed,
        "budget": [v if v is not None else 0.0 for v in budget],
        "devengado": devengado,
        "target": annual("meta_anual"),
        "codificado": annual("codificado"),
        "comprometido": annual("comprometido"),
        "inicial": annual("presupuesto_inicial"),
        "pagado": annual("pagado"),
        "dev_total": dev_total,
    }
    values["any"] = any(
        v is not None
        for v in (
            *planned,
            *executed,
            *dev_p,
            values["target"],
            values["codificado"],
            values["comprometido"],
            values["inicial"],
            values["pagado"],
            dev_total,
        )
    ) or any(b for b in budget if b)
    return values


def _value_warnings(sh: _Sheet, r: int, prev: ImportPreview) -> None:
    # executed far above planned is usually a typo (a total typed in a quarter)
    for d in sh.mapped("ejecutado"):
        p_col = sh.planned_of.get(d.letter)
        if p_col is None:
            continue
        try:
            ev, pv = parse_number(sh.raw(r, d)), parse_number(sh.raw(r, p_col))
        except ValueError:
            continue
        if ev is not None and pv and pv > 0 and ev > 2 * pv:
            prev.warnings.append(
                f"{sh.where(r, d)}: lo ejecutado ({es_num(ev)}) supera el doble de lo programado "
                f"({es_num(pv)}); revise."
            )


def _links(sh: _Sheet, r: int) -> tuple[list[tuple[int | None, str]], list[str], list[str]]:
    links: list[tuple[int | None, str]] = []
    problems, warnings = [], []
    cols: list[tuple[Decision, int | None]] = [(d, None) for d in sh.mapped("enlaces")]
    cols += [(d, d.field_target.period) for d in sh.mapped("enlaces_periodo")]
    for d, period in cols:
        etext = sh.text(r, d)
        found, bad = parse_links(etext)
        problems += [f"{sh.where(r, d)}: {b}" for b in bad]
        if etext and not found and not bad:
            warnings.append(
                f"{sh.where(r, d)}: «{etext[:60]}» no contiene un enlace (http:// o https://); no se guardó "
                "como medio de verificación. Si la celda es un hipervínculo, escriba en ella la dirección "
                "completa, o guarde la columna como otros datos."
            )
        if period is not None and not 1 <= period <= sh.n:
            continue
        links += [(period, u) for u in found]
    return links, problems, warnings


def _code_levels(
    sh: _Sheet, c_code: Decision | None, c_meta: Decision | None, c_class: Decision | None
) -> dict[str, tuple[str, int]]:
    """Rows typed by the length of their code (1, 1.2, 1.2.3 …): the shorter codes are levels.

    Only when there is no «Clase» column and the codes have at least two lengths; the longest
    codes are the metas."""
    if c_code is None or c_class is not None:
        return {}
    grid = sh.grid
    codes = {}
    for r in range(sh.sm.table.first_data_row, grid.height):
        t = sh.text(r, c_code)
        if t:
            codes[t] = len(re.findall(r"\d+", t)) if re.search(r"[.\-]", t) else len(t)
    lengths = sorted(set(codes.values()))
    if len(lengths) < 2 or len(lengths) > 6:
        return {}
    names = ["eje", "programa", "subprograma", "proyecto", "nivel"]
    rank_of = {ln: i for i, ln in enumerate(lengths)}
    top = lengths[-1]
    return {code: (names[min(rank_of[ln], len(names) - 1)], rank_of[ln] + 1) for code, ln in codes.items() if ln != top}


def _objective(
    poa: ParsedPoa, path: list[tuple[str, str, str, str]], code: str, alignment: str, index: dict
) -> ParsedObjective:
    """The objective at the end of `path` (created with its parents on first use).

    `index` maps (poa, parent, level, folded name) to the objective, so a 5,000-meta sheet does
    not search its objectives once per row."""
    if not path:
        path = [("", "(sin objetivo)", "", "")]
    parent = None
    node = None
    for lvl, name, ocode, indicator in path:
        key = (id(poa), id(parent), lvl, _fold(name))
        node = index.get(key)
        if node is None:
            node = ParsedObjective(name, ocode, "", level=lvl, parent=parent, indicator=indicator)
            poa.objectives.append(node)
            index[key] = node
        parent = node
    assert node is not None
    if code and not node.code:
        node.code = code
    if alignment and not node.alignment:
        node.alignment = alignment
    return node


__all__ = [
    "LEVEL_LABELS",
    "Units",
    "col_letter",
    "es_num",
    "parse_grids",
    "parse_links",
    "parse_number",
    "parse_workbook",
    "tables",
    "unit_key",
]
