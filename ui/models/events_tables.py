"""Table models of the events pages.

`LazyTableModel` never loads a whole table: it asks a `fetch(offset, limit)` function for one
page of rows at a time (canFetchMore/fetchMore), so an event with 20,000 attendees or the
1,000,000-person directory opens and filters instantly. The small lists (events, questions,
commitments) use `RowsModel` with `set_rows()`.
"""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ui.models.rows import ListTableModel

RowRole = Qt.ItemDataRole.UserRole + 1
PAGE = 200

_WARN = QBrush(QColor("#fff3cd"))
_BAD = QBrush(QColor("#f8d7da"))
_OK = QBrush(QColor("#d1e7dd"))


class LazyTableModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows: list = []
        self._fetch: Callable[[int, int], list] | None = None
        self._more = False

    # -- loading ---------------------------------------------------------------------------
    def set_fetch(self, fetch: Callable[[int, int], list] | None) -> None:
        """Start over with a new query; loads only the first page."""
        self.beginResetModel()
        self._fetch = fetch
        self._rows = []
        self._more = fetch is not None
        self.endResetModel()
        if fetch is not None:
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid() or not self._more or self._fetch is None:
            return
        page = self._fetch(len(self._rows), PAGE)
        self._more = len(page) == PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def row_at(self, row: int):  # noqa: ANN201
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- Qt --------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001, N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(row, index.column())
        return None

    def display(self, row, col: int) -> str:  # noqa: ANN001
        raise NotImplementedError

    def background(self, row, col: int):  # noqa: ANN001, ANN201, ARG002
        return None


class AttendanceModel(LazyTableModel):
    COL_NO, COL_NAME, COL_ID, COL_STATUS, COL_ORG, COL_TERRITORY, COL_ROLE = range(7)
    HEADERS = ("Nº", "Nombres y apellidos", "Documento", "Validación", "Organización", "Territorio", "Rol")
    _STATUS = {"ok": "Válido", "repaired": "Reparado", "warning": "Aviso", "invalid": "No válido", "empty": "—"}

    def display(self, r, col: int) -> str:  # noqa: ANN001
        if col == self.COL_NO:
            return str(r.seq_no)
        if col == self.COL_NAME:
            return r.full_name + (" (menor)" if r.is_minor else "")
        if col == self.COL_ID:
            return r.id_number or ""
        if col == self.COL_STATUS:
            return self._STATUS.get(r.id_status, r.id_status)
        if col == self.COL_ORG:
            return r.organization or "Ciudadano/a"
        if col == self.COL_TERRITORY:
            return r.territory
        return r.role_label

    def background(self, r, col: int):  # noqa: ANN001, ANN201
        if col == self.COL_STATUS:
            return {"invalid": _BAD, "warning": _WARN, "repaired": _WARN}.get(r.id_status)
        return None


class PeopleModel(LazyTableModel):
    COL_NAME, COL_ID, COL_ORG, COL_TERRITORY = range(4)
    HEADERS = ("Nombres y apellidos", "Documento", "Organización", "Territorio")

    def display(self, p, col: int) -> str:  # noqa: ANN001
        return (p.full_name, p.id_number or "", p.organization or "", p.territory_text or "")[col]


class RowsModel(ListTableModel):
    """A small list of frozen dataclass rows with (header, getter) columns."""

    COLUMNS: tuple[tuple[str, Callable], ...] = ()

    def headers(self) -> list[str]:
        return [c[0] for c in self.COLUMNS]

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):  # noqa: ANN001
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[index.column()][1](row)
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(row)
        return None

    def background(self, row):  # noqa: ANN001, ANN201, ARG002
        return None


def _d(d) -> str:  # noqa: ANN001
    return d.strftime("%d/%m/%Y") if d else ""


class EventListModel(RowsModel):
    COL_DATE, COL_TYPE, COL_TITLE, COL_PLACE, COL_ATTENDANCE, COL_STATUS = range(6)
    COLUMNS = (
        ("Fecha", lambda e: _d(e.event_date)), ("Tipo", lambda e: e.type_label), ("Título", lambda e: e.title),
        ("Lugar", lambda e: e.place), ("Asistentes", lambda e: str(e.attendance)), ("Estado", lambda e: e.status_label),
    )


class QuestionsModel(RowsModel):
    COL_RECEIVED, COL_ASKER, COL_TEXT, COL_DUE, COL_STATUS, COL_UNIT = range(6)
    COLUMNS = (
        ("Recibida", lambda q: _d(q.received_on)), ("Ciudadano/a", lambda q: q.asker_name),
        ("Pregunta", lambda q: q.text), ("Vence", lambda q: _d(q.due_date)), ("Estado", lambda q: q.status_label),
        ("Unidad", lambda q: q.assigned_unit),
    )

    def background(self, q):  # noqa: ANN001, ANN201
        if q.overdue:
            return _BAD
        return _OK if q.answered_on and not q.answered_late else None


class ContributionsModel(RowsModel):
    COL_MESA, COL_TEXT, COL_BY, COL_COMMITMENT = range(4)
    COLUMNS = (
        ("Mesa", lambda c: c.mesa or "Plenaria"), ("Aporte", lambda c: c.text), ("Presentado por", lambda c: c.submitted_by or ""),
        ("Compromiso", lambda c: "Sí" if c.commitment_id else ""),
    )


class CommitmentsModel(RowsModel):
    COL_DESCRIPTION, COL_RESPONSIBLE, COL_DUE, COL_PCT, COL_BAND, COL_STATUS, COL_EVENT = range(7)
    COLUMNS = (
        ("Compromiso", lambda c: c.description), ("Responsable", lambda c: c.responsible),
        ("Plazo", lambda c: _d(c.due_date)), ("Avance", lambda c: f"{c.progress_pct:.0f} %"),
        ("Banda CPCCS", lambda c: c.band), ("Estado", lambda c: c.status_label + (" · vencido" if c.overdue else "")),
        ("Evento", lambda c: c.event_title),
    )

    def background(self, c):  # noqa: ANN001, ANN201
        if c.overdue:
            return _BAD
        return _OK if c.status == "CUMPLIDO" else None


class FollowUpsModel(RowsModel):
    COL_DATE, COL_PCT, COL_BAND, COL_NOTE, COL_EVIDENCE = range(5)
    COLUMNS = (
        ("Corte", lambda f: _d(f.cut_date)), ("Avance", lambda f: f"{f.progress_pct:.0f} %"), ("Banda", lambda f: f.band),
        ("Descripción", lambda f: f.narrative or ""), ("Evidencias", lambda f: ", ".join(e.label for e in f.evidence)),
    )


class ImportPreviewModel(RowsModel):
    COL_LINE, COL_STATUS, COL_NAME, COL_ID, COL_ORG, COL_MESSAGE = range(6)
    _LABELS = {"ok": "Correcta", "repaired": "Reparada", "warning": "Con aviso", "invalid": "Documento no válido",
               "duplicate": "Duplicada", "error": "Con error"}
    COLUMNS = (
        ("Fila", lambda r: str(r.line)), ("Estado", lambda r: ImportPreviewModel._LABELS.get(r.status, r.status)),
        ("Nombre", lambda r: r.name), ("Documento", lambda r: r.id_check.number or r.id_check.raw),
        ("Organización", lambda r: r.organization), ("Observación", lambda r: r.message),
    )

    def background(self, r):  # noqa: ANN001, ANN201
        return {"invalid": _BAD, "error": _BAD, "duplicate": _WARN, "repaired": _WARN, "warning": _WARN}.get(r.status)


class ActasModel(RowsModel):
    COL_NUMBER, COL_KIND, COL_SHA = range(3)
    COLUMNS = (
        ("Número", lambda a: a.number), ("Tipo", lambda a: "Deliberación" if a.kind == "deliberacion" else "Compromiso"),
        ("Huella SHA-256", lambda a: a.sha256),
    )


class InvitationsModel(RowsModel):
    COL_NAME, COL_ORG, COL_GROUP, COL_CONTACT, COL_STATUS = range(5)
    COLUMNS = (
        ("Invitado/a", lambda i: i.name), ("Organización", lambda i: i.organization or ""),
        ("Grupo de valor", lambda i: i.stakeholder_group or ""), ("Contacto", lambda i: i.contact or ""),
        ("Confirmación", lambda i: i.status_label),
    )
