"""«POA»: choose a unit (filtered by canton) and a period, browse objectives → metas and
type the executed quantities and budget per period in a keyboard-friendly grid (Intro goes
to the next row), with the narrative, validation and evidence of the selected meta."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from rcdesk.errors import UserError
from rcdesk.poa.importer import LEVEL_LABELS, META_LEVEL_LABELS
from rcdesk.poa.periods import period_count, period_name

from ..models.poa_grid import COL_EXECUTED, COL_META, COL_UOM, GridRow, PoaGridModel, fmt_number
from ..shell import PageSpec
from ..tasks import show_error
from ..widgets.columns import fit_columns
from ..widgets.empty_hint import EmptyHint, load_example
from ..widgets.table_menu import install_table_menu

MetaRole = Qt.ItemDataRole.UserRole + 1
ALL = "__all__"


def _meta_facts(m) -> str:
    """Level, baseline, initial budget and «otros datos» of a meta, as lines under its title."""

    def show(v: object) -> str:
        return fmt_number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)

    facts = []
    if m.level:
        facts.append(f"Nivel: {META_LEVEL_LABELS.get(m.level, m.level)}")
    if m.baseline is not None:
        facts.append(f"Línea base: {show(m.baseline)}")
    if m.initial_budget is not None:
        facts.append(f"Presupuesto inicial: {show(m.initial_budget)}")
    if m.extra:
        facts.append("Otros datos: " + " · ".join(f"{k}: {show(v)}" for k, v in m.extra))
    return f"<br><small>{escape(' · '.join(facts))}</small>" if facts else ""


class GridView(QTableView):
    """Table where Intro after editing a cell moves to the same column of the next row."""

    def closeEditor(self, editor, hint) -> None:
        super().closeEditor(editor, hint)
        if hint in (QAbstractItemDelegate.EndEditHint.NoHint, QAbstractItemDelegate.EndEditHint.SubmitModelCache):
            cur = self.currentIndex()
            nxt = self.model().index(cur.row() + 1, cur.column()) if cur.isValid() else cur
            if nxt.isValid():
                self.setCurrentIndex(nxt)


class PoaPage(QWidget):
    def __init__(self, ctx) -> None:
        super().__init__()
        from rcdesk.services.poa import PoaService
        from rcdesk.services.thresholds import ThresholdService

        self.ctx = ctx
        self.service = PoaService(ctx.db)
        self.profile = ThresholdService(ctx.db).profile_for_country("EC")
        self.poa = None
        self.nodes = []
        self.import_dialog = None
        self._loading = False

        bar = self._build_filter_bar()
        tree_panel = self._build_tree_panel()
        self._build_grid()
        detail = self._build_detail()

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.grid, 3)
        rl.addWidget(self.status)
        rl.addWidget(detail, 0)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(tree_panel)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([230, 930])
        self.empty = EmptyHint(
            "Todavía no hay POA registrados",
            "El POA de cada unidad reúne sus objetivos y metas con lo programado y ejecutado por periodo "
            "y el presupuesto; aquí se registra la ejecución y se validan los avances. Cree el POA de una "
            "unidad a mano («Nuevo POA…»), impórtelo de Excel («Importar POA…») o cargue los datos de ejemplo.",
            [
                ("&Nuevo POA…", self.new_poa),
                ("&Importar POA…", self.open_import),
                ("Cargar datos de &ejemplo", load_example(self)),
            ],
            chapter="poa",
        )
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.empty)
        lay.addWidget(split, 1)
        self.split = split

        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save_texts)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=lambda: self.grid.setFocus())
        self.year_combo.currentIndexChanged.connect(lambda *_: self._fill_units())
        self.canton_combo.currentIndexChanged.connect(lambda *_: self._fill_units(keep_cantons=True))
        self.unit_combo.currentIndexChanged.connect(lambda *_: self._load_poa())
        self.period_combo.currentIndexChanged.connect(lambda *_: self._load_grid())
        ctx.events.data_changed.connect(self._on_changed)
        self.reload()

    def _build_filter_bar(self) -> QHBoxLayout:
        """Year, canton, unit and period, and the buttons that make or move a whole POA."""
        self.year_combo = QComboBox()
        self.canton_combo = QComboBox()
        self.unit_combo = QComboBox()
        self.unit_combo.setMinimumContentsLength(32)
        self.unit_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.period_combo = QComboBox()
        self.new_poa_button = QPushButton("&Nuevo POA…")
        self.new_poa_button.setToolTip("Crear el POA de una unidad a mano (sin archivo de Excel)")
        self.new_poa_button.clicked.connect(self.new_poa)
        self.import_button = QPushButton("&Importar POA…")
        self.export_button = QPushButton("E&xportar…")
        self.import_button.clicked.connect(self.open_import)
        self.export_button.clicked.connect(self.export_current)
        bar = QHBoxLayout()
        for text, w in (
            ("Añ&o:", self.year_combo),
            ("&Cantón:", self.canton_combo),
            ("&Unidad:", self.unit_combo),
            ("&Periodo:", self.period_combo),
        ):
            lbl = QLabel(text)
            lbl.setBuddy(w)
            bar.addWidget(lbl)
            bar.addWidget(w, 2 if w is self.unit_combo else 0)
        bar.addStretch(1)
        bar.addWidget(self.new_poa_button)
        bar.addWidget(self.import_button)
        bar.addWidget(self.export_button)
        return bar

    def _build_tree_panel(self) -> QWidget:
        """The POA's objectives and metas, with the buttons and keys that edit them."""
        self.tree_model = QStandardItemModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._tree_current)
        self.tree.setToolTip("Ins: nueva meta · F2: editar · Supr: eliminar")
        self.new_objective_button = QPushButton("Nuevo ob&jetivo…")
        self.new_meta_button = QPushButton("Nueva &meta…")
        self.edit_node_button = QPushButton("Edi&tar…")
        self.delete_node_button = QPushButton("Elimina&r…")
        self.new_objective_button.clicked.connect(self.new_objective)
        self.new_meta_button.clicked.connect(self.new_meta)
        self.edit_node_button.clicked.connect(self.edit_node)
        self.delete_node_button.clicked.connect(self.delete_node)
        self.new_meta_button.setToolTip("Nueva meta en el objetivo seleccionado (Ins)")
        self.edit_node_button.setToolTip("Editar el objetivo o la meta seleccionada (F2)")
        self.delete_node_button.setToolTip(
            "Eliminar el objetivo o la meta seleccionada (Supr); con «Todas las metas» seleccionado, el POA completo"
        )
        self._tree_keys = {
            Qt.Key.Key_Insert: self.new_meta,
            Qt.Key.Key_F2: self.edit_node,
            Qt.Key.Key_Delete: self.delete_node,
        }
        self.tree.installEventFilter(self)
        install_table_menu(
            self.tree,
            [
                ("Nueva &meta…", self.new_meta),
                ("Nuevo ob&jetivo…", self.new_objective),
                ("Elimina&r…", self.delete_node),
            ],
            open_action=("Edi&tar…", self.edit_node),
        )
        tree_panel = QWidget()
        tp = QVBoxLayout(tree_panel)
        tp.setContentsMargins(0, 0, 0, 0)
        tp.addWidget(self.tree, 1)
        tree_buttons = QHBoxLayout()
        tree_buttons.addWidget(self.new_objective_button)
        tree_buttons.addWidget(self.new_meta_button)
        tp.addLayout(tree_buttons)
        tree_buttons2 = QHBoxLayout()
        tree_buttons2.addWidget(self.edit_node_button)
        tree_buttons2.addWidget(self.delete_node_button)
        tp.addLayout(tree_buttons2)
        return tree_panel

    def _build_grid(self) -> None:
        """The period grid of the selected metas (edited in place) and its status line."""
        self.grid_model = PoaGridModel(self.service, self, runner=self.ctx.runner)
        self.grid_model.edit_failed.connect(self._edit_failed)
        self.grid_model.saved.connect(self._saved)
        self.grid = GridView()
        self.grid.setModel(self.grid_model)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.grid.verticalHeader().hide()
        self.grid.setWordWrap(False)
        hh = self.grid.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(COL_META, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(COL_META, 240)
        self.grid.setColumnHidden(COL_UOM, True)  # shown in the meta's tooltip; keeps 1366×768 without scrolling
        self.grid.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        fit_columns(self.grid, self.ctx.settings, "poa.grid")
        install_table_menu(
            self.grid,
            [
                ("&Validar", lambda: self.set_validation("VALIDADO")),
                ("&Observar…", lambda: self.set_validation("OBSERVADO")),
            ],
            export=("ejecucion del poa", self.ctx.settings),
        )
        self.status = QLabel("")
        self.status.setWordWrap(True)

    def _build_detail(self) -> QGroupBox:
        """The report of the selected meta and period: texts, validation and evidence."""
        self.detail_title = QLabel("")
        self.detail_title.setWordWrap(True)
        self.narrative = QPlainTextEdit()
        self.difficulties = QPlainTextEdit()
        self.corrective = QPlainTextEdit()
        for w, ph in (
            (self.narrative, "Descripción de la gestión realizada en el periodo"),
            (self.difficulties, "Dificultades encontradas"),
            (self.corrective, "Acciones correctivas"),
        ):
            w.setPlaceholderText(ph)
            w.setTabChangesFocus(True)
            w.setMaximumHeight(58)
        self.save_text_button = QPushButton("&Guardar descripción")
        self.save_text_button.clicked.connect(self.save_texts)
        self.validate_button = QPushButton("&Validar")
        self.observe_button = QPushButton("&Observar…")
        self.validate_button.clicked.connect(lambda: self.set_validation("VALIDADO"))
        self.observe_button.clicked.connect(lambda: self.set_validation("OBSERVADO"))
        self.evidence_list = QListWidget()
        self.evidence_list.setMaximumHeight(110)
        self.evidence_list.itemActivated.connect(self._open_evidence)
        self.add_file_button = QPushButton("Adjuntar &archivo…")
        self.add_link_button = QPushButton("Agregar &enlace…")
        self.add_file_button.clicked.connect(self.add_file)
        self.add_link_button.clicked.connect(self.add_link)
        texts = QFormLayout()
        texts.addRow("Gestión:", self.narrative)
        texts.addRow("Dificultades:", self.difficulties)
        texts.addRow("Correctivas:", self.corrective)
        actions = QHBoxLayout()
        for b in (self.save_text_button, self.validate_button, self.observe_button):
            actions.addWidget(b)
        actions.addStretch(1)
        ev_box = QVBoxLayout()
        ev_box.addWidget(QLabel("Medios de verificación:"))
        ev_box.addWidget(self.evidence_list)
        ev_buttons = QHBoxLayout()
        ev_buttons.addWidget(self.add_file_button)
        ev_buttons.addWidget(self.add_link_button)
        ev_box.addLayout(ev_buttons)
        ev_box.addStretch(1)
        detail = QGroupBox("Reporte del periodo")
        dl = QHBoxLayout(detail)
        left = QVBoxLayout()
        left.addWidget(self.detail_title)
        left.addLayout(texts)
        left.addLayout(actions)
        dl.addLayout(left, 3)
        dl.addLayout(ev_box, 2)
        return detail

    # -- loading --------------------------------------------------------------------------------
    def reload(self) -> None:
        self._loading = True
        year = self.year_combo.currentData()
        self.year_combo.clear()
        years = self.service.years()
        for y in years:
            self.year_combo.addItem(str(y), y)
        if year in years:
            self.year_combo.setCurrentIndex(years.index(year))
        self._loading = False
        self._fill_units()

    def _fill_units(self, keep_cantons: bool = False) -> None:
        if self._loading:
            return
        self._loading = True
        year = self.year_combo.currentData()
        rows = self.service.list_poas(year=year) if year else []
        if not keep_cantons:
            canton = self.canton_combo.currentData()
            self.canton_combo.clear()
            self.canton_combo.addItem("Todos los cantones", ALL)
            for cid, name in sorted({(r.canton_id or "", r.canton_name) for r in rows}, key=lambda x: x[1]):
                self.canton_combo.addItem(name, cid)
            i = self.canton_combo.findData(canton)
            self.canton_combo.setCurrentIndex(max(i, 0))
        canton = self.canton_combo.currentData()
        unit = self.unit_combo.currentData()
        self.unit_combo.clear()
        for r in rows:
            if canton not in (None, ALL) and (r.canton_id or "") != canton:
                continue
            self.unit_combo.addItem(f"{r.unit_name} ({r.canton_name})", r.poa_id)
        i = self.unit_combo.findData(unit)
        self.unit_combo.setCurrentIndex(max(i, 0))
        self._loading = False
        self._load_poa()

    def _load_poa(self) -> None:
        if self._loading:
            return
        poa_id = self.unit_combo.currentData()
        self.poa = self.service.poa(poa_id) if poa_id else None
        has = self.poa is not None
        self.empty.setVisible(not has)
        self.split.setVisible(has)
        self.export_button.setEnabled(has)
        for b in (self.new_objective_button, self.new_meta_button, self.edit_node_button, self.delete_node_button):
            b.setEnabled(has)
        if not has:
            self.nodes = []
            self.tree_model.clear()
            self.grid_model.set_rows([])
            return
        self._loading = True
        period = self.period_combo.currentData()
        self.period_combo.clear()
        for n in range(1, period_count(self.poa.period_kind) + 1):
            self.period_combo.addItem(period_name(self.poa.period_kind, n), n)
        idx = self.period_combo.findData(period)
        self.period_combo.setCurrentIndex(idx if idx >= 0 else 0)
        self._loading = False
        self.nodes = self.service.tree(self.poa.poa_id)
        self.tree_model.clear()
        root = QStandardItem(f"Todas las metas ({sum(len(o.metas) for o in self.nodes)})")
        root.setData(None, MetaRole)
        self.tree_model.appendRow(root)
        items: dict[str, QStandardItem] = {}
        for o in self.nodes:  # parents come before their children (import order)
            level = LEVEL_LABELS.get(o.level, "") if o.level else ""
            oi = QStandardItem(f"{level + ': ' if level else ''}{o.code + ' ' if o.code else ''}{o.description}")
            oi.setData(("obj", o.objective_id), MetaRole)
            tip = [o.description]
            if o.indicator:
                tip.append(f"Indicador de resultado: {o.indicator}")
            if o.alignment:
                tip.append(f"Alineación: {o.alignment}")
            oi.setToolTip("\n".join(tip))
            for m in o.metas:
                mi = QStandardItem(f"{m.number} {m.description}")
                mi.setData(("meta", m.meta_id), MetaRole)
                mi.setToolTip(m.description)
                oi.appendRow(mi)
            items[o.objective_id] = oi
            (items.get(o.parent_id) or root).appendRow(oi)
        self.tree.expandAll()
        self.tree.setCurrentIndex(self.tree_model.index(0, 0))
        self._load_grid()

    def _load_grid(self) -> None:
        if self._loading or self.poa is None:
            return
        period = self.period_combo.currentData() or 1
        execs = self.service.executions(self.poa.poa_id)
        cur = self.tree.currentIndex()
        sel = cur.data(MetaRole) if cur.isValid() else None
        rows = []
        shown = self._subtree(sel[1]) if sel and sel[0] == "obj" else None
        for o in self.nodes:
            if shown is not None and o.objective_id not in shown:
                continue
            for m in o.metas:
                rows.append(GridRow(m, execs[m.meta_id][period - 1]))
        current = self.grid.currentIndex()
        self.grid_model.set_rows(rows, self.profile)
        if sel and sel[0] == "meta":
            for i, r in enumerate(rows):
                if r.meta.meta_id == sel[1]:
                    self.grid.setCurrentIndex(self.grid_model.index(i, COL_EXECUTED))
        elif rows:
            row = min(current.row(), len(rows) - 1) if current.isValid() else 0
            self.grid.setCurrentIndex(self.grid_model.index(row, COL_EXECUTED))
        self._show_detail()

    def _subtree(self, objective_id: str) -> set[str]:
        """An objective and every objective under it (eje > programa > subprograma…)."""
        out = {objective_id}
        grew = True
        while grew:
            grew = False
            for o in self.nodes:
                if o.parent_id in out and o.objective_id not in out:
                    out.add(o.objective_id)
                    grew = True
        return out

    def _tree_current(self, cur, _prev) -> None:
        sel = cur.data(MetaRole) if cur.isValid() else None
        if sel and sel[0] == "meta":
            for i, r in enumerate(self.grid_model.rows):
                if r.meta.meta_id == sel[1]:
                    self.grid.setCurrentIndex(self.grid_model.index(i, COL_EXECUTED))
                    return
        self._load_grid()

    # -- detail -----------------------------------------------------------------------------
    def current_row(self) -> GridRow | None:
        idx = self.grid.currentIndex()
        return self.grid_model.row_at(idx.row()) if idx.isValid() else None

    def _show_detail(self) -> None:
        r = self.current_row()
        enabled = r is not None
        for w in (
            self.narrative,
            self.difficulties,
            self.corrective,
            self.save_text_button,
            self.validate_button,
            self.observe_button,
            self.add_file_button,
            self.add_link_button,
        ):
            w.setEnabled(enabled)
        self.evidence_list.clear()
        if r is None:
            self.detail_title.setText("")
            for w in (self.narrative, self.difficulties, self.corrective):
                w.setPlainText("")
            return
        e = r.execution
        state = e.validation_label if e.execution_id else "sin reporte"
        note = f" — Observación: {e.validation_note}" if e.validation_note else ""
        self.detail_title.setText(
            f"<b>{escape(r.meta.number)} {escape(r.meta.description)}</b> — "
            f"{period_name(self.poa.period_kind, e.period_no)} ({state}){escape(note)}" + _meta_facts(r.meta)
        )
        self.narrative.setPlainText(e.narrative)
        self.difficulties.setPlainText(e.difficulties)
        self.corrective.setPlainText(e.corrective_actions)
        if e.execution_id:
            from rcdesk.services.evidence import EvidenceService

            for ev in EvidenceService(self.ctx.db).list_for("poa_execution", e.execution_id):
                item = QListWidgetItem(ev.label if ev.kind == "FILE" else f"{ev.label} ({ev.url})")
                item.setData(Qt.ItemDataRole.UserRole, ev)
                self.evidence_list.addItem(item)

    def save_texts(self) -> None:
        r = self.current_row()
        if r is None:
            return
        texts = dict(
            narrative=self.narrative.toPlainText(),
            difficulties=self.difficulties.toPlainText(),
            corrective_actions=self.corrective.toPlainText(),
        )

        def done(row) -> None:
            self.grid_model.replace_execution(r.meta.meta_id, row)
            self._saved(row)
            self.status.setText("Descripción guardada.")

        # the version the form shows: another operator's report meanwhile is refused, never overwritten
        version = r.execution.version
        self._write(
            lambda: self.service.save_execution(
                r.meta.meta_id, r.execution.period_no, expected_version=version, **texts
            ),
            done,
        )

    def set_validation(self, status: str) -> None:
        r = self.current_row()
        if r is None:
            return
        note = ""
        if status == "OBSERVADO":
            note, ok = QInputDialog.getMultiLineText(
                self, "Observar el reporte", "Observación para la unidad (qué falta o qué corregir):"
            )
            if not ok:
                return

        def done(row) -> None:
            self.grid_model.replace_execution(r.meta.meta_id, row)
            self._show_detail()

        self._write(lambda: self.service.set_validation(r.meta.meta_id, r.execution.period_no, status, note), done)

    def add_file(self) -> None:
        r = self.current_row()
        if r is None:
            return
        from ..files import ask_open_paths

        chosen = ask_open_paths(
            self,
            self.ctx.settings,
            kind="evidencias",
            title="Adjuntar medio de verificación",
            filters="Todos los archivos (*)",
        )
        path = str(chosen[0]) if chosen else ""
        if not path:
            return
        from rcdesk.services.evidence import EvidenceService

        def save() -> None:
            exec_id = self.service.ensure_execution(r.meta.meta_id, r.execution.period_no)
            EvidenceService(self.ctx.db).add_file(Path(path), "poa_execution", exec_id)

        self._write(save, lambda _r: self._after_evidence(r))

    def add_link(self) -> None:
        r = self.current_row()
        if r is None:
            return
        url, ok = QInputDialog.getText(
            self, "Agregar enlace", "Enlace al medio de verificación publicado (http:// o https://):"
        )
        if not ok or not url.strip():
            return
        from rcdesk.services.evidence import EvidenceService

        def save() -> None:
            exec_id = self.service.ensure_execution(r.meta.meta_id, r.execution.period_no)
            EvidenceService(self.ctx.db).add_link(url.strip(), "poa_execution", exec_id)

        self._write(save, lambda _r: self._after_evidence(r))

    def _after_evidence(self, r: GridRow) -> None:
        self.grid_model.replace_execution(r.meta.meta_id, self.service.execution(r.meta.meta_id, r.execution.period_no))
        self._show_detail()

    def _open_evidence(self, item) -> None:
        ev = item.data(Qt.ItemDataRole.UserRole)
        if ev.kind == "LINK" and ev.url:
            QDesktopServices.openUrl(QUrl(ev.url))
            return
        from rcdesk.services.evidence import EvidenceService

        try:
            path = EvidenceService(self.ctx.db).viewable_path(ev.evidence_id)  # decrypted copy if encrypted
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        except UserError as exc:
            show_error(self, exc)

    def _write(self, fn, on_done) -> None:
        """Save on the worker; `on_done(result)` updates the page once it is saved."""
        self.ctx.runner.write(fn, parent=self, on_done=on_done, on_user_error=lambda exc: show_error(self, exc))

    # -- feedback ---------------------------------------------------------------------------
    def _edit_failed(self, message: str) -> None:
        self.status.setText(f"<span style='color:#C62828'>No se guardó: {message}</span>")

    def _saved(self, row) -> None:
        if row.warnings:
            self.status.setText(
                "<span style='color:#8D6E00'>Guardado con advertencias: " + " ".join(row.warnings) + "</span>"
            )
        else:
            self.status.setText("Guardado.")

    def _on_changed(self, changes, initiator) -> None:
        if initiator is self:
            return
        if changes.poa or changes.reference or changes.everything:
            self.reload()

    # -- structure editing (by hand) -------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        """Ins / F2 / Supr on the tree: new meta, edit, delete."""
        if (
            obj is self.tree
            and event.type() == QEvent.Type.KeyPress
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and event.key() in self._tree_keys
        ):
            self._tree_keys[event.key()]()
            return True
        return super().eventFilter(obj, event)

    def selected_node(self) -> tuple[str, str] | None:
        """("obj", id), ("meta", id) or None for «Todas las metas» / nothing."""
        cur = self.tree.currentIndex()
        return cur.data(MetaRole) if cur.isValid() else None

    def _objectives(self) -> list[tuple[str, str]]:
        return [(o.objective_id, f"{o.code + ' ' if o.code else ''}{o.description}") for o in self.nodes]

    def _objective_of(self, node) -> str | None:
        if node and node[0] == "obj":
            return node[1]
        if node and node[0] == "meta":
            return next((o.objective_id for o in self.nodes for m in o.metas if m.meta_id == node[1]), None)
        return self.nodes[0].objective_id if self.nodes else None

    def select_node(self, node) -> None:
        """Select an objective or meta in the tree by its (kind, id)."""

        def walk(parent):
            for r in range(self.tree_model.rowCount(parent)):
                idx = self.tree_model.index(r, 0, parent)
                if idx.data(MetaRole) == node:
                    return idx
                found = walk(idx)
                if found is not None:
                    return found
            return None

        idx = walk(self.tree.rootIndex()) if node else None
        if idx is not None:
            self.tree.setCurrentIndex(idx)

    def _structure_changed(self, node=None, warnings=()) -> None:
        self._load_poa()
        self.select_node(node)
        self.tree.setFocus()
        if warnings:
            self.status.setText(
                "<span style='color:#8D6E00'>Guardado con advertencias: " + " ".join(warnings) + "</span>"
            )
        else:
            self.status.setText("Cambios guardados.")

    def new_poa(self) -> None:
        from ..dialogs.poa_edit import NewPoaDialog

        dlg = NewPoaDialog(self.ctx, self, year=self.year_combo.currentData())
        if not dlg.exec() or dlg.result_row is None:
            return
        row = dlg.result_row
        self.reload()
        self.year_combo.setCurrentIndex(max(self.year_combo.findData(row.fiscal_year), 0))
        self.canton_combo.setCurrentIndex(0)
        self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(row.poa_id), 0))
        self.status.setText(f"POA {row.fiscal_year} de «{row.unit_name}» creado. Agregue sus objetivos y metas.")
        self.new_objective_button.setFocus()

    def new_objective(self) -> None:
        if self.poa is None:
            return
        from ..dialogs.poa_edit import ObjectiveDialog

        dlg = ObjectiveDialog(self.ctx, self.poa.poa_id, parent=self)
        if dlg.exec() and dlg.result_row is not None:
            self._structure_changed(("obj", dlg.result_row.id))

    def new_meta(self) -> None:
        if self.poa is None:
            return
        objective_id = self._objective_of(self.selected_node())
        if objective_id is None:
            QMessageBox.information(
                self,
                "Nueva meta",
                "Agregue primero un objetivo («Nuevo objetivo…»); cada meta pertenece a un objetivo.",
            )
            return
        from ..dialogs.poa_edit import MetaDialog

        dlg = MetaDialog(self.ctx, self.poa, self._objectives(), objective_id, parent=self)
        if dlg.exec() and dlg.result_row is not None:
            self._structure_changed(("meta", dlg.result_row.id), dlg.result_row.warnings)

    def edit_node(self) -> None:
        node = self.selected_node()
        if self.poa is None or node is None:
            return
        if node[0] == "obj":
            from ..dialogs.poa_edit import ObjectiveDialog

            dlg = ObjectiveDialog(self.ctx, self.poa.poa_id, node[1], parent=self)
        else:
            from ..dialogs.poa_edit import MetaDialog

            dlg = MetaDialog(self.ctx, self.poa, self._objectives(), self._objective_of(node), node[1], parent=self)
        if dlg.exec() and dlg.result_row is not None:
            self._structure_changed(node, getattr(dlg.result_row, "warnings", ()))

    def delete_node(self) -> None:
        if self.poa is None:
            return
        from rcdesk.services.poa_edit import PoaEditService

        edit = PoaEditService(self.ctx.db)
        node = self.selected_node()
        try:
            if node is None:
                title = "Eliminar POA"
                question = (
                    f"¿Eliminar el POA {self.poa.fiscal_year} de «{self.poa.unit_name}» completo, con sus "
                    f"{self.poa.meta_count} metas, su programación y los reportes de ejecución?"
                )
            elif node[0] == "obj":
                o = edit.objective(node[1])
                title = "Eliminar objetivo"
                question = (
                    f"¿Eliminar el objetivo «{o.description}» y sus {o.meta_count} metas, con su "
                    "programación y los reportes de ejecución?"
                )
            else:
                m = edit.meta(node[1])
                title = "Eliminar meta"
                question = f"¿Eliminar la meta {m.number} «{m.description}»"
                question += f" y sus {m.reports} reportes de ejecución?" if m.reports else "?"
        except UserError as exc:
            show_error(self, exc)
            return
        answer = QMessageBox.question(
            self,
            title,
            question + "\n\nDejará de verse en rcdesk (queda registrado en el historial).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        poa_id = self.poa.poa_id

        def delete() -> None:
            if node is None:
                edit.delete_poa(poa_id)
            elif node[0] == "obj":
                edit.delete_objective(node[1])
            else:
                edit.delete_meta(node[1])

        def done(_result: object) -> None:
            if node is None:
                self.reload()
                self.status.setText("POA eliminado.")
            else:
                self._structure_changed(None)
                self.status.setText("Meta eliminada." if node[0] == "meta" else "Objetivo eliminado.")

        self._write(delete, done)

    # -- import / export ----------------------------------------------------------------------
    def open_import(self) -> None:
        from ..dialogs.poa_import import PoaImportDialog

        self.import_dialog = PoaImportDialog(self.ctx, self)
        if self.import_dialog.exec() and self.import_dialog.result is not None:
            res = self.import_dialog.result
            self.reload()
            QMessageBox.information(self, "POA importado", f"Se importaron {res.poas} POA con {res.metas} metas.")

    def export_current(self) -> None:
        if self.poa is None:
            return
        from rcdesk.poa.exporter import export_poas

        from ..files import announce_saved, ask_save_path, default_name

        name = default_name("poa", str(self.poa.fiscal_year), self.poa.unit_name, suffix="xlsx")
        path = ask_save_path(
            self,
            self.ctx.settings,
            kind="poa",
            title="Exportar POA",
            name=name,
            filters="Libros de Excel (*.xlsx)",
            suffix="xlsx",
        )
        if path is None:
            return
        poa_id, unit_id = self.poa.poa_id, self.poa.unit_id

        def job(progress, cancel):
            from rcdesk.services.poa import institution_country

            return export_poas(
                [self.service.as_parsed(poa_id)], path, country=institution_country(self.ctx.db, unit_id)
            )

        self.ctx.runner.run(
            job,
            title="Exportando el POA…",
            parent=self,
            on_done=lambda out: announce_saved(self, Path(out), "POA exportado"),
            on_error=lambda exc: show_error(self, exc),
        )


PAGES = [
    PageSpec(
        key="poa",
        title="POA",
        order=40,
        factory=lambda ctx: PoaPage(ctx),
        icon="SP_FileDialogContentsView",
        tooltip="Seguimiento del POA por unidad: metas, ejecución por periodo y presupuesto",
    )
]

__all__ = ["GridView", "PAGES", "PoaPage", "QItemSelectionModel"]
