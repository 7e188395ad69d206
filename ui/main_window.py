"""Main window: a navigation sidebar, the current plan selector, and one page per section.

Pages are built the first time they are shown, so start-up only pays for the first one.

Start-up budget: PySide6 builds the Python enums of a Qt class the first time the class is
touched, and `Qt` (the namespace, ~95 enums) and `QStyle` cost more than a fifth of a bare
window's start-up. Nothing on the first screen touches them: the sidebar icons are PNG files
in `resources/icons/` (`QStyle` standard icons only as a fallback) and enum-typed properties
are set by name where `Qt` would be needed (`tests/ui/test_startup_budget.py` guards this).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from .shell import PageSpec, UiContext, discover_pages

if TYPE_CHECKING:
    from rcdesk.services.changes import Changes

log = logging.getLogger(__name__)

_SCROLLBAR_ALWAYS_OFF = 1  # Qt.ScrollBarPolicy.ScrollBarAlwaysOff, set by property name (see above)


def section_icon(name: str | None, widget: QWidget) -> QIcon | None:
    """The sidebar icon `name` (a QStyle.StandardPixmap name): a shipped PNG, else the style's."""
    if not name:
        return None
    from .shipped import ICONS

    path = ICONS / f"{name}.png"
    if path.exists():
        return QIcon(str(path))  # 32 px: drawn at the list's icon size
    from PySide6.QtWidgets import QStyle

    if hasattr(QStyle.StandardPixmap, name):
        return widget.style().standardIcon(getattr(QStyle.StandardPixmap, name))
    return None


class MainWindow(QMainWindow):
    def __init__(self, ctx: UiContext, pages: list[PageSpec] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.specs = pages if pages is not None else discover_pages()
        self._built: dict[str, QWidget] = {}
        self.setWindowTitle(f"rcdesk — {ctx.db.installation_name}")
        self.setMinimumSize(QSize(900, 560))

        self._build_toolbar()
        self._build_body()
        self._build_menus()
        self._restore_geometry()
        self.statusBar().showMessage(
            f"Instalación: {ctx.db.installation_name} · Base de datos: {ctx.db.paths.database if ctx.db.paths else 'en memoria'}"
        )
        ctx.events.data_changed.connect(self._on_data_changed)
        ctx.events.plan_selected.connect(self._follow_plan)
        ctx.events.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.reload_plans()
        if self.specs:
            # a new installation has no plan: open where it can import one or load the example
            keys = [spec.key for spec in self.specs]
            start = keys.index("plans") if self.ctx.current_plan_id is None and "plans" in keys else 0
            self.nav.setCurrentRow(start)

    # -- layout ------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("Plan", self)
        bar.setObjectName("plan_toolbar")
        bar.setMovable(False)
        label = QLabel(" Plan actual: ")
        bar.addWidget(label)
        self.plan_combo = QComboBox(self)
        self.plan_combo.setObjectName("plan_combo")
        self.plan_combo.setMinimumContentsLength(40)
        self.plan_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.plan_combo.setToolTip("Plan sobre el que trabajan las secciones (Ctrl+P)")
        label.setBuddy(self.plan_combo)
        self.plan_combo.currentIndexChanged.connect(self._on_plan_combo)
        bar.addWidget(self.plan_combo)
        self.addToolBar(bar)  # top area
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.plan_combo.setFocus)

    def _build_body(self) -> None:
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Secciones")
        self.stack = QStackedWidget(self)
        icons: dict[str | None, QIcon | None] = {}
        for i, spec in enumerate(self.specs):
            item = QListWidgetItem(spec.title)
            if spec.icon not in icons:  # one QIcon per file: each PNG is decoded once
                icons[spec.icon] = section_icon(spec.icon, self)
            icon = icons[spec.icon]
            if icon is not None:
                item.setIcon(icon)
            shortcut = f"Ctrl+{i + 1}" if i < 9 else ""
            item.setToolTip(f"{spec.tooltip or spec.title} {('(' + shortcut + ')') if shortcut else ''}".strip())
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # placeholder until first shown
            if shortcut:
                QShortcut(QKeySequence(shortcut), self, activated=lambda row=i: self._go(row))
        self.nav.currentRowChanged.connect(self._show_page)
        # wide pages must not squeeze the section titles into a scrolling strip
        self.nav.setProperty("horizontalScrollBarPolicy", _SCROLLBAR_ALWAYS_OFF)
        self.nav.setMinimumWidth(self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 8)
        self.nav.setMaximumWidth(max(self.nav.minimumWidth(), 240))
        split = QSplitter()  # horizontal; QSplitter(parent) would build the Qt enums to pick an overload
        split.addWidget(self.nav)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.splitter = split
        self.setCentralWidget(split)

    def _build_menus(self) -> None:
        m = self.menuBar().addMenu("&Archivo")
        act = QAction("Hacer copia de &seguridad", self, triggered=self.backup_now)
        m.addAction(act)
        m.addAction(QAction("&Restaurar una copia…", self, triggered=self.restore_backup))
        m.addAction(QAction("Abrir la carpeta de &datos", self, triggered=self.open_data_folder))
        m.addAction(QAction("Carpeta de &exportación…", self, triggered=self.choose_export_folder))
        m.addAction(QAction("Conectar a un ser&vidor…", self, triggered=self.connect_to_server))
        m.addAction(QAction("Asistente de &configuración…", self, triggered=self.open_first_start))
        from .security import add_security_action

        add_security_action(self, m)  # «Cambiar la contraseña…» or «Cifrar la base de datos…»
        m.addSeparator()
        quit_action = QAction("&Salir", self, triggered=self.close)
        quit_action.setShortcuts([QKeySequence("Ctrl+Q")])  # setShortcut(…) would build the Qt enums
        m.addAction(quit_action)
        h = self.menuBar().addMenu("A&yuda")
        guide = QAction("&Guía de uso de esta sección", self, triggered=self.open_help)
        guide.setShortcuts([QKeySequence("F1")])
        h.addAction(guide)
        h.addAction(QAction("Atajos de &teclado", self, triggered=self.show_shortcuts))
        h.addSeparator()
        h.addAction(QAction("&Acerca de rcdesk", self, triggered=self.about))

    # -- navigation --------------------------------------------------------------------
    def _go(self, row: int) -> None:
        self.nav.setCurrentRow(row)
        self.stack.currentWidget().setFocus()

    def page(self, key: str) -> QWidget:
        """The page widget for `key`, building it if needed (used by tests and links)."""
        for row, spec in enumerate(self.specs):
            if spec.key == key:
                return self._ensure(row)
        raise KeyError(key)

    def show_page(self, key: str) -> QWidget:
        for row, spec in enumerate(self.specs):
            if spec.key == key:
                self.nav.setCurrentRow(row)
                return self._ensure(row)
        raise KeyError(key)

    def _ensure(self, row: int) -> QWidget:
        spec = self.specs[row]
        widget = self._built.get(spec.key)
        if widget is None:
            widget = spec.factory(self.ctx)
            widget.setObjectName(f"page_{spec.key}")
            old = self.stack.widget(row)
            self.stack.insertWidget(row, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._built[spec.key] = widget
            self._remember_splitters(spec.key, widget)
        return widget

    def _remember_splitters(self, key: str, page: QWidget) -> None:
        """Each splitter of a page comes back as the user left it (by its place in the page).

        A page may list its splitters itself (`splitters`, in the order findChildren gives them):
        findChildren wraps every child widget for Python, ~4 ms on the home page at start-up.
        Looked up in the instance's own attributes: a page's __getattr__ may build a view on
        demand (the plans page builds its plan view so)."""
        splitters = vars(page).get("splitters")
        for i, split in enumerate(page.findChildren(QSplitter) if splitters is None else splitters):
            name = f"splitters/{key}/{split.objectName() or i}"
            state = self.ctx.settings.value(name)
            if state is not None and hasattr(state, "isEmpty") and not state.isEmpty():
                split.restoreState(state)
            split.splitterMoved.connect(
                lambda _pos, _idx, sp=split, n=name: self.ctx.settings.setValue(n, sp.saveState())
            )

    def current_page_key(self) -> str:
        row = self.nav.currentRow()
        return self.specs[row].key if 0 <= row < len(self.specs) else ""

    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        widget = self._ensure(row)
        self.stack.setCurrentWidget(widget)

    # -- current plan ------------------------------------------------------------------
    def reload_plans(self) -> None:
        # PlanService.list_plans() without loading the whole plans service (start-up budget)
        from rcdesk.services.plan_reads import list_plans

        plans = list_plans(self.ctx.db)
        current = self.ctx.current_plan_id or self.ctx.settings.value("plan/current", "", str)
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for p in plans:
            self.plan_combo.addItem(f"{p.year} · {p.entity} · {p.title or p.layout}"[:120], p.plan_id)
        idx = self.plan_combo.findData(current) if current else -1
        if idx < 0 and plans:
            idx = 0
        self.plan_combo.setCurrentIndex(idx)
        self.plan_combo.blockSignals(False)
        if not plans:
            self.plan_combo.addItem("(sin planes: importe uno o cargue el ejemplo)", None)
        self.ctx.select_plan(self.plan_combo.itemData(idx) if idx >= 0 else None)

    def _follow_plan(self, plan_id: str) -> None:
        """Keep the selector in step when a page picks another plan."""
        idx = self.plan_combo.findData(plan_id) if plan_id else -1
        if idx >= 0 and idx != self.plan_combo.currentIndex():
            self.plan_combo.blockSignals(True)
            self.plan_combo.setCurrentIndex(idx)
            self.plan_combo.blockSignals(False)
            self.ctx.settings.setValue("plan/current", plan_id)

    def _on_plan_combo(self, idx: int) -> None:
        plan_id = self.plan_combo.itemData(idx)
        if plan_id:
            self.ctx.settings.setValue("plan/current", plan_id)
        self.ctx.select_plan(plan_id)

    def _on_data_changed(self, changes: Changes, initiator: object) -> None:
        if changes.plans or changes.everything:
            self.reload_plans()

    # -- file menu ---------------------------------------------------------------------
    def backup_now(self) -> None:
        from rcdesk.db.backup import backup_database

        paths = self.ctx.db.paths
        if paths is None:
            return

        def job(progress, cancel):
            return backup_database(paths.database, paths.backups)

        self.ctx.runner.run(
            job,
            title="Copiando la base de datos…",
            parent=self,
            cancellable=False,
            on_done=lambda dest: self.statusBar().showMessage(f"Copia guardada en {dest}", 10000),
        )

    def restore_backup(self) -> None:
        from rcdesk.db.backup import list_backups

        paths = self.ctx.db.paths
        if paths is None:
            return
        start = str(paths.backups)
        latest = list_backups(paths.backups)
        if latest:
            start = str(latest[0].path)
        from PySide6.QtCore import QProcess
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        path, _ = QFileDialog.getOpenFileName(
            self, "Elegir la copia a restaurar", start, "Copias de rcdesk (*.db);;Todos los archivos (*)"
        )
        if not path:
            return
        answer = QMessageBox.question(
            self,
            "Restaurar copia",
            "Se reemplazará la base de datos actual por la copia elegida.\n"
            "Antes se guardará una copia de la base actual. rcdesk se reiniciará.\n\n¿Continuar?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from rcdesk.db.backup import check_backup_file, restore_database
        from rcdesk.db.migrate import head_version
        from rcdesk.errors import UserError

        from .tasks import show_error

        try:
            check_backup_file(Path(path), head_version())
            self.ctx.runner.wait()
            self.ctx.db.close()
            restore_database(Path(path), paths.database, paths.backups, head_version())
            from rcdesk.db.database import Database
            from rcdesk.services.maintenance import after_restore

            with Database.open(paths=paths) as restored:  # upgrades an older copy, then rebuilds indexes
                after_restore(restored)
        except UserError as exc:
            show_error(self, exc)
            return
        QMessageBox.information(self, "rcdesk", "La copia se restauró. rcdesk se reiniciará ahora.")
        QProcess.startDetached(sys.executable, sys.argv)
        QApplication.quit()

    def connect_to_server(self) -> None:
        """Headquarters on a PostgreSQL server (or back to this desktop's file); restarts rcdesk."""
        from .dialogs.server_connect import connect_and_restart

        self.ctx.runner.wait()  # a write still running finishes on the database it started on
        connect_and_restart(self)

    def choose_export_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from .files import export_folder, set_export_folder

        folder = QFileDialog.getExistingDirectory(
            self, "Carpeta donde rcdesk guarda lo que exporta", str(export_folder(self.ctx.settings))
        )
        if folder:
            set_export_folder(self.ctx.settings, folder)
            self.statusBar().showMessage(f"Los archivos se guardarán en {folder}", 10000)

    def open_first_start(self) -> None:
        from .first_start import run_first_start

        run_first_start(self)

    def open_help(self) -> None:
        from .help import show_guide

        self.help_window = show_guide(self, self.current_page_key())

    def show_shortcuts(self) -> None:
        from .help import ShortcutsDialog

        self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.open()

    def open_data_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if self.ctx.db.paths:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.db.paths.data)))

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from rcdesk import __version__

        QMessageBox.about(
            self,
            "Acerca de rcdesk",
            f"<b>rcdesk {__version__}</b><br>Rendición de cuentas y seguimiento del POA para gobiernos "
            f"locales de Ecuador y Colombia.<br><br>Instalación: {self.ctx.db.installation_name}<br>"
            f"Identificador: {self.ctx.db.installation_id}",
        )

    # -- geometry ----------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geo = self.ctx.settings.value("window/geometry")
        if geo is not None and hasattr(geo, "isEmpty") and not geo.isEmpty():
            self.restoreGeometry(geo)
        else:
            screen = QApplication.primaryScreen()
            avail = screen.availableGeometry() if screen else None
            if avail is not None:  # a first start opens maximized (show_at_start); this is the restored size
                self.resize(avail.width(), avail.height())
        split = self.ctx.settings.value("window/splitter")
        if split is not None and hasattr(split, "isEmpty") and not split.isEmpty():
            self.splitter.restoreState(split)
        else:
            self.splitter.setSizes([190, 1000])

    def show_at_start(self) -> None:
        """Maximized the first time (a 1366×768 laptop needs every pixel), else as it was left."""
        geo = self.ctx.settings.value("window/geometry")
        if geo is not None and hasattr(geo, "isEmpty") and not geo.isEmpty():
            self.show()
        else:
            self.showMaximized()

    def closeEvent(self, event) -> None:
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.setValue("window/splitter", self.splitter.saveState())
        self.ctx.runner.shutdown()
        super().closeEvent(event)
