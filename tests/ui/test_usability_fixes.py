"""Issue 13's listed fixes outside the events pages: Pendientes most urgent first and readable,
«Reportar avance» starting from what was reported and by whom, Spanish percentages, a readable
dashboard chart, save dialogs in the export folder with a banner, Tab leaving date fields."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.plans import PlanService

TODAY = date.today()
YEAR = TODAY.year


def _save_plan(ctx, activities, entity="GAD Municipal de Guamote") -> str:
    group = ParsedGroup("fase", "Planificación", code="Fase 1", activities=activities)
    parsed = ParsedPlan(
        layout="cpccs", title=f"Plan {YEAR}", entity=entity, year=YEAR, groups=[group], source_name="ui.xlsx"
    )
    plan_id = PlanService(ctx.db).save_parsed(parsed).plan_id
    ctx.select_plan(plan_id)
    return plan_id


LONG_A = "Conformación de equipos de trabajo para la logística del evento"
LONG_B = "Conformación del equipo de trabajo responsable del proceso"


@pytest.fixture
def urgent_ctx(ui_ctx):
    _save_plan(
        ui_ctx,
        [
            ParsedActivity(
                "Publicar el informe preliminar",
                number="1",
                start_date=TODAY - timedelta(days=60),
                end_date=TODAY - timedelta(days=5),
            ),
            ParsedActivity(LONG_A, number="2"),
            ParsedActivity(
                LONG_B, number="3", start_date=TODAY - timedelta(days=90), end_date=TODAY - timedelta(days=30)
            ),
            ParsedActivity("Audiencia pública", number="4", start_date=TODAY - timedelta(days=10), end_date=TODAY),
        ],
    )
    return ui_ctx


def _followup_page(qtbot, ctx, size=(1150, 690)):
    """The page as wide as the window leaves it at 1366×768 (the sidebar takes the rest)."""
    from ui.pages.followup import FollowupPage

    page = FollowupPage(ctx)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_pendientes_lists_the_most_urgent_first_and_shows_whole_activity_texts(qtbot, urgent_ctx):
    page = _followup_page(qtbot, urgent_ctx)
    page.tabs.setCurrentIndex(2)
    QApplication.processEvents()
    model, view = page.pending_model, page.pending
    order = [model.row(r).description for r in range(model.rowCount())]
    # 30 days overdue, 5 days overdue, due today, then the one without a date
    assert order == [LONG_B, "Publicar el informe preliminar", "Audiencia pública", LONG_A]
    qtbot.waitUntil(lambda: view.columnWidth(model.COL_ACTIVITY) > 200)
    width = view.columnWidth(model.COL_ACTIVITY) - 12  # the cell's margins
    shown = [view.fontMetrics().elidedText(t, Qt.TextElideMode.ElideRight, width) for t in (LONG_A, LONG_B)]
    # each row reads as itself, not «Conformación de…» twice
    assert shown[0].startswith(LONG_A[:45]) and shown[1].startswith(LONG_B[:45]), shown


def test_a_new_report_starts_at_the_last_reported_percentage_and_reporter(qtbot, ui_ctx, monkeypatch):
    from rcdesk.services.followup import FollowupService, ReportInput
    from rcdesk.services.installation_setup import SetupAnswers, confirm_setup
    from ui.dialogs.followup_report import ReportDialog

    _save_plan(
        ui_ctx,
        [ParsedActivity("Conformar el equipo", number="1", start_date=date(YEAR, 1, 15), end_date=date(YEAR, 12, 15))],
    )
    monkeypatch.setattr(ui_ctx.db, "_user", "jperez-pc")  # the computer's login name
    page = _followup_page(qtbot, ui_ctx)
    activity = page.model.row(0)

    def dialog():
        dlg = ReportDialog(ui_ctx, activity, page.periods, period_no=2)
        qtbot.addWidget(dlg)
        return dlg

    first = dialog()
    assert first.percent.value() == 0 and first.reporter.text() == ""  # nothing reported, nobody set up

    fu = FollowupService(ui_ctx.db)
    fu.add_report(
        ReportInput(activity.activity_id, 1, percent="35", reporter="Ana Pérez", reported_on=date(YEAR, 4, 20))
    )
    fu.add_report(
        ReportInput(activity.activity_id, 2, percent="62,5", reporter="Ana Pérez", reported_on=date(YEAR, 8, 20))
    )
    second = dialog()
    assert second.percent.value() == 62.5
    assert second.reporter.text() == "Ana Pérez"

    confirm_setup(
        ui_ctx.db,
        SetupAnswers(
            role="field",
            installation_name="Técnico cantón Guamote",
            person="María Guamán",
            entity="GAD Municipal de Guamote",
            country="EC",
        ),
    )
    third = dialog()
    assert third.reporter.text() == "María Guamán"
    assert "jperez" not in third.reporter.text()


def test_tab_leaves_the_date_fields(qtbot, ui_ctx):
    from tests.core import poa_world as pw
    from ui.dialogs.followup_report import ReportDialog
    from ui.dialogs.poa_visit import OficioDialog, VisitDialog
    from ui.pages.cantons import CantonsPage
    from ui.pages.followup import HolidayDialog

    pw.make_world(ui_ctx.db)
    _save_plan(
        ui_ctx,
        [ParsedActivity("Conformar el equipo", number="1", start_date=date(YEAR, 1, 15), end_date=date(YEAR, 12, 15))],
    )
    page = _followup_page(qtbot, ui_ctx)
    report = ReportDialog(ui_ctx, page.model.row(0), page.periods, period_no=1)
    holiday = HolidayDialog(YEAR)
    visit, oficio, cantons = VisitDialog(ui_ctx), OficioDialog(ui_ctx), CantonsPage(ui_ctx)
    for dlg, field in (
        (report, report.reported_on),
        (holiday, holiday.day),
        (visit, visit.date_edit),
        (oficio, oficio.date_edit),
        (cantons, cantons.cut_edit),
        (page, page.cut),
    ):
        qtbot.addWidget(dlg)
        dlg.show()
        dlg.activateWindow()
        qtbot.waitActive(dlg)
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_Tab)
        assert dlg.focusWidget() is not field
        qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Backtab)
        assert dlg.focusWidget() is field
        qtbot.keyClick(field, Qt.Key.Key_Backtab)
        assert dlg.focusWidget() is not field


def test_dashboard_unit_chart_shows_what_fits_readably_and_says_how_many(qtbot, ui_ctx, user_screen):
    from ui.pages.dashboard import DashboardPage
    from ui.widgets.bar_chart import MAX_ROWS

    units = [f"Dirección de Planificación Territorial, sede {n:02d}" for n in range(1, 21)]
    # unit n has n activities, so the chart keeps the last 15 (most activities first)
    _save_plan(
        ui_ctx,
        [
            ParsedActivity(f"Actividad {u[-2:]}-{k}", responsible=u)
            for n, u in enumerate(units, start=1)
            for k in range(n)
        ],
    )
    page = DashboardPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(user_screen[0] - 190, user_screen[1] - 80)  # the window's share at 1366×768
    page.show()
    qtbot.waitExposed(page)
    page.tabs.setCurrentIndex(2)
    chart = page.unit_tab.layout().itemAt(0).widget()
    QApplication.processEvents()
    assert MAX_ROWS == 15 and len(chart.labels) == 15
    assert "las 15 con más actividades (de 20)" in chart.title.text()
    assert "No se muestran 5 unidades con menos actividades" in chart.rest.text()
    assert [lab.full_text for lab in chart.labels] == units[::-1][:15]
    assert len({lab.text() for lab in chart.labels}) == 15
    line = chart.fontMetrics().height()
    tops = [lab.mapTo(page, lab.rect().topLeft()).y() for lab in chart.labels]
    assert all(b - a >= line + 4 for a, b in zip(tops, tops[1:]))  # rows never overlap
    last = chart.values[-1]
    assert last.mapTo(page, last.rect().bottomLeft()).y() <= page.height()  # the 15th row is on screen
    for lab, value in zip(chart.labels, chart.values):
        shown = lab.text()
        assert lab.fontMetrics().horizontalAdvance(shown) <= lab.width()  # never drawn beyond its room
        head, tail = shown.split("…")  # shortened in the middle: names sharing their start stay apart
        assert lab.full_text.startswith(head) and lab.full_text.endswith(tail) and len(head) > 8 and tail
        assert lab.full_text in lab.toolTip()
        assert "," in value.text() and value.text().endswith(" %")  # «0,00 %», the Spanish way


def test_commitments_summary_writes_the_share_met_the_spanish_way(qtbot, ui_ctx):
    from rcdesk.services.commitments import CommitmentInput, CommitmentService
    from ui.pages.commitments import CommitmentsPage

    cs = CommitmentService(ui_ctx.db)
    made = [
        cs.add(CommitmentInput(description=f"Compromiso {n}", due_date=date(2099, 1, n), responsible_text="U"))
        for n in range(1, 5)
    ]
    cs.set_status(made[0].commitment_id, "CUMPLIDO")
    page = CommitmentsPage(ui_ctx)
    qtbot.addWidget(page)
    assert "cumplidos: 25,0 %" in page.summary.text()


# -- save dialogs: the export folder, names that say what and when, a banner to open the file --------


@pytest.fixture
def save_dialog(monkeypatch):
    """The save dialog: records where it started and answers with the file named in `answer`."""
    from PySide6.QtWidgets import QFileDialog

    calls: list[str] = []
    answer: list = []

    def fake(parent, title, start, filters):
        calls.append(start)
        return (str(answer.pop(0)), "") if answer else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    return calls, answer


@pytest.fixture
def opened(monkeypatch):
    from PySide6.QtGui import QDesktopServices

    seen: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: seen.append(url.toLocalFile()) or True)
    return seen


def _saved_with_banner(page, path, opened) -> None:
    assert page.banner.level == "success" and path.name in page.banner.text
    assert page.banner.action_texts() == ["Abrir", "Abrir carpeta"]
    page.banner.trigger("Abrir")
    page.banner.trigger("Abrir carpeta")
    assert opened[-2:] == [str(path), str(path.parent)]


@pytest.fixture
def poa_world(ui_ctx):
    from tests.core import poa_world as pw

    return pw.make_world(ui_ctx.db)


def test_canton_exports_start_in_the_export_folder_with_entity_and_cut(
    qtbot, ui_ctx, poa_world, save_dialog, opened, tmp_path
):
    from PySide6.QtCore import QDate

    from ui.files import export_folder
    from ui.pages.cantons import CantonsPage

    page = CantonsPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.cut_edit.setDate(QDate(2025, 6, 30))
    calls, answer = save_dialog
    page.pdf_button.click()  # cancelled: nothing written, no banner
    start = Path(calls[-1])
    assert start.parent == export_folder(ui_ctx.settings)
    assert start.name == "evaluacion-poa-gobernacion-de-chimborazo-2025-06-30.pdf"
    assert not getattr(page, "banner", None) or page.banner.isHidden()

    answer.append(tmp_path / "evaluacion")  # typed without .pdf
    page.pdf_button.click()
    pdf = tmp_path / "evaluacion.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    _saved_with_banner(page, pdf, opened)

    answer.append(tmp_path / "cpccs")
    page.cpccs_button.click()
    assert Path(calls[-1]) == tmp_path / "secciones-cpccs-poa-gobernacion-de-chimborazo-2025-06-30.xlsx"
    _saved_with_banner(page, tmp_path / "cpccs.xlsx", opened)


def test_visit_report_is_named_after_its_canton_and_date(qtbot, ui_ctx, poa_world, save_dialog, opened, tmp_path):
    from rcdesk.services.poa_visits import VisitService
    from ui.files import export_folder
    from ui.pages.visits import VisitsPage

    VisitService(ui_ctx.db).add_visit(
        poa_world.guano_id, date(2025, 6, 18), unit_ids=[poa_world.jp_guano], findings="Sin vehículo"
    )
    page = VisitsPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.table.selectRow(0)
    calls, answer = save_dialog
    answer.append(tmp_path / "visita.pdf")
    page.export_pdf()
    assert Path(calls[-1]) == export_folder(ui_ctx.settings) / "informe-visita-guano-2025-06-18.pdf"
    assert (tmp_path / "visita.pdf").read_bytes().startswith(b"%PDF")
    _saved_with_banner(page, tmp_path / "visita.pdf", opened)


def test_poa_export_never_replaces_a_file_without_asking(
    qtbot, ui_ctx, poa_world, save_dialog, opened, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from ui.pages.poa import PoaPage

    page = PoaPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    i = page.unit_combo.findText("Jefatura Política de Guano", Qt.MatchFlag.MatchStartsWith)
    page.unit_combo.setCurrentIndex(i)
    existing = tmp_path / "poa.xlsx"
    existing.write_bytes(b"el POA del trimestre pasado")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    calls, answer = save_dialog
    answer.append(tmp_path / "poa")
    page.export_current()
    assert Path(calls[-1]).name == f"poa-{page.poa.fiscal_year}-jefatura-politica-de-guano-{TODAY.isoformat()}.xlsx"
    assert asked and "poa.xlsx" in asked[0] and existing.read_bytes() == b"el POA del trimestre pasado"

    answer.append(tmp_path / "poa-guano.xlsx")
    page.export_current()
    _saved_with_banner(page, tmp_path / "poa-guano.xlsx", opened)
    page.export_current()
    assert Path(calls[-1]).parent == tmp_path  # the folder last used for POA comes back


def test_plan_export_dialog_uses_the_export_folder_and_asks_before_replacing(qtbot, ui_ctx, opened, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.files import export_folder
    from ui.pages.plans import PlansPage

    plan_id = _save_plan(ui_ctx, [ParsedActivity("Conformar el equipo", number="1")])
    page = PlansPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    ui_ctx.select_plan(plan_id)
    page.export_plan()
    dlg = page.export_dialog
    first = Path(dlg.path.text())
    assert first.parent == export_folder(ui_ctx.settings)
    assert first.name == f"plan-gad-municipal-de-guamote-{YEAR}-{TODAY.isoformat()}.xlsx"
    dlg.generic.setChecked(True)
    assert Path(dlg.path.text()).name == f"plan-gad-municipal-de-guamote-{YEAR}-generico-{TODAY.isoformat()}.xlsx"
    target = Path(dlg.path.text())
    target.write_bytes(b"otro plan")
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == b"otro plan" and dlg.isVisible()  # «No»: kept, the dialog stays
    qtbot.mouseClick(dlg.export_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"PK") and not dlg.isVisible()
    _saved_with_banner(page, target, opened)


def test_keys_export_and_import_start_in_the_export_folder(qtbot, ui_ctx, save_dialog, opened, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from ui.files import export_folder, slug
    from ui.pages.sync import SyncPage

    page = SyncPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("frase de paso larga", True))
    calls, answer = save_dialog
    answer.append(tmp_path / "claves")
    page.export_keys()
    start = Path(calls[-1])
    assert start.parent == export_folder(ui_ctx.settings)
    assert start.name == f"claves-{slug(page.svc.overview().name)}-{TODAY.isoformat()}.json"
    _saved_with_banner(page, tmp_path / "claves.json", opened)
    starts: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda parent, title, start, filters: starts.append(start) or ("", "")
    )
    page.import_keys()
    assert starts == [str(tmp_path)]  # where the keys were just saved, not the home folder


def test_evidence_choosers_start_where_the_last_evidence_came_from(qtbot, ui_ctx, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from ui.dialogs.followup_report import ReportDialog
    from ui.files import export_folder

    _save_plan(
        ui_ctx,
        [ParsedActivity("Conformar el equipo", number="1", start_date=date(YEAR, 1, 15), end_date=date(YEAR, 12, 15))],
    )
    page = _followup_page(qtbot, ui_ctx)
    photos = tmp_path / "fotos"
    photos.mkdir()
    acta = photos / "acta.pdf"
    acta.write_bytes(b"%PDF-1.4 acta")
    starts: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda parent, title, start, filters: starts.append(start) or ([str(acta)], "")
    )
    dlg = ReportDialog(ui_ctx, page.model.row(0), page.periods, period_no=1)
    qtbot.addWidget(dlg)
    dlg.choose_files()
    dlg.choose_files()
    assert starts == [str(export_folder(ui_ctx.settings)), str(photos)]  # never the program's folder
    assert [p.name for p in dlg.evidence.files()] == ["acta.pdf"]
