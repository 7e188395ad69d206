"""CPCCS phases (Ecuador, seed 000): "FASE 0 | ORGANIZACIÓN INTERNA …" rows, then section
labels in the first column ("EQUIPO", "DISEÑO DE PROPUESTA"; merged over their rows),
activities and RESPONSABLES. Groups: fase > sección.
"""

from __future__ import annotations

import re

from rcdesk.plans.importers.base import SheetParser
from rcdesk.plans.xlsx_grid import cell_text

FASE_RE = re.compile(r"^\s*(fase\s*(?:\d+|[ivx]+))\b\s*[:.\-–—]?\s*(.*)$", re.IGNORECASE | re.DOTALL)


class CpccsParser(SheetParser):
    layout = "cpccs"
    top_kind = "fase"
    group_col_kind = "seccion"

    def group_row(self, r: int, cells: list[tuple[int, object]]) -> tuple[str, str, str] | None:
        if not cells or len(cells) > 3:
            return None
        c0, v0 = cells[0]
        if c0 > 1:
            return None
        m = FASE_RE.match(cell_text(v0))
        if not m:
            return None
        code = m[1].strip().upper() if m[1].isupper() else m[1].strip()
        name = m[2].strip()
        rest = [cell_text(v) for _, v in cells[1:]]
        if not name and rest:
            name = rest[0]
        return "fase", code, name
