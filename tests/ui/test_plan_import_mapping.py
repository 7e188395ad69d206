"""The plan import dialog's «Columnas» tab: an office's own cronograma is read with the proposed
mapping, the user's choices re-read it off the GUI thread, «Guardar» stores what the preview shows
and the mapping is offered again next time; a known layout opens on its activities as before."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.core.test_plan_mapping import cpccs_workbook, own_cronograma


@pytest.fixture
def page(ui_ctx, qtbot):
    from ui.pages.plans import PlansPage

    p = PlansPage(ui_ctx)
    qtbot.addWidget(p)
    p.resize(1366, 700)
    p.show()
    return p


def open_dialog(page, monkeypatch, book):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(book), ""))
    page.import_dialog = None
    page.import_plan()
    return page.import_dialog


def _row(dlg, header: str) -> int:
    m = dlg.mapping_page.model
    return next(r for r in range(m.rowCount()) if m.index(r, m.COL_HEADER).data() == header)


def _specs(dlg) -> dict[str, str]:
    m = dlg.mapping_page.model
    return {m.index(r, m.COL_HEADER).data(): m.spec(r) for r in range(m.rowCount())}


def choose(dlg, header: str, spec: str) -> None:
    m = dlg.mapping_page.model
    m.setData(m.index(_row(dlg, header), m.COL_FIELD), spec)


def test_own_cronograma_is_mapped_in_the_dialog_then_saved_and_remembered(page, ui_ctx, tmp_path, monkeypatch):
    from rcdesk.services.plans import PlanService

    book = own_cronograma(tmp_path / "propio.xlsx")
    dlg = open_dialog(page, monkeypatch, book)
    assert dlg.tabs.currentWidget() is dlg.mapping_page  # no layout knows it: it opens on its columns
    specs = _specs(dlg)
    assert specs["Acción"] == "actividad" and specs["Dependencia a cargo"] == "responsable"
    assert specs["Inicia"] == "ignorar" and specs["Código interno"] == "ignorar"
    assert dlg.parsed.activity_count == 3 and "5 sin importar" in dlg.counts.text()
    assert dlg.save_button.isEnabled()

    for header, spec in (("Bloque", "fase"), ("Inicia", "inicio"), ("Termina", "fin"), ("Observación", "otros")):
        choose(dlg, header, spec)
    assert dlg.mapping_page.overrides == {
        "Bloque": "fase",
        "Inicia": "inicio",
        "Termina": "fin",
        "Observación": "otros",
    }
    parsed = dlg.parsed
    assert parsed.group_count == 2 and "1 sin importar, 1 como otros datos" in dlg.counts.text()
    assert [(a.start_date, a.end_date) for a in parsed.activities()] == [
        (date(2024, 1, 15), date(2024, 1, 31)),
        (date(2024, 2, 14), date(2024, 2, 28)),
        (date(2024, 3, 5), date(2024, 3, 5)),
    ]
    assert dlg.groups_tree.topLevelItemCount() == 2
    assert PlanService(ui_ctx.db).list_plans() == []  # nothing stored before «Guardar»
    dlg.save_button.click()
    (plan,) = PlanService(ui_ctx.db).list_plans()
    acts = PlanService(ui_ctx.db).activities(plan.plan_id)
    assert [a.start_date for a in acts] == [date(2024, 1, 15), date(2024, 2, 14), date(2024, 3, 5)]
    assert acts[0].extra == {"Observación": "Con acta"}

    again = open_dialog(page, monkeypatch, book)
    assert again.mapping_page.note_label.text() == "Se aplicó la asignación recordada para estos encabezados."
    assert _specs(again)["Inicia"] == "inicio" and again.parsed.group_count == 2
    again.mapping_page.note_button.click()  # back to the proposal
    assert _specs(again)["Inicia"] == "ignorar"


def test_known_layout_opens_on_its_activities_and_one_column_can_change(page, tmp_path, monkeypatch):
    dlg = open_dialog(page, monkeypatch, cpccs_workbook(tmp_path / "cpccs.xlsx"))
    assert dlg.tabs.currentWidget() is dlg.activities_view
    assert dlg.layout_label.text() == "Fases CPCCS (Ecuador)"
    m = dlg.mapping_page.model
    r = _row(dlg, "Responsable")
    assert m.spec(r) == "responsable" and m.index(r, m.COL_NOTE).data() == "formato «Fases CPCCS (Ecuador)»"
    assert _specs(dlg)["Medio de verificación"] == "otros"
    choose(dlg, "Medio de verificación", "meta")
    assert [a.meta for a in dlg.parsed.activities()] == ["Acta 1", "Acta 2"]
    assert dlg.parsed.layout == "cpccs" and dlg.layout_label.text() == "Fases CPCCS (Ecuador)"


def test_choices_are_read_off_the_gui_thread_and_the_last_one_wins(page, ui_ctx, tmp_path, monkeypatch, qtbot):
    from ui.tasks import TaskRunner

    dlg = open_dialog(page, monkeypatch, own_cronograma(tmp_path / "propio.xlsx"))
    runner = ui_ctx.runner = TaskRunner()
    try:
        choose(dlg, "Inicia", "inicio")
        assert dlg._busy and not dlg.save_button.isEnabled()
        choose(dlg, "Termina", "fin")
        qtbot.waitUntil(lambda: not dlg._busy and _specs(dlg)["Termina"] == "fin", timeout=10_000)
        assert _specs(dlg)["Inicia"] == "inicio"
        assert [a.end_date for a in dlg.parsed.activities()][0] == date(2024, 1, 31)
        assert dlg.save_button.isEnabled()
    finally:
        runner.shutdown()


def test_fits_the_users_screen(page, tmp_path, monkeypatch):
    dlg = open_dialog(page, monkeypatch, own_cronograma(tmp_path / "propio.xlsx"))
    assert dlg.width() <= 1366 and dlg.height() <= 700
    assert dlg.minimumSizeHint().height() <= 700
