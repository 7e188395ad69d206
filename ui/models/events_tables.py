"""Table models of the events pages.

`LazyTableModel` never loads a whole table: it asks a `fetch(offset, limit)` function for one
page of rows at a time (canFetchMore/fetchMore), so an event with 20,000 attendees or the
1,000,000-person directory opens and filters instantly. The small lists (events, questions,
commitments) are plain `ListTableModel`s filled with `set_rows()`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QBrush, QColor

from ..formatting import date_text, percent
from .rows import Column, ListTableModel, columns

PAGE = 200

_WARN = QBrush(QColor("#fff3cd"))
_BAD = QBrush(QColor("#f8d7da"))
_OK = QBrush(QColor("#d1e7dd"))


class LazyTableModel(ListTableModel):
    """Rows come a page at a time from `fetch(offset, limit)` as the view scrolls."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._fetch: Callable[[int, int], list] | None = None
        self._more = False

    def set_fetch(self, fetch: Callable[[int, int], list] | None) -> None:
        """Start over with a new query; loads only the first page."""
        self.beginResetModel()
        self._fetch = fetch
        self._rows = []
        self._more = fetch is not None
        self.endResetModel()
        if fetch is not None:
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or self._fetch is None:
            return
        page = self._fetch(len(self._rows), PAGE)
        self._more = len(page) == PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()


class AttendanceModel(LazyTableModel):
    COL_NO, COL_NAME, COL_ID, COL_STATUS, COL_ORG, COL_TERRITORY, COL_ROLE = range(7)
    COLUMNS = columns("Nº", "Nombres y apellidos", "Documento", "Validación", "Organización", "Territorio", "Rol")
    _STATUS = {"ok": "Válido", "repaired": "Reparado", "warning": "Aviso", "invalid": "No válido", "empty": "—"}

    def text(self, r, col: int) -> str:
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

    def background(self, r, col: int):
        if col == self.COL_STATUS:
            return {"invalid": _BAD, "warning": _WARN, "repaired": _WARN}.get(r.id_status)
        return None


class PeopleModel(LazyTableModel):
    COL_NAME, COL_ID, COL_ORG, COL_TERRITORY = range(4)
    COLUMNS = (
        Column("Nombres y apellidos", lambda p: p.full_name),
        Column("Documento", lambda p: p.id_number or ""),
        Column("Organización", lambda p: p.organization or ""),
        Column("Territorio", lambda p: p.territory_text or ""),
    )


class EventListModel(ListTableModel):
    COL_DATE, COL_TYPE, COL_TITLE, COL_PLACE, COL_ATTENDANCE, COL_STATUS = range(6)
    COLUMNS = (
        Column("Fecha", lambda e: date_text(e.event_date)),
        Column("Tipo", lambda e: e.type_label),
        Column("Título", lambda e: e.title),
        Column("Lugar", lambda e: e.place),
        Column("Asistentes", lambda e: str(e.attendance)),
        Column("Estado", lambda e: e.status_label),
    )


class QuestionsModel(ListTableModel):
    COL_RECEIVED, COL_ASKER, COL_TEXT, COL_DUE, COL_STATUS, COL_UNIT = range(6)
    COLUMNS = (
        Column("Recibida", lambda q: date_text(q.received_on)),
        Column("Ciudadano/a", lambda q: q.asker_name),
        Column("Pregunta", lambda q: q.text),
        Column("Vence", lambda q: date_text(q.due_date)),
        Column("Estado", lambda q: q.status_label),
        Column("Unidad", lambda q: q.assigned_unit),
    )

    def background(self, q, col: int):
        if q.overdue:
            return _BAD
        return _OK if q.answered_on and not q.answered_late else None


class ContributionsModel(ListTableModel):
    COL_MESA, COL_TEXT, COL_BY, COL_COMMITMENT = range(4)
    COLUMNS = (
        Column("Mesa", lambda c: c.mesa or "Plenaria"),
        Column("Aporte", lambda c: c.text),
        Column("Presentado por", lambda c: c.submitted_by or ""),
        Column("Compromiso", lambda c: "Sí" if c.commitment_id else ""),
    )


class CommitmentsModel(ListTableModel):
    COL_DESCRIPTION, COL_RESPONSIBLE, COL_DUE, COL_PCT, COL_BAND, COL_STATUS, COL_EVENT = range(7)
    COLUMNS = (
        Column("Compromiso", lambda c: c.description),
        Column("Responsable", lambda c: c.responsible),
        Column("Plazo", lambda c: date_text(c.due_date)),
        Column("Avance", lambda c: percent(c.progress_pct, 0)),
        Column("Banda CPCCS", lambda c: c.band),
        Column("Estado", lambda c: c.status_label + (" · vencido" if c.overdue else "")),
        Column("Evento", lambda c: c.event_title),
    )

    def background(self, c, col: int):
        if c.overdue:
            return _BAD
        return _OK if c.status == "CUMPLIDO" else None


class FollowUpsModel(ListTableModel):
    COL_DATE, COL_PCT, COL_BAND, COL_NOTE, COL_EVIDENCE = range(5)
    COLUMNS = (
        Column("Corte", lambda f: date_text(f.cut_date)),
        Column("Avance", lambda f: percent(f.progress_pct, 0)),
        Column("Banda", lambda f: f.band),
        Column("Descripción", lambda f: f.narrative or ""),
        Column("Evidencias", lambda f: ", ".join(e.label for e in f.evidence)),
    )


class ImportPreviewModel(ListTableModel):
    COL_LINE, COL_STATUS, COL_NAME, COL_ID, COL_ORG, COL_MESSAGE = range(6)
    _LABELS = {
        "ok": "Correcta",
        "repaired": "Reparada",
        "warning": "Con aviso",
        "invalid": "Documento no válido",
        "duplicate": "Duplicada",
        "error": "Con error",
    }
    COLUMNS = (
        Column("Fila", lambda r: str(r.line)),
        Column("Estado", lambda r: ImportPreviewModel._LABELS.get(r.status, r.status)),
        Column("Nombre", lambda r: r.name),
        Column("Documento", lambda r: r.id_check.number or r.id_check.raw),
        Column("Organización", lambda r: r.organization),
        Column("Observación", lambda r: r.message),
    )

    def background(self, r, col: int):
        return {"invalid": _BAD, "error": _BAD, "duplicate": _WARN, "repaired": _WARN, "warning": _WARN}.get(r.status)


class ActasModel(ListTableModel):
    COL_NUMBER, COL_KIND, COL_SHA = range(3)
    COLUMNS = (
        Column("Número", lambda a: a.number),
        Column("Tipo", lambda a: "Deliberación" if a.kind == "deliberacion" else "Compromiso"),
        Column("Huella SHA-256", lambda a: a.sha256),
    )


class InvitationsModel(ListTableModel):
    COL_NAME, COL_ORG, COL_GROUP, COL_CONTACT, COL_STATUS = range(5)
    COLUMNS = (
        Column("Invitado/a", lambda i: i.name),
        Column("Organización", lambda i: i.organization or ""),
        Column("Grupo de valor", lambda i: i.stakeholder_group or ""),
        Column("Contacto", lambda i: i.contact or ""),
        Column("Confirmación", lambda i: i.status_label),
    )
