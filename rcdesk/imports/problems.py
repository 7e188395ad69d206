"""Structured form of an import problem for `--json`: sheet, row, column and message.

Importers write problems as one Spanish sentence that starts with where it happened
(«hoja «PDM», fila 12, columna N («T1. EJECUTADO 2024»): …»); scripts need the parts.
"""

from __future__ import annotations

import re

_WHERE = re.compile(
    r"^hoja «(?P<sheet>[^»]*)»"
    r"(?:,\s*filas?\s+(?P<row>\d+)(?:[–-]\d+)?)?"
    r"(?:,\s*columnas?\s+(?P<column>[A-Z]{1,3})(?:[–-][A-Z]{1,3})?(?:\s*\(«(?P<header>[^»]*)»\))?)?"
    r":\s*(?P<message>.*)$",
    re.S,
)


def split_problem(text: str) -> dict:
    m = _WHERE.match(str(text))
    if not m:
        return {"sheet": None, "row": None, "column": None, "header": None, "message": str(text)}
    return {
        "sheet": m["sheet"],
        "row": int(m["row"]) if m["row"] else None,
        "column": m["column"],
        "header": m["header"],
        "message": m["message"],
    }


def problems_json(items: list[str]) -> list[dict]:
    return [split_problem(x) for x in items]
