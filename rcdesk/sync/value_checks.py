"""Whether the values a package brings fit the columns they go into.

Checked a column at a time (one pass over a tuple of values) because the common case is a
clean package of many thousands of rows; the slower per-value check only runs to name the
rows of a column already known to be wrong.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

_DT_RE = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?$")
_D_RE = re.compile(r"^\d{4}-\d\d-\d\d$")

_ALLOWED_TYPES: dict[str, set[type]] = {
    "bool": {int},
    "int": {int},
    "num": {int, float, str},
    "datetime": {str},
    "date": {str},
    "bin": {dict, bytes},
    "str": {str},
}

_TYPE_WORDS = {
    "Boolean": "sí/no",
    "Integer": "número entero",
    "Float": "número",
    "Numeric": "número",
    "DateTime": "fecha y hora",
    "Date": "fecha",
    "String": "texto",
    "Text": "texto",
    "JSON": "texto JSON",
}


def column_kind(col: sa.Column) -> str | None:
    """The check applied to a column's stored values (see `column_fits`)."""
    t = col.type
    if isinstance(t, sa.Boolean):
        return "bool"
    if isinstance(t, sa.Integer):
        return "int"
    if isinstance(t, (sa.Float, sa.Numeric)):
        return "num"
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.LargeBinary):
        return "bin"
    if isinstance(t, (sa.String, sa.Text, sa.JSON)):
        return "str"
    return None


def bad_value(kind: str, v: object) -> bool:
    if type(v) not in _ALLOWED_TYPES[kind]:
        return True
    if kind == "bool":
        return v not in (0, 1)
    if kind == "datetime":
        return not isinstance(v, str) or _DT_RE.match(v) is None
    if kind == "date":
        return not isinstance(v, str) or _D_RE.match(v) is None
    return False


def column_fits(kind: str | None, values: tuple) -> bool:
    """True when every non-NULL stored value fits the column (fast, column at a time)."""
    if kind is None:
        return True
    # `None in` is one C-level scan: most columns have no NULL and need no filtered copy
    present = [v for v in values if v is not None] if None in values else values
    if not present:
        return True
    if not set(map(type, present)) <= _ALLOWED_TYPES[kind]:
        return False
    if kind == "bool":
        return set(present) <= {0, 1}
    if kind == "datetime":  # dates and times repeat across a package: each distinct one matched once
        return all(map(_DT_RE.match, set(present)))
    if kind == "date":
        return all(map(_D_RE.match, set(present)))
    return True


def type_word(col: sa.Column) -> str:
    """The Spanish name of what a column holds, for messages."""
    name = type(col.type).__name__
    return _TYPE_WORDS.get(name, name.lower())
