"""Tree model of a plan's groups (fases, etapas, componentes…) with activity counts.

The first top-level row is "Todas las actividades"; a "Sin grupo" row appears when some
activities have no group. Selecting a row filters the activity table (see `group_filter`).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt

COL_NAME, COL_COUNT = range(2)
HEADERS = ("Grupo", "Act.")
GroupIdRole = Qt.ItemDataRole.UserRole + 1
ALL = "__all__"
NONE = "__none__"
_DISPLAY = Qt.ItemDataRole.DisplayRole


class _Node:
    __slots__ = ("key", "label", "path", "count", "parent", "children", "row")

    def __init__(self, key: str, label: str, path: str, count: int, parent: _Node | None, row: int) -> None:
        self.key = key
        self.label = label
        self.path = path
        self.count = count
        self.parent = parent
        self.children: list[_Node] = []
        self.row = row


class PlanGroupModel(QAbstractItemModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._root = _Node("", "", "", 0, None, 0)
        self._by_key: dict[str, _Node] = {}
        self._descendants: dict[str, set] = {}

    def set_view(self, view) -> None:
        self.beginResetModel()
        root = _Node("", "", "", 0, None, 0)
        by_key: dict[str, _Node] = {}
        if view is not None:
            all_node = _Node(ALL, "Todas las actividades", "", len(view.activities), root, 0)
            root.children.append(all_node)
            by_key[ALL] = all_node
            for g in view.groups:
                parent = by_key.get(g.parent_id) if g.parent_id else root
                parent = parent or root
                node = _Node(g.group_id, g.label, g.path, g.total, parent, len(parent.children))
                parent.children.append(node)
                by_key[g.group_id] = node
            loose = sum(1 for a in view.activities if a.group_id is None or a.group_id not in by_key)
            if loose:
                node = _Node(NONE, "Sin grupo", "", loose, root, len(root.children))
                root.children.append(node)
                by_key[NONE] = node
        self._root = root
        self._by_key = by_key
        self._descendants = {}
        self.endResetModel()

    # -- helpers -----------------------------------------------------------------------------
    def index_of(self, key: str) -> QModelIndex:
        node = self._by_key.get(key)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def key(self, index: QModelIndex) -> str | None:
        return index.internalPointer().key if index.isValid() else None

    def group_filter(self, key: str | None) -> set | None:
        """The set of group ids (None for "no group") a selection shows; None means everything."""
        if not key or key == ALL or key not in self._by_key:
            return None
        if key == NONE:
            return {None}
        if key not in self._descendants:
            out, todo = set(), [self._by_key[key]]
            while todo:
                n = todo.pop()
                out.add(n.key)
                todo.extend(n.children)
            self._descendants[key] = out
        return self._descendants[key]

    def label(self, key: str | None) -> str:
        node = self._by_key.get(key or "")
        return (node.path or node.label) if node else ""

    # -- Qt model API --------------------------------------------------------------------------
    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        node = parent.internalPointer() if parent.isValid() else self._root
        return self.createIndex(row, column, node.children[row])

    def parent(self, index=QModelIndex()):  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = index.internalPointer().parent
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            if parent.column() != 0:
                return 0
            return len(parent.internalPointer().children)
        return len(self._root.children)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def data(self, index, role=_DISPLAY):
        if not index.isValid():
            return None
        node = index.internalPointer()
        if role == _DISPLAY:
            return node.label if index.column() == COL_NAME else str(node.count)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{node.path or node.label}: {node.count} actividad(es)"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == GroupIdRole:
            return node.key
        return None

    def headerData(self, section, orientation, role=_DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
