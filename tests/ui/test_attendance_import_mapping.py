"""The attendance import dialog's «Columnas» page: an office's own sheet mapped by the user, re-read off
the GUI thread, imported with exact rows and tallies; no «otros datos» choice for personal data."""

from datetime import date

import pytest

from rcdesk.imports.fields import KEEP
from rcdesk.services.attendance import AttendanceService
from rcdesk.services.events import EventInput, EventService
from tests.core.test_attendance_mapping import _xlsx

pytestmark = pytest.mark.ui


@pytest.fixture
def dialog(qtbot, ui_ctx, tmp_path):
    from ui.dialogs.events_dialogs import ImportPreviewDialog

    ev = EventService(ui_ctx.db).create(EventInput(title="Deliberación pública", event_date=date(2026, 5, 20)))
    dlg = ImportPreviewDialog(ui_ctx, ev.event_id, _xlsx(tmp_path / "lista.xlsx"))
    qtbot.addWidget(dlg)
    dlg.resize(1366, 700)
    dlg.load()
    return dlg


def _row(dlg, header: str) -> int:
    m = dlg.mapping_page.model
    return next(r for r in range(m.rowCount()) if m.index(r, m.COL_HEADER).data() == header)


def _choose(dlg, header: str, spec: str) -> None:
    m = dlg.mapping_page.model
    assert m.setData(m.index(_row(dlg, header), m.COL_FIELD), spec)


def test_mapping_a_column_re_reads_the_sheet_and_imports_what_it_shows(dialog, ui_ctx, qtmodeltester):
    dlg = dialog
    m = dlg.mapping_page.model
    qtmodeltester.check(m)
    assert dlg.tabs.currentIndex() == dlg.TAB_COLUMNS
    gf = _row(dlg, "Género / F")
    assert m.index(gf, m.COL_FIELD).data() == "Género" and "Femenino" in m.index(gf, m.COL_NOTE).data()
    ci = _row(dlg, "No. C.I.")
    assert m.index(ci, m.COL_FIELD).data() == "Ignorar"
    assert m.index(ci, m.COL_SAMPLES).data() == "1714307103 · 926687856 · 1714307104"
    specs = {c.spec for c in m.index(ci, m.COL_FIELD).data(m.ChoicesRole)}
    assert KEEP not in specs and {"documento", "genero", "ignorar"} <= specs
    assert "documento no válido: 0" in dlg.summary.text()

    _choose(dlg, "No. C.I.", "documento")
    assert dlg.mapping_page.overrides == {"No. C.I.": "documento"}
    assert m.index(_row(dlg, "No. C.I."), m.COL_SOURCE).data() == "usuario"
    assert "reparadas: 1" in dlg.summary.text() and "documento no válido: 1" in dlg.summary.text()
    assert "duplicadas (no se importan): 1" in dlg.summary.text()
    assert dlg.model.rowCount() == 5
    assert "«Firma»" in dlg.details.text() and "F | M | LGBTIQ+" in dlg.details.text()
    dlg.import_btn.click()
    res = dlg.result_
    assert (res.imported, res.duplicates, res.invalid_ids) == (4, 1, 1)
    assert EventService(ui_ctx.db).tally(dlg.event_id).counts == {"genero": {"FEMENINO": 2, "MASCULINO": 1, "GLBTI": 1}}
    # the confirmed mapping is offered for the next sheet with these headers
    again = AttendanceService(ui_ctx.db).preview_import(dlg.event_id, dlg.path)
    assert again.profile_name == "recordado"


def test_a_sheet_without_names_opens_on_the_columns_page_and_is_fixed_there(qtbot, ui_ctx, tmp_path):
    from ui.dialogs.events_dialogs import ImportPreviewDialog

    ev = EventService(ui_ctx.db).create(EventInput(title="Audiencia", event_date=date(2026, 6, 2)))
    path = _xlsx(tmp_path / "q.xlsx", [["Quién asiste", "Celular"], ["Ana Guamán", "0991234567"]], ())
    dlg = ImportPreviewDialog(ui_ctx, ev.event_id, path)
    qtbot.addWidget(dlg)
    dlg.load()
    assert not dlg.failed and "columna de nombres" in dlg.summary.text() and not dlg.import_btn.isEnabled()
    _choose(dlg, "Quién asiste", "nombre")
    assert dlg.import_btn.isEnabled() and dlg.model.rowCount() == 1


def test_changes_are_read_off_the_gui_thread_and_the_last_one_wins(dialog, ui_ctx, qtbot):
    from ui.tasks import TaskRunner

    dlg = dialog
    runner = ui_ctx.runner = TaskRunner()
    try:
        _choose(dlg, "No. C.I.", "documento")
        assert dlg._busy and not dlg.import_btn.isEnabled()
        _choose(dlg, "Celular", "ignorar")
        qtbot.waitUntil(lambda: not dlg._busy and dlg.import_btn.isEnabled(), timeout=10_000)
        assert dlg.mapping_page.overrides == {"No. C.I.": "documento", "Celular": "ignorar"}
        assert [r.phone for r in dlg.parsed.rows][0] == "" and dlg.parsed.rows[1].id_check.number == "0926687856"
    finally:
        runner.shutdown()


def test_fits_a_1366x768_screen(dialog):
    dlg = dialog
    assert dlg.minimumSizeHint().height() <= 700 and dlg.minimumSizeHint().width() <= 1366
    assert dlg.mapping_page.table.isEnabled()
    assert dlg.import_btn.text() == "&Importar"
    assert not dlg.import_btn.autoDefault()  # Enter on a row opens its field list, never imports
