"""Read back the CPCCS report's workbook (`rcdesk report cpccs --out F.xlsx`) after a person filled
the form's answers in Excel or LibreOffice, and store them.

The workbook is matched against the report as rcdesk computes it now (`SectionView`): each
answer cell (yellow in the workbook: `fact_paths`, `col_fields`, `row_paths`) that differs from
what rcdesk shows becomes an answer of the form; a table of the form (`open_rows`) is replaced by
its rows. Every other cell that differs — a computed figure typed over, a row that no longer
matches, an unknown sheet, text outside the tables — is listed as not imported, never dropped
in silence. One bad value stops the whole import with a message naming sheet, row and field;
nothing is written then, and nothing is written on a dry run.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.services import cpccs_schema as schema
from rcdesk.services.cpccs_schema import MISSING_HEAD, NA_LABEL, NOTES_HEAD, Field, Section, SectionView
from rcdesk.text import clean, fold

STATUS_SHEET = "Estado del informe"
_NA_FIELD = Field("no_aplica", NA_LABEL, "yesno")


@dataclass(frozen=True)
class CellChange:
    sheet: str
    cell: str
    section: str
    label: str
    before: object
    after: object

    def as_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "section": self.section,
            "field": self.label,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class NotImported:
    sheet: str
    cell: str
    value: object
    reason: str

    def as_json(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "value": self.value, "reason": self.reason}


@dataclass
class ImportResult:
    file: str
    year: int
    institution: str
    dry_run: bool
    changes: list[CellChange] = field(default_factory=list)
    not_imported: list[NotImported] = field(default_factory=list)
    missing_sheets: list[str] = field(default_factory=list)
    forms: dict[str, dict] = field(default_factory=dict)  # section -> its answers after the import

    @property
    def sections(self) -> list[str]:
        return list(self.forms)

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "year": self.year,
            "institution": self.institution,
            "dry_run": self.dry_run,
            "sections": self.sections,
            "changes": [c.as_json() for c in self.changes],
            "not_imported": [n.as_json() for n in self.not_imported],
            "missing_sheets": self.missing_sheets,
        }

    def summary(self) -> str:
        verb = "se guardarían" if self.dry_run else "guardadas"
        lines = [
            f"Libro «{Path(self.file).name}», informe CPCCS {self.year}: {len(self.changes)} respuesta(s) "
            f"{verb} en {len(self.forms)} sección(es)" + (" (prueba: nada se guardó)." if self.dry_run else ".")
        ]
        for c in self.changes[:40]:
            lines.append(f"  {c.sheet}!{c.cell} «{c.label}»: {_show(c.before)} → {_show(c.after)}")
        if len(self.changes) > 40:
            lines.append(f"  … y {len(self.changes) - 40} más")
        if self.not_imported:
            lines.append(f"{len(self.not_imported)} celda(s) NO importada(s):")
            for n in self.not_imported[:40]:
                lines.append(f"  {n.sheet}!{n.cell} «{_show(n.value)}»: {n.reason}")
            if len(self.not_imported) > 40:
                lines.append(f"  … y {len(self.not_imported) - 40} más")
        if self.missing_sheets:
            lines.append(
                "Hojas que faltan en el libro (secciones sin cambios): " + ", ".join(self.missing_sheets) + "."
            )
        return "\n".join(lines)


def _show(v: object) -> str:
    return "(vacío)" if v is None or v == "" else str(v)


def _addr(r: int, c: int) -> str:
    letters = ""
    n = c + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _same(a: object, b: object) -> bool:
    """Loose equality of a cell read back and the value rcdesk wrote (numbers within a cent)."""
    if _blank(a) and _blank(b):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 0.005
    return clean(a) == clean(b)


def import_workbook(
    db: Database, path: str | Path, year: int, *, institution_id: str | None = None, dry_run: bool = False
) -> ImportResult:
    """Store the answers typed in a CPCCS report workbook (see the module's docstring)."""
    from rcdesk.imports.limits import check_workbook
    from rcdesk.plans.xlsx_grid import read_workbook
    from rcdesk.services.cpccs import CpccsService

    path = Path(path)
    if not path.exists():
        raise UserError(f"No existe el archivo «{path}».")
    if path.suffix.lower() != ".xlsx":
        raise UserError(
            f"«{path.name}»: se importa el libro .xlsx que escribe «rcdesk report cpccs» (o «Exportar libro»), "
            "llenado en Excel o LibreOffice."
        )
    check_workbook(path)
    grids = {g.name: g for g in read_workbook(path)}
    if STATUS_SHEET not in grids:
        raise UserError(
            f"«{path.name}» no es un libro del informe CPCCS de rcdesk: le falta la hoja «{STATUS_SHEET}». "
            "Exporte el libro con «rcdesk report cpccs --out ARCHIVO.xlsx» y llénelo."
        )
    svc = CpccsService(db)
    report = svc.report(int(year), institution_id=institution_id)
    inst = report.institution
    forms = svc.forms(int(year), inst.institution_id)
    res = ImportResult(str(path), int(year), inst.name, dry_run)
    errors: list[str] = []
    sheets = {s.sheet: s for s in schema.SECTIONS}
    for name, grid in grids.items():
        if name == STATUS_SHEET:
            continue
        sec = sheets.get(name)
        if sec is None:
            for r, row in enumerate(grid.rows):
                for c, v in enumerate(row):
                    if not _blank(v):
                        res.not_imported.append(NotImported(name, _addr(r, c), v, "hoja desconocida"))
                        break
                else:
                    continue
                break
            continue
        _Sheet(grid, sec, report.section(sec.key), forms.get(sec.key, {}), res, errors).read()
    res.missing_sheets = [s.sheet for s in schema.SECTIONS if s.sheet not in grids]
    if errors:
        more = f" (y {len(errors) - 1} error(es) más)" if len(errors) > 1 else ""
        raise UserError(f"{errors[0]}{more}. No se importó nada.", details=errors)
    for key, data in list(res.forms.items()):
        try:
            res.forms[key] = schema.clean_data(schema.BY_KEY[key], data)
        except UserError as exc:
            raise UserError(f"Hoja «{schema.BY_KEY[key].sheet}»: {exc} No se importó nada.") from None
    if res.forms and not dry_run:
        svc.save_forms(int(year), res.forms, inst.institution_id)
    return res


class _Sheet:
    """One section's sheet against its current view."""

    def __init__(self, grid, sec: Section, view: SectionView, form: dict, res: ImportResult, errors: list[str]):
        self.grid, self.sec, self.view, self.res, self.errors = grid, sec, view, res, errors
        self.form = copy.deepcopy(form)
        self.changed = False
        self.name = grid.name
        self.set_at: dict[tuple, tuple[str, object]] = {}  # path -> (cell, value) of its first change

    # -- cells ---------------------------------------------------------------------------------
    def value(self, r: int, c: int) -> object:
        return self.grid.get(r, c) if r < self.grid.height else ""

    def field_of(self, key: str) -> Field:
        if key == "":
            return Field("clasificacion", "CLASIFICACIÓN", "text")
        f = self.sec.field(key) or self.sec.extra_field(key)
        if f is None:  # a mapping of the view names a field the section lacks: a programming error
            raise KeyError(f"{self.sec.key}.{key}")
        return f

    def norm(self, value: object, f: Field, r: int) -> object:
        where = f"Hoja «{self.name}», fila {r + 1}, campo «{f.label.rstrip(':')}»"
        if f.key == "clasificacion":
            text = fold(str(value or ""))
            if not text:
                return None
            for code, label in schema.BUDGET_CLASSES.items():
                if text in (fold(code), fold(label)):
                    return code
            raise UserError(f"{where}: «{value}» no es «Gasto corriente» ni «Gasto de inversión».")
        return schema.normalise(value, f, where)

    def shown(self, value: object, f: Field) -> object:
        """The value rcdesk shows, in its stored form (a computed proposal is compared as typed)."""
        try:
            return self.norm(value, f, 0)
        except UserError:
            return value

    def put(self, path: tuple, value: object, r: int, c: int, f: Field, before: object) -> None:
        where = _addr(r, c)
        if path in self.set_at:
            first_cell, first = self.set_at[path]
            if first != value:
                self.errors.append(
                    f"Hoja «{self.name}», celdas {first_cell} y {where}: «{f.label}» es un solo valor de la "
                    f"sección y las dos celdas dicen cosas distintas («{_show(first)}», «{_show(value)}»)"
                )
            return
        self.set_at[path] = (where, value)
        node = self.form
        for p in path[:-1]:
            node = node.setdefault(p, {})
        if value is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value
        self.changed = True
        self.res.changes.append(CellChange(self.name, where, self.sec.key, f.label.rstrip(":"), before, value))

    def skip(self, r: int, c: int, value: object, reason: str) -> None:
        self.res.not_imported.append(NotImported(self.name, _addr(r, c), value, reason))

    # -- the sheet -----------------------------------------------------------------------------
    def read(self) -> None:
        try:
            self._read()
        except UserError as exc:
            self.errors.append(str(exc).rstrip("."))
            return
        if self.changed:
            for key in [k for k, v in self.form.items() if v == {}]:
                del self.form[key]
            self.res.forms[self.sec.key] = self.form

    def _read(self) -> None:
        view = self.view
        labels = {clean(k): i for i, (k, _v) in enumerate(view.facts)}
        head = self._header_row()
        end = head if head is not None else self._tail_start()
        for r in range(2, end):
            first = clean(self.value(r, 0))
            for c in range(2, len(self.grid.rows[r]) if r < self.grid.height else 0):
                if not _blank(self.value(r, c)):
                    self.skip(r, c, self.value(r, c), "fuera de las tablas del informe")
            if not first:
                if not _blank(self.value(r, 1)):
                    self.skip(r, 1, self.value(r, 1), "fuera de las tablas del informe")
                continue
            if first == NA_LABEL:
                before = "SI" if self.form.get("no_aplica") else None
                after = self.norm(self.value(r, 1), _NA_FIELD, r)
                after = "SI" if after == "SI" else None
                if after != before:
                    self.put(("no_aplica",), True if after else None, r, 1, _NA_FIELD, before)
                continue
            i = labels.get(first)
            if i is None:
                self.skip(r, 0, first, "dato desconocido en esta hoja")
                continue
            self._fact(r, i)
        if head is not None:
            self._table(head)

    def _fact(self, r: int, i: int) -> None:
        label, shown = self.view.facts[i]
        got = self.value(r, 1)
        path = self.view.fact_paths.get(i)
        if path is None:
            if not _same(got, shown):
                self.skip(r, 1, got, "dato calculado por rcdesk: corríjalo en sus datos de origen")
            return
        f = self.field_of(path[-1])
        new = self.norm(got, f, r)
        if new != self.shown(shown, f):
            self.put(path, new, r, 1, f, shown)

    def _header_row(self) -> int | None:
        heads = [clean(h) for h in self.view.headers]
        if not heads:
            return None
        for r in range(2, self.grid.height):
            if [clean(self.value(r, c)) for c in range(len(heads))] == heads:
                return r
        raise UserError(
            f"Hoja «{self.name}»: no se encuentra la fila de encabezados de la tabla («{heads[0]}», …); "
            "no cambie ni borre los encabezados del libro exportado"
        )

    def _tail_start(self) -> int:
        for r in range(2, self.grid.height):
            if clean(self.value(r, 0)) in (MISSING_HEAD, NOTES_HEAD):
                return r
        return self.grid.height

    def _table(self, head: int) -> None:
        view = self.view
        width = len(view.headers)
        tail = self._tail_start()
        data = []
        for r in range(head + 1, tail):
            row = [self.value(r, c) for c in range(width)]
            for c in range(width, len(self.grid.rows[r])):
                if not _blank(self.value(r, c)):
                    self.skip(r, c, self.value(r, c), "fuera de las columnas de la tabla")
            if any(not _blank(v) for v in row):
                data.append((r, row))
        if view.open_rows:
            self._open_table(data)
        else:
            self._fixed_rows(data)
        self._tail(tail)

    def _open_table(self, data: list) -> None:
        rows = []
        cells = []
        for r, row in data:
            values = {}
            for c, key in self.view.col_fields.items():
                f = self.field_of(key)
                v = self.norm(row[c], f, r)
                if v is not None:
                    values[key] = v
            if values:
                rows.append(values)
                cells.append(r)
        before = self.form.get("filas", [])
        if rows == before:
            return
        self.form["filas"] = rows
        self.changed = True
        for n, row in enumerate(rows):
            old = before[n] if n < len(before) else {}
            for c, key in self.view.col_fields.items():
                if row.get(key) != old.get(key):
                    f = self.field_of(key)
                    change = CellChange(
                        self.name, _addr(cells[n], c), self.sec.key, f.label.rstrip(":"), old.get(key), row.get(key)
                    )
                    self.res.changes.append(change)
        for n in range(len(rows), len(before)):
            first = self.sec.fields[0]
            self.res.changes.append(
                CellChange(self.name, "—", self.sec.key, f"fila {n + 1} quitada", before[n].get(first.key), None)
            )

    def _fixed_rows(self, data: list) -> None:
        view = self.view
        for n, (r, row) in enumerate(data):
            if n >= len(view.rows):
                self.skip(r, 0, row[0] if not _blank(row[0]) else next(v for v in row if not _blank(v)), "fila de más")
                continue
            want = view.rows[n]
            k = view.key_col
            if not _same(row[k], want[k]):
                self.skip(
                    r,
                    k,
                    row[k],
                    f"la fila ya no corresponde a «{_show(want[k])}» (el orden o los datos de rcdesk cambiaron); "
                    "exporte el libro de nuevo",
                )
                continue
            path = view.row_paths[n] if n < len(view.row_paths) else None
            for c, got in enumerate(row):
                shown = want[c] if c < len(want) else None
                key = view.col_fields.get(c) if path is not None else None
                if key is None or path is None:
                    if not _same(got, shown):
                        self.skip(r, c, got, "dato calculado por rcdesk: corríjalo en sus datos de origen")
                    continue
                f = self.field_of(key)
                new = self.norm(got, f, r)
                if new != self.shown(shown, f):
                    self.put(path + (key,) if key else path, new, r, c, f, shown)

    def _tail(self, start: int) -> None:
        notes = {clean(n) for n in self.view.notes}
        in_notes = False
        for r in range(start, self.grid.height):
            for c in range(1, len(self.grid.rows[r])):
                if not _blank(self.value(r, c)):
                    self.skip(r, c, self.value(r, c), "fuera de las tablas del informe")
            text = clean(self.value(r, 0))
            if not text or text in (MISSING_HEAD, NOTES_HEAD):
                in_notes = in_notes or text == NOTES_HEAD
                continue
            if text.startswith("•") and not in_notes:
                continue
            if text not in notes:
                self.skip(r, 0, text, "texto fuera de las tablas: no se guarda")
