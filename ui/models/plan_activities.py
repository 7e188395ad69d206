"""Table model of a plan's activities, and the proxy that filters by group and search text."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from rcdesk.services.plan_views import (
    cuatrimestre_marks,
    format_date,
    haystack,
    matches,
    natural_key,
    search_fold,
    stage_marks,
    stage_names,
)

(COL_NUMBER, COL_GROUP, COL_DESCRIPTION, COL_RESPONSIBLE, COL_META, COL_STAGES, COL_CUATRI, COL_START,
 COL_END, COL_SCHEDULED) = range(10)
HEADERS = ("N.º", "Grupo", "Actividad", "Responsable", "Meta / producto", "Etapas", "Cuatrim.",
           "Inicio", "Fin", "Fecha programada")
HEADER_TIPS = (
    "Número de la actividad en el plan", "Grupo (fase, etapa, componente…) al que pertenece",
    "Descripción de la actividad", "Dependencia o persona responsable", "Meta o producto esperado",
    "Etapas MURC marcadas: Apr = Aprestamiento, Dis = Diseño, Pre = Preparación, Eje = Ejecución, "
    "Seg = Seguimiento y Evaluación",
    "Cuatrimestres marcados (1: ene–abr, 2: may–ago, 3: sep–dic)", "Fecha inicial", "Fecha final",
    "Fecha programada tal como está escrita en el plan",
)
ActivityIdRole = Qt.ItemDataRole.UserRole + 1
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_LONG = (COL_DESCRIPTION, COL_RESPONSIBLE, COL_META, COL_SCHEDULED, COL_GROUP)


class ActivityTableModel(QAbstractTableModel):
    """Rows are `ActivityRow`s; text is computed once in `set_rows()` so `data()` stays lean."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows: list = []
        self._text: list[tuple[str, ...]] = []
        self._hay: list[str] = []
        self._visible: list[bool] = []

    # -- loading ---------------------------------------------------------------------------
    def set_rows(self, rows: Sequence, paths: dict | None = None) -> None:
        paths = paths or {}
        self.beginResetModel()
        self._rows = list(rows)
        self._text = []
        self._hay = []
        for a in self._rows:
            path = paths.get(a.group_id, a.group_label)
            self._text.append((
                a.number, path, a.description, a.responsible, a.meta, stage_marks(a.stages),
                cuatrimestre_marks(a.cuatrimestres), format_date(a.start_date), format_date(a.end_date),
                a.scheduled_text,
            ))
            self._hay.append(haystack(a, path))
        self._visible = [True] * len(self._rows)
        self.endResetModel()

    def empty_columns(self) -> list[int]:
        """Columns with no text in any row (a CPCCS plan has no stages, a MURC one no dates…)."""
        return [c for c in range(len(HEADERS)) if not any(t[c] for t in self._text)]

    def row_at(self, row: int):  # noqa: ANN201
        return self._rows[row]

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
            (groups is None or a.group_id in groups) and (not q or matches(h, q))
            for a, h in zip(self._rows, self._hay)
        ]

    def visible_ids(self) -> set | None:
        """Ids of the rows the filter shows; None when it shows every row."""
        if all(self._visible):
            return None
        return {a.activity_id for a, v in zip(self._rows, self._visible) if v}

    def is_visible(self, row: int) -> bool:
        return self._visible[row]

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index, role=_DISPLAY):  # noqa: ANN001, ANN201
        if not index.isValid():
            return None
        if role == _DISPLAY:
            return self._text[index.row()][index.column()]
        col = index.column()
        if role == _TOOLTIP:
            if col in _LONG:
                return self._text[index.row()][col] or None
            if col == COL_STAGES:
                return stage_names(self._rows[index.row()].stages) or None
            return None
        if role == _ALIGN:
            if col in (COL_STAGES, COL_CUATRI, COL_START, COL_END, COL_NUMBER):
                return _CENTER
            return None
        if role == ActivityIdRole:
            return self._rows[index.row()].activity_id
        return None

    def headerData(self, section, orientation, role=_DISPLAY):  # noqa: ANN001, ANN201, N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == _DISPLAY:
                return HEADERS[section]
            if role == _TOOLTIP:
                return HEADER_TIPS[section]
        elif orientation == Qt.Orientation.Vertical and role == _DISPLAY:
            return str(section + 1)
        return None

    def flags(self, index):  # noqa: ANN001, ANN201
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:  # noqa: ANN001
        """Sort the rows themselves (fast for 20,000 activities), keeping persistent indexes valid."""
        if not (0 <= column < len(HEADERS)) or not self._rows:
            return
        if column == COL_NUMBER:
            keyfn = lambda i: (natural_key(self._rows[i].number), self._rows[i].position)  # noqa: E731
        elif column == COL_START:
            keyfn = lambda i: (self._rows[i].start_date is None, self._rows[i].start_date or 0,  # noqa: E731
                               self._rows[i].position)
        elif column == COL_END:
            keyfn = lambda i: (self._rows[i].end_date is None, self._rows[i].end_date or 0,  # noqa: E731
                               self._rows[i].position)
        elif column == COL_GROUP:
            keyfn = lambda i: self._rows[i].position  # noqa: E731 - plan order groups activities
        else:
            keyfn = lambda i: (self._text[i][column] == "", search_fold(self._text[i][column]),  # noqa: E731
                               self._rows[i].position)
        order_idx = sorted(range(len(self._rows)), key=keyfn,
                           reverse=order == Qt.SortOrder.DescendingOrder)
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

    def __init__(self, parent=None) -> None:  # noqa: ANN001
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

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: ANN001, N802
        return self.source().is_visible(source_row)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:  # noqa: ANN001
        self.source().sort(column, order)

    def activity_id(self, index) -> str | None:  # noqa: ANN001
        if isinstance(index, QPersistentModelIndex):
            index = QModelIndex(index)
        if not index.isValid():
            return None
        return self.data(index, ActivityIdRole)
