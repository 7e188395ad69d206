"""PAAC component 3 (Colombia, seed 004): "COMPONENTE 3: RENDICIÓN DE CUENTAS" title,
header "Subcomponente | Actividades | Meta o Producto | Recursos | Responsable | Fecha
programada"; the subcomponente cell carries down; page titles and headers repeat, and an
activity cut by a page break continues on the next page's first row (merged back here).
Groups: componente > subcomponente.
"""

from __future__ import annotations

import re

from rcdesk.plans.importers.base import SheetParser
from rcdesk.plans.xlsx_grid import cell_text

COMPONENTE_RE = re.compile(r"^\s*(componente\s*\d+[a-z]?)\s*[:.\-–—]?\s*(.*)$", re.IGNORECASE | re.DOTALL)
SUBCOMPONENTE_RE = re.compile(r"^\s*(sub\s*-?\s*componente\s*\d+[a-z]?)\s*[:.\-–—]?\s*(.*)$", re.IGNORECASE | re.DOTALL)


class PaacParser(SheetParser):
    layout = "paac"
    top_kind = "componente"
    group_col_kind = "subcomponente"

    def group_row(self, r: int, cells: list[tuple[int, object]]) -> tuple[str, str, str] | None:
        if not cells or len(cells) > 2:
            return None
        c0, v0 = cells[0]
        m = COMPONENTE_RE.match(cell_text(v0))
        if not m or c0 > 1:
            return None
        name = m[2].strip()
        if not name and len(cells) == 2:
            name = cell_text(cells[1][1])
        elif len(cells) == 2:
            return None
        return "componente", m[1].strip(), name

    def looks_like_group_label(self, text: str) -> bool:
        return bool(SUBCOMPONENTE_RE.match(text)) or super().looks_like_group_label(text)
