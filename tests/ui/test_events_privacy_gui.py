"""GUI flows of invitations (table, combo, directory) and data-subject requests on the directory page."""

import json
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from rcdesk.services.attendance import AttendanceInput, AttendanceService
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.privacy import ANON_NAME, PrivacyService

pytestmark = pytest.mark.ui


@pytest.fixture
def world(ui_ctx):
    ev = EventService(ui_ctx.db)
    old = ev.create(EventInput(title="Deliberación 2018", event_date=date(2018, 6, 10)))
    new = ev.create(EventInput(title="Deliberación 2026", event_date=date(2026, 5, 20)))
    att = AttendanceService(ui_ctx.db)
    att.register(
        old.event_id,
        AttendanceInput(
            full_name="María García", id_number="1714307103", organization="Barrio La Paz", phone="0991234567"
        ),
    )
    att.register(old.event_id, AttendanceInput(full_name="José Pérez", id_number="0602910945", organization="Junta"))
    return {"old": old, "new": new}


@pytest.fixture
def answer(monkeypatch):
    """Message boxes: record their text and press the first (affirmative) custom button or Yes."""
    shown = []

    def exec_(self):
        shown.append(self.text())
        buttons = self.buttons()
        if buttons:
            self._clicked = buttons[0]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda self: getattr(self, "_clicked", None))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    return shown


@pytest.fixture
def directory(qtbot, ui_ctx, world):
    from ui.pages.events import DirectoryPage

    p = DirectoryPage(ui_ctx)
    qtbot.addWidget(p)
    p.resize(1366, 700)
    return p


def _select(page, text):
    page.search.setText(text)
    page.search.flush()
    assert page.model.rowCount() == 1
    page.view.setCurrentIndex(page.model.index(0, 0))


def test_invitations_table_by_name_from_directory_and_status_combo(qtbot, ui_ctx, world, answer, monkeypatch):
    from ui.dialogs.events_people import PersonPickerDialog
    from ui.pages.events import EventsPage

    page = EventsPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.select_event(world["new"].event_id)
    tab = page.workspace.tab("invitaciones")
    qtbot.keyClicks(tab.name, "Rosa Yumbo")
    qtbot.keyClicks(tab.org, "Comuna Cacha")
    qtbot.keyClick(tab.name, Qt.Key.Key_Return)
    assert tab.model.rowCount() == 1 and tab.model.row_at(0).organization == "Comuna Cacha"
    qtbot.keyClicks(tab.name, "rosa yumbo")  # same person again: refused with a message
    qtbot.keyClick(tab.name, Qt.Key.Key_Return)
    assert tab.model.rowCount() == 1 and any("ya está en la lista" in t for t in answer)

    def pick(self):
        self.search.setText("garcia")
        self.search.flush()
        self.view.selectRow(0)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PersonPickerDialog, "exec", pick)
    tab.pick_btn.click()
    names = sorted(tab.model.row_at(i).name for i in range(tab.model.rowCount()))
    assert names == ["María García", "Rosa Yumbo"]
    maria = next(i for i in range(tab.model.rowCount()) if tab.model.row_at(i).name == "María García")
    assert tab.model.row_at(maria).contact == "0991234567"
    tab.view.selectRow(maria)
    assert tab.status.isEnabled()
    tab.status.setCurrentIndex(tab.status.findData("CONFIRMADO"))
    tab.status.activated.emit(tab.status.currentIndex())
    counts = EventService(ui_ctx.db).invitation_counts(world["new"].event_id)
    assert counts["CONFIRMADO"] == 1 and counts["PENDIENTE"] == 1 and counts["total"] == 2
    assert "2 invitados/as: 1 pendiente, 1 confirmado" in tab.counts.text()
    tab.remove_btn.click()
    assert EventService(ui_ctx.db).invitation_counts(world["new"].event_id)["total"] == 1


def test_directory_shows_and_exports_a_persons_data(qtbot, ui_ctx, directory, monkeypatch, tmp_path):
    from ui.dialogs.events_people import DossierDialog

    _select(directory, "garcia")
    out = tmp_path / "maria"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "JSON (*.json)"))
    seen = {}

    def run(self):
        seen["text"] = self.text.toPlainText()
        self.json_btn.click()
        self.pdf_btn.click()
        return 0

    monkeypatch.setattr(DossierDialog, "exec", run)
    directory.data_btn.click()
    assert "María García" in seen["text"] and "Deliberación 2018" in seen["text"]
    data = json.loads((tmp_path / "maria.json").read_text(encoding="utf-8"))
    assert data["person"]["id_number"] == "1714307103"
    assert (tmp_path / "maria.pdf").read_bytes()[:4] == b"%PDF"


def test_directory_rectify_revoke_and_anonymize(qtbot, ui_ctx, directory, monkeypatch, answer):
    from ui.dialogs.events_people import RectifyDialog, RevokeConsentDialog

    _select(directory, "garcia")
    person_id = directory.model.row_at(0).person_id

    def rectify(self):
        self.name.setText("María Fernanda García")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RectifyDialog, "exec", rectify)
    directory.rectify_btn.click()
    assert directory.model.row_at(0).full_name == "María Fernanda García"

    def revoke(self):
        self.boxes["CONTACTO"].setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RevokeConsentDialog, "exec", revoke)
    directory.revoke_btn.click()
    assert PrivacyService(ui_ctx.db).dossier(person_id).person["phone"] is None

    _select(directory, "fernanda")
    directory.anon_btn.click()
    assert any("No se puede deshacer" in t for t in answer)
    directory.search.setText("fernanda")
    directory.search.flush()
    assert directory.model.rowCount() == 0
    assert PrivacyService(ui_ctx.db).dossier(person_id).person["full_name"] == ANON_NAME


def test_directory_needs_a_selection(qtbot, directory, answer):
    directory.anon_btn.click()
    assert answer == ["Elija primero a una persona de la lista."]


def test_retention_dialog_previews_then_anonymizes_after_confirmation(qtbot, ui_ctx, world, answer):
    from ui.dialogs.events_people import RetentionDialog

    dlg = RetentionDialog(ui_ctx)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 1 and dlg.table.item(0, 1).text() == "Deliberación 2018"
    assert "2 registros de asistencia" in dlg.summary.text() and dlg.apply_btn.isEnabled()
    dlg.years["attendance"].setValue(20)
    dlg.years["invitation"].setValue(20)
    dlg.save_btn.click()
    assert dlg.table.rowCount() == 0 and not dlg.apply_btn.isEnabled()
    assert PrivacyService(ui_ctx.db).retention_years()["attendance"] == 20
    dlg.years["attendance"].setValue(5)
    dlg.save_btn.click()
    dlg.apply_btn.click()
    assert any("No se puede deshacer" in t for t in answer)
    assert dlg.result["attendance"] == 2 and dlg.table.rowCount() == 0
    assert AttendanceService(ui_ctx.db).search_people("garcia") == []
    assert EventService(ui_ctx.db).get(world["old"].event_id).attendance == 2


def test_survey_chart_labels_stay_readable(qtbot):
    from PySide6.QtCharts import QAbstractBarSeries

    from ui.widgets.events_charts import bar_chart

    title = "¿Se presentaron los resultados de la gestión y del presupuesto? (124 respuestas)"
    view = bar_chart(title, [("Sí", 69.4), ("No", 5.6), ("Parcialmente", 25.0)], suffix=" %", max_value=100)
    qtbot.addWidget(view)
    chart = view.chart()
    series = chart.series()[0]
    assert series.labelsPosition() == QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd
    assert [series.barSets()[0].at(i) for i in range(3)] == [25.0, 6.0, 69.0]  # whole percentages
    assert "<br>" in chart.title() and "respuestas" in chart.title()  # wrapped, not cut off
