"""Read POA workbooks: one sheet per unit, or one sheet with a «Unidad» column.

The header row is found by content (the row naming the most known columns within the
first 25 rows). A two-row header whose upper row groups columns with a horizontally
merged cell ("Programado" over "T1 T2 T3 T4") is understood; a merged cell inside the
header row itself is refused with a message naming the sheet, row and columns, because
the columns it covers have no name of their own.

Nothing here touches the database: `parse_workbook` gets the known units and cantons and
returns an `ImportPreview` with every problem (errors block the save, warnings do not).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.models.poa import PERIOD_COUNTS, POLARITIES
from rcdesk.plans.xlsx_grid import Grid, cell_text, read_workbook
from rcdesk.poa.parsed import ImportPreview, ParsedMeta, ParsedObjective, ParsedPoa
from rcdesk.poa.periods import MONTHS
from rcdesk.text import fold

MAX_HEADER_SCAN = 25

# (field, exact folded labels) — tried before the keyword rules below
_EXACT = {
    "unit": {"unidad", "unidad administrativa", "dependencia", "unidad responsable", "unidad de atencion",
             "unidad de gestion", "area", "jefatura / tenencia"},
    "canton": {"canton", "cantones", "municipio"},
    "objective": {"objetivo", "objetivos", "objetivo estrategico", "objetivo operativo", "objetivo institucional",
                  "objetivo estrategico / competencia / funcion", "objetivo estrategico/competencia/funcion",
                  "objetivo estrategico, competencia o funcion", "objetivo poa"},
    "objective_code": {"codigo objetivo", "cod. objetivo", "no. objetivo", "n° objetivo", "nro. objetivo",
                       "codigo del objetivo"},
    "alignment": {"alineacion", "alineacion pnd", "alineacion al pnd", "objetivo pnd", "articulacion",
                  "alineacion al plan nacional de desarrollo", "alineacion pdot", "alineacion pei"},
    "number": {"no. meta", "n° meta", "no meta", "nº meta", "numero de meta", "nro. meta", "nro meta", "# meta",
               "no. de meta", "n.° meta", "cod. meta", "codigo meta", "numero meta"},
    "meta": {"meta", "metas", "descripcion de la meta", "meta poa", "descripcion meta", "meta operativa",
             "meta / producto", "meta o producto"},
    "indicator": {"indicador", "indicadores", "indicador de la meta", "nombre del indicador", "indicador de gestion"},
    "uom": {"unidad de medida", "u. de medida", "u. medida", "unidad medida"},
    "baseline": {"linea base", "linea de base", "lb"},
    "annual_target": {"meta anual", "meta programada anual", "total programado", "programado anual",
                      "programacion anual", "meta total", "total planificado", "meta programada"},
    "polarity": {"polaridad", "sentido", "sentido del indicador"},
    "activities": {"actividades", "actividad", "actividades principales", "principales actividades"},
    "codificado": {"presupuesto codificado", "codificado", "monto codificado", "codificado usd",
                   "presupuesto codificado (usd)"},
    "comprometido": {"presupuesto comprometido", "comprometido", "monto comprometido"},
    "devengado": {"presupuesto devengado", "devengado", "presupuesto ejecutado", "monto devengado",
                  "devengado usd", "presupuesto devengado (usd)", "devengado total"},
    "narrative": {"descripcion de la gestion", "descripcion de la gestion por meta", "gestion realizada",
                  "observaciones", "observacion", "logros", "resultados alcanzados", "descripcion de resultados"},
    "contribution": {"como aporta al plan de desarrollo", "aporte al plan de desarrollo",
                     "como aporta el resultado alcanzado al logro del plan de desarrollo"},
    "year": {"ano", "año", "ano fiscal", "ejercicio fiscal", "ejercicio", "periodo fiscal"},
    "evidence": {"medio de verificacion", "medios de verificacion", "medio de verificacion (enlace)",
                 "medios de verificacion (enlaces)", "link", "links", "enlace", "enlaces", "evidencia", "evidencias",
                 "url", "link al medio de verificacion", "enlace al medio de verificacion",
                 "link al medio de verificacion publicado en la pag. web de la institucion",
                 "link al medio de verificacion publicado en la pagina web de la institucion"},
}
_LABEL_TO_FIELD = {label: f for f, labels in _EXACT.items() for label in labels}

FIELD_NAMES = {
    "unit": "Unidad", "canton": "Cantón", "objective": "Objetivo", "meta": "Meta", "number": "No. meta",
    "annual_target": "Meta anual", "baseline": "Línea base", "codificado": "Presupuesto codificado",
    "comprometido": "Presupuesto comprometido", "devengado": "Presupuesto devengado",
}
_PERIOD_RE = re.compile(
    r"(?:^|[\s_.\-(])(t|trim|trimestre|c|cuatrim|cuatrimestre|m|mes)\s*\.?\s*(\d{1,2})(?:$|[\s)_.\-])")
_ORDINAL_RE = re.compile(r"(\d{1,2})\s*(?:er|ero|do|ro|to|vo|mo|no|°|º|o)?\s*\.?\s*(trimestre|cuatrimestre|mes)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ROMAN_RE = re.compile(r"(?:^|\s)(i|ii|iii|iv)\s+(trimestre|cuatrimestre)")
_KIND_LETTER = {"t": "trimestre", "trim": "trimestre", "trimestre": "trimestre", "c": "cuatrimestre",
                "cuatrim": "cuatrimestre", "cuatrimestre": "cuatrimestre", "m": "mes", "mes": "mes"}
_YEAR_RE = re.compile(r"\b(20\d\d)\b")
_NUM_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_NUM_COMMA_DEC = re.compile(r"^\d+(,\d+)?$")
_NUM_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_EVIDENCE_WORDS = ("medio de verificacion", "medios de verificacion", "link", "enlace", "evidencia")
# what looks like an address in a «medio de verificación» cell (validated with check_url)
_URL_LIKE = re.compile(r"(?:\b[a-z][a-z0-9+.\-]*://|\bwww\.)[^\s;,<>\"]+", re.IGNORECASE)
_EMPTY_MARKS = {"-", "--", "—", "–", "n/a", "na", "no aplica", "s/d", "nd"}


@dataclass(frozen=True)
class Column:
    field: str
    col: int
    label: str
    period: int | None = None
    period_kind: str | None = None


def es_num(v: float) -> str:
    """Spanish display of a number in messages: 1.234,5 (no trailing zeros)."""
    text = f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return text[:-3] if text.endswith(",00") else text


def col_letter(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def _period_of(label: str) -> tuple[str, int] | None:
    m = _PERIOD_RE.search(label)
    if m:
        return _KIND_LETTER[m.group(1)], int(m.group(2))
    m = _ORDINAL_RE.search(label)
    if m:
        return m.group(2), int(m.group(1))
    m = _ROMAN_RE.search(label)
    if m:
        return m.group(2), _ROMAN[m.group(1)]
    for i, name in enumerate(MONTHS, start=1):
        if re.search(rf"(?:^|\s){name}(?:$|\s)", label):
            return "mes", i
    return None


def classify_header(raw: str) -> Column | None:
    """Field of one header label (folded), or None when it is not a known column."""
    label = fold(raw).replace(":", "").strip()
    label = re.sub(r"\s*\((usd|\$|dolares|cantidad|unidades)\)$", "", label)
    if not label:
        return None
    if label in _LABEL_TO_FIELD:
        return Column(_LABEL_TO_FIELD[label], -1, raw)
    period = _period_of(label)
    if label.startswith(_EVIDENCE_WORDS) or "medio de verificacion" in label or "medios de verificacion" in label:
        return Column("evidence", -1, raw, period[1] if period else None, period[0] if period else None)
    if period:
        kind, n = period
        if "devengad" in label:
            f = "devengado_p"
        elif "codificad" in label or "comprometid" in label:
            return None
        elif "presupuest" in label or "monto" in label or "asignad" in label:
            f = "budget_p"
        elif any(k in label for k in ("ejecut", "ejec", "cumplid", "realizad", "logrado", "alcanzad")):
            f = "executed_p"
        else:  # "Programado T1", "Meta T1", "Planificado T1" or a bare "T1"
            f = "planned_p"
        return Column(f, -1, raw, n, kind)
    if label.startswith(("no. meta", "n° meta", "nº meta", "numero de meta")):
        return Column("number", -1, raw)
    if "unidad de medida" in label:
        return Column("uom", -1, raw)
    if label.startswith("indicador"):
        return Column("indicator", -1, raw)
    if label.startswith("objetivo"):
        return Column("objective", -1, raw)
    if label.startswith("linea base"):
        return Column("baseline", -1, raw)
    if label.startswith("meta anual"):
        return Column("annual_target", -1, raw)
    if label.startswith(("descripcion de la meta", "meta ")) and "anual" not in label:
        return Column("meta", -1, raw)
    return None


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
    """Number from a cell: numbers as is, Spanish/English texts ("1.234,50", "1,234.50",
    "85 %", "$ 200"); empty and "N/A"/"-" give None. Raises ValueError for other text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        raise ValueError(str(value))
    s = value.strip().lower().replace("usd", "").replace("$", "").replace("%", "").replace(" ", "")
    s = s.replace("\u00a0", "")
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
    try:
        v = float(body)
    except ValueError:
        raise ValueError(value) from None
    return -v if neg else v


@dataclass
class _Header:
    row: int
    columns: list[Column]
    problems: list[str]

    def get(self, field: str) -> Column | None:
        for c in self.columns:
            if c.field == field:
                return c
        return None

    def periodic(self, field: str) -> list[Column]:
        return [c for c in self.columns if c.field == field]


def _horizontal_anchor(grid: Grid, r: int, c: int) -> tuple[int, int] | None:
    """Anchor of a horizontal merge on row r covering column c (anchor itself included)."""
    a = grid.merged_from.get((r, c))
    if a is not None and a[0] == r:
        return a
    if grid.merged_from.get((r, c + 1)) == (r, c):
        return (r, c)
    return None


def _header_labels(grid: Grid, r: int) -> list[str]:
    labels = []
    for c in range(grid.width):
        own = cell_text(grid.value(r, c))
        prefix = ""
        if r > 0:
            a = _horizontal_anchor(grid, r - 1, c)
            if a is not None:
                prefix = cell_text(grid.get(*a))
        if prefix and own and fold(own) != fold(prefix):
            labels.append(f"{prefix} {own}")
        else:
            labels.append(own)
    return labels


def find_header(grid: Grid) -> _Header | None:
    best: _Header | None = None
    best_score = 0
    for r in range(min(grid.height, MAX_HEADER_SCAN)):
        labels = _header_labels(grid, r)
        cols = []
        for c, label in enumerate(labels):
            k = classify_header(label) if label else None
            if k is not None:
                cols.append(Column(k.field, c, label, k.period, k.period_kind))
        fields = {c.field for c in cols}
        score = len(cols)
        if "meta" in fields and score >= 3 and score > best_score:
            best, best_score = _Header(r, cols, []), score
    if best is None:
        return None
    # merged cells inside the header row itself hide column names
    r = best.row
    seen = set()
    for c in range(grid.width):
        a = _horizontal_anchor(grid, r, c)
        if a is None or a in seen:
            continue
        seen.add(a)
        last = a[1]
        while grid.merged_from.get((r, last + 1)) == a:
            last += 1
        best.problems.append(
            f"hoja «{grid.name}», fila {r + 1}, columnas {col_letter(a[1])}–{col_letter(last)}: celdas de "
            f"encabezado combinadas («{cell_text(grid.get(*a))}»). Separe las celdas y escriba un encabezado "
            "por columna (por ejemplo «Programado T1», «Programado T2»…)."
        )
    # the same field twice is ambiguous
    single: dict[str, Column] = {}
    for col in best.columns:
        key = col.field if col.period is None else f"{col.field}{col.period}"
        if key in single:
            best.problems.append(
                f"hoja «{grid.name}», fila {r + 1}: las columnas {col_letter(single[key].col)} y "
                f"{col_letter(col.col)} tienen el mismo significado («{single[key].label}», «{col.label}»)."
            )
        else:
            single[key] = col
    return best


class _Units:
    def __init__(self, units, cantons: dict[str, tuple[str, str]]) -> None:  # noqa: ANN001
        self.units = list(units)
        self.cantons = cantons  # folded name or code -> (id, name)
        self._folded = [(fold(u.name), u) for u in self.units]

    def canton(self, text: str) -> tuple[str, str] | None:
        return self.cantons.get(fold(text))

    def match(self, text: str, canton_id: str | None = None):  # noqa: ANN201
        key = fold(text)
        if not key:
            return [], []
        found = [u for f, u in self._folded if f == key]
        if not found:
            found = [u for f, u in self._folded if key in f or (len(f) >= 6 and f in key)]
        in_canton = [u for u in found if canton_id is None or u.canton_id == canton_id]
        return found, in_canton


def parse_workbook(path: str | Path, *, units, cantons: dict[str, tuple[str, str]],  # noqa: ANN001
                   unit_id: str | None = None, year: int | None = None, replace: bool = False,
                   existing: set[tuple[str, int]] | None = None) -> ImportPreview:
    """Read and check a POA workbook; never raises for bad content (see `ImportPreview.errors`)."""
    path = Path(path)
    grids = read_workbook(path)
    return parse_grids(grids, path.name, units=units, cantons=cantons, unit_id=unit_id, year=year,
                       replace=replace, existing=existing)


def parse_grids(grids: list[Grid], source_name: str, *, units, cantons, unit_id=None,  # noqa: ANN001, C901
                year=None, replace=False, existing=None) -> ImportPreview:
    prev = ImportPreview(source_name=source_name, replace=replace)
    known = _Units(units, cantons)
    fixed_unit = None
    if unit_id:
        fixed_unit = next((u for u in known.units if u.unit_id == unit_id or u.unit_id.startswith(unit_id)), None)
        if fixed_unit is None:
            raise UserError(f"No existe la unidad «{unit_id}». Use «rcdesk poa units» para ver las unidades.")
    file_year = _year_in(source_name)
    poas: dict[tuple[str, int], ParsedPoa] = {}
    period_kinds: set[str] = set()
    data_sheets = 0
    for grid in grids:
        if not grid.rows:
            continue
        header = find_header(grid)
        if header is None:
            prev.warnings.append(f"hoja «{grid.name}»: no se encontraron encabezados de POA (Objetivo, Meta, "
                                 "Indicador…); se omitió.")
            continue
        data_sheets += 1
        prev.errors.extend(header.problems)
        if header.problems:
            continue
        sheet_year = year or _year_in_top(grid, header.row) or _year_in(grid.name) or file_year
        kinds = {c.period_kind for c in header.columns if c.period_kind}
        if len(kinds) > 1:
            prev.errors.append(f"hoja «{grid.name}»: mezcla periodos de distinto tipo "
                               f"({', '.join(sorted(kinds))}); use solo trimestres, cuatrimestres o meses.")
            continue
        kind = kinds.pop() if kinds else "trimestre"
        period_kinds.add(kind)
        n_periods = PERIOD_COUNTS[kind]
        bad_period = [c for c in header.columns if c.period is not None and not 1 <= c.period <= n_periods]
        for c in bad_period:
            prev.errors.append(f"hoja «{grid.name}», columna {col_letter(c.col)} («{c.label}»): el periodo "
                               f"{c.period} no existe (hay {n_periods}).")
        if bad_period:
            continue
        if not header.periodic("planned_p"):
            prev.warnings.append(f"hoja «{grid.name}»: no hay columnas «Programado T1…»; la meta anual se "
                                 "programó en el último periodo.")
        unit_col, canton_col = header.get("unit"), header.get("canton")
        sheet_unit = fixed_unit
        if sheet_unit is None and unit_col is None:
            found, _ = known.match(grid.name)
            if len(found) == 1:
                sheet_unit = found[0]
            else:
                what = "coincide con varias unidades" if found else "no corresponde a ninguna unidad registrada"
                prev.errors.append(
                    f"hoja «{grid.name}»: el nombre de la hoja {what} y no hay columna «Unidad». Añada la "
                    "columna «Unidad», cambie el nombre de la hoja o indique la unidad (opción --unit).")
                continue
        _parse_rows(grid, header, prev, known, poas, sheet_unit, unit_col, canton_col, kind, n_periods,
                    sheet_year, source_name)
    if data_sheets == 0:
        raise UserError(
            f"«{source_name}» no parece un POA: ninguna hoja tiene encabezados como «Objetivo», «Meta», "
            "«Indicador», «Meta anual», «Programado T1»…")
    if len(period_kinds) > 1:
        prev.errors.append("Las hojas usan periodos de distinto tipo; importe cada periodicidad por separado.")
    for (uid, fy), p in poas.items():
        if existing and (uid, fy) in existing and not replace:
            prev.errors.append(f"Ya existe el POA {fy} de «{p.unit_name}». Elija «Reemplazar» (opción --replace) "
                               "para sustituirlo por el del archivo.")
    prev.poas = sorted(poas.values(), key=lambda p: (p.canton_name, p.unit_name))
    if not prev.poas and not prev.errors:
        prev.errors.append(f"«{source_name}» no contiene metas.")
    return prev


def _year_in(text: str) -> int | None:
    m = _YEAR_RE.search(text or "")
    return int(m.group(1)) if m else None


def _year_in_top(grid: Grid, header_row: int) -> int | None:
    for r in range(header_row):
        for v in grid.rows[r]:
            if isinstance(v, str):
                y = _year_in(v)
                if y:
                    return y
    return None


def _parse_rows(grid, header, prev, known, poas, sheet_unit, unit_col, canton_col, kind, n,  # noqa: ANN001, C901
                sheet_year, source_name) -> None:
    def cell(r: int, col: Column | None):  # noqa: ANN202
        return "" if col is None else grid.value(r, col.col)

    def text(r: int, col: Column | None) -> str:
        return cell_text(cell(r, col)).strip()

    def where(r: int, col: Column | None = None) -> str:
        s = f"hoja «{grid.name}», fila {r + 1}"
        if col is not None:
            s += f", columna {col_letter(col.col)} («{col.label}»)"
        return s

    def number(r: int, col: Column | None, problems: list[str]) -> float | None:
        v = cell(r, col)
        if col is None:
            return None
        try:
            x = parse_number(v)
        except ValueError:
            problems.append(f"{where(r, col)}: «{cell_text(v)}» no es un número.")
            return None
        if x is not None and x < 0:
            problems.append(f"{where(r, col)}: el valor no puede ser negativo ({cell_text(v)}).")
            return None
        return None if x is None else round(x, 2)

    h = header
    c_obj, c_meta, c_num = h.get("objective"), h.get("meta"), h.get("number")
    c_code, c_align = h.get("objective_code"), h.get("alignment")
    c_year = h.get("year")
    planned_cols = {c.period: c for c in h.periodic("planned_p")}
    exec_cols = {c.period: c for c in h.periodic("executed_p")}
    budget_cols = {c.period: c for c in h.periodic("budget_p")}
    dev_cols = {c.period: c for c in h.periodic("devengado_p")}
    evidence_cols = h.periodic("evidence")
    current_obj = ""
    current_code = ""
    current_align = ""
    for r in range(h.row + 1, grid.height):
        if grid.row_is_blank(r):
            continue
        meta_text = text(r, c_meta)
        obj_text = text(r, c_obj)
        first = fold(next((cell_text(v) for v in grid.rows[r] if v != ""), ""))
        if first.startswith(("total", "subtotal", "suman", "promedio")) and not text(r, c_num) and \
                (not meta_text or fold(meta_text) == first):
            continue  # a totals row
        if obj_text:
            current_obj = obj_text
            current_code = text(r, c_code)
            current_align = text(r, c_align)
        problems: list[str] = []
        target = number(r, h.get("annual_target"), problems)
        planned = [number(r, planned_cols.get(i), problems) for i in range(1, n + 1)]
        executed = [number(r, exec_cols.get(i), problems) for i in range(1, n + 1)]
        budget = [number(r, budget_cols.get(i), problems) for i in range(1, n + 1)]
        dev_p = [number(r, dev_cols.get(i), problems) for i in range(1, n + 1)]
        baseline = number(r, h.get("baseline"), problems)
        cod = number(r, h.get("codificado"), problems)
        comp = number(r, h.get("comprometido"), problems)
        dev_total = number(r, h.get("devengado"), problems)
        if not meta_text:
            has_numbers = any(v is not None for v in [target, *planned, *executed, cod, dev_total])
            if has_numbers and not problems:
                prev.errors.append(f"{where(r, c_meta)}: hay cifras pero falta la descripción de la meta.")
            prev.errors.extend(problems)
            continue
        prev.errors.extend(problems)
        # unit and canton of the row
        canton = None
        ctext = text(r, canton_col)
        if ctext:
            canton = known.canton(ctext)
            if canton is None:
                prev.errors.append(f"{where(r, canton_col)}: el cantón «{ctext}» no existe en el catálogo de "
                                   "territorios.")
                continue
        unit = sheet_unit
        if unit_col is not None and sheet_unit is None:
            utext = text(r, unit_col)
            if not utext:
                prev.errors.append(f"{where(r, unit_col)}: falta la unidad.")
                continue
            found, in_canton = known.match(utext, canton[0] if canton else None)
            if len(in_canton) == 1:
                unit = in_canton[0]
            elif not found:
                prev.errors.append(f"{where(r, unit_col)}: la unidad «{utext}» no existe. Regístrela primero o "
                                   "corrija el nombre.")
                continue
            elif canton and not in_canton:
                prev.errors.append(f"{where(r, unit_col)}: la unidad «{utext}» no pertenece al cantón «{canton[1]}».")
                continue
            else:
                names = ", ".join(f"«{u.name}»" for u in in_canton[:4])
                prev.errors.append(f"{where(r, unit_col)}: «{utext}» coincide con varias unidades ({names}); "
                                   "escriba el nombre completo.")
                continue
        elif canton and unit is not None and unit.canton_id and unit.canton_id != canton[0]:
            prev.errors.append(f"{where(r, canton_col)}: la unidad «{unit.name}» no pertenece al cantón «{canton[1]}».")
            continue
        fy = sheet_year
        if c_year is not None and text(r, c_year):
            try:
                fy = int(parse_number(cell(r, c_year)) or 0)
            except ValueError:
                prev.errors.append(f"{where(r, c_year)}: «{text(r, c_year)}» no es un año.")
                continue
        if not fy:
            prev.errors.append(f"hoja «{grid.name}»: no se sabe el año fiscal del POA; escríbalo en el título "
                               "(«POA 2025») o indíquelo (opción --year).")
            return
        if not 1990 <= fy <= 2100:
            prev.errors.append(f"{where(r)}: año fiscal {fy} fuera de rango.")
            continue
        polarity = "INCREMENTO"
        ptext = fold(text(r, h.get("polarity")))
        if ptext:
            match = [k for k, lbl in POLARITIES.items() if fold(lbl).startswith(ptext[:5]) or fold(k) == ptext]
            if not match:
                prev.errors.append(f"{where(r, h.get('polarity'))}: polaridad «{text(r, h.get('polarity'))}» "
                                   "desconocida (Incremento, Reducción o Mantenimiento).")
                continue
            polarity = match[0]
        planned_v = [v or 0.0 for v in planned]
        if not planned_cols:
            planned_v = [0.0] * (n - 1) + [target or 0.0]
        if target is None:
            target = round(sum(planned_v), 2)
        if planned_cols and abs(sum(planned_v) - target) > 0.01:
            prev.warnings.append(f"{where(r)}: la programación suma {es_num(sum(planned_v))} y la meta anual es "
                                 f"{es_num(target)}.")
        devengado = list(dev_p)
        if dev_total is not None and not dev_cols:
            last = max((i for i, v in enumerate(executed) if v is not None), default=n - 1)
            devengado[last] = dev_total
        elif dev_total is not None and dev_cols and abs(sum(v or 0 for v in dev_p) - dev_total) > 0.01:
            prev.warnings.append(f"{where(r)}: el devengado total ({es_num(dev_total)}) no coincide con la suma "
                                 f"por periodo ({es_num(sum(v or 0 for v in dev_p))}); se usan los valores por periodo.")
        dev_sum = sum(v or 0 for v in devengado)
        if cod is not None and dev_sum > cod + 0.005:
            prev.warnings.append(f"{where(r)}: el devengado ({es_num(dev_sum)}) supera al codificado ({es_num(cod)}).")
        for i, (p, e) in enumerate(zip(planned_v, executed), start=1):
            if e is not None and p > 0 and e > 2 * p:
                prev.warnings.append(f"{where(r, exec_cols.get(i))}: lo ejecutado ({es_num(e)}) supera el doble de "
                                     f"lo programado ({es_num(p)}); revise.")
        key = (unit.unit_id, fy)
        poa = poas.get(key)
        if poa is None:
            poa = poas[key] = ParsedPoa(unit.unit_id, unit.name, fy, kind, unit.canton_name, source_name, grid.name)
        elif poa.period_kind != kind:
            prev.errors.append(f"hoja «{grid.name}»: la unidad «{unit.name}» aparece con otra periodicidad en otra hoja.")
            continue
        obj = next((o for o in poa.objectives if fold(o.description) == fold(current_obj)), None)
        if obj is None:
            obj = ParsedObjective(current_obj or "(sin objetivo)", current_code, current_align)
            poa.objectives.append(obj)
        links: list[tuple[int | None, str]] = []
        link_problems = []
        for ecol in evidence_cols:
            etext = text(r, ecol)
            found, bad = parse_links(etext)
            link_problems += [f"{where(r, ecol)}: {b}" for b in bad]
            if etext and not found and not bad:
                prev.warnings.append(f"{where(r, ecol)}: «{etext[:60]}» no contiene un enlace (http:// o https://); "
                                     "no se guardó como medio de verificación. Si la celda es un hipervínculo, "
                                     "escriba en ella la dirección completa.")
            if ecol.period is not None and not 1 <= ecol.period <= n:
                continue
            links += [(ecol.period, u) for u in found]
        if link_problems:
            prev.errors.extend(link_problems)
            continue
        acts = [a.strip(" -•·\t") for a in text(r, h.get("activities")).split("\n")]
        obj.metas.append(ParsedMeta(
            number=text(r, c_num) or str(sum(len(o.metas) for o in poa.objectives) + 1),
            description=meta_text, indicator=text(r, h.get("indicator")), unit_of_measure=text(r, h.get("uom")),
            annual_target=target, baseline=baseline, polarity=polarity, planned=planned_v,
            executed=executed, planned_budget=[v or 0.0 for v in budget], devengado=devengado,
            codificado=cod, comprometido=comp, activities=[a for a in acts if a],
            narrative=text(r, h.get("narrative")), contribution=text(r, h.get("contribution")),
            links=links, where=where(r),
        ))
