"""A field package's records read in parts, each proven sound before it is applied.

Headquarters consolidates a package of a million records with flat memory: a table's records
member and its personal member are read side by side, `PART_ROWS` lines at a time, and every
part gets the checks `verify` gives a whole table (row width, personal values, identifiers
unique across the table, base versions, required values, types) before the caller applies it.
The caller applies every part in the one transaction of the package, so the first problem in
any part — or a count that does not match at the end — still leaves the database as it was.

References are checked part by part too (`References`): a value must name a record that is
stored here, written by an earlier part of this package in the same transaction, or — for a
table's links to itself or to a table the package brings later — one that arrives later in the
package, which `References.finish` checks once everything is applied.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Generator, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy import select

from rcdesk.errors import UserError
from rcdesk.sync.package import OpenedPackage
from rcdesk.sync.tables import binary_columns, fk_columns, from_wire, label, raw_table
from rcdesk.sync.verify import _MAX_ERRORS, TableRows, _declared_columns, _row_errors, personal_plain

PART_ROWS = 10_000
_KNOWN_CAP = 200_000  # referenced ids remembered as present, per table (then forgotten and asked again)


def _line_parts(pieces: Iterable[bytes], bad: str) -> Iterator[list]:
    """JSON lines read from byte `pieces`, parsed `PART_ROWS` at a time (a JSON string never
    holds a raw newline, so lines split without parsing); `bad` is the refusal for bad JSON."""
    rest = b""
    lines: list[bytes] = []
    for piece in pieces:
        cut = (rest + piece).split(b"\n")
        rest = cut.pop()
        lines += cut
        while len(lines) >= PART_ROWS:
            yield _parse(lines[:PART_ROWS], bad)
            del lines[:PART_ROWS]
    if rest.strip():
        lines.append(rest)
    elif lines and not lines[-1].strip():
        lines.pop()  # the newline that ends the member
    if lines:
        yield _parse(lines, bad)


_PARSE_LINES = 1000
Parts = Generator[tuple[int, TableRows], None, None]


def _parse(lines: list[bytes], bad: str) -> list:
    # a thousand lines at a time: json.loads holds the GIL throughout, and a writer thread waiting
    # for the server's answer (`ReadAhead`) then waits a few milliseconds at most to go on
    try:
        out: list = []
        for k in range(0, len(lines), _PARSE_LINES):
            out += json.loads(b"[" + b",".join(lines[k : k + _PARSE_LINES]) + b"]")
        return out
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(bad.format(exc=exc)) from exc


def table_parts(pkg: OpenedPackage, table: sa.Table, spec: dict, opener) -> Parts:
    """(number of the first row, rows) of one declared table, part by part, each part checked;
    `UserError` on the first problem (the count is known to match only once the last part is read)."""
    fname, name = pkg.file_name, table.name
    columns = _declared_columns(fname, table, spec.get("columns"))
    width = len(columns) + 1
    personal = spec.get("personal") or []
    pidx = [columns.index(c) for c in personal if c in columns]
    if len(pidx) != len(personal):
        raise UserError(f"«{fname}»: las columnas personales de «{label(name)}» no coinciden con el manifiesto.")
    member = f"records/{name}.jsonl"
    parts = (
        _line_parts(pkg.checked(member), f"«{fname}»: «{member}» no contiene registros válidos ({{exc}}).")
        if pkg.has(member)
        else iter(())
    )
    bidx = [columns.index(c) for c in binary_columns(table) if c in columns]
    seen: set[str] = set()
    plines: Iterator[list] | None = None
    first = 1
    for rows in parts:
        if personal and plines is None:
            plines = _personal_parts(pkg, name, opener)
        _check_width(fname, name, rows, width, first)
        if plines is not None:
            _merge_personal(fname, name, rows, next(plines, None), pidx)
        errors = _row_errors(table, columns, rows, width, first, seen)
        if errors:
            raise UserError(f"«{fname}»: hay registros no válidos; no se importó nada.", details=errors[:_MAX_ERRORS])
        for row in rows if bidx else ():
            for i in bidx:
                row[i] = from_wire(row[i])
        yield first, TableRows(table, columns, rows)
        first += len(rows)
    count = first - 1
    if count != spec.get("count", -1):
        raise UserError(f"«{fname}»: «{label(name)}» declara {spec.get('count')} registros pero trae {count}.")
    if plines is not None and next(plines, None) is not None:
        raise UserError(f"«{fname}»: los datos personales de «{label(name)}» no corresponden a sus registros.")


def _check_width(fname: str, name: str, rows: list, width: int, first: int) -> None:
    bad_width = [n for n, row in enumerate(rows, first) if row.__class__ is not list or len(row) != width]
    if bad_width:
        raise UserError(
            f"«{fname}»: hay registros no válidos; no se importó nada.",
            details=[f"{label(name)}, fila {n}: número de valores incorrecto" for n in bad_width[:20]],
        )


def _merge_personal(fname: str, name: str, rows: list, plines: list | None, pidx: list[int]) -> None:
    if plines is None or len(plines) != len(rows):
        raise UserError(f"«{fname}»: los datos personales de «{label(name)}» no corresponden a sus registros.")
    for row, pl in zip(rows, plines):
        if pl.__class__ is not list or len(pl) != len(pidx):
            raise UserError(f"«{fname}»: los datos personales de «{label(name)}» están incompletos.")
        for j, i in enumerate(pidx):
            row[i] = pl[j]


def _personal_parts(pkg: OpenedPackage, name: str, opener) -> Iterator[list]:
    """The decrypted personal values of `name`, `PART_ROWS` lines at a time."""
    plain = personal_plain(pkg, name, opener)
    return _line_parts(plain, f"«{pkg.file_name}»: los datos personales de «{label(name)}» están dañados.")


class References:
    """Every foreign key of the parts applied so far names a record (see the module doc)."""

    def __init__(self, conn, fname: str, order: list[str]) -> None:
        self.conn, self.fname = conn, fname
        self.pos = {name: i for i, name in enumerate(order)}
        self.known: dict[str, set[str]] = {}
        # links that may be answered by a later part: (table, column, referenced) -> value -> row
        self.pending: dict[tuple[str, str, str], dict[str, int]] = {}

    def check(self, tr: TableRows, first: int) -> None:
        """Before the part `tr` is applied."""
        errors = []
        for col, ref in fk_columns(tr.table):
            if col not in tr.columns:
                continue
            i = tr.columns.index(col)
            known = self.known.setdefault(ref, set())
            # set operations over the part (a handful of distinct values in thousands of rows);
            # row numbers are looked for only for the values not known yet
            values = {r[i] for r in tr.rows}
            values.discard(None)
            values -= known
            if ref == tr.name:  # rows of this very part
                id_i = tr.columns.index("id")
                values -= {r[id_i] for r in tr.rows}
            wanted: dict[str, int] = {}
            if values:
                for n, r in enumerate(tr.rows, first):
                    v = r[i]
                    if v in values and v not in wanted:
                        wanted[v] = n
            missing = self._absent(ref, wanted)
            if not missing:
                continue
            if ref == tr.name or self.pos.get(ref, -1) > self.pos[tr.name]:
                self.pending.setdefault((tr.name, col, ref), {}).update(missing)
            else:
                errors += self._messages(tr.name, col, ref, missing)
        self._raise(errors)

    def finish(self) -> None:
        """Once every part is applied: the links that waited for a later part."""
        errors = []
        for (name, col, ref), waiting in self.pending.items():
            errors += self._messages(name, col, ref, self._absent(ref, waiting))
        self._raise(errors)

    def _absent(self, ref: str, wanted: dict[str, int]) -> dict[str, int]:
        if not wanted:
            return {}
        rt = raw_table(ref)
        vals = list(wanted)
        found: set[str] = set()
        for k in range(0, len(vals), 900):
            found.update(self.conn.execute(select(rt.c.id).where(rt.c.id.in_(vals[k : k + 900]))).scalars())
        known = self.known.setdefault(ref, set())
        if len(known) + len(found) > _KNOWN_CAP:
            known.clear()
        known |= found
        return {v: n for v, n in wanted.items() if v not in found}

    def _messages(self, name: str, col: str, ref: str, missing: dict[str, int]) -> list[str]:
        return [
            f"{label(name)}, fila {n}, campo «{col}»: hace referencia a un registro de {label(ref)} que no existe ({v})"
            for v, n in sorted(missing.items())[:10]
        ]

    def _raise(self, errors: list[str]) -> None:
        if errors:
            raise UserError(
                f"«{self.fname}»: hay registros que hacen referencia a datos inexistentes; no se importó nada.",
                details=errors,
            )


_END = object()


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class Reader:
    """The checked parts of a package's declared tables, in order, read as they are asked for
    (`parts(i)`: those of the i-th declared table)."""

    def __init__(self, pkg: OpenedPackage, declared: list[tuple[sa.Table, dict]], opener) -> None:
        self.pkg, self.declared, self.opener = pkg, declared, opener

    def parts(self, i: int) -> Parts:
        table, spec = self.declared[i]
        return table_parts(self.pkg, table, spec, self.opener)

    def close(self) -> None:
        pass


class ReadAhead(Reader):
    """A `Reader` whose parts a worker thread reads, decrypts and checks one part ahead of the
    caller. On a server the caller spends much of a part waiting for the server (its COPY, its
    lookups, the commit) with the GIL released; the next part is parsed meanwhile. Nothing is
    shared but the package (read by the worker alone until `close`) and the queue. Errors reach
    the caller at the point the sequential reading would have raised them. Not for SQLite, whose
    driver releases the GIL for every row written: each row would then wait for the worker."""

    def __init__(self, pkg: OpenedPackage, declared: list[tuple[sa.Table, dict]], opener, depth: int = 1) -> None:
        super().__init__(pkg, declared, opener)
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._next: object = None
        self._thread = threading.Thread(target=self._work, name="rcdesk-lectura-paquete", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        try:
            for i in range(len(self.declared)):
                parts = super().parts(i)
                try:
                    for item in parts:
                        if not self._put((i, item)):
                            return
                finally:
                    parts.close()
            self._put(_END)
        except BaseException as exc:  # handed to the caller, raised there
            self._put(_Failed(exc))

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def parts(self, i: int) -> Parts:
        while True:
            if self._next is None:
                self._next = self._queue.get()
            item = self._next
            if isinstance(item, _Failed):
                raise item.exc
            if item is _END or item[0] != i:  # type: ignore[index]
                return
            self._next = None
            yield item[1]  # type: ignore[index]

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.05)
            except queue.Empty:
                pass
        self._thread.join()


# readers started before their package's turn (`start_early`), by id of the package object
_EARLY: dict[int, ReadAhead] = {}
_EARLY_LOCK = threading.Lock()


def start_early(pkg: OpenedPackage, declared: list[tuple[sa.Table, dict]], opener) -> None:
    """Begin reading `pkg`'s first part now, while the package before it finishes on the server
    (its key checks and commit); `reader` hands it over when the package's turn comes. Reading
    changes nothing, so a package refused before its records are read just has it stopped."""
    with _EARLY_LOCK:
        if id(pkg) not in _EARLY:
            _EARLY[id(pkg)] = ReadAhead(pkg, declared, opener)


def stop_early(pkg: OpenedPackage) -> None:
    """Stop a reader `start_early` began for `pkg` and nobody took (before the package closes)."""
    with _EARLY_LOCK:
        early = _EARLY.pop(id(pkg), None)
    if early is not None:
        early.close()


def reader(conn, pkg: OpenedPackage, declared: list[tuple[sa.Table, dict]], opener) -> Reader:
    """The package's parts read ahead by a worker on a server, in turn on SQLite."""
    if conn.dialect.name == "sqlite":
        return Reader(pkg, declared, opener)
    with _EARLY_LOCK:
        early = _EARLY.pop(id(pkg), None)
    return early if early is not None else ReadAhead(pkg, declared, opener)
