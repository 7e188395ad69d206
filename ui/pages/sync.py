"""Sincronización: packages field ↔ headquarters, import report, conflict review, installations.

Thin Qt code: everything goes through `rcdesk.services.sync.SyncService`; long jobs run in
the task runner (progress dialog with a Cancelar button).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..models.sync_tables import (
    ConflictsModel,
    DiffModel,
    InstallationsModel,
    KindCountsModel,
    PackageLogModel,
    PackageReportModel,
    RecordBrowserModel,
)
from ..shell import PageSpec
from ..widgets.columns import fit_columns
from ..widgets.empty_hint import hinted
from ..widgets.table_menu import install_table_menu
from ..widgets.tables import row_table

PACKAGE_FILTER = "Paquetes de rcdesk (*.rcpaq);;Todos los archivos (*)"


class SyncPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from rcdesk.services.sync import SyncService

        self.ctx = ctx
        self.svc = SyncService(ctx.db)
        self.setAcceptDrops(True)
        lay = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.header)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self._build_packages_tab()
        self._build_conflicts_tab()
        self._build_records_tab()
        self._build_installations_tab()
        self._build_keys_tab()
        self._install_menus()
        ctx.events.data_changed.connect(self._on_changed)
        self.refresh()

    def _install_menus(self) -> None:
        settings = self.ctx.settings
        install_table_menu(self.report_view, export=("resultado de la importacion", settings))
        install_table_menu(self.kinds_view, export=("registros importados por tipo", settings))
        install_table_menu(self.log_view, export=("historial de paquetes", settings))
        install_table_menu(
            self.conflicts_view,
            [
                ("Conservar lo de la &sede", lambda: self.resolve("sede")),
                ("Tomar lo del ca&mpo", lambda: self.resolve("campo")),
            ],
        )
        install_table_menu(self.diff_view)
        install_table_menu(self.records_view, export=("registros", settings))
        install_table_menu(
            self.inst_view,
            [("Aceptar como de &confianza", self.trust_selected), ("&Revocar", self.revoke_selected)],
            export=("instalaciones", settings),
        )

    # -- tabs ----------------------------------------------------------------------------
    def _build_packages_tab(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        row = QHBoxLayout()
        self.btn_export = QPushButton("&Exportar paquete para la sede…")
        self.btn_export.clicked.connect(self.export_package)
        self.chk_full = QCheckBox("Incluir &todo (no solo lo pendiente)")
        self.btn_import = QPushButton("&Importar paquetes…")
        self.btn_import.clicked.connect(self.choose_and_import)
        self.btn_folder = QPushButton("Importar una &carpeta…")
        self.btn_folder.clicked.connect(self.choose_folder_and_import)
        for b in (self.btn_export, self.chk_full, self.btn_import, self.btn_folder):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.drop_hint = QLabel("También puede arrastrar aquí archivos .rcpaq (paquetes, paquetes base o acuses).")
        self.drop_hint.setStyleSheet("color: #555; border: 1px dashed #999; padding: 8px;")
        lay.addWidget(self.drop_hint)
        split = QSplitter(Qt.Orientation.Vertical)
        self.report_model = PackageReportModel(self)
        self.report_view = row_table(self.report_model)
        fit_columns(self.report_view, self.ctx.settings, "sync.report")
        self.kinds_model = KindCountsModel(self)
        self.kinds_view = row_table(self.kinds_model)
        fit_columns(self.kinds_view, self.ctx.settings, "sync.kinds")
        self.log_model = PackageLogModel(self)
        self.log_view = row_table(self.log_model)
        fit_columns(self.log_view, self.ctx.settings, "sync.log")
        box = QWidget()
        bl = QVBoxLayout(box)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(QLabel("Resultado de la última importación:"))
        bl.addWidget(self.report_view)
        bl.addWidget(self.kinds_view)
        split.addWidget(box)
        box2 = QWidget()
        b2 = QVBoxLayout(box2)
        b2.setContentsMargins(0, 0, 0, 0)
        b2.addWidget(QLabel("Historial de paquetes enviados y recibidos:"))
        self.log_area = hinted(
            self.log_view,
            self.log_model,
            "Todavía no hay paquetes",
            "Los paquetes (.rcpaq) llevan lo registrado en el campo a la sede central y traen de la sede el "
            "paquete base con las unidades, POA y eventos asignados. Un técnico de campo empieza importando "
            "el paquete base que le envió la sede; la sede, importando los paquetes de sus técnicos.",
            [("&Importar paquetes…", self.choose_and_import), ("&Exportar paquete para la sede…", self.export_package)],
            chapter="sincronizacion",
        )
        b2.addWidget(self.log_area)
        split.addWidget(box2)
        lay.addWidget(split, 1)
        self.tabs.addTab(w, "&Paquetes")

    def _build_conflicts_tab(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(
            QLabel(
                "Registros editados a la vez en la sede y en el campo. Nada se sobrescribe hasta que "
                "usted elija, campo por campo o para todo el registro."
            )
        )
        self.conflicts_model = ConflictsModel(self)
        self.conflicts_view = row_table(self.conflicts_model)
        fit_columns(self.conflicts_view, self.ctx.settings, "sync.conflicts")
        self.conflicts_view.selectionModel().currentRowChanged.connect(self._show_diff)
        self.diff_model = DiffModel(self)
        self.diff_view = row_table(self.diff_model)
        fit_columns(self.diff_view, self.ctx.settings, "sync.diff")
        self.diff_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(
            hinted(
                self.conflicts_view,
                self.conflicts_model,
                "Sin conflictos",
                "Cuando un paquete trae un registro que aquí también se cambió, aparece en esta lista para que "
                "usted elija qué conservar. Ahora no hay nada que decidir.",
                chapter="sincronizacion",
            )
        )
        split.addWidget(self.diff_view)
        lay.addWidget(split, 1)
        row = QHBoxLayout()
        self.btn_all_sede = QPushButton("Conservar todo lo de la &sede")
        self.btn_all_sede.clicked.connect(lambda: self.resolve("sede"))
        self.btn_all_campo = QPushButton("Tomar todo lo del ca&mpo")
        self.btn_all_campo.clicked.connect(lambda: self.resolve("campo"))
        self.btn_per_field = QPushButton("&Aplicar la elección por campo")
        self.btn_per_field.clicked.connect(lambda: self.resolve(None))
        for b in (self.btn_all_sede, self.btn_all_campo, self.btn_per_field):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.tabs.addTab(w, "C&onflictos")

    def _build_records_tab(self) -> None:
        from ..widgets.sync_badge import install_sync_badge

        w = QWidget()
        lay = QVBoxLayout(w)
        row = QHBoxLayout()
        lbl = QLabel("&Tipo de registro:")
        self.kind_combo = QComboBox()
        self.kind_combo.setMinimumContentsLength(24)
        lbl.setBuddy(self.kind_combo)
        lbl2 = QLabel("&Estado:")
        self.status_combo = QComboBox()
        lbl2.setBuddy(self.status_combo)
        from rcdesk.services.sync import STATUS_LABELS

        self.status_combo.addItem("Todos", None)
        for code, text in STATUS_LABELS.items():
            self.status_combo.addItem(text, code)
        for x in (lbl, self.kind_combo, lbl2, self.status_combo):
            row.addWidget(x)
        row.addStretch(1)
        lay.addLayout(row)
        self.records_model = RecordBrowserModel(self)
        self.records_view = row_table(self.records_model)
        fit_columns(self.records_view, self.ctx.settings, "sync.records")
        lay.addWidget(self.records_view, 1)
        foot = QHBoxLayout()
        self.records_info = QLabel()
        foot.addWidget(self.records_info)
        foot.addStretch(1)
        foot.addWidget(QLabel("Registro seleccionado:"))
        self.record_badge = install_sync_badge(
            self.ctx,
            self.records_view,
            lambda: self.kind_combo.currentData(),
            lambda r: self.records_model.row_at(r).record_id,
            foot,
        )
        lay.addLayout(foot)
        self.kind_combo.currentIndexChanged.connect(self._reload_records)
        self.status_combo.currentIndexChanged.connect(self._reload_records)
        self._records_tab = self.tabs.addTab(w, "Re&gistros")
        self.tabs.currentChanged.connect(lambda i: self._reload_records() if i == self._records_tab else None)

    def _reload_records(self) -> None:
        if self.tabs.currentIndex() != self._records_tab:
            return
        current = self.kind_combo.currentData()
        kinds = self.svc.record_kinds()
        if [self.kind_combo.itemData(i) for i in range(self.kind_combo.count())] != [k for k, _ in kinds]:
            self.kind_combo.blockSignals(True)
            self.kind_combo.clear()
            for table, text in kinds:
                self.kind_combo.addItem(text[:1].upper() + text[1:], table)
            i = self.kind_combo.findData(current)
            self.kind_combo.setCurrentIndex(max(i, 0))
            self.kind_combo.blockSignals(False)
        table = self.kind_combo.currentData()
        rows = self.svc.browse(table, status=self.status_combo.currentData()) if table else []
        self.records_model.set_rows(rows)
        self.records_info.setText(f"{len(rows)} registro(s)" + (" (los 500 más recientes)" if len(rows) >= 500 else ""))

    def _build_installations_tab(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.inst_model = InstallationsModel(self)
        self.inst_view = row_table(self.inst_model)
        fit_columns(self.inst_view, self.ctx.settings, "sync.inst")
        lay.addWidget(
            hinted(
                self.inst_view,
                self.inst_model,
                "Ninguna otra instalación conocida",
                "Aquí aparecen las computadoras con las que esta instalación intercambió paquetes: los técnicos "
                "de campo (en la sede) o la sede central (en el campo), con su clave y si son de confianza. Se "
                "agregan solas al importar su primer paquete.",
                [("&Importar paquetes…", self.choose_and_import)],
                chapter="sincronizacion",
            ),
            1,
        )
        row = QHBoxLayout()
        self.btn_trust = QPushButton("Aceptar como de &confianza")
        self.btn_trust.clicked.connect(self.trust_selected)
        self.btn_revoke = QPushButton("&Revocar")
        self.btn_revoke.clicked.connect(self.revoke_selected)
        self.btn_base = QPushButton("Paquete &base para un técnico…")
        self.btn_base.clicked.connect(self.export_base)
        self.chk_base_all = QCheckBox("Paquete base con todo (sin &filtrar por lo asignado)")
        self.chk_base_all.setToolTip(
            "Sin marcar, el paquete base lleva solo las unidades, POA y eventos de los "
            "territorios y unidades asignados al técnico."
        )
        self.btn_receipt = QPushButton("Acuse de reci&bo…")
        self.btn_receipt.clicked.connect(self.export_receipt)
        self.btn_consolidated = QPushButton("Archivos consoli&dados…")
        self.btn_consolidated.clicked.connect(self.export_consolidated)
        for b in (
            self.btn_trust,
            self.btn_revoke,
            self.btn_base,
            self.chk_base_all,
            self.btn_receipt,
            self.btn_consolidated,
        ):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.tabs.addTab(w, "I&nstalaciones")

    def _build_keys_tab(self) -> None:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.keys_label = QLabel()
        self.keys_label.setWordWrap(True)
        self.keys_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.keys_label)
        row = QHBoxLayout()
        b1 = QPushButton("E&xportar claves protegidas…")
        b1.clicked.connect(self.export_keys)
        b2 = QPushButton("Im&portar claves…")
        b2.clicked.connect(self.import_keys)
        self.btn_recover = QPushButton("&Recuperar base de un técnico…")
        self.btn_recover.setToolTip("Dar una contraseña nueva a la base cifrada de un técnico que olvidó la suya")
        self.btn_recover.clicked.connect(self.recover_database)
        row.addWidget(b1)
        row.addWidget(b2)
        row.addWidget(self.btn_recover)
        if self.ctx.db.is_server:  # headquarters' keys sealed on the server (rcdesk/sync/hq_keys.py)
            b3 = QPushButton("Cambiar la &frase de paso de la sede…")
            b3.setToolTip("La frase de paso que protege las claves privadas de la sede guardadas en el servidor")
            b3.clicked.connect(self.change_hq_passphrase)
            row.addWidget(b3)
        row.addStretch(1)
        lay.addLayout(row)
        # a field laptop: is its passphrase recoverable by headquarters yet?
        self.recovery_label = QLabel()
        self.recovery_label.setWordWrap(True)
        lay.addWidget(self.recovery_label)
        lay.addStretch(1)
        self.tabs.addTab(w, "C&laves")

    # -- refresh -------------------------------------------------------------------------
    def _on_changed(self, changes, initiator) -> None:
        if initiator is not self and (getattr(changes, "sync", False) or getattr(changes, "everything", False)):
            self.refresh()

    def refresh(self) -> None:
        ov = self.svc.overview()
        hq = ov.role == "hq"
        parts = [f"<b>{ov.name}</b> — {ov.role_label}", f"huella de la clave: <code>{ov.fingerprint}</code>"]
        if hq:
            parts.append(f"{ov.open_conflicts} conflicto(s) abierto(s)")
            parts.append(f"{ov.quarantined} paquete(s) en cuarentena")
        else:
            parts.append(f"sede central: {ov.headquarters or 'todavía no importó el paquete base'}")
            parts.append(f"{ov.pending_records} registro(s) sin confirmar por la sede")
            if ov.last_export:
                parts.append(f"último paquete: {ov.last_export}")
        self.header.setText(" · ".join(parts))
        self.btn_export.setEnabled(not hq)
        self.chk_full.setEnabled(not hq)
        for b in (self.btn_trust, self.btn_revoke, self.btn_base, self.chk_base_all, self.btn_receipt):
            b.setEnabled(hq)
        self.inst_model.set_rows(self.svc.installations())
        self.conflicts_model.set_rows(self.svc.conflicts() if hq else [])
        self.diff_model.set_rows([])
        self.log_model.set_rows(self.svc.package_log())
        self.keys_label.setText(
            f"Instalación {ov.name} ({ov.installation_id}).<br>Huella de la clave de firma: <code>{ov.fingerprint}</code>"
            "<br>Las claves se guardan en la carpeta de datos y dentro de la base de datos (se copian con cada copia "
            "de seguridad). Exporte una copia protegida con frase de paso y guárdela fuera de este equipo."
        )
        self._refresh_recovery()
        self._reload_records()

    def _refresh_recovery(self) -> None:
        from rcdesk.security.recovery import status

        text = status(self.ctx.db).text
        self.recovery_label.setText(text)
        self.recovery_label.setVisible(bool(text))

    # -- packages ------------------------------------------------------------------------
    def _ask_save(self, title: str, what: str, who: str | None, filters: str = PACKAGE_FILTER) -> Path | None:
        from ..files import ask_save_path, default_name

        suffix = "rcpaq" if filters is PACKAGE_FILTER else None
        return ask_save_path(
            self,
            self.ctx.settings,
            kind="paquetes",
            title=title,
            filters=filters,
            suffix=suffix,
            name=default_name(what, who, suffix=suffix or "xlsx"),
        )

    def export_package(self) -> None:
        from ..widgets.banner import banner_for

        ov = self.svc.overview()
        if not ov.headquarters:
            # said before the file dialog: the package would be refused after the user named it
            banner_for(self).warning(
                "Todavía no puede enviar un paquete: primero importe el paquete base que le envió la sede "
                "(memoria USB, correo o Quipux).",
                [("Importar paquete base…", self.choose_and_import)],
            )
            return
        path = self._ask_save("Guardar paquete para la sede", "paquete", ov.name)
        if path is None:
            return
        full = self.chk_full.isChecked()

        from ..files import announce_saved

        def job(progress, cancel):
            return self.svc.export_package(Path(path), full=full, progress=progress, cancel=cancel)

        def done(res) -> None:
            self._changed()
            QMessageBox.information(
                self,
                "Paquete exportado",
                f"Paquete n.º {res.seq} guardado en {res.path}\n{res.records} registro(s), "
                f"{res.evidence} evidencia(s)."
                + (f"\nAviso: faltan {res.missing_evidence} archivo(s) de evidencia." if res.missing_evidence else ""),
            )
            announce_saved(self, Path(res.path), f"Paquete n.º {res.seq} guardado; envíelo a la sede")

        self.ctx.runner.run(job, title="Exportando el paquete…", parent=self, on_done=done)

    def choose_and_import(self) -> None:
        from ..files import ask_open_paths

        files = ask_open_paths(
            self, self.ctx.settings, kind="paquetes", title="Importar paquetes", filters=PACKAGE_FILTER, many=True
        )
        if files:
            self.import_files(files)

    def choose_folder_and_import(self) -> None:
        from ..files import ask_folder

        folder = ask_folder(self, self.ctx.settings, kind="paquetes", title="Carpeta con paquetes")
        if folder:
            self.import_files([folder])

    def import_files(self, files: list[Path]) -> None:
        def job(progress, cancel):
            return self.svc.import_packages(files, progress=progress, cancel=cancel)

        self.ctx.runner.run(job, title="Importando paquetes…", parent=self, on_done=self.show_report)

    def show_report(self, result) -> None:
        self.report_model.set_rows(result.packages)
        self.kinds_model.set_rows(sorted(result.by_kind().items()))
        self.tabs.setCurrentIndex(0)
        self._changed()

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.import_files(files)

    # -- conflicts -----------------------------------------------------------------------
    def _show_diff(self, current, _previous=None) -> None:
        c = self.conflicts_model.row_at(current.row()) if current.isValid() else None
        self.diff_model.set_rows(list(c.diffs) if c else [])

    def resolve(self, choice: str | None) -> None:
        idx = self.conflicts_view.currentIndex()
        c = self.conflicts_model.row_at(idx.row()) if idx.isValid() else None
        if c is None:
            QMessageBox.information(self, "Conflictos", "Seleccione primero un conflicto de la lista.")
            return
        chosen = choice if choice else self.diff_model.choices()
        self.ctx.runner.write(
            lambda: self.svc.resolve(c.conflict_id, chosen), parent=self, on_done=lambda _r: self._changed()
        )

    # -- installations -------------------------------------------------------------------
    def _selected_installation(self):
        idx = self.inst_view.currentIndex()
        r = self.inst_model.row_at(idx.row()) if idx.isValid() else None
        if r is None or r.is_self:
            QMessageBox.information(self, "Instalaciones", "Seleccione otra instalación de la lista.")
            return None
        return r

    def trust_selected(self) -> None:
        r = self._selected_installation()
        if r is None:
            return
        ok = QMessageBox.question(
            self,
            "Aceptar instalación",
            f"¿Aceptar «{r.name}» como instalación de confianza?\n\nCompruebe por teléfono con el técnico que la "
            f"huella de su clave es:\n{r.sign_fingerprint}",
        )
        if ok != QMessageBox.StandardButton.Yes:
            return

        def job(progress, cancel):
            return self.svc.trust(r.installation_id, progress=progress, cancel=cancel)[1]

        self.ctx.runner.run(
            job, title="Consolidando los paquetes en cuarentena…", parent=self, on_done=self.show_report
        )

    def revoke_selected(self) -> None:
        r = self._selected_installation()
        if r is None:
            return
        ok = QMessageBox.question(
            self, "Revocar instalación", f"¿Revocar «{r.name}»? Sus paquetes futuros se rechazarán."
        )
        if ok == QMessageBox.StandardButton.Yes:
            self.ctx.runner.write(
                lambda: self.svc.revoke(r.installation_id), parent=self, on_done=lambda _r: self._changed()
            )

    def export_base(self) -> None:
        idx = self.inst_view.currentIndex()
        r = self.inst_model.row_at(idx.row()) if idx.isValid() else None
        default_id = r.installation_id if r is not None and not r.is_self else ""
        iid, ok = QInputDialog.getText(
            self,
            "Paquete base",
            "Identificador de la instalación del técnico (se ve en su página Sincronización):",
            QLineEdit.EchoMode.Normal,
            default_id,
        )
        if not ok or not iid.strip():
            return
        name = r.name if r is not None and r.installation_id == iid.strip() else None
        path = self._ask_save("Guardar paquete base", "paquete base", name)
        if path is None:
            return

        everything = self.chk_base_all.isChecked()
        from ..files import announce_saved

        def job(progress, cancel):
            return self.svc.export_base(
                iid.strip(), Path(path), everything=everything, progress=progress, cancel=cancel
            )

        def done(res) -> None:
            self._changed()
            scope = "todo" if res["scope"] == "todo" else "solo lo asignado al técnico"
            announce_saved(
                self,
                Path(res["file"]),
                f"Paquete base n.º {res['seq']} para «{res['name']}» ({res['records']} registros, "
                f"{res['evidence']} archivo(s) de evidencia; alcance: {scope})",
            )

        self.ctx.runner.run(job, title="Exportando el paquete base…", parent=self, on_done=done)

    def export_receipt(self) -> None:
        r = self._selected_installation()
        if r is None:
            return
        path = self._ask_save("Guardar acuse de recibo", "acuse de recibo", r.name)
        if path is None:
            return
        from ..files import announce_saved

        def done(res: dict) -> None:
            self._changed()
            announce_saved(
                self,
                Path(res["file"]),
                f"Acuse para «{res['name']}»: paquetes hasta el n.º {res['consolidated_seq']}, "
                f"{res['conflicts']} en conflicto",
            )

        self.ctx.runner.write(
            lambda: self.svc.export_receipt(r.installation_id, Path(path)),
            parent=self,
            on_done=done,
            title="Guardando el acuse de recibo…",
        )

    def export_consolidated(self) -> None:
        path = self._ask_save(
            "Guardar archivo consolidado",
            "consolidado",
            self.svc.overview().name,
            "Libro de Excel (*.xlsx);;Informe PDF (*.pdf)",
        )
        if path is None:
            return

        def job(progress, cancel):
            return self.svc.export_consolidated(Path(path), progress=progress, cancel=cancel)

        from ..files import announce_saved

        self.ctx.runner.run(
            job,
            title="Generando el archivo consolidado…",
            parent=self,
            on_done=lambda res: announce_saved(self, Path(res["file"]), "Archivo consolidado"),
        )

    # -- keys ----------------------------------------------------------------------------
    def export_keys(self) -> None:
        from ..files import announce_saved, ask_save_path, default_name

        path = ask_save_path(
            self,
            self.ctx.settings,
            kind="claves",
            title="Exportar claves",
            name=default_name("claves", self.svc.overview().name, suffix="json"),
            filters="Claves (*.json)",
            suffix="json",
        )
        if path is None:
            return
        phrase, ok = QInputDialog.getText(
            self, "Frase de paso", "Frase de paso (al menos 8 caracteres):", QLineEdit.EchoMode.Password
        )
        if not ok:
            return
        # the first export may create this installation's keys: a write, so on the worker
        self.ctx.runner.write(
            lambda: self.svc.export_keys(path, phrase),
            parent=self,
            title="Exportando las claves…",
            on_done=lambda out: announce_saved(
                self, Path(out), "Claves exportadas (sin la frase de paso no se pueden usar)"
            ),
        )

    def import_keys(self) -> None:
        from ..files import ask_open_paths

        chosen = ask_open_paths(
            self, self.ctx.settings, kind="claves", title="Importar claves", filters="Claves (*.json)"
        )
        if not chosen:
            return
        path = chosen[0]
        phrase, ok = QInputDialog.getText(self, "Frase de paso", "Frase de paso:", QLineEdit.EchoMode.Password)
        if not ok:
            return

        def done(fp: str) -> None:
            self.refresh()
            QMessageBox.information(self, "Claves", f"Claves importadas. Huella: {fp}")

        self.ctx.runner.write(
            lambda: self.svc.import_keys(Path(path), phrase), parent=self, on_done=done, title="Importando las claves…"
        )

    def change_hq_passphrase(self) -> None:
        """Asks the current passphrase, then the new one twice (ui/hq_passphrase.py), on the worker."""
        self.ctx.runner.write(
            self.svc.change_hq_passphrase,
            parent=self,
            title="Cambiando la frase de paso de la sede…",
            on_done=lambda fp: QMessageBox.information(
                self,
                "Claves",
                "Las claves de la sede quedan protegidas con la nueva frase de paso; compártala solo con "
                f"quienes consolidan paquetes. Huella de la clave de firma (sin cambios): {fp}",
            ),
        )

    def recover_database(self) -> None:
        from ..dialogs.recover_database import RecoverDatabaseDialog

        RecoverDatabaseDialog(self.ctx, self).exec()

    # -- helpers -------------------------------------------------------------------------
    def _changed(self) -> None:
        # what the write changed is announced by the task runner; this page shows its own result
        self.refresh()


PAGES = [
    PageSpec(
        key="sync",
        title="Sincronización",
        order=70,
        factory=lambda ctx: SyncPage(ctx),
        icon="SP_BrowserReload",
        tooltip="Paquetes entre el campo y la sede central",
    )
]
