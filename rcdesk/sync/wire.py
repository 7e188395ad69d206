"""The canonical form of every value in a package, whatever engine wrote or reads it.

Packages carry values as SQLite stores them, which is what the field laptops (always SQLite)
have always written and read: a datetime as `2026-05-20 14:03:00.000000` (always six decimals),
a date as `2026-05-20`, a flag as 1 or 0, JSON as its text (`json.dumps`), floats and text as
such, a blob as `{"$b64": …}` (`tables.to_wire`). On SQLite the sync code reads and writes the
stored values untouched (`raw_table`'s columns have no processing there, at no cost per value).
On PostgreSQL the same columns convert: typed values read become that form, and that form is
bound back as what the server column takes, so a package made on a laptop and consolidated at
a headquarters on a server, and a base package or receipt going back, compare equal value by
value: no false conflict, no «Object of type date is not JSON serializable».
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


def datetime_text(v: datetime) -> str:
    return f"{v:%Y-%m-%d %H:%M:%S}.{v.microsecond:06d}"


def to_canonical(v: Any) -> Any:
    """A typed value (as a server returns it) in its wire form."""
    if isinstance(v, datetime):
        return datetime_text(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, Decimal):
        return float(v)
    return v


def _kind(column_type: sa.types.TypeEngine) -> str:
    for cls, kind in ((sa.DateTime, "datetime"), (sa.Date, "date"), (sa.Boolean, "bool"), (sa.JSON, "json")):
        if isinstance(column_type, cls):
            return kind
    return "plain"


def _read(kind: str) -> Callable[[Any], Any] | None:
    if kind == "datetime":
        return lambda v: v if v is None or isinstance(v, str) else datetime_text(v)
    if kind == "date":
        return lambda v: v if v is None or isinstance(v, str) else v.isoformat()
    if kind == "bool":
        return lambda v: v if v is None else int(v)
    if kind == "json":
        return lambda v: v if v is None or isinstance(v, str) else json.dumps(v)
    return None


def _write(kind: str) -> Callable[[Any], Any] | None:
    if kind == "bool":  # 1/0 from a laptop; the server's boolean takes no integer
        return lambda v: v if v is None else bool(v)
    if kind == "datetime":
        return lambda v: datetime_text(v) if isinstance(v, datetime) else v
    if kind == "date":
        return lambda v: v.isoformat() if isinstance(v, date) else v
    if kind == "json":  # text is parsed by the server; a Python value is encoded as SQLite would hold it
        return lambda v: v if v is None or isinstance(v, str) else json.dumps(v)
    return None  # text, numbers: the driver sends them as they are


class _JsonText(FunctionElement):
    """A JSON column read as its stored text: the column itself on SQLite (where it is text), a
    cast on a server, whose `json` type keeps the text as written. Decoding there would make a
    JSON `null` indistinguishable from SQL NULL (both None) and reorder nothing but lose that."""

    inherit_cache = True
    name = "json_text"


@compiles(_JsonText)
def _json_text(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(_JsonText, "postgresql")
def _json_text_server(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


class Wire(TypeDecorator):
    """A column of `raw_table`: stored values untouched on SQLite, wire form on other engines."""

    impl = sa.types.NullType
    cache_ok = True

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def bind_processor(self, dialect):
        return None if dialect.name == "sqlite" else _write(self.kind)

    def result_processor(self, dialect, coltype):
        return None if dialect.name == "sqlite" else _read(self.kind)


class _WireJson(Wire):
    """A JSON column of `raw_table`: read as the text it holds on either engine (`_JsonText`)."""

    cache_ok = True

    def column_expression(self, colexpr):
        fn = _JsonText(colexpr)
        fn.type = self
        return fn


_TYPES: dict[str, Wire] = {}


def wire_type(column_type: sa.types.TypeEngine) -> Wire:
    kind = _kind(column_type)
    got = _TYPES.get(kind)
    if got is None:
        got = _TYPES[kind] = _WireJson(kind) if kind == "json" else Wire(kind)
    return got
