"""The in-app help: the user guide (F1, one chapter per section, shipped offline) and the shortcuts list.

Both are built the first time they are asked for, never at start-up.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .shipped import RESOURCES

GUIDE = RESOURCES / "guide"

# (file, title, the sections it explains): the order of the table of contents
CHAPTERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("primeros-pasos", "Primeros pasos", ()),
    ("inicio", "Inicio (Tablero)", ("dashboard",)),
    ("planes", "Planes", ("plans",)),
    ("importar-columnas", "Importar desde Excel: asignación de columnas", ()),
    ("seguimiento", "Seguimiento", ("followup",)),
    ("poa", "POA", ("poa",)),
    ("cantones", "Cantones, visitas y oficios", ("poa_cantons", "poa_visits", "poa_oficios")),
    ("eventos", "Eventos, compromisos y personas", ("events", "commitments", "people")),
    ("informe-cpccs", "Informe CPCCS", ("cpccs",)),
    ("sincronizacion", "Sincronización", ("sync",)),
    ("entidad-territorio", "Entidad y territorio", ("reference",)),
    ("archivos", "Archivos, carpetas y copias de seguridad", ()),
)

# (keys, what they do, where): the list of Ayuda › Atajos de teclado
SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("F1", "Abrir la guía en el capítulo de la sección actual", "Toda la aplicación"),
    ("Ctrl+1 … Ctrl+9", "Ir a la sección 1 a 9 de la barra lateral", "Toda la aplicación"),
    ("Ctrl+P", "Elegir el plan actual", "Toda la aplicación"),
    ("Ctrl+Q", "Salir", "Toda la aplicación"),
    ("Ctrl+F", "Buscar en las actividades", "Planes"),
    ("Ins", "Nueva actividad", "Planes"),
    ("Intro", "Editar la actividad o abrir el plan seleccionado", "Planes"),
    ("Supr", "Eliminar la actividad o el plan seleccionado", "Planes"),
    ("Ctrl+R", "Reportar avance de la actividad seleccionada", "Seguimiento"),
    ("Ctrl+E", "Editar el reporte seleccionado", "Seguimiento"),
    ("Ctrl+Intro", "Guardar el reporte de avance", "Reportar avance"),
    ("Ins / F2 / Supr", "Nueva meta, editar, eliminar", "POA (árbol de objetivos)"),
    ("Ctrl+E", "Ir a la tabla de ejecución", "POA"),
    ("Ctrl+S", "Guardar gestión, dificultades y acciones", "POA"),
    ("Intro", "Pasar a la fila siguiente de la tabla", "POA"),
    ("Intro", "Registrar a la persona después de escribir su documento", "Eventos › Asistencia"),
)


def chapter_for(page_key: str) -> str:
    return next((name for name, _t, keys in CHAPTERS if page_key in keys), CHAPTERS[0][0])


class GuideWindow(QDialog):
    """Table of contents on the left, the chapter on the right; links between chapters work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Guía de uso de rcdesk")
        self.toc = QListWidget(self)
        self.toc.setAccessibleName("Capítulos")
        for _name, title, _keys in CHAPTERS:
            self.toc.addItem(title)
        self.toc.setMaximumWidth(250)
        self.toc.setWordWrap(True)  # long chapter titles wrap instead of scrolling sideways
        self.toc.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browser = QTextBrowser(self)
        self.browser.setSearchPaths([str(GUIDE)])
        self.browser.anchorClicked.connect(self._follow)
        self.browser.setOpenLinks(False)
        row = QHBoxLayout()
        row.addWidget(self.toc)
        row.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Cerrar")
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addLayout(row, 1)
        lay.addWidget(buttons)
        self.toc.currentRowChanged.connect(self._show_row)
        self.resize(1040, 660)  # the pictures (720 px, tools/screenshots.py) fit the text column
        self.chapter = ""

    def show_chapter(self, name: str) -> None:
        names = [n for n, _t, _k in CHAPTERS]
        self.toc.setCurrentRow(names.index(name) if name in names else 0)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        name = CHAPTERS[row][0]
        path = GUIDE / f"{name}.md"
        text = path.read_text("utf-8") if path.exists() else "# Capítulo no disponible\n\nFalta el archivo de la guía."
        self.chapter = name
        self.browser.setMarkdown(text)

    def _follow(self, url) -> None:
        target = url.toString()
        if target.endswith(".md") and "://" not in target:
            self.show_chapter(Path(target).stem)
        else:
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)


def show_guide(parent: QWidget, page_key: str = "", *, chapter: str = "") -> GuideWindow:
    """The guide window (one per main window), raised at `chapter` or at the chapter of `page_key`."""
    window = getattr(parent, "_guide", None)
    if window is None:
        window = GuideWindow(parent)
        parent._guide = window
    window.show_chapter(chapter or chapter_for(page_key))
    window.show()
    window.raise_()
    window.activateWindow()
    return window


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Atajos de teclado")
        self.table = QTableWidget(len(SHORTCUTS), 3, self)
        self.table.setHorizontalHeaderLabels(["Teclas", "Qué hace", "Dónde"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, values in enumerate(SHORTCUTS):
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Cerrar")
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(760, 520)
