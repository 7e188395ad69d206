"""The «Planes» page: import with preview, activity editing, search, templates, export, timeline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from rcdesk.services.changes import Changes


def make_workbook(path: Path, *, year: bool = True, bad_row: bool = False, title: bool = True) -> Path:
    """A small dated-layout cronograma, messy the way real ones are (title rows, text dates, spaces)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cronograma"
    if title:
        ws.append(["ALCALDÍA MUNICIPAL DE PRUEBAS"])
        ws.append(["CRONOGRAMA RENDICIÓN DE CUENTAS VIGENCIA 2024" if year else "CRONOGRAMA RENDICIÓN DE CUENTAS"])
        ws.append(["Versión 2", None, None, "Fecha: enero"])
    ws.append(["No.", " ACTIVIDAD ", "FECHA INICIAL", "FECHA FINAL", "RESPONSABLE"])
    ws.append(["ETAPA 1: ALISTAMIENTO"])
    first = ("1/02/2024", "1/03/2024") if year else (None, None)
    ws.append([1, "Conformar el equipo con la señora García", *first, "Secretaría de Planeación"])
    ws.append(
        [2, "Elaborar el diagnóstico", "1/03/2024" if year else None, "30/04/2024" if year else None, "Oficina TIC"]
    )
    ws.append(["ETAPA 2: DIÁLOGO"])
    ws.append(
        [
            3,
            "Audiencia pública participativa",
            "15/09/2024" if year else None,
            "15/09/2024" if year else None,
            "Despacho del alcalde",
        ]
    )
    ws.append(
        [
            4,
            "Publicar el informe en la página web",
            "1/10/2024" if year else None,
            "31/10/2024" if year else None,
            "Oficina de Comunicaciones",
        ]
    )
    if bad_row:
        ws.append([5, None, "1/03/2024", "30/04/2024", "Oficina TIC"])
    wb.save(path)
    return path


@pytest.fixture
def page(ui_ctx, qtbot):
    from ui.pages.plans import PlansPage

    p = PlansPage(ui_ctx)
    qtbot.addWidget(p)
    p.resize(1180, 640)
    p.show()
    return p


@pytest.fixture
def plan_id(ui_ctx, tmp_path):
    from rcdesk.plans.importer import read_plan
    from rcdesk.services.plans import PlanService

    parsed = read_plan(make_workbook(tmp_path / "plan.xlsx"))
    return PlanService(ui_ctx.db).save_parsed(parsed).plan_id


def record_changes(ctx) -> list:
    seen = []
    ctx.events.data_changed.connect(lambda changes, initiator: seen.append(changes))
    return seen


def shown_descriptions(page) -> list[str]:
    from ui.models.plan_activities import COL_DESCRIPTION

    return [page.proxy.index(r, COL_DESCRIPTION).data() for r in range(page.proxy.rowCount())]


# -- import ---------------------------------------------------------------------------------------
def test_empty_db_shows_guidance_then_import_with_preview_saves_the_plan(page, ui_ctx, tmp_path, monkeypatch, qtbot):
    from rcdesk.services.plans import PlanService

    assert page.stack.currentIndex() == 0  # empty state with its three buttons
    assert page.empty_import.isVisible() and page.empty_template.isVisible() and page.empty_demo.isVisible()
    wb = make_workbook(tmp_path / "cronograma.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wb), ""))
    changes = record_changes(ui_ctx)

    qtbot.mouseClick(page.empty_import, Qt.MouseButton.LeftButton)

    dlg = page.import_dialog
    assert dlg is not None and dlg.isVisible()
    assert dlg.layout_label.text() == "Cronograma con fechas por etapa (Colombia)"
    assert dlg.entity.text() == "ALCALDÍA MUNICIPAL DE PRUEBAS"
    assert dlg.year.value() == 2024
    assert dlg.activities_view.model().rowCount() == 4
    assert dlg.groups_tree.topLevelItemCount() == 2
    assert PlanService(ui_ctx.db).list_plans() == []  # nothing saved before «Guardar»
    assert dlg.save_button.isEnabled()

    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    plans = PlanService(ui_ctx.db).list_plans()
    assert [(p.entity, p.year, p.activities) for p in plans] == [("ALCALDÍA MUNICIPAL DE PRUEBAS", 2024, 4)]
    assert not dlg.isVisible()
    assert ui_ctx.current_plan_id == plans[0].plan_id
    assert page.stack.currentIndex() == 1
    assert page.model.rowCount() == 4
    assert any(c.plans for c in changes)


def test_errors_in_the_file_block_saving_and_are_listed_with_sheet_and_row(page, ui_ctx, tmp_path, monkeypatch):
    from rcdesk.services.plans import PlanService
    from ui.models.plan_import import COL_MESSAGE, COL_ROW, COL_SEVERITY, COL_SHEET

    wb = make_workbook(tmp_path / "malo.xlsx", bad_row=True)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wb), ""))
    page.import_plan()
    dlg = page.import_dialog
    problems = dlg.problems_view.model()
    assert problems.rowCount() >= 1
    assert problems.index(0, COL_SEVERITY).data() == "Error"
    assert problems.index(0, COL_SHEET).data() == "Cronograma"
    assert problems.index(0, COL_ROW).data() == "11"  # as Excel numbers it
    assert "descripción" in problems.index(0, COL_MESSAGE).data()
    assert dlg.tabs.currentWidget() is dlg.problems_page
    assert "fila 11" in dlg.problem_detail.text()
    assert not dlg.save_button.isEnabled()
    assert "error" in dlg.reason.text()
    dlg.save()  # even if forced, nothing is written
    assert PlanService(ui_ctx.db).list_plans() == []


def test_missing_year_must_be_entered_in_the_preview(page, ui_ctx, tmp_path, monkeypatch, qtbot):
    from rcdesk.services.plans import PlanService

    wb = make_workbook(tmp_path / "sin_anio.xlsx", year=False)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wb), ""))
    page.import_plan()
    dlg = page.import_dialog
    assert dlg.parsed.year is None
    assert not dlg.save_button.isEnabled()
    assert "vigencia" in dlg.reason.text()
    dlg.year.setValue(2025)
    assert dlg.save_button.isEnabled()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert [p.year for p in PlanService(ui_ctx.db).list_plans()] == [2025]


def test_not_an_excel_file_shows_a_spanish_message_and_saves_nothing(page, ui_ctx, tmp_path, monkeypatch):
    from rcdesk.services.plans import PlanService

    bad = tmp_path / "notas.xlsx"
    bad.write_text("esto no es un libro de Excel")
    shown = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    ui_ctx.runner.run = _runner_with_default_error(ui_ctx.runner.run, shown)
    page.import_plan()
    assert page.import_dialog is None
    assert shown and "notas.xlsx" in str(shown[0])
    assert PlanService(ui_ctx.db).list_plans() == []


def _runner_with_default_error(run, shown):
    """The real TaskRunner shows UserErrors itself when no on_error is given; mimic that."""

    def wrapped(fn, **kw):
        kw.setdefault("on_error", shown.append)
        return run(fn, **kw)

    return wrapped


# -- activities -----------------------------------------------------------------------------------
def test_add_edit_delete_activity_through_the_form(page, ui_ctx, plan_id, monkeypatch, qtbot):
    from rcdesk.services.plans import PlanService

    ui_ctx.select_plan(plan_id)
    svc = PlanService(ui_ctx.db)
    assert page.model.rowCount() == 4

    # add: description required, end before start shown inline, OK disabled until valid
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)
    dlg = page.form_dialog
    assert dlg.windowTitle() == "Nueva actividad"
    assert not dlg.ok_button.isEnabled()
    assert dlg.description_error.text() == "La descripción de la actividad es obligatoria."
    dlg.description.setPlainText("Mesa de trabajo con las juntas de acción comunal")
    dlg.start.none.setChecked(False)
    dlg.end.none.setChecked(False)
    dlg.start.edit.setDate(date(2024, 6, 10))
    dlg.end.edit.setDate(date(2024, 6, 1))
    assert not dlg.ok_button.isEnabled()
    assert dlg.end_error.isVisibleTo(dlg) and "anterior" in dlg.end_error.text()
    dlg.end.edit.setDate(date(2024, 6, 30))
    dlg.stages["ejecucion"].setChecked(True)
    dlg.cuatrimestres[2].setChecked(True)
    dlg.group.setCurrentIndex(dlg.group.findText("ETAPA 2", Qt.MatchFlag.MatchContains))
    assert dlg.ok_button.isEnabled() and not dlg.end_error.isVisibleTo(dlg)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    acts = svc.activities(plan_id)
    new = [a for a in acts if a.description.startswith("Mesa de trabajo")]
    assert len(new) == 1
    assert (new[0].start_date, new[0].end_date) == (date(2024, 6, 10), date(2024, 6, 30))
    assert new[0].stages == ("ejecucion",) and new[0].cuatrimestres == (2,)
    assert "DIÁLOGO" in new[0].group_label
    assert page.model.rowCount() == 5
    assert page.current_activity_id() == new[0].activity_id

    # edit with Enter on the selected row
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dlg = page.form_dialog
    assert dlg.windowTitle() == "Editar actividad"
    assert dlg.description.toPlainText() == new[0].description
    dlg.responsible.setText("Oficina de Participación Ciudadana")
    dlg.end.none.setChecked(True)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    edited = svc.activity(new[0].activity_id)
    assert edited.responsible == "Oficina de Participación Ciudadana"
    assert edited.end_date is None and edited.start_date == date(2024, 6, 10)

    # delete with the Delete key, after confirming ("No" first keeps it)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (asked.append(a[2]), answers.pop(0))[1])
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert len(svc.activities(plan_id)) == 5
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert len(svc.activities(plan_id)) == 4
    assert all("Mesa de trabajo" in q for q in asked)
    assert page.model.rowCount() == 4
    assert page.plan_model.item(0, 3).text() == "4"


def test_search_as_you_type_ignores_accents_and_case(page, ui_ctx, plan_id, qtbot):
    ui_ctx.select_plan(plan_id)
    qtbot.keyClicks(page.search, "garcia")
    page.search.flush()
    assert shown_descriptions(page) == ["Conformar el equipo con la señora García"]
    page.search.clear()
    qtbot.keyClicks(page.search, "SECRETARIA planeacion")  # responsible column, several words
    page.search.flush()
    assert shown_descriptions(page) == ["Conformar el equipo con la señora García"]
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.proxy.rowCount() == 4
    assert "Mostrando 4 de 4" in page.count_label.text()


def test_group_tree_filters_and_table_sorts(page, ui_ctx, plan_id):
    from ui.models.plan_activities import COL_NUMBER
    from ui.models.plan_groups import ALL

    ui_ctx.select_plan(plan_id)
    gm = page.group_model
    labels = {gm.index(r, 0).data(): gm.index(r, 1).data() for r in range(gm.rowCount())}
    assert labels["Todas las actividades"] == "4"
    etapa2 = next(gm.index(r, 0) for r in range(gm.rowCount()) if "DIÁLOGO" in (gm.index(r, 0).data() or ""))
    page.group_view.setCurrentIndex(etapa2)
    assert shown_descriptions(page) == ["Audiencia pública participativa", "Publicar el informe en la página web"]
    assert "DIÁLOGO" in page.count_label.text()
    page.group_view.setCurrentIndex(gm.index_of(ALL))
    page.table.sortByColumn(COL_NUMBER, Qt.SortOrder.DescendingOrder)
    assert [page.proxy.index(r, COL_NUMBER).data() for r in range(4)] == ["4", "3", "2", "1"]


# -- templates, export, plans ---------------------------------------------------------------------
def test_new_plan_from_template(page, ui_ctx, qtbot):
    from rcdesk.services.plans import PlanService

    page.new_from_template()
    dlg = page.template_dialog
    assert dlg.table.rowCount() >= 5
    assert {dlg.table.item(r, 1).text() for r in range(dlg.table.rowCount())} == {"Ecuador", "Colombia"}
    dlg.select_template("dated_itagui")
    dlg.year.setValue(2027)
    dlg.entity.setText("Municipio de Prueba")
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)

    plans = PlanService(ui_ctx.db).list_plans()
    assert [(p.entity, p.year, p.layout) for p in plans] == [("Municipio de Prueba", 2027, "dated")]
    dated = [a for a in PlanService(ui_ctx.db).activities(plans[0].plan_id) if a.start_date]
    assert dated and all(a.start_date.year in (2027, 2028) for a in dated)
    assert ui_ctx.current_plan_id == plans[0].plan_id
    assert page.model.rowCount() == plans[0].activities


def test_export_in_generic_layout_round_trips(page, ui_ctx, plan_id, tmp_path, monkeypatch, qtbot):
    from rcdesk.plans.importer import read_plan

    ui_ctx.select_plan(plan_id)
    out = tmp_path / "salida"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.export_plan()
    dlg = page.export_dialog
    dlg.generic.setChecked(True)
    dlg.browse()
    assert dlg.path.text().endswith("salida.xlsx")
    qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    back = read_plan(tmp_path / "salida.xlsx")
    assert back.activity_count == 4
    assert {a.description for a in back.activities()} >= {"Conformar el equipo con la señora García"}
    assert not dlg.isVisible()


def test_delete_plan_asks_first_and_returns_to_the_empty_state(page, ui_ctx, plan_id, monkeypatch):
    from rcdesk.services.plans import PlanService

    ui_ctx.select_plan(plan_id)
    changes = record_changes(ui_ctx)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    page.delete_plan()
    assert len(PlanService(ui_ctx.db).list_plans()) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.delete_plan()
    assert PlanService(ui_ctx.db).list_plans() == []
    assert page.stack.currentIndex() == 0
    assert ui_ctx.current_plan_id is None
    assert any(c.plans for c in changes)


def test_demo_button_loads_example_plans(page, ui_ctx, tmp_path, monkeypatch, qtbot):
    import rcdesk.demo
    from rcdesk.plans.importer import read_plan
    from rcdesk.services.plans import PlanService

    def fake_load_all(db, progress):
        progress(0, 1, "…")
        PlanService(db).save_parsed(read_plan(make_workbook(tmp_path / "demo.xlsx")))
        return {"plans": 1}

    monkeypatch.setattr(rcdesk.demo, "load_all", fake_load_all)
    qtbot.mouseClick(page.empty_demo, Qt.MouseButton.LeftButton)
    assert page.stack.currentIndex() == 1
    assert page.model.rowCount() == 4


def test_page_follows_the_main_window_plan_selector(ui_ctx, plan_id, tmp_path, qtbot):
    from rcdesk.plans.importer import read_plan
    from rcdesk.services.plans import PlanService
    from ui.main_window import MainWindow
    from ui.pages.plans import PAGES

    other = PlanService(ui_ctx.db).save_parsed(read_plan(make_workbook(tmp_path / "b.xlsx")), year=2023).plan_id
    win = MainWindow(ui_ctx, pages=PAGES)  # only this page: other sections are tested by their owners
    qtbot.addWidget(win)
    page = win.show_page("plans")
    combo = win.plan_combo
    combo.setCurrentIndex(combo.findData(plan_id))
    assert page.loaded_plan_id == plan_id
    combo.setCurrentIndex(combo.findData(other))
    assert page.loaded_plan_id == other
    # choosing in the page's list moves the toolbar selector too
    row = next(
        r
        for r in range(page.plan_model.rowCount())
        if page.plan_model.item(r, 0).data(Qt.ItemDataRole.UserRole + 1) == plan_id
    )
    page.plans_view.selectRow(row)
    assert ui_ctx.current_plan_id == plan_id
    assert combo.currentData() == plan_id
    ui_ctx.changed(Changes(activities=True), None)  # another page's write: still consistent
    assert page.loaded_plan_id == plan_id


# -- timeline ------------------------------------------------------------------------------------
def test_timeline_draws_bars_at_the_activity_dates_and_opens_the_form(page, ui_ctx, plan_id, qtbot):
    from ui.widgets.timeline import BAR_COLOR, GROUP_BG, HEADER_H, ROW_H

    ui_ctx.select_plan(plan_id)
    page.tabs.setCurrentWidget(page.timeline)
    tl = page.timeline
    kinds = [r.kind for r in tl.canvas.rows]
    assert kinds == ["group", "activity", "activity", "group", "activity", "activity"]
    canvas = tl.canvas
    img = canvas.grab().toImage()
    # "Elaborar el diagnóstico" runs 1 Mar – 30 Apr 2024: mid-April is painted with the bar colour,
    # mid-June (outside) is not
    y = HEADER_H + 2 * ROW_H + ROW_H // 2
    inside = img.pixelColor(int(canvas.x_of(date(2024, 4, 10))), y)
    outside = img.pixelColor(int(canvas.x_of(date(2024, 6, 15))), y)
    assert inside.name() == BAR_COLOR.name()
    assert outside.name() != BAR_COLOR.name()
    assert img.pixelColor(5, HEADER_H + 3 * ROW_H + 3).name() == GROUP_BG.name()
    # search also filters the timeline
    page.search.setText("audiencia")
    page.search.flush()
    assert [r.activity.description for r in tl.activity_rows()] == ["Audiencia pública participativa"]
    # keyboard: Down selects the activity, Enter opens its form
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert page.form_dialog is not None
    assert page.form_dialog.description.toPlainText() == "Audiencia pública participativa"


def test_timeline_shows_cuatrimestres_when_there_are_no_dates(ui_ctx, qtbot):
    from rcdesk.services.plan_views import spans
    from rcdesk.services.plans import ActivityRow
    from ui.widgets.timeline import TimelineWidget

    a = ActivityRow("a1", "p", None, "", 0, "1", "Audiencia", "", "", "", "", (), (1, 3), None, None, "")
    s = spans(a, 2022)
    assert [(x.start, x.end, x.kind) for x in s] == [
        (date(2022, 1, 1), date(2022, 4, 30), "cuatrimestre"),
        (date(2022, 9, 1), date(2022, 12, 31), "cuatrimestre"),
    ]
    tl = TimelineWidget()
    qtbot.addWidget(tl)
    tl.resize(1000, 400)
    tl.show()
    tl.set_plan(2022, [], [a], today=date(2022, 6, 15))
    assert [r.kind for r in tl.canvas.rows] == ["group", "activity"]  # "Sin grupo" header
    assert not tl.grab().isNull()


# -- models --------------------------------------------------------------------------------------
def test_models_pass_qtmodeltester(ui_ctx, plan_id, tmp_path, qtmodeltester):
    from rcdesk.plans.importer import read_plan
    from rcdesk.services.plan_views import PlanViewService
    from ui.models.plan_activities import ActivityFilterProxy, ActivityTableModel
    from ui.models.plan_groups import PlanGroupModel
    from ui.models.plan_import import ParsedActivityModel, ProblemModel

    view = PlanViewService(ui_ctx.db).load(plan_id)
    acts = ActivityTableModel()
    acts.set_rows(view.activities, view.group_paths)
    qtmodeltester.check(acts)
    proxy = ActivityFilterProxy()
    proxy.setSourceModel(acts)
    proxy.set_filter("diagnostico")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)
    groups = PlanGroupModel()
    groups.set_view(view)
    qtmodeltester.check(groups)
    parsed = read_plan(make_workbook(tmp_path / "m.xlsx", bad_row=True))
    qtmodeltester.check(ProblemModel(parsed.problems))
    qtmodeltester.check(ParsedActivityModel(parsed))


def test_fast_search_folding_matches_rcdesk_fold_on_the_seed_plans(ui_ctx):
    from rcdesk.demo.plans import load
    from rcdesk.services.plan_views import search_fold
    from rcdesk.services.plans import PlanService
    from rcdesk.text import fold

    load(ui_ctx.db, lambda *a, **k: None)
    svc = PlanService(ui_ctx.db)
    raw = [
        f"{a.description} {a.responsible} {a.meta} {a.scheduled_text}"
        for p in svc.list_plans()
        for a in svc.activities(p.plan_id)
    ]
    assert len(raw) > 100
    assert [search_fold(t) for t in raw] == [fold(t) for t in raw]
    assert search_fold("Diseño y Difusión  GARCÍA") == "diseno y difusion garcia"


def test_keyboard_only_choose_a_plan_and_open_an_activity(page, ui_ctx, plan_id, tmp_path, qtbot):
    from rcdesk.plans.importer import read_plan
    from rcdesk.services.plans import PlanService

    other = PlanService(ui_ctx.db).save_parsed(read_plan(make_workbook(tmp_path / "c.xlsx")), year=2023).plan_id
    page.reload_plans()
    page.plans_view.setFocus()
    start = ui_ctx.current_plan_id
    qtbot.keyClick(page.plans_view, Qt.Key.Key_Down if page.plans_view.currentIndex().row() == 0 else Qt.Key.Key_Up)
    assert ui_ctx.current_plan_id != start and ui_ctx.current_plan_id in (plan_id, other)
    qtbot.keyClick(page.plans_view, Qt.Key.Key_Return)
    assert page.table.hasFocus() and page.current_activity_id()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "AUDIENCIA")
    page.search.flush()
    assert shown_descriptions(page) == ["Audiencia pública participativa"]
