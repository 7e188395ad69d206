"""Reading a package's records and proving them sound before anything is written.

Every table the manifest declares must be one this version knows, with known columns and
every required one present; the row count, the personal members (decrypted and merged
line by line), identifiers, base versions, required values and value types are checked,
and every foreign key must point to a record that exists here or comes in the same
package. The first problem refuses the whole package, naming up to 20 rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import select

from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.sync.lines import parse_lines
from rcdesk.sync.package import MAX_MEMBER_BYTES, OpenedPackage
from rcdesk.sync.sealed import SCHEME as SEALED_SCHEME
from rcdesk.sync.tables import (
    ID_RE,
    binary_columns,
    exchange_tables,
    fk_columns,
    from_wire,
    label,
    raw_table,
    table_by_name,
)
from rcdesk.sync.value_checks import bad_value, column_fits, column_kind, type_word

_MAX_ERRORS = 20


@dataclass
class TableRows:
    table: sa.Table
    columns: list[str]
    rows: list[list]  # values in `columns` order, then the base version

    @property
    def name(self) -> str:
        return self.table.name


def read_tables(
    pkg: OpenedPackage, opener=None, *, cancel: CancelToken = NEVER_CANCELLED, progress: ProgressFn = no_progress
) -> Iterable[TableRows]:
    """Yield the validated rows of every table in the package, in dependency order."""
    declared = declared_tables(pkg)
    total = sum(int(spec.get("count", 0)) for _, spec in declared)
    done = 0
    for table, spec in declared:
        cancel.check()
        tr = _read_table(pkg, table, spec, opener)
        done += len(tr.rows)
        progress(done, total, f"Verificando {label(table.name)}")
        yield tr


def declared_tables(pkg: OpenedPackage) -> list[tuple[sa.Table, dict]]:
    """The tables the manifest declares, with their entries, in dependency order; refused when the
    manifest does not describe them or names a table this version does not know."""
    fname = pkg.file_name
    declared = pkg.manifest.get("tables") or {}
    if not isinstance(declared, dict):
        raise UserError(f"«{fname}»: el manifiesto no describe los registros.")
    unknown = [n for n in declared if table_by_name(n) is None]
    if unknown:
        raise UserError(
            f"«{fname}» contiene tipos de registro que esta versión de rcdesk no conoce "
            f"({', '.join(unknown)}). Actualice rcdesk para importarlo."
        )
    out = []
    for table in exchange_tables():
        spec = declared.get(table.name)
        if spec is None:
            continue
        if not isinstance(spec, dict) or not _is_count(spec.get("count", 0)):
            raise UserError(f"«{fname}»: el manifiesto no describe los registros de «{label(table.name)}».")
        out.append((table, spec))
    return out


def _is_count(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _read_table(pkg: OpenedPackage, table: sa.Table, spec: dict, opener) -> TableRows:
    fname = pkg.file_name
    name = table.name
    columns = _declared_columns(fname, table, spec.get("columns"))
    member = f"records/{name}.jsonl"
    rows = pkg.lines(member) if pkg.has(member) else []
    if len(rows) != int(spec.get("count", -1)):
        raise UserError(f"«{fname}»: «{label(name)}» declara {spec.get('count')} registros pero trae {len(rows)}.")
    width = len(columns) + 1
    personal = spec.get("personal") or []
    pidx = [columns.index(c) for c in personal if c in columns]
    if len(pidx) != len(personal):
        raise UserError(f"«{fname}»: las columnas personales de «{label(name)}» no coinciden con el manifiesto.")
    plines = _personal_lines(pkg, name, len(rows), opener) if personal and rows else None
    bad_width = [n for n, row in enumerate(rows, 1) if row.__class__ is not list or len(row) != width]
    if bad_width:
        raise UserError(
            f"«{fname}»: hay registros no válidos; no se importó nada.",
            details=[f"{label(name)}, fila {n}: número de valores incorrecto" for n in bad_width[:20]],
        )
    if plines is not None:
        for row, pl in zip(rows, plines):
            if pl.__class__ is not list or len(pl) != len(pidx):
                raise UserError(f"«{fname}»: los datos personales de «{label(name)}» están incompletos.")
            for j, i in enumerate(pidx):
                row[i] = pl[j]
    errors = _row_errors(table, columns, rows, width)
    if errors:
        raise UserError(f"«{fname}»: hay registros no válidos; no se importó nada.", details=errors[:_MAX_ERRORS])
    bins = binary_columns(table)
    if bins:
        bidx = [columns.index(c) for c in bins if c in columns]
        for row in rows:
            for i in bidx:
                row[i] = from_wire(row[i])
    return TableRows(table, columns, rows)


def _declared_columns(fname: str, table: sa.Table, columns: object) -> list[str]:
    """The manifest's columns of `table`, refused when this version cannot store them."""
    name = table.name
    local = {c.name for c in table.columns}
    if not isinstance(columns, list) or "id" not in columns or "version" not in columns or "deleted" not in columns:
        raise UserError(f"«{fname}»: el manifiesto no describe las columnas de «{label(name)}».")
    extra = [c for c in columns if c not in local or c == "change_seq"]
    if extra:
        raise UserError(
            f"«{fname}»: «{label(name)}» trae columnas desconocidas ({', '.join(extra)}); "
            "el paquete es de una versión más reciente de rcdesk."
        )
    missing = [c.name for c in table.columns if c.name not in columns and c.name != "change_seq" and not c.nullable]
    if missing:
        raise UserError(f"«{fname}»: a «{label(name)}» le faltan columnas obligatorias ({', '.join(missing)}).")
    return columns


def personal_plain(pkg: OpenedPackage, name: str, opener) -> Iterable[bytes]:
    """The decrypted bytes of `name`'s personal member, in chunks (sealed packages) or whole (format 1)."""
    fname = pkg.file_name
    pmember = f"personal/{name}.jsonl.enc"
    if opener is None:
        raise UserError(f"«{fname}» trae datos personales cifrados y esta instalación no puede descifrarlos.")
    if not pkg.has(pmember):
        raise UserError(f"«{fname}»: faltan los datos personales de «{label(name)}».")
    aad = pmember.encode("ascii") + b"|" + pkg.manifest["package_id"].encode()
    enc = pkg.manifest.get("encryption") or {}
    if enc.get("scheme") == SEALED_SCHEME:
        return opener.open_stream(
            pkg.checked(pmember), aad, chunk=enc.get("chunk"), limit=MAX_MEMBER_BYTES, what=f"«{fname}»"
        )
    return [opener.open(pkg.read(pmember), aad)]  # format 1: the whole member sealed at once, uncompressed


def _personal_lines(pkg: OpenedPackage, name: str, count: int, opener) -> list:
    """The decrypted personal values of `name`, one list per record."""
    fname = pkg.file_name
    plain = b"".join(personal_plain(pkg, name, opener))
    try:
        plines = parse_lines(plain)
    except ValueError as exc:
        raise UserError(f"«{fname}»: los datos personales de «{label(name)}» están dañados.") from exc
    if len(plines) != count:
        raise UserError(f"«{fname}»: los datos personales de «{label(name)}» no corresponden a sus registros.")
    return plines


def _row_errors(
    table: sa.Table, columns: list[str], rows: list[list], width: int, first: int = 1, seen: set | None = None
) -> list[str]:
    """Messages for bad identifiers, base versions, missing required values and wrong types
    (`first`: the number of the first row, when `rows` is one part of a table; `seen`: the ids
    of the table's earlier parts, which this part's ids join)."""
    name = table.name
    by_column = list(zip(*rows)) if rows else [()] * width
    ids = by_column[columns.index("id")]
    errors = _id_errors(name, ids, first, seen)
    bases = by_column[-1]
    if not column_fits("int", bases) or None in bases or any(b < 0 for b in bases):
        errors += [
            f"{label(name)}, fila {n}: versión base no válida"
            for n, b in enumerate(bases, first)
            if not isinstance(b, int) or isinstance(b, bool) or b < 0
        ][:5]
    local = {c.name: c for c in table.columns}
    for i, c in enumerate(columns):
        col = local[c]
        kind = column_kind(col)
        values = by_column[i]
        if not col.nullable and None in values:
            errors += [
                f"{label(name)}, fila {n} ({ids[n - first]}), campo «{c}»: falta el valor obligatorio"
                for n, v in enumerate(values, first)
                if v is None
            ][:5]
        if kind is not None and not column_fits(kind, values):
            errors += [
                f"{label(name)}, fila {n} ({ids[n - first]}), campo «{c}»: se esperaba {type_word(col)}, "
                f"llegó {str(v)[:40]!r}"
                for n, v in enumerate(values, first)
                if v is not None and bad_value(kind, v)
            ][:5]
        if len(errors) >= _MAX_ERRORS:
            break
    return errors


def _all_ids(ids: tuple) -> bool:
    try:  # one C-level pass; a value that is not text stops it with TypeError
        return all(map(ID_RE.match, ids))
    except TypeError:
        return False


def _id_errors(name: str, ids: tuple, first: int = 1, seen: set | None = None) -> list[str]:
    unique = set(ids)
    if len(unique) == len(ids) and _all_ids(ids) and (not seen or unique.isdisjoint(seen)):
        if seen is not None:
            seen |= unique
        return []
    errors = []
    seen = set(seen or ())
    for n, rid in enumerate(ids, first):
        if not isinstance(rid, str) or not ID_RE.match(rid):
            errors.append(f"{label(name)}, fila {n}: identificador no válido ({str(rid)[:40]!r})")
        elif rid in seen:
            errors.append(f"{label(name)}, fila {n}: el registro {rid} aparece dos veces")
        seen.add(rid)
    return errors


def check_references(conn, fname: str, tables: list[TableRows]) -> None:
    """Every foreign key points to a record that exists here or comes in the package."""
    in_package: dict[str, set[str]] = {}
    for tr in tables:
        i = tr.columns.index("id")
        in_package.setdefault(tr.name, set()).update(r[i] for r in tr.rows)
    errors = []
    for tr in tables:
        for col, ref in fk_columns(tr.table):
            if col not in tr.columns:
                continue
            i = tr.columns.index(col)
            wanted = {r[i] for r in tr.rows if r[i] is not None} - in_package.get(ref, set())
            if not wanted:
                continue
            rt = raw_table(ref)
            found: set[str] = set()
            vals = list(wanted)
            for k in range(0, len(vals), 900):
                found.update(conn.execute(select(rt.c.id).where(rt.c.id.in_(vals[k : k + 900]))).scalars())
            for v in sorted(wanted - found)[:10]:
                n = next(k for k, r in enumerate(tr.rows, 1) if r[i] == v)
                errors.append(
                    f"{label(tr.name)}, fila {n}, campo «{col}»: hace referencia a un registro de "
                    f"{label(ref)} que no existe ({v})"
                )
    if errors:
        raise UserError(
            f"«{fname}»: hay registros que hacen referencia a datos inexistentes; no se importó nada.", details=errors
        )
