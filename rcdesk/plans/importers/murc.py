"""MURC matrix (Colombia, seeds 001 and 003): element label (INFORMACIÓN / DIÁLOGO /
RESPONSABILIDAD) in the first column, ACTIVIDADES, five ETAPAS columns and three
Cuatrimestre columns with X marks, META/PRODUCTO, DEPENDENCIA RESPONSABLE. The header
repeats at each page break, sometimes with stray cells. Groups: elemento.
"""

from __future__ import annotations

from rcdesk.plans.detect import fold
from rcdesk.plans.importers.base import SheetParser
from rcdesk.plans.xlsx_grid import cell_text

ELEMENTS = {"informacion", "dialogo", "responsabilidad"}


class MurcParser(SheetParser):
    layout = "murc"
    top_kind = "elemento"
    group_col_kind = "elemento"
    group_col_is_top = True

    def split_group_label(self, text: str) -> tuple[str, str]:
        return text, text

    def group_row(self, r: int, cells: list[tuple[int, object]]) -> tuple[str, str, str] | None:
        # an element named on a row of its own, in whatever column the merge starts
        if len(cells) != 1:
            return None
        c, v = cells[0]
        text = cell_text(v)
        if c != self.cmap.group_col and fold(text) in ELEMENTS:
            return "elemento", text, text
        return None
