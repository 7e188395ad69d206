"""«Entidad y territorio»: institution profile, its units (dependencias) and the territory tree."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rcdesk.catalogs import COUNTRIES, INSTITUTION_KINDS, TERRITORY_LEVELS, UNIT_TYPES
from rcdesk.errors import UserError
from rcdesk.services.changes import Changes

from ..models.units import UnitTableModel
from ..shell import PageSpec, UiContext
from ..tasks import show_error
from ..widgets.buttons import OK, dialog_buttons
from ..widgets.columns import fit_columns
from ..widgets.empty_hint import hinted
from ..widgets.table_menu import install_table_menu
from ..widgets.territory_picker import TerritoryField

# an entity governs a province or a canton (a department or a municipality); a unit may sit anywhere
_ENTITY_LEVELS = ("PROVINCIA", "CANTON", "DEPARTAMENTO", "MUNICIPIO")
_UNIT_LEVELS = tuple(TERRITORY_LEVELS)


def _services(ctx: UiContext):
    # imported here: the reference service loads SQLAlchemy, which the first screen avoids
    from rcdesk.services.reference import ReferenceService

    svc = ReferenceService(ctx.db)
    svc.ensure_builtin_territories()
    return svc


class UnitDialog(QDialog):
    def __init__(self, svc, country: str, unit=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Editar dependencia" if unit else "Nueva dependencia")
        form = QFormLayout(self)
        self.name = QLineEdit(unit.name if unit else "")
        self.name.setPlaceholderText("p. ej. Jefatura Política de Guamote")
        self.kind = QComboBox()
        for key, label in UNIT_TYPES.items():
            self.kind.addItem(label, key)
        self.kind.setCurrentIndex(max(self.kind.findData(unit.unit_type if unit else "JEFATURA_POLITICA"), 0))
        self.territory = TerritoryField(levels=_UNIT_LEVELS)
        self.territory.set_territories(svc.territories(country=country))
        self.territory.set_current(unit.territory_id if unit else None)
        form.addRow("&Nombre:", self.name)
        form.addRow("&Tipo:", self.kind)
        form.addRow("T&erritorio:", self.territory)
        buttons = dialog_buttons(self, "Guardar", accept_button=OK)
        form.addRow(buttons)
        self.setMinimumWidth(480)

    def values(self) -> dict:
        return {
            "name": self.name.text(),
            "unit_type": self.kind.currentData(),
            "territory_id": self.territory.currentData(),
        }


class ReferencePage(QWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.svc = _services(ctx)
        lay = QVBoxLayout(self)
        title = QLabel("<b>Entidad, dependencias y territorio</b>")
        lay.addWidget(title)
        top = QHBoxLayout()
        top.addWidget(QLabel("&Entidad:"))
        self.entity = QComboBox()
        self.entity.setMinimumContentsLength(40)
        top.itemAt(0).widget().setBuddy(self.entity)
        top.addWidget(self.entity, 1)
        self.new_entity = QPushButton("Nueva entidad…")
        self.new_entity.clicked.connect(self._new_entity)
        top.addWidget(self.new_entity)
        lay.addLayout(top)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._profile_tab(), "Perfil")
        self.tabs.addTab(self._units_tab(), "Dependencias")
        self.tabs.addTab(self._territory_tab(), "Territorios")
        lay.addWidget(self.tabs, 1)
        self.entity.currentIndexChanged.connect(self._load_entity)
        ctx.events.data_changed.connect(self._on_changed)
        self.reload()

    # -- tabs --------------------------------------------------------------------------
    def _profile_tab(self) -> QWidget:
        outer = QWidget()
        outer_lay = QHBoxLayout(outer)
        w = QWidget()
        w.setMaximumWidth(760)
        outer_lay.addWidget(w, 1, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout(w)
        self.f_name = QLineEdit()
        self.f_country = QComboBox()
        for code, label in COUNTRIES.items():
            self.f_country.addItem(label, code)
        self.f_kind = QComboBox()
        for key, label in INSTITUTION_KINDS.items():
            self.f_kind.addItem(label, key)
        self.f_tax = QLineEdit()
        self.f_tax.setPlaceholderText("RUC (13 dígitos) o NIT con dígito de verificación")
        self.f_territory = TerritoryField(levels=_ENTITY_LEVELS)
        self.f_address = QLineEdit()
        self.f_email = QLineEdit()
        self.f_phone = QLineEdit()
        self.f_web = QLineEdit()
        self.f_web.setPlaceholderText("https://…")
        for label, widget in (
            ("&Nombre:", self.f_name),
            ("&País:", self.f_country),
            ("&Tipo de entidad:", self.f_kind),
            ("&RUC / NIT:", self.f_tax),
            ("&Territorio:", self.f_territory),
            ("&Dirección:", self.f_address),
            ("&Correo:", self.f_email),
            ("Te&léfono:", self.f_phone),
            ("Página &web:", self.f_web),
        ):
            form.addRow(label, widget)
        self.f_country.currentIndexChanged.connect(lambda _i: self._fill_territories(None))
        self.save_profile = QPushButton("&Guardar perfil")
        self.save_profile.clicked.connect(self._save_profile)
        form.addRow("", self.save_profile)
        return outer

    def _units_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        buttons = QHBoxLayout()
        self.add_unit = QPushButton("&Agregar dependencia…")
        self.edit_unit = QPushButton("&Editar…")
        self.del_unit = QPushButton("E&liminar")
        for b in (self.add_unit, self.edit_unit, self.del_unit):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.unit_model = UnitTableModel(self)
        self.unit_view = QTableView()
        self.unit_view.setModel(self.unit_model)
        self.unit_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unit_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.unit_view.verticalHeader().hide()
        fit_columns(self.unit_view, self.ctx.settings, "reference.units")
        install_table_menu(
            self.unit_view,
            [("E&liminar", self._delete_unit)],
            open_action=("&Editar…", self._edit_unit),
            export=("dependencias", self.ctx.settings),
        )
        lay.addWidget(
            hinted(
                self.unit_view,
                self.unit_model,
                "Todavía no hay dependencias",
                "Las dependencias (jefaturas políticas, tenencias, direcciones, unidades) son las responsables "
                "de los POA y de las actividades, cada una en su territorio. Elija o cree la entidad arriba "
                "(«Nueva entidad…») y agregue sus dependencias; también llegan con el paquete base de la sede.",
                [("&Agregar dependencia…", self._add_unit), ("Nueva entidad…", self._new_entity)],
                chapter="entidad-territorio",
            ),
            1,
        )
        self.add_unit.clicked.connect(self._add_unit)
        self.edit_unit.clicked.connect(self._edit_unit)
        self.del_unit.clicked.connect(self._delete_unit)
        return w

    def _territory_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        row = QHBoxLayout()
        self.import_csv = QPushButton("&Importar territorios desde CSV…")
        self.import_csv.setToolTip("Columnas: country, level, code, name, parent_code[, active]")
        self.import_csv.clicked.connect(self._import_csv)
        row.addWidget(self.import_csv)
        row.addStretch(1)
        lay.addLayout(row)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Territorio", "Código", "Nivel"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        install_table_menu(self.tree, export=("territorios", self.ctx.settings))
        lay.addWidget(self.tree, 1)
        return w

    # -- loading -----------------------------------------------------------------------
    def reload(self) -> None:
        current = self.entity.currentData()
        self.entity.blockSignals(True)
        self.entity.clear()
        for inst in self.svc.institutions():
            self.entity.addItem(f"{inst.name} ({COUNTRIES.get(inst.country, inst.country)})", inst.institution_id)
        idx = self.entity.findData(current) if current else 0
        self.entity.setCurrentIndex(max(idx, 0))
        self.entity.blockSignals(False)
        self._load_entity()
        self._load_tree()

    def _load_entity(self) -> None:
        inst_id = self.entity.currentData()
        has = inst_id is not None
        for w in (self.save_profile, self.add_unit, self.edit_unit, self.del_unit):
            w.setEnabled(has)
        if not has:
            self.unit_model.set_rows([], {})
            return
        data = self.svc.institution(inst_id)
        self._profile_version = data["version"]  # another operator's save meanwhile is refused, never overwritten
        self.f_name.setText(data["name"])
        self.f_country.blockSignals(True)
        self.f_country.setCurrentIndex(max(self.f_country.findData(data["country"]), 0))
        self.f_country.blockSignals(False)
        self.f_kind.setCurrentIndex(max(self.f_kind.findData(data["kind"]), 0))
        self.f_tax.setText(data["tax_id"] or "")
        self._fill_territories(data["territory_id"])
        self.f_address.setText(data["address"] or "")
        self.f_email.setText(data["email"] or "")
        self.f_phone.setText(data["phone"] or "")
        self.f_web.setText(data["website"] or "")
        self._load_units()

    def _fill_territories(self, current: str | None) -> None:
        self.f_territory.set_territories(self.svc.territories(country=self.f_country.currentData()))
        self.f_territory.set_current(current)

    def _load_units(self) -> None:
        inst_id = self.entity.currentData()
        names = {t.territory_id: f"{t.name} ({t.code})" for t in self.svc.territories(include_inactive=True)}
        self.unit_model.set_rows(self.svc.units(inst_id) if inst_id else [], names)

    def _load_tree(self) -> None:
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        rows = sorted(self.svc.territories(include_inactive=True), key=lambda t: (len(t.code), t.code))
        for t in rows:
            label = t.name if t.active else f"{t.name} (inactivo)"
            item = QTreeWidgetItem([label, t.code, TERRITORY_LEVELS.get(t.level, t.level)])
            parent = items.get(t.parent_id) if t.parent_id else None
            if parent is not None:
                parent.addChild(item)
            else:
                item.setText(0, f"{label} — {COUNTRIES.get(t.country, t.country)}")
                self.tree.addTopLevelItem(item)
            items[t.territory_id] = item
        for i in range(self.tree.topLevelItemCount()):
            self.tree.topLevelItem(i).setExpanded(True)

    def _on_changed(self, changes: Changes, initiator: object) -> None:
        if initiator is not self and (changes.reference or changes.plans or changes.everything):
            self.reload()

    # -- actions -----------------------------------------------------------------------
    def _new_entity(self) -> None:
        name, ok = QInputDialog.getText(self, "Nueva entidad", "Nombre de la entidad:")
        if not ok or not name.strip():
            return
        country, ok = QInputDialog.getItem(self, "Nueva entidad", "País:", list(COUNTRIES.values()), 0, False)
        if not ok:
            return
        code = next(k for k, v in COUNTRIES.items() if v == country)
        svc = self.svc

        def done(inst) -> None:
            self.reload()
            self.entity.setCurrentIndex(self.entity.findData(inst.institution_id))

        self._write(lambda: svc.find_or_create_institution(name, code), done)

    def _write(self, fn, on_done, on_user_error=None) -> None:
        """Save on the worker; `on_done(result)` updates the page once it is saved."""
        self.ctx.runner.write(
            fn, parent=self, on_done=on_done, on_user_error=on_user_error or (lambda exc: show_error(self, exc))
        )

    def _save_profile(self) -> None:
        inst_id, svc = self.entity.currentData(), self.svc
        values = dict(
            name=self.f_name.text(),
            country=self.f_country.currentData(),
            kind=self.f_kind.currentData(),
            tax_id=self.f_tax.text(),
            territory_id=self.f_territory.currentData(),
            address=self.f_address.text(),
            email=self.f_email.text(),
            phone=self.f_phone.text(),
            website=self.f_web.text(),
        )

        def done(_result) -> None:
            self.reload()
            self.ctx.events.status_message.emit("Perfil de la entidad guardado.")

        # a refusal keeps the form as typed so the user can correct the field named
        version = getattr(self, "_profile_version", None)
        self._write(lambda: svc.update_institution(inst_id, expected_version=version, **values), done)

    def _selected_unit(self):
        rows = self.unit_view.selectionModel().selectedRows()
        return self.unit_model.row_at(rows[0].row()) if rows else None

    def _add_unit(self) -> None:
        inst_id, svc = self.entity.currentData(), self.svc
        self._unit_form(
            UnitDialog(self.svc, self.f_country.currentData(), parent=self),
            lambda values: svc.add_unit(inst_id, **values),
        )

    def _edit_unit(self) -> None:
        unit = self._selected_unit()
        if unit is None:
            return
        svc = self.svc
        self._unit_form(
            UnitDialog(self.svc, self.f_country.currentData(), unit, parent=self),
            lambda values: svc.update_unit(unit.unit_id, expected_version=unit.version, **values),
        )

    def _unit_form(self, dlg: UnitDialog, save) -> None:
        """Show the unit form and save it on the worker; a refusal brings the form back as typed."""
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        values = dlg.values()

        def refused(exc: UserError) -> None:
            show_error(self, exc)
            self._unit_form(dlg, save)

        self._write(lambda: save(values), lambda _r: self._units_changed(), refused)

    def _units_changed(self) -> None:
        self._load_units()

    def _delete_unit(self) -> None:
        unit = self._selected_unit()
        if unit is None:
            return
        answer = QMessageBox.question(
            self,
            "Eliminar dependencia",
            f"¿Eliminar «{unit.name}»? Las actividades conservan el texto de su responsable.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            svc = self.svc
            self._write(lambda: svc.delete_unit(unit.unit_id), lambda _r: self._units_changed())

    def _import_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Importar territorios", "", "CSV (*.csv);;Todos (*)")
        if not path:
            return
        from pathlib import Path

        svc = self.svc

        def done(n: int) -> None:
            self._load_tree()
            QMessageBox.information(self, "Territorios", f"Se importaron {n} territorio(s) nuevo(s).")

        self._write(lambda: svc.import_territories_csv(Path(path)), done)


PAGES = [
    PageSpec(
        key="reference",
        title="Entidad y territorio",
        order=80,
        factory=ReferencePage,
        icon="SP_DirHomeIcon",
        tooltip="Perfil de la entidad, dependencias y territorios",
    )
]
