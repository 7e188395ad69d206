"""«Contratación pública» of the CPCCS report from the procurement system's list of processes.

No column layout of SERCOP's (Ecuador) export is published, and SECOP II's open data (Colombia)
names modalities that are not the CPCCS contract types, so this reads any list with one row per
process through the one import pipeline (`rcdesk/imports/`): read the grid, find the header band
under the title rows, propose a mapping from the `PROCUREMENT` catalog (SERCOP's usual Spanish
headers and SECOP's column names), apply the remembered mapping, a profile and `--map`, parse,
preview, save.

Each row's procedure («Subasta Inversa Electrónica», «Menor Cuantía Obras»…) is matched to the
form's «TIPO DE CONTRATACIÓN» options, case and accents aside; a procedure that matches none is
counted under «OTRAS» and asked about (`--tipo "NOMBRE=TIPO"` settles it), never refused. A state
is adjudicated (adjudicado, en ejecución, en recepción, finalizado…) or not (desierto, cancelado,
publicado…); finalised ones (finalizado, terminado, cerrado, liquidado…) are also counted as
finalised, so «finalizados» is a part of «adjudicados». An unknown state counts as neither and is
asked about. Values: «Monto Adjudicado» / «valor del contrato» (else the referential budget, with a
warning); the finalised value is the final value column when there is one, else the adjudicated
value. Only processes dated in the report's year count (no date column: every row, with a warning).

What is stored are the form answers of the section, one row per type; a type's verification link
already typed is kept. A bad amount or date names sheet, row and field, and nothing is saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.imports import profiles
from rcdesk.imports.fields import Catalog, Field, norm, read_label, register
from rcdesk.imports.headers import Table, find_table
from rcdesk.imports.mapping import Decision, SheetMapping, ledger, propose, unknown_overrides
from rcdesk.services import cpccs_schema as schema
from rcdesk.text import clean, fold

KIND = "contratacion"
SECTION = "contratacion"
OTHER = "OTRAS"
NONE_OPTION = schema.NONE_OPTIONS[SECTION]


def _ex(*labels: str) -> tuple[str, ...]:
    return tuple(norm(x) for x in labels)


PROCUREMENT = Catalog(
    KIND,
    "procesos de contratación pública (SERCOP / SECOP)",
    (
        Field(
            "tipo",
            "Tipo / procedimiento de contratación",
            _ex(
                "tipo de proceso",
                "procedimiento",
                "tipo de procedimiento",
                "tipo de contratación",
                "tipo de compra",
                "modalidad de contratación",
                "modalidad",
                "proceso de contratación",
            ),
            (("procedimiento",), ("tipo", "proceso"), ("tipo", "contratacion"), ("modalidad",)),
            help="SERCOP «Tipo de Proceso» / «Procedimiento»; SECOP «modalidad_de_contratacion»",
        ),
        Field(
            "estado",
            "Estado del proceso",
            _ex("estado del proceso", "estado", "estado del contrato", "estado contrato", "estado proceso"),
            (("estado",),),
        ),
        Field(
            "valor_adjudicado",
            "Valor adjudicado",
            _ex(
                "monto adjudicado",
                "valor adjudicado",
                "valor del contrato",
                "valor contrato",
                "monto del contrato",
                "monto contratado",
                "valor contratado",
            ),
            (("adjudicad*",), ("valor", "contrat*"), ("monto", "contrat*")),
        ),
        Field(
            "presupuesto",
            "Presupuesto referencial",
            _ex("presupuesto referencial", "presupuesto", "precio base", "valor referencial"),
            (("presupuesto",), ("referencial",), ("precio", "base")),
        ),
        Field(
            "valor_final",
            "Valor final / pagado",
            _ex("valor final", "monto final", "valor pagado", "valor facturado", "valor total pagado"),
            (("final",), ("pagad*",), ("facturad*",)),
        ),
        Field(
            "fecha",
            "Fecha del proceso",
            _ex(
                "fecha de publicación",
                "fecha publicación",
                "fecha de adjudicación",
                "fecha de firma",
                "fecha de firma del contrato",
                "fecha",
            ),
            (("fecha",),),
        ),
        Field(
            "codigo",
            "Código del proceso",
            _ex("código", "código del proceso", "código proceso", "id contrato", "referencia del contrato", "proceso"),
            (("codigo",), ("referencia",), ("id", "contrato")),
        ),
        Field(
            "link",
            "Link del proceso",
            _ex("link", "enlace", "url", "url proceso", "urlproceso", "link del proceso"),
            (("link",), ("enlace*",), ("url*",)),
        ),
    ),
    required=("tipo", "estado"),
    keeps_other_data=False,  # only the year's totals per type are stored: no row, so no «otros datos»
)
register(PROCUREMENT)

# procedure names the form words otherwise (folded) -> the form's option
_SYNONYMS = {
    "menor cuantia bienes y servicios": "MENOR CUANTÍA B Y S",
    "menor cuantia bienes": "MENOR CUANTÍA B Y S",
    "menor cuantia servicios": "MENOR CUANTÍA B Y S",
    "menor cuantia b y s": "MENOR CUANTÍA B Y S",
    "menor cuantia obra": "MENOR CUANTÍA OBRAS",
    "catalogo dinamico inclusivo": "CATÁLOGO ELECTRÓNICO",
    "compra por catalogo electronico": "COMPRA POR CATALOGO",
    "regimen especial": "RÉGIMEN ESPECIAL (Todos los procesos)",
    "emergencia": "CONTRATACIÓN EN SITUACIONES DE EMERGENCIA",
    "situacion de emergencia": "CONTRATACIÓN EN SITUACIONES DE EMERGENCIA",
    "contratacion de emergencia": "CONTRATACIÓN EN SITUACIONES DE EMERGENCIA",
    "declaratoria de emergencia": "PROCESOS DE DECLARATORIA DE EMERGENCIA",
    "licitacion de seguros": "SEGUROS",
    "subasta inversa": "SUBASTA INVERSA ELECTRÓNICA",
    "feria inclusiva": "FERIA INCLUSIVA",
    "ferias inclusivas": "FERIAS INCLUSIVAS",
    "cotizacion obras": "COTIZACIÓN",
    "cotizacion bienes y servicios": "COTIZACIÓN",
    "consultoria contratacion directa": "CONTRATACIÓN DIRECTA",
    "consultoria lista corta": "LISTA CORTA",
    "consultoria concurso publico": "CONCURSO PÚBLICO",
    "terminacion unilateral": "TERMINACIÓN UNILATERAL",
}
_ADJUDICATED = (
    "adjudicad",
    "ejecucion",
    "en recepcion",
    "recepcion",
    "celebrado",
    "suscrito",
    "firmado",
    "activo",
    "modificado",
    "prorrogado",
    "suspendido",
)
_FINISHED = ("finalizad", "terminad", "cerrad", "liquidad", "concluid", "recepcion definitiva", "cumplid")
_NOT_COUNTED = (
    "desiert",
    "cancelad",
    "anulad",
    "borrador",
    "publicad",
    "por adjudicar",
    "preguntas",
    "calificacion",
    "convalidacion",
    "puja",
    "negociacion",
    "en curso",
    "abierto",
    "rechazad",
    "revocad",
    "sin adjudicar",
)
STATES = {"ADJ": "adjudicado", "FIN": "finalizado", "NO": "no cuenta"}


def _options() -> tuple[str, ...]:
    f = schema.section(SECTION).field("tipo")
    return tuple(o for o in (f.choices if f else ()) if o != NONE_OPTION)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def procedure_type(name: str, chosen: dict[str, str] | None = None) -> str | None:
    """The form's «TIPO DE CONTRATACIÓN» for a procedure name, case and accents aside (None: unknown)."""
    k = _key(name)
    if not k:
        return None
    if chosen and k in chosen:
        return chosen[k]
    by_key = {_key(o): o for o in _options()}
    if k in by_key:
        return by_key[k]
    if k in _SYNONYMS:
        return _SYNONYMS[k]
    # «Subasta Inversa Electrónica de bienes», «Licitación de obras»: the longest option or synonym inside
    hits = [(len(x), o) for x, o in [*by_key.items(), *_SYNONYMS.items()] if f" {x} " in f" {k} "]
    if hits:
        return max(hits)[1]
    if "menor cuantia" in k:
        return "MENOR CUANTÍA OBRAS" if "obra" in k else "MENOR CUANTÍA B Y S"
    if "catalogo" in k:
        return "CATÁLOGO ELECTRÓNICO"
    return None


def state_kind(text: str, chosen: dict[str, str] | None = None) -> str | None:
    """ADJ (adjudicated, still running), FIN (finalised), NO (not counted) or None (unknown)."""
    k = _key(text)
    if chosen and k in chosen:
        return chosen[k]
    if not k:
        return None
    if any(w in k for w in _FINISHED):
        return "FIN"
    if "no adjudicad" in k or any(w in k for w in _NOT_COUNTED):
        return "NO"
    if any(w in k for w in _ADJUDICATED):
        return "ADJ"
    return None


@dataclass
class TypeTotal:
    tipo: str
    adjudicados: int = 0
    valor_adjudicados: float = 0.0
    finalizados: int = 0
    valor_finalizados: float = 0.0
    link: str = ""
    names: list[str] = field(default_factory=list)  # the procedure names counted here

    def as_json(self) -> dict:
        return {
            "tipo": self.tipo,
            "numero_adjudicados": self.adjudicados,
            "valor_adjudicados": round(self.valor_adjudicados, 2),
            "numero_finalizados": self.finalizados,
            "valor_finalizados": round(self.valor_finalizados, 2),
            "link": self.link,
            "procedimientos": self.names,
        }


@dataclass
class ProcurementImport:
    source: str
    year: int
    institution: str
    dry_run: bool
    sheet: str = ""
    header_rows: str = ""
    mapping: SheetMapping | None = None
    rows_read: int = 0
    counted: int = 0
    other_years: int = 0
    not_counted: int = 0
    totals: list[TypeTotal] = field(default_factory=list)
    unknown_types: dict[str, int] = field(default_factory=dict)
    unknown_states: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    form: dict = field(default_factory=dict)  # what is (or would be) stored
    saved: bool = False
    profile_name: str = ""

    @property
    def questions(self) -> list[str]:
        out = list(self.mapping.questions) if self.mapping else []
        out += [
            f"¿A qué tipo de contratación del CPCCS corresponde «{name}» ({n} proceso(s), contado(s) en «{OTHER}»)? "
            f'Indíquelo con --tipo "{name}=TIPO".'
            for name, n in self.unknown_types.items()
        ]
        out += [
            f"¿El estado «{name}» ({n} proceso(s), no contado(s)) es adjudicado o finalizado? "
            f'Indíquelo con --estado "{name}=adjudicado|finalizado|no".'
            for name, n in self.unknown_states.items()
        ]
        return out

    def as_json(self) -> dict:
        return {
            "file": self.source,
            "year": self.year,
            "institution": self.institution,
            "dry_run": self.dry_run,
            "saved": self.saved,
            "sheet": self.sheet,
            "header_rows": self.header_rows,
            "rows_read": self.rows_read,
            "counted": self.counted,
            "other_years": self.other_years,
            "not_counted": self.not_counted,
            "totals": [t.as_json() for t in self.totals],
            "unknown_types": self.unknown_types,
            "unknown_states": self.unknown_states,
            "questions": self.questions,
            "warnings": self.warnings,
            "errors": self.errors,
            "form": self.form,
            "columns": ledger([self.mapping], PROCUREMENT) if self.mapping else [],
        }

    def summary(self) -> str:
        verb = "Se guardaría" if self.dry_run else ("Guardado" if self.saved else "No se guardó")
        lines = [
            f"Contratación pública {self.year} desde «{Path(self.source).name}» (hoja «{self.sheet}», "
            f"encabezados en {self.header_rows}): {self.rows_read} proceso(s) leídos, {self.counted} del año "
            f"adjudicados o finalizados"
            + (f", {self.other_years} de otros años" if self.other_years else "")
            + (f", {self.not_counted} en otros estados" if self.not_counted else "")
            + ".",
            f"{verb} en la sección «{schema.section(SECTION).title}»:",
        ]
        for t in self.totals:
            lines.append(
                f"  {t.tipo}: adjudicados {t.adjudicados} por {_money(t.valor_adjudicados)}; "
                f"finalizados {t.finalizados} por {_money(t.valor_finalizados)}"
            )
        lines += [f"Pregunta: {q}" for q in self.questions]
        lines += [f"Aviso: {w}" for w in self.warnings]
        lines += [f"Error: {e}" for e in self.errors]
        if self.dry_run:
            lines.append("(prueba: nada se guardó)")
        return "\n".join(lines)


def _money(v: float) -> str:
    """1.234,56 USD: the thousands point and the decimal comma."""
    return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") + " USD"


def _choices(items: list[str] | None, what: str, allowed: dict[str, str]) -> dict[str, str]:
    """«NOMBRE=VALOR» pairs of --tipo / --estado as {folded name: value}."""
    out: dict[str, str] = {}
    for item in items or ():
        name, sep, value = item.rpartition("=")
        if not sep or not name.strip() or not value.strip():
            raise UserError(f"«{item}»: escriba {what} como «NOMBRE=VALOR».")
        v = allowed.get(_key(value))
        if v is None:
            raise UserError(
                f"«{value.strip()}» no es válido en {what}. Valores: {', '.join(sorted(set(allowed.values())))}."
            )
        out[_key(name)] = v
    return out


def _type_choices(items: list[str] | None) -> dict[str, str]:
    return _choices(items, "--tipo", {_key(o): o for o in _options()})


def _state_choices(items: list[str] | None) -> dict[str, str]:
    allowed = {"adjudicado": "ADJ", "adjudicados": "ADJ", "finalizado": "FIN", "finalizados": "FIN", "no": "NO"}
    allowed["no cuenta"] = "NO"
    return _choices(items, "--estado", allowed)


def _read(path: Path) -> list:
    from rcdesk.plans.xlsx_grid import read_workbook

    if not path.exists():
        raise UserError(f"No existe el archivo «{path}».")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return read_workbook(path)
    if suffix in (".csv", ".txt"):
        from rcdesk.imports.text_files import read_csv_grid

        return [read_csv_grid(path)]
    raise UserError(f"«{path.name}»: formato no admitido; use .xlsx, .xls, .ods o .csv.")


def _score(text: str) -> int:
    return PROCUREMENT.match(read_label(text))[1]


def _table(grids: list, sheets: list[str] | None, name: str) -> Table:
    wanted = {fold(s) for s in sheets or ()}
    found = []
    for grid in grids:
        if wanted and fold(grid.name) not in wanted:
            continue
        t = find_table(grid, _score, min_hits=2)
        if t is not None:
            found.append(t)
    if not found:
        raise UserError(
            f"«{name}»: no se encontró una lista de procesos de contratación (encabezados como «Tipo de Proceso», "
            "«Estado del Proceso», «Monto Adjudicado»). Revise la hoja o asigne las columnas con --map."
        )
    # the sheet whose header names the most fields
    return max(found, key=lambda t: sum(1 for c in t.columns if c.path and _score(c.header) > 0))


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        t = value.strip()[:10]
        for rx, order in ((r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", "dmy"), (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd")):
            m = re.match(rx, t)
            if m:
                a, b, c = (int(x) for x in m.groups())
                try:
                    return date(c, b, a) if order == "dmy" else date(a, b, c)
                except ValueError:
                    return None
    return None


def read_processes(
    db: Database,
    path: str | Path,
    year: int,
    *,
    institution_id: str | None = None,
    dry_run: bool = False,
    sheets: list[str] | None = None,
    overrides: dict[str, str] | None = None,
    profile_path: str | None = None,
    use_remembered: bool = True,
    types: list[str] | None = None,
    states: list[str] | None = None,
) -> ProcurementImport:
    """Read, map, parse and aggregate the list (no write): the preview of `import_processes`."""
    from rcdesk.services.cpccs import CpccsService

    p = Path(path)
    type_choice, state_choice = _type_choices(types), _state_choices(states)
    svc = CpccsService(db)
    inst = svc.institution(year, institution_id)
    res = ProcurementImport(str(p), int(year), inst.name, dry_run)
    table = _table(_read(p), sheets, p.name)
    sm = _mapping(db, table, res, overrides, profile_path, use_remembered)
    _aggregate(res, table, sm, type_choice, state_choice)
    if not res.errors and not res.counted:
        res.errors.append(
            f"«{p.name}»: ningún proceso adjudicado o finalizado del año {year} "
            f"({res.rows_read} leído(s), {res.other_years} de otros años, {res.not_counted} en otros estados)."
        )
    if not res.errors:
        res.form = _form(svc.form(year, SECTION, institution_id), res.totals)
        schema.clean_data(schema.section(SECTION), res.form)  # the same check the save makes
    return res


def _mapping(
    db: Database,
    table: Table,
    res: ProcurementImport,
    overrides: dict[str, str] | None,
    profile_path: str | None,
    use_remembered: bool,
) -> SheetMapping:
    """The column decisions: proposed, then a profile file or the mapping remembered for these headers,
    then --map; refuses (naming the file and sheet) a list without its type, state or amount column."""
    from rcdesk.services.import_mappings import ImportMappings

    profile: dict[str, str] | None = None
    if profile_path:
        res.profile_name, profile = profiles.load(profile_path, PROCUREMENT)
    sm = propose(table, PROCUREMENT, overrides=overrides)
    if profile is None and use_remembered:
        doc = ImportMappings(db).remembered(KIND, profiles.signature(KIND, [sm]))
        if doc:
            res.profile_name, profile = "recordado", profiles.columns_of(doc, PROCUREMENT)
    if profile is not None:
        sm = propose(table, PROCUREMENT, profile=profile, overrides=overrides, profile_name=res.profile_name)
    if overrides:
        bad = unknown_overrides([sm], overrides)
        if bad:
            raise UserError(f"--map nombra columnas que el archivo no tiene: {', '.join(bad)}.")
    res.mapping, res.sheet, res.header_rows = sm, table.grid.name, table.header_rows_text()
    missing = [f.label for f in PROCUREMENT.fields if f.key in PROCUREMENT.required and not sm.mapped(f.key)]
    if not (sm.mapped("valor_adjudicado") or sm.mapped("presupuesto")):
        missing.append("Valor adjudicado (o Presupuesto referencial)")
    if missing:
        raise UserError(
            f"«{Path(res.source).name}», hoja «{res.sheet}»: falta la columna de {', '.join(missing)}. "
            "Asígnela con --map «ENCABEZADO=campo» (rcdesk import fields contratacion lista los campos)."
        )
    if not sm.mapped("valor_adjudicado"):
        res.warnings.append("sin columna de monto adjudicado: se usa el presupuesto referencial")
    if sm.one("fecha") is None:
        res.warnings.append(f"sin columna de fecha: se cuentan todos los procesos como del año {res.year}")
    return sm


@dataclass(frozen=True)
class _Process:
    name: str
    kind: str  # ADJ | FIN
    value: float
    final: float | None
    link: str


class _Rows:
    """The mapped cells of the list's data rows, read one process at a time."""

    def __init__(self, table: Table, sm: SheetMapping, res: ProcurementImport, state_choice: dict[str, str]) -> None:
        self.grid, self.res, self.states = table.grid, res, state_choice
        self.first = table.first_data_row
        self.tipo, self.estado, self.link = sm.one("tipo"), sm.one("estado"), sm.one("link")
        self.value, self.final = sm.one("valor_adjudicado") or sm.one("presupuesto"), sm.one("valor_final")
        self.date = sm.one("fecha")

    def cell(self, r: int, d: Decision | None) -> object:
        return self.grid.get(r, d.column.index) if d is not None else ""

    def where(self, r: int, d: Decision) -> str:
        return f"hoja «{self.grid.name}», fila {r + 1}, columna {d.letter} («{d.header}»)"

    def processes(self) -> Iterator[_Process]:
        """Each data row counted for the year (adjudicated or finalised), tallying the rest in `res`."""
        for r in range(self.first, self.grid.height):
            if self.grid.row_is_blank(r):
                continue
            name, state = clean(self.cell(r, self.tipo)), clean(self.cell(r, self.estado))
            if not name and not state:
                continue  # a total or note row under the list
            self.res.rows_read += 1
            process = self._process(r, name, state)
            if process is not None:
                yield process

    def _process(self, r: int, name: str, state: str) -> _Process | None:
        from rcdesk.poa.importer import parse_number

        res = self.res
        if self.date is not None:
            raw = self.cell(r, self.date)
            day = _as_date(raw)
            if day is None:
                res.errors.append(f"{self.where(r, self.date)}: «{clean(raw)}» no es una fecha (dd/mm/aaaa).")
                return None
            if day.year != res.year:
                res.other_years += 1
                return None
        amounts: list[float | None] = []
        for d in (self.value, self.final):
            if d is None:
                amounts.append(None)
                continue
            try:
                amounts.append(parse_number(self.cell(r, d)))
            except ValueError:
                res.errors.append(f"{self.where(r, d)}: «{clean(self.cell(r, d))}» no es un valor en dólares.")
                return None
        value, final = amounts[0] or 0.0, amounts[1]
        if value < 0 or (final is not None and final < 0):
            res.errors.append(
                f"hoja «{self.grid.name}», fila {r + 1}: un valor negativo no es un monto de contratación."
            )
            return None
        kind = state_kind(state, self.states)
        if kind is None:
            res.unknown_states[state or "(vacío)"] = res.unknown_states.get(state or "(vacío)", 0) + 1
        if kind is None or kind == "NO":
            res.not_counted += 1
            return None
        return _Process(name, kind, value, final, clean(self.cell(r, self.link)))


def _aggregate(
    res: ProcurementImport, table: Table, sm: SheetMapping, type_choice: dict[str, str], state_choice: dict[str, str]
) -> None:
    """The year's processes added up per CPCCS type into `res.totals` (form order)."""
    totals: dict[str, TypeTotal] = {}
    for p in _Rows(table, sm, res, state_choice).processes():
        tipo = procedure_type(p.name, type_choice)
        if tipo is None:
            res.unknown_types[p.name or "(vacío)"] = res.unknown_types.get(p.name or "(vacío)", 0) + 1
            tipo = OTHER
        t = totals.setdefault(tipo, TypeTotal(tipo))
        if p.name and p.name not in t.names:
            t.names.append(p.name)
        t.adjudicados += 1
        t.valor_adjudicados += p.value
        if p.kind == "FIN":
            t.finalizados += 1
            t.valor_finalizados += p.final if p.final is not None else p.value
        if not t.link and p.link.lower().startswith(("http://", "https://")):
            t.link = p.link
        res.counted += 1
    order = {o: i for i, o in enumerate(_options())}
    res.totals = sorted(totals.values(), key=lambda t: order.get(t.tipo, len(order)))


def _form(current: dict, totals: list[TypeTotal]) -> dict:
    """The section's answers: one row per type counted, keeping a link already typed for that type."""
    links = {
        str(r.get("tipo", "")).strip(): r.get("link")
        for r in (current.get("filas") or [])
        if isinstance(r, dict) and r.get("link")
    }
    rows = []
    for t in totals:
        row = t.as_json()
        row.pop("procedimientos")
        row["link"] = links.get(t.tipo) or t.link or ""
        if not row["link"]:
            row.pop("link")
        rows.append(row)
    return {"filas": rows}


def import_processes(
    db: Database, path: str | Path, year: int, *, save_mapping: str | None = None, **kw
) -> ProcurementImport:
    """Preview, then (unless `dry_run` or any error) store the section's answers in one transaction and
    remember the mapping for lists with the same headers."""
    from rcdesk.services.cpccs import CpccsService
    from rcdesk.services.import_mappings import ImportMappings

    res = read_processes(db, path, year, **kw)
    if res.errors:
        raise UserError(
            f"«{Path(path).name}»: la contratación pública no se guardó ({len(res.errors)} problema(s)).",
            details=res.errors[:50],
        )
    assert res.mapping is not None
    doc = profiles.build(KIND, [res.mapping], res.profile_name)
    if save_mapping:
        profiles.save(save_mapping, doc)
    if res.dry_run:
        return res
    CpccsService(db).save_form(year, SECTION, res.form, kw.get("institution_id"))
    ImportMappings(db).remember(KIND, profiles.signature(KIND, [res.mapping]), doc)
    res.saved = True
    return res


__all__ = [
    "PROCUREMENT",
    "ProcurementImport",
    "TypeTotal",
    "import_processes",
    "procedure_type",
    "read_processes",
    "state_kind",
]
