"""Table models of the Sincronización page (small lists held in memory)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..formatting import datetime_text
from .rows import ListTableModel, columns

_OK = QBrush(QColor("#d1e7dd"))
_WARN = QBrush(QColor("#fff3cd"))
_BAD = QBrush(QColor("#f8d7da"))


class PackageReportModel(ListTableModel):
    """One row per imported file: status and message."""

    COL_FILE, COL_STATUS, COL_FROM, COL_MESSAGE = range(4)
    COLUMNS = columns("Archivo", "Resultado", "Origen", "Detalle")

    def text(self, p, col: int) -> str:
        from rcdesk.sync.consolidate import STATUS_LABELS

        if col == self.COL_FILE:
            return p.file
        if col == self.COL_STATUS:
            return STATUS_LABELS.get(p.status, p.status)
        if col == self.COL_FROM:
            return f"{p.installation_name} (n.º {p.seq})" if p.installation_name else ""
        msg = p.message
        if p.warnings:
            msg += " · " + " · ".join(p.warnings)
        return msg

    def background(self, p, col: int):
        if col != self.COL_STATUS:
            return None
        return {"consolidado": _OK, "importado": _OK, "en cuarentena": _WARN}.get(p.status, _BAD)

    def tooltip(self, p, col: int):
        lines = [p.message, *p.details, *p.warnings]
        return "\n".join(x for x in lines if x)


class KindCountsModel(ListTableModel):
    """Per kind of record: inserted, updated, unchanged, conflicts, rejected."""

    COL_KIND, COL_INSERTED, COL_UPDATED, COL_UNCHANGED, COL_CONFLICTS, COL_REJECTED = range(6)
    COLUMNS = columns("Tipo de registro", "Nuevos", "Actualizados", "Sin cambios", "En conflicto", "Rechazados")

    def text(self, item, col: int) -> str:
        kind, c = item
        if col == self.COL_KIND:
            from rcdesk.sync.tables import label

            return label(kind)
        return str((c.inserted, c.updated, c.unchanged, c.conflicts, c.rejected)[col - 1])

    def background(self, item, col: int):
        _kind, c = item
        if col == self.COL_CONFLICTS and c.conflicts:
            return _WARN
        if col == self.COL_REJECTED and c.rejected:
            return _BAD
        return None


class InstallationsModel(ListTableModel):
    COL_NAME, COL_ROLE, COL_STATE, COL_LAST, COL_PENDING, COL_FP, COL_ID = range(7)
    COLUMNS = columns(
        "Instalación", "Rol", "Estado", "Último paquete", "En cuarentena", "Huella de la clave", "Identificador"
    )

    def text(self, r, col: int) -> str:
        return str(
            (
                r.name,
                r.role_label,
                r.state_label,
                r.last_seq or "",
                r.pending or "",
                r.sign_fingerprint,
                r.installation_id,
            )[col]
        )

    def background(self, r, col: int):
        if col != self.COL_STATE or r.is_self:
            return None
        if r.revoked:
            return _BAD
        return _OK if r.trusted else _WARN


class ConflictsModel(ListTableModel):
    COL_KIND, COL_RECORD, COL_FROM, COL_FIELDS, COL_STATUS, COL_DATE = range(6)
    COLUMNS = columns("Tipo", "Registro", "Viene de", "Campos distintos", "Estado", "Detectado")

    def text(self, c, col: int) -> str:
        if col == self.COL_KIND:
            return c.kind_label
        if col == self.COL_RECORD:
            return c.summary or c.record_id
        if col == self.COL_FROM:
            return c.installation_name
        if col == self.COL_FIELDS:
            return ", ".join(d.column for d in c.diffs)
        if col == self.COL_STATUS:
            return c.status_label
        return datetime_text(c.created_at)


def _show(value) -> str:
    if value is None:
        return "(vacío)"
    if isinstance(value, bool):
        return "Sí" if value else "No"
    return str(value)


class DiffModel(ListTableModel):
    """Field-by-field difference; the last column is a check box "use the field's value"."""

    COL_FIELD, COL_SEDE, COL_CAMPO, COL_USE_CAMPO = range(4)
    COLUMNS = columns("Campo", "Valor en la sede", "Valor del campo", "Usar el del campo")

    def set_rows(self, rows: Sequence) -> None:
        super().set_rows(rows)
        self.use_campo = [False] * len(self._rows)

    def text(self, d, col: int) -> str:
        from rcdesk.sync.column_labels import header

        if col == self.COL_FIELD:
            return header(d.column) + (" (dato personal)" if d.personal else "")
        if col == self.COL_SEDE:
            return "(dato personal: ver en la ficha)" if d.personal else _show(d.local)
        if col == self.COL_CAMPO:
            return "(dato personal: ver en la ficha)" if d.personal else _show(d.incoming)
        return "Campo" if self.use_campo[self._rows.index(d)] else "Sede"

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and index.column() == self.COL_USE_CAMPO and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if self.use_campo[index.row()] else Qt.CheckState.Unchecked
        return super().data(index, role)

    def flags(self, index: QModelIndex):
        f = super().flags(index)
        if index.isValid() and index.column() == self.COL_USE_CAMPO:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        return f

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if index.isValid() and index.column() == self.COL_USE_CAMPO and role == Qt.ItemDataRole.CheckStateRole:
            self.use_campo[index.row()] = Qt.CheckState(value) == Qt.CheckState.Checked
            self.dataChanged.emit(index.siblingAtColumn(0), index)
            return True
        return False

    def set_all(self, campo: bool) -> None:
        self.use_campo = [campo] * len(self._rows)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.COL_USE_CAMPO))

    def choices(self) -> dict[str, str]:
        return {d.column: ("campo" if use else "sede") for d, use in zip(self._rows, self.use_campo)}


class PackageLogModel(ListTableModel):
    COL_DATE, COL_WHAT, COL_SEQ, COL_WHO, COL_RECORDS, COL_FILE = range(6)
    COLUMNS = columns("Fecha", "Movimiento", "N.º", "Instalación", "Registros", "Archivo")

    def text(self, r, col: int) -> str:
        return str((datetime_text(r.processed_at), r.label, r.seq, r.installation, r.records, r.file_name)[col])


class RecordBrowserModel(ListTableModel):
    """Records of one kind with their sync status (Sincronización → Registros)."""

    COL_STATUS, COL_SUMMARY, COL_VERSION, COL_UPDATED, COL_FROM, COL_ID = range(6)
    COLUMNS = columns("Estado", "Registro", "Versión", "Último cambio", "Origen del último cambio", "Identificador")

    def text(self, r, col: int) -> str:
        if col == self.COL_STATUS:
            return r.status.label
        if col == self.COL_SUMMARY:
            return (r.summary or "(sin título)") + (" — eliminado" if r.deleted else "")
        if col == self.COL_VERSION:
            return str(r.version)
        if col == self.COL_UPDATED:
            return r.updated_at.replace("T", " ")
        if col == self.COL_FROM:
            return r.status.installation + (f" ({r.status.package})" if r.status.package else "")
        return r.record_id

    def background(self, r, col: int):
        if col != self.COL_STATUS:
            return None
        from ..widgets.sync_badge import status_colors

        return QBrush(QColor(status_colors(r.status.code)[0]))

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and index.column() == self.COL_STATUS and role == Qt.ItemDataRole.ForegroundRole:
            from ..widgets.sync_badge import status_colors

            return QBrush(QColor(status_colors(self._rows[index.row()].status.code)[1]))
        return super().data(index, role)

    def tooltip(self, r, col: int):
        if col in (self.COL_STATUS, self.COL_FROM) and r.status.package:
            return f"Llegó en: {r.status.package}"
        return None
