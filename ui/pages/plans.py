"""«Planes»: the list of plans and the plan view (group tree, activity table, timeline).

Thin Qt code over `PlanService` / `PlanViewService`; long jobs (import, save, export,
templates, demo data) go through `ctx.runner` so the window never freezes.

Start-up budget: a database without plans opens on this page (under the first-start assistant),
so until there is a plan the page is only its «¿Qué hago ahora?» hint. The plan view, its models
and widgets, and `Qt` (the namespace) come with the first plan (`_ensure_main`).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from rcdesk.errors import UserError
from rcdesk.services.changes import Changes

from ..shell import PageSpec
from ..widgets.empty_hint import EmptyHint

LAYOUT_SHORT = {"cpccs": "CPCCS", "murc": "MURC", "dated": "Con fechas", "paac": "PAAC", "generic": "Genérico"}
PLAN_HEADERS = ("Entidad", "Vigencia", "Formato", "Actividades", "Título / archivo de origen")
PlanIdRole = 0x0101  # Qt.ItemDataRole.UserRole + 1, by number: naming it builds the `Qt` enums
EMPTY_TITLE = "Todavía no hay planes"
EMPTY_TEXT = (
    "Un plan de rendición de cuentas (cronograma) reúne las actividades de una vigencia, agrupadas en "
    "fases, etapas o componentes; con él se reportan los avances y se arma el informe. Importe la matriz "
    "en Excel que ya usa su institución (verá una vista previa antes de guardar), cree uno nuevo desde "
    "una plantilla incorporada o cargue los datos de ejemplo para conocer rcdesk."
)


class PlansPage(QWidget):
    def __init__(self, ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self._plans = self._views = None
        self.view = None  # PlanView of the loaded plan
        self.loaded_plan_id: str | None = None
        self.import_dialog = None
        self.form_dialog = None
        self.template_dialog = None
        self.export_dialog = None
        self._timeline_dirty = True

        self._main: QWidget | None = None  # the plan view, built with the first plan (_ensure_main)
        self._building = False
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._build_empty())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.stack)

        ctx.events.plan_selected.connect(self._on_plan_selected)
        ctx.events.data_changed.connect(self._on_data_changed)
        self.reload_plans()

    @property
    def plans(self):
        if self._plans is None:
            from rcdesk.services.plans import PlanService

            self._plans = PlanService(self.ctx.db)
        return self._plans

    @property
    def views(self):
        if self._views is None:
            from rcdesk.services.plan_views import PlanViewService

            self._views = PlanViewService(self.ctx.db)
        return self._views

    def __getattr__(self, name: str):
        # Reached only for an attribute not set yet: the plan view's widgets and models, built the
        # first time anything asks for them (a test, a link from another page, the first plan).
        if name.startswith("__") or self.__dict__.get("_main", 0) is not None or self.__dict__["_building"]:
            raise AttributeError(name)
        self._ensure_main()
        return getattr(self, name)

    def _ensure_main(self) -> QWidget:
        if self._main is None:
            self._building = True
            try:
                self._main = self._build_main()
            finally:
                self._building = False
            self.stack.addWidget(self._main)
        return self._main

    # -- building ----------------------------------------------------------------------------------
    def _build_empty(self) -> QWidget:
        hint = EmptyHint(
            EMPTY_TITLE,
            EMPTY_TEXT,
            [
                ("&Importar desde Excel…", self.import_plan),
                ("&Nuevo desde plantilla…", self.new_from_template),
                ("Cargar datos de &ejemplo", self.load_demo),
            ],
            chapter="planes",
            parent=self,
        )
        self.empty_hint = hint
        self.empty_import, self.empty_template, self.empty_demo = hint.buttons()[:3]
        return hint

    def _build_main(self) -> QWidget:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence, QShortcut
        from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QTabWidget

        from ..widgets.timeline import TimelineWidget

        w = QWidget(self)
        top = self._build_plan_list(w)
        bar = self._build_plan_bar(w)
        self._build_group_tree(w)
        self._build_activity_table(w)

        self.timeline = TimelineWidget(w)
        self.timeline.setObjectName("timeline")
        self.timeline.activated.connect(self.edit_activity)

        self.tabs = QTabWidget(w)
        self.tabs.addTab(self.table, "&Tabla")
        self.tabs.addTab(self.timeline, "&Cronograma")
        self.tabs.currentChanged.connect(self._on_tab)
        self.count_label = QLabel(w)

        right = QWidget(w)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.tabs, 1)
        status_row = QHBoxLayout()
        status_row.addWidget(self.count_label, 1)
        rl.addLayout(status_row)
        from ..widgets.sync_badge import install_sync_badge

        # whether the selected activity has reached headquarters (issue 6's status badges)
        self.sync_badge = install_sync_badge(
            self.ctx, self.table, "plan_activity", lambda r: self.model.row_at(r).activity_id, status_row
        )
        self.hsplit = QSplitter(Qt.Orientation.Horizontal, w)
        self.hsplit.addWidget(self.group_view)
        self.hsplit.addWidget(right)
        self.hsplit.setStretchFactor(1, 1)
        self.hsplit.setSizes([210, 940])
        self.hsplit.setChildrenCollapsible(False)

        bottom = QWidget(w)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(bar)
        bl.addWidget(self.hsplit, 1)

        self.vsplit = QSplitter(Qt.Orientation.Vertical, w)
        self.vsplit.addWidget(top)
        self.vsplit.addWidget(bottom)
        self.vsplit.setStretchFactor(1, 1)
        self.vsplit.setSizes([150, 500])
        self.vsplit.setChildrenCollapsible(False)
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.vsplit)

        QShortcut(
            QKeySequence.StandardKey.Find,
            w,
            activated=self._focus_search,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        QShortcut(
            QKeySequence(Qt.Key.Key_Insert),
            w,
            activated=self.new_activity,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.setFocusProxy(self.table)
        chain = (
            self.import_button,
            self.template_button,
            self.export_button,
            self.delete_plan_button,
            self.plans_view,
            self.search,
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.group_view,
            self.tabs,
            self.table,
            self.timeline.canvas,
        )
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)
        return w

    def _build_plan_list(self, w: QWidget) -> QWidget:
        """The plans, with the buttons that import, make, export or delete one."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence, QShortcut, QStandardItemModel
        from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView

        from ..widgets.columns import fit_columns
        from ..widgets.table_menu import install_table_menu

        # plan actions
        self.import_button = QPushButton("&Importar desde Excel…", w)
        self.template_button = QPushButton("&Nuevo desde plantilla…", w)
        self.export_button = QPushButton("E&xportar a Excel…", w)
        self.delete_plan_button = QPushButton("Eliminar p&lan…", w)
        self.import_button.clicked.connect(self.import_plan)
        self.template_button.clicked.connect(self.new_from_template)
        self.export_button.clicked.connect(self.export_plan)
        self.delete_plan_button.clicked.connect(self.delete_plan)
        actions = QHBoxLayout()
        plans_label = QLabel("<b>Planes</b>", w)
        actions.addWidget(plans_label)
        actions.addStretch(1)
        for b in (self.import_button, self.template_button, self.export_button, self.delete_plan_button):
            actions.addWidget(b)

        self.plan_model = QStandardItemModel(0, len(PLAN_HEADERS), self)
        self.plan_model.setHorizontalHeaderLabels(list(PLAN_HEADERS))
        self.plans_view = QTableView(w)
        self.plans_view.setObjectName("plans_table")
        self.plans_view.setAccessibleName("Lista de planes")
        self.plans_view.setModel(self.plan_model)
        self.plans_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.plans_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.plans_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.plans_view.setTabKeyNavigation(False)
        self.plans_view.verticalHeader().hide()
        self.plans_view.verticalHeader().setDefaultSectionSize(22)
        self.plans_view.setWordWrap(False)
        hh = self.plans_view.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        self.plans_view.setColumnWidth(0, 300)
        for c, width in ((1, 70), (2, 90), (3, 85)):
            self.plans_view.setColumnWidth(c, width)
        self.plans_view.selectionModel().currentRowChanged.connect(self._on_plan_row)
        fit_columns(self.plans_view, self.ctx.settings, "plans.list")
        install_table_menu(
            self.plans_view,
            [("E&xportar a Excel…", self.export_plan), ("Eli&minar plan…", self.delete_plan)],
            open_action=("&Abrir el plan", self._open_plan),
            export=("planes", self.ctx.settings),
        )
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.plans_view,
            activated=self.delete_plan,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # "open" the plan: go to its activities
            QShortcut(
                QKeySequence(key), self.plans_view, activated=self._open_plan, context=Qt.ShortcutContext.WidgetShortcut
            )

        top = QWidget(w)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(actions)
        tl.addWidget(self.plans_view)
        return top

    def _build_plan_bar(self, w: QWidget):
        """The open plan's title, the activity search and the buttons that edit its activities."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

        from ..widgets.search_filter import SearchBox

        self.plan_title = QLabel(w)
        self.plan_title.setWordWrap(False)
        self.plan_title.setTextFormat(Qt.TextFormat.RichText)
        self.search = SearchBox("Buscar actividad, responsable, meta… (Ctrl+F)", parent=w)
        self.search.setMinimumWidth(260)
        self.search.search.connect(self._on_search)
        self.new_button = QPushButton("Nueva acti&vidad (Insert)", w)
        self.edit_button = QPushButton("E&ditar", w)
        self.delete_button = QPushButton("Eli&minar actividad", w)
        self.new_button.clicked.connect(self.new_activity)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        bar = QHBoxLayout()
        bar.addWidget(self.plan_title, 1)
        bar.addWidget(self.search)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.delete_button)
        return bar

    def _build_group_tree(self, w: QWidget) -> None:
        """The open plan's groups: choosing one filters the activities."""
        from PySide6.QtWidgets import QHeaderView, QTreeView

        from ..models.plan_groups import PlanGroupModel
        from ..widgets.columns import fit_columns
        from ..widgets.table_menu import install_table_menu

        self.group_model = PlanGroupModel(self)
        self.group_view = QTreeView(w)
        self.group_view.setObjectName("group_tree")
        self.group_view.setAccessibleName("Grupos del plan")
        self.group_view.setModel(self.group_model)
        self.group_view.setUniformRowHeights(True)
        self.group_view.header().setStretchLastSection(False)
        self.group_view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.group_view.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.group_view.selectionModel().currentChanged.connect(self._on_group)
        fit_columns(self.group_view, self.ctx.settings, "plans.groups")
        install_table_menu(self.group_view, export=("grupos del plan", self.ctx.settings))

    def _build_activity_table(self, w: QWidget) -> None:
        """The open plan's activities, sortable and filtered by group and search."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence, QShortcut
        from PySide6.QtWidgets import QAbstractItemView, QTableView

        from ..models.plan_activities import (
            COL_CUATRI,
            COL_DESCRIPTION,
            COL_END,
            COL_GROUP,
            COL_META,
            COL_NUMBER,
            COL_RESPONSIBLE,
            COL_SCHEDULED,
            COL_STAGES,
            COL_START,
            ActivityFilterProxy,
            ActivityTableModel,
        )
        from ..widgets.columns import fit_columns
        from ..widgets.table_menu import install_table_menu

        self.model = ActivityTableModel(self)
        self.proxy = ActivityFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(w)
        self.table.setObjectName("activity_table")
        self.table.setAccessibleName("Actividades del plan")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().hide()
        # narrow enough that the marks and dates stay in view on a 1366×768 screen (full text in tooltips)
        widths = {
            COL_NUMBER: 44,
            COL_GROUP: 110,
            COL_DESCRIPTION: 290,
            COL_RESPONSIBLE: 140,
            COL_META: 140,
            COL_STAGES: 90,
            COL_CUATRI: 62,
            COL_START: 82,
            COL_END: 82,
            COL_SCHEDULED: 170,
        }
        for col, width in widths.items():
            self.table.setColumnWidth(col, width)
        # plans whose empty columns are hidden (a CPCCS plan has no dates) leave no dead space
        self.table.horizontalHeader().setStretchLastSection(True)
        fit_columns(self.table, self.ctx.settings, "plans.activities")
        install_table_menu(
            self.table,
            [("&Nueva actividad", self.new_activity), ("Eli&minar actividad…", self.delete_current)],
            open_action=("&Editar actividad…", self.edit_current),
            export=("actividades del plan", self.ctx.settings),
        )
        for key, slot in (
            ((Qt.Key.Key_Return,), self.edit_current),
            ((Qt.Key.Key_Enter,), self.edit_current),
            ((Qt.Key.Key_Delete,), self.delete_current),
        ):
            QShortcut(QKeySequence(key[0]), self.table, activated=slot, context=Qt.ShortcutContext.WidgetShortcut)

    # -- plans list -------------------------------------------------------------------------------
    def reload_plans(self) -> None:
        from rcdesk.services.plan_reads import list_plans

        plans = list_plans(self.ctx.db)  # PlanService's, without loading the service (start-up)
        if not plans and self._main is None:  # the hint alone until there is a plan to view
            self.stack.setCurrentIndex(0)
            self.ctx.select_plan(None)
            return
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QStandardItem

        self._ensure_main()
        self.stack.setCurrentIndex(0 if not plans else 1)
        self.plan_model.removeRows(0, self.plan_model.rowCount())
        for p in plans:
            title = p.title or ""
            if p.source_name:
                title = f"{title} ({p.source_name})" if title else p.source_name
            items = [
                QStandardItem(p.entity),
                QStandardItem(str(p.year)),
                QStandardItem(LAYOUT_SHORT.get(p.layout, p.layout)),
                QStandardItem(str(p.activities)),
                QStandardItem(title),
            ]
            for it in items:
                it.setEditable(False)
                it.setData(p.plan_id, PlanIdRole)
                it.setToolTip(it.text())
            items[3].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            items[1].setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.plan_model.appendRow(items)
        ids = [p.plan_id for p in plans]
        current = self.ctx.current_plan_id
        if current not in ids:
            current = ids[0] if ids else None
            self.ctx.select_plan(current)  # → _on_plan_selected
        self._select_plan_row(current)
        if current != self.loaded_plan_id:
            self.load_plan(current)
        self._update_actions()

    def _listed_ids(self) -> list[str]:
        return [self.plan_model.item(r, 0).data(PlanIdRole) for r in range(self.plan_model.rowCount())]

    def _select_plan_row(self, plan_id: str | None) -> None:
        from PySide6.QtCore import QItemSelectionModel

        sel = self.plans_view.selectionModel()
        for r in range(self.plan_model.rowCount()):
            if self.plan_model.item(r, 0).data(PlanIdRole) == plan_id:
                if sel.currentIndex().row() != r:
                    sel.blockSignals(True)
                    sel.setCurrentIndex(
                        self.plan_model.index(r, 0),
                        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                    )
                    sel.blockSignals(False)
                    self.plans_view.viewport().update()
                return
        sel.clearSelection()

    def _on_plan_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        plan_id = self.plan_model.item(current.row(), 0).data(PlanIdRole)
        if plan_id and plan_id != self.ctx.current_plan_id:
            self.ctx.select_plan(plan_id)
            self.ctx.changed(Changes(plans=True), self)  # the toolbar's plan selector follows

    def _open_plan(self) -> None:
        from ..models.plan_activities import COL_DESCRIPTION

        self.tabs.currentWidget().setFocus()
        if (
            self.tabs.currentWidget() is self.table
            and not self.table.currentIndex().isValid()
            and self.proxy.rowCount()
        ):
            self.table.setCurrentIndex(self.proxy.index(0, COL_DESCRIPTION))

    def _on_plan_selected(self, plan_id: str) -> None:
        plan_id = plan_id or None
        if plan_id is None and self._main is None:
            return  # nothing shown yet to clear
        if plan_id and plan_id not in self._listed_ids():  # created elsewhere (CLI, another page)
            self.reload_plans()
            return
        self._select_plan_row(plan_id)
        if plan_id != self.loaded_plan_id:
            self.load_plan(plan_id)

    def _on_data_changed(self, changes, initiator) -> None:
        if initiator is self:
            return
        if changes.plans or changes.everything:
            self.reload_plans()
        elif changes.activities and self.loaded_plan_id:
            self.reload_plans()
            self.load_plan(self.loaded_plan_id)

    def selected_plan_id(self) -> str | None:
        return self.ctx.current_plan_id

    # -- plan view --------------------------------------------------------------------------------
    def load_plan(self, plan_id: str | None, keep_activity: str | None = None) -> None:
        from rcdesk.errors import NotFound

        from ..models.plan_activities import COL_DESCRIPTION, COL_GROUP
        from ..models.plan_groups import ALL

        group_key = self.group_model.key(self.group_view.currentIndex()) if plan_id == self.loaded_plan_id else None
        try:
            self.view = self.views.load(plan_id) if plan_id else None
        except NotFound:
            self.view = None
        self.loaded_plan_id = self.view.summary.plan_id if self.view else None
        if self.view is None:
            self.plan_title.setText("")
            self.group_model.set_view(None)
            self.model.set_rows([])
            self.timeline.clear()
            self._update_actions()
            return
        s = self.view.summary
        self.plan_title.setText(f"<b>{s.entity}</b> — vigencia {s.year}")
        self.plan_title.setToolTip(s.title or "")
        self.group_model.set_view(self.view)
        self.group_view.expandToDepth(0)
        self.model.set_rows(self.view.activities, self.view.group_paths)
        empty = set(self.model.empty_columns()) - {COL_DESCRIPTION, COL_GROUP}
        for col in range(self.model.columnCount()):
            self.table.setColumnHidden(col, col in empty)  # shown again once some activity fills it
        key = group_key if group_key and self.group_model.index_of(group_key).isValid() else ALL
        self.group_view.selectionModel().blockSignals(True)
        self.group_view.setCurrentIndex(self.group_model.index_of(key))
        self.group_view.selectionModel().blockSignals(False)
        self.proxy.set_filter(self.search.text(), self.group_model.group_filter(key))
        self._timeline_dirty = True
        self._refresh_after_filter()
        if keep_activity:
            self.select_activity(keep_activity)
        self._update_actions()

    def _on_group(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = self.group_model.key(current)
        self.proxy.set_filter(groups=self.group_model.group_filter(key))
        self._timeline_dirty = True
        self._refresh_after_filter()

    def _on_search(self, text: str) -> None:
        self.proxy.set_filter(query=text)
        self._timeline_dirty = True
        self._refresh_after_filter()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_tab(self, _index: int) -> None:
        self._refresh_after_filter()

    def _refresh_after_filter(self) -> None:
        from ..models.plan_groups import ALL, NONE

        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        key = self.group_model.key(self.group_view.currentIndex())
        where = ""
        if key and key not in (ALL,):
            where = " en «Sin grupo»" if key == NONE else f" en «{self.group_model.label(key)}»"
        query = self.proxy.query.strip()
        text = f"Mostrando {shown} de {total} actividades{where}"
        if query:
            text += f" que contienen «{query}»"
        self.count_label.setText(text + ".")
        if self.tabs.currentWidget() is self.timeline and self._timeline_dirty:
            self.refresh_timeline()

    def refresh_timeline(self) -> None:
        if self.view is None:
            self.timeline.clear()
        else:
            visible = self.model.visible_ids()
            self.timeline.set_plan(self.view.summary.year, self.view.groups, self.model.rows(), visible)
        self._timeline_dirty = False

    def _update_actions(self) -> None:
        has_plan = self.view is not None
        for b in (self.export_button, self.delete_plan_button, self.new_button):
            b.setEnabled(has_plan)
        self.edit_button.setEnabled(has_plan)
        self.delete_button.setEnabled(has_plan)

    def current_activity_id(self) -> str | None:
        if self.tabs.currentWidget() is self.timeline:
            return self.timeline.canvas.current_activity_id()
        idx = self.table.currentIndex()
        if not idx.isValid():
            rows = self.table.selectionModel().selectedRows()
            idx = rows[0] if rows else QModelIndex()
        return self.proxy.activity_id(idx) if idx.isValid() else None

    def select_activity(self, activity_id: str) -> None:
        from ..models.plan_activities import COL_DESCRIPTION

        row = self.model.row_of(activity_id)
        if row < 0:
            return
        idx = self.proxy.mapFromSource(self.model.index(row, COL_DESCRIPTION))
        if idx.isValid():
            self.table.setCurrentIndex(idx)
            self.table.scrollTo(idx)

    # -- activities -------------------------------------------------------------------------------
    def _group_choices(self) -> list[tuple[str, str, int]]:
        return [(g.group_id, g.label, g.depth) for g in self.view.groups] if self.view else []

    def new_activity(self) -> None:
        if self.view is None:
            return
        from ..dialogs.activity_form import ActivityFormDialog
        from ..models.plan_groups import ALL, NONE

        key = self.group_model.key(self.group_view.currentIndex())
        default_group = key if key not in (None, ALL, NONE) else None
        dlg = ActivityFormDialog(
            self._group_choices(), None, year=self.view.summary.year, default_group=default_group, parent=self
        )
        dlg.accepted.connect(lambda: self._save_activity(dlg, None))
        self.form_dialog = dlg
        dlg.open()

    def edit_current(self) -> None:
        aid = self.current_activity_id()
        if aid:
            self.edit_activity(aid)

    def edit_activity(self, activity_id: str) -> None:
        if self.view is None:
            return
        from ..dialogs.activity_form import ActivityFormDialog
        from ..tasks import show_error

        try:
            row = self.plans.activity(activity_id)
        except UserError as exc:
            show_error(self, exc)
            return
        dlg = ActivityFormDialog(self._group_choices(), row, year=self.view.summary.year, parent=self)
        dlg.accepted.connect(lambda: self._save_activity(dlg, row))
        self.form_dialog = dlg
        dlg.open()

    def _save_activity(self, dlg, row) -> None:
        data, plans, plan_id = dlg.value(), self.plans, self.loaded_plan_id
        if row is None:
            self._write(
                lambda: plans.add_activity(plan_id, data),
                lambda saved: self._after_activity_change(saved.activity_id, "Actividad agregada."),
            )
        else:
            self._write(
                lambda: plans.update_activity(row.activity_id, data, expected_version=row.version),
                lambda saved: self._after_activity_change(saved.activity_id, "Actividad guardada."),
            )

    def _write(self, fn, on_done) -> None:
        """Save on the worker; `on_done(result)` updates the page once it is saved (a refusal shows a warning)."""
        self.ctx.runner.write(fn, parent=self, on_done=on_done)

    def delete_current(self) -> None:
        aid = self.current_activity_id()
        if not aid or self.view is None:
            return
        row = self.plans.activity(aid)
        desc = row.description if len(row.description) <= 160 else row.description[:157] + "…"
        answer = QMessageBox.question(
            self,
            "Eliminar actividad",
            f"¿Eliminar la actividad «{desc}»?\n\nSe quitará del plan (queda registrada en el historial).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        # keep the cursor near the deleted row
        idx = self.table.currentIndex()
        nxt = None
        if idx.isValid():
            for r in (idx.row() + 1, idx.row() - 1):
                if 0 <= r < self.proxy.rowCount():
                    nxt = self.proxy.activity_id(self.proxy.index(r, 0))
                    break
        plans = self.plans
        self._write(
            lambda: plans.delete_activity(aid), lambda _r: self._after_activity_change(nxt, "Actividad eliminada.")
        )

    def _after_activity_change(self, activity_id: str | None, message: str) -> None:
        self.load_plan(self.loaded_plan_id, keep_activity=activity_id)
        self._refresh_plan_counts()
        self.ctx.events.status_message.emit(message)
        self.table.setFocus()

    def _refresh_plan_counts(self) -> None:
        if self.view is None:
            return
        for r in range(self.plan_model.rowCount()):
            if self.plan_model.item(r, 0).data(PlanIdRole) == self.loaded_plan_id:
                self.plan_model.item(r, 3).setText(str(len(self.view.activities)))

    # -- plan actions ------------------------------------------------------------------------------
    def import_plan(self) -> None:
        from ..dialogs.plan_import import start_import

        start_import(self.ctx, self, on_saved=self._on_plan_created)

    def new_from_template(self) -> None:
        from ..dialogs.plan_new import NewFromTemplateDialog

        dlg = NewFromTemplateDialog(self.ctx, self)
        dlg.saved.connect(self._on_plan_created)
        self.template_dialog = dlg
        dlg.open()

    def _on_plan_created(self, summary) -> None:
        self.ctx.select_plan(summary.plan_id)
        self.reload_plans()
        text = f"Plan guardado: {summary.entity}, vigencia {summary.year}, {summary.activities} actividades."
        if summary.warnings:
            text += f" {len(summary.warnings)} advertencia(s)."
        self.ctx.events.status_message.emit(text)
        self.table.setFocus()

    def export_plan(self) -> None:
        if not self.loaded_plan_id:
            return
        from ..dialogs.plan_export import PlanExportDialog

        dlg = PlanExportDialog(self.ctx, self.loaded_plan_id, self)
        self.export_dialog = dlg
        dlg.open()

    def delete_plan(self) -> None:
        if self.view is None:
            return
        s = self.view.summary
        answer = QMessageBox.question(
            self,
            "Eliminar plan",
            f"¿Eliminar el plan de «{s.entity}», vigencia {s.year}, con sus {s.activities} actividades?\n\n"
            "Dejará de verse en rcdesk (queda registrado en el historial).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def done(_result) -> None:
            self.ctx.select_plan(None)
            self.reload_plans()
            self.ctx.events.status_message.emit(f"Plan de «{s.entity}» ({s.year}) eliminado.")

        plans = self.plans
        self._write(lambda: plans.delete_plan(s.plan_id), done)

    def load_demo(self) -> None:
        db = self.ctx.db

        def job(progress, cancel):
            from rcdesk.demo import load_all

            return load_all(db, progress)

        def done(_result) -> None:
            self.reload_plans()
            self.ctx.events.status_message.emit("Datos de ejemplo cargados.")

        self.ctx.runner.run(job, title="Cargando los datos de ejemplo…", parent=self, on_done=done, cancellable=False)


PAGES = [
    PageSpec(
        key="plans",
        title="Planes",
        order=10,
        factory=lambda ctx: PlansPage(ctx),
        icon="SP_FileDialogDetailedView",
        tooltip="Planes de rendición de cuentas: actividades, cronograma, importar y exportar",
    ),
]
