"""Table model of a plan's activities, and the proxy that filters by group and search text."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from rcdesk.services.plan_views import (
    cuatrimestre_marks,
    haystack,
    matches,
    natural_key,
    search_fold,
    stage_marks,
    stage_names,
)

from ..formatting import date_text
from .rows import IdRole, ListTableModel, columns

(
    COL_NUMBER,
    COL_GROUP,
    COL_DESCRIPTION,
    COL_RESPONSIBLE,
    COL_META,
    COL_STAGES,
    COL_CUATRI,
    COL_START,
    COL_END,
    COL_SCHEDULED,
) = range(10)
HEADERS = (
    "N.º",
    "Grupo",
    "Actividad",
    "Responsable",
    "Meta / producto",
    "Etapas",
    "Cuatrim.",
    "Inicio",
    "Fin",
    "Fecha programada",
)
HEADER_TIPS = (
    "Número de la actividad en el plan",
    "Grupo (fase, etapa, componente…) al que pertenece",
    "Descripción de la actividad",
    "Dependencia o persona responsable",
    "Meta o producto esperado",
    "Etapas MURC marcadas: Apr = Aprestamiento, Dis = Diseño, Pre = Preparación, Eje = Ejecución, "
    "Seg = Seguimiento y Evaluación",
    "Cuatrimestres marcados (1: ene–abr, 2: may–ago, 3: sep–dic)",
    "Fecha inicial",
    "Fecha final",
    "Fecha programada tal como está escrita en el plan",
)
ActivityIdRole = IdRole
_LONG = (COL_DESCRIPTION, COL_RESPONSIBLE, COL_META, COL_SCHEDULED, COL_GROUP)


class ActivityTableModel(ListTableModel):
    """Rows are `ActivityRow`s; text is computed once in `set_rows()` so `data()` stays lean."""

    COLUMNS = columns(*HEADERS, tips=HEADER_TIPS, center=(COL_NUMBER, COL_STAGES, COL_CUATRI, COL_START, COL_END))
    CACHE_TEXT = True

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._paths: dict = {}
        self._hay: list[str] = []
        self._visible: list[bool] = []

    # -- loading ---------------------------------------------------------------------------
    def set_rows(self, rows: Sequence, paths: dict | None = None) -> None:
        # the filter proxy reads `_visible` while the reset ends, so it is ready before
        self.beginResetModel()
        self._paths = paths or {}
        self._rows = list(rows)
        self._text = [self.texts(a) for a in self._rows]
        self._hay = [haystack(a, self._path(a)) for a in self._rows]
        self._visible = [True] * len(self._rows)
        self.endResetModel()

    def _path(self, a) -> str:
        return self._paths.get(a.group_id, a.group_label)

    def texts(self, a) -> tuple[str, ...]:
        return (
            a.number,
            self._path(a),
            a.description,
            a.responsible,
            a.meta,
            stage_marks(a.stages),
            cuatrimestre_marks(a.cuatrimestres),
            date_text(a.start_date),
            date_text(a.end_date),
            a.scheduled_text,
        )

    def text(self, a, col: int) -> str:
        return self.texts(a)[col]

    def empty_columns(self) -> list[int]:
        """Columns with no text in any row (a CPCCS plan has no stages, a MURC one no dates…)."""
        return [c for c in range(len(HEADERS)) if not any(t[c] for t in self._text)]

    def rows(self) -> list:
        return list(self._rows)

    def row_of(self, activity_id: str) -> int:
        for i, a in enumerate(self._rows):
            if a.activity_id == activity_id:
                return i
        return -1

    # -- filtering (used by ActivityFilterProxy) -------------------------------------------
    def compute_filter(self, query: str, groups: set | None) -> None:
        q = search_fold(query)
        self._visible = [
            (groups is None or a.group_id in groups) and (not q or matches(h, q)) for a, h in zip(self._rows, self._hay)
        ]

    def visible_ids(self) -> set | None:
        """Ids of the rows the filter shows; None when it shows every row."""
        if all(self._visible):
            return None
        return {a.activity_id for a, v in zip(self._rows, self._visible) if v}

    def is_visible(self, row: int) -> bool:
        return self._visible[row]

    # -- Qt model API ------------------------------------------------------------------------
    def tooltip(self, a, col: int) -> str | None:
        if col in _LONG:
            return self.text(a, col) or None
        if col == COL_STAGES:
            return stage_names(a.stages) or None
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == ActivityIdRole and index.isValid():
            return self._rows[index.row()].activity_id
        return super().data(index, role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        return super().headerData(section, orientation, role)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows themselves (fast for 20,000 activities), keeping persistent indexes valid."""
        if not (0 <= column < len(HEADERS)) or not self._rows:
            return
        rows, texts = self._rows, self._text

        def keyfn(i: int) -> tuple:
            r = rows[i]
            if column == COL_NUMBER:
                return (natural_key(r.number), r.position)
            if column == COL_START:
                return (r.start_date is None, r.start_date or 0, r.position)
            if column == COL_END:
                return (r.end_date is None, r.end_date or 0, r.position)
            if column == COL_GROUP:
                return (r.position,)  # plan order groups activities
            return (texts[i][column] == "", search_fold(texts[i][column]), r.position)

        order_idx = sorted(range(len(self._rows)), key=keyfn, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        new_pos = {old: new for new, old in enumerate(order_idx)}
        old_list = self.persistentIndexList()
        new_list = [self.index(new_pos[i.row()], i.column()) for i in old_list]
        self._rows = [self._rows[i] for i in order_idx]
        self._text = [self._text[i] for i in order_idx]
        self._hay = [self._hay[i] for i in order_idx]
        self._visible = [self._visible[i] for i in order_idx]
        self.changePersistentIndexList(old_list, new_list)
        self.layoutChanged.emit()


class ActivityFilterProxy(QSortFilterProxyModel):
    """Shows the rows the source model marked visible; sorting is delegated to the source."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._query = ""
        self._groups: set | None = None
        self.setDynamicSortFilter(False)

    def source(self) -> ActivityTableModel:
        return self.sourceModel()  # type: ignore[return-value]

    def set_filter(self, query: str | None = None, groups: set | None | bool = False) -> None:
        """`groups=None` shows every group; `False` (default) keeps the current group filter."""
        if query is not None:
            self._query = query
        if groups is not False:
            self._groups = groups  # type: ignore[assignment]
        self.refilter()

    def refilter(self) -> None:
        self.beginFilterChange()
        self.source().compute_filter(self._query, self._groups)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def query(self) -> str:
        return self._query

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        return self.source().is_visible(source_row)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)

    def activity_id(self, index) -> str | None:
        if isinstance(index, QPersistentModelIndex):
            index = QModelIndex(index)
        if not index.isValid():
            return None
        return self.data(index, ActivityIdRole)
