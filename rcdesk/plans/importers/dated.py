"""Dated cronograma by etapa (Colombia, seed 002): "ETAPA DE …" rows, each followed by a
"No. | ACTIVIDAD | FECHA INICIAL | FECHA FINAL | RESPONSABLE" header. Dates come as real Excel
dates or as d/mm/yyyy text. Groups: etapa.
"""

from __future__ import annotations

import re

from rcdesk.plans.importers.base import SheetParser
from rcdesk.plans.xlsx_grid import cell_text

ETAPA_RE = re.compile(r"^\s*(etapa|fase)\b", re.IGNORECASE)
# A lone line above a header that names the document, not an etapa: "CRONOGRAMA … 2024",
# "MUNICIPIO DE …", "VIGENCIA 2022", "ESTRATEGIA DE PARTICIPACIÓN CIUDADANA" (matched on the
# accent-free, lower-case text).
TITLE_HINT_RE = re.compile(
    r"\b(19|20)\d{2}\b|cronograma|vigencia|rendicion de cuentas general|municipio de|alcaldia|gobernacion|"
    r"\bplan\b|estrategia|matriz|participacion ciudadana"
)


class DatedParser(SheetParser):
    layout = "dated"
    top_kind = "etapa"
    group_col_kind = "etapa"
    group_col_is_top = True

    def group_row(self, r: int, cells: list[tuple[int, object]]) -> tuple[str, str, str] | None:
        if not cells or len(cells) > 2:
            return None
        c0, v0 = cells[0]
        text = cell_text(v0)
        if c0 > 1 or not isinstance(v0, str) or len(cells) == 2:
            return None
        if ETAPA_RE.match(text):
            return "etapa", "", text
        # any other label standing alone right above a repeated header names an etapa too
        from rcdesk.plans.detect import fold

        if fold(text) in self.ctx.title_lines_folded or TITLE_HINT_RE.search(fold(text)):
            return None
        k = self.next_nonblank(r, limit=2)
        if k is not None and self.is_header_like(self.cells(k)):
            return "etapa", "", text
        return None
