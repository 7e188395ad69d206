"""Issue 13's listed fixes outside the events pages: Pendientes most urgent first and readable,
«Reportar avance» starting from what was reported and by whom, Spanish percentages, a readable
dashboard chart, save dialogs in the export folder with a banner, Tab leaving date fields."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.plans import PlanService

TODAY = date.today()
YEAR = TODAY.year


def _save_plan(ctx, activities, entity="GAD Municipal de Guamote") -> str:
    group = ParsedGroup("fase", "Planificación", code="Fase 1", activities=activities)
    parsed = ParsedPlan(layout="cpccs", title=f"Plan {YEAR}", entity=entity, year=YEAR, groups=[group],
                        source_name="ui.xlsx")
    plan_id = PlanService(ctx.db).save_parsed(parsed).plan_id
    ctx.select_plan(plan_id)
    return plan_id


LONG_A = "Conformación de equipos de trabajo para la logística del evento"
LONG_B = "Conformación del equipo de trabajo responsable del proceso"


@pytest.fixture
def urgent_ctx(ui_ctx):
    _save_plan(ui_ctx, [
        ParsedActivity("Publicar el informe preliminar", number="1", start_date=TODAY - timedelta(days=60),
                       end_date=TODAY - timedelta(days=5)),
        ParsedActivity(LONG_A, number="2"),
        ParsedActivity(LONG_B, number="3", start_date=TODAY - timedelta(days=90),
                       end_date=TODAY - timedelta(days=30)),
        ParsedActivity("Audiencia pública", number="4", start_date=TODAY - timedelta(days=10), end_date=TODAY),
    ])
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

    _save_plan(ui_ctx, [ParsedActivity("Conformar el equipo", number="1", start_date=date(YEAR, 1, 15),
                                       end_date=date(YEAR, 12, 15))])
    monkeypatch.setattr(ui_ctx.db, "_user", "jperez-pc")  # the computer's login name
    page = _followup_page(qtbot, ui_ctx)
    activity = page.model.row(0)

    def dialog():  # noqa: ANN202
        dlg = ReportDialog(ui_ctx, activity, page.periods, period_no=2)
        qtbot.addWidget(dlg)
        return dlg

    first = dialog()
    assert first.percent.value() == 0 and first.reporter.text() == ""  # nothing reported, nobody set up

    fu = FollowupService(ui_ctx.db)
    fu.add_report(ReportInput(activity.activity_id, 1, percent="35", reporter="Ana Pérez",
                              reported_on=date(YEAR, 4, 20)))
    fu.add_report(ReportInput(activity.activity_id, 2, percent="62,5", reporter="Ana Pérez",
                              reported_on=date(YEAR, 8, 20)))
    second = dialog()
    assert second.percent.value() == 62.5
    assert second.reporter.text() == "Ana Pérez"

    confirm_setup(ui_ctx.db, SetupAnswers(role="field", installation_name="Técnico cantón Guamote",
                                          person="María Guamán", entity="GAD Municipal de Guamote",
                                          country="EC"))
    third = dialog()
    assert third.reporter.text() == "María Guamán"
    assert "jperez" not in third.reporter.text()


def test_tab_leaves_the_date_fields(qtbot, ui_ctx):
    from ui.dialogs.followup_report import ReportDialog
    from ui.pages.followup import HolidayDialog

    _save_plan(ui_ctx, [ParsedActivity("Conformar el equipo", number="1", start_date=date(YEAR, 1, 15),
                                       end_date=date(YEAR, 12, 15))])
    page = _followup_page(qtbot, ui_ctx)
    report = ReportDialog(ui_ctx, page.model.row(0), page.periods, period_no=1)
    holiday = HolidayDialog(YEAR)
    for dlg, field in ((report, report.reported_on), (holiday, holiday.day)):
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
    _save_plan(ui_ctx, [ParsedActivity(f"Actividad {u[-2:]}-{k}", responsible=u)
                        for n, u in enumerate(units, start=1) for k in range(n)])
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
    made = [cs.add(CommitmentInput(description=f"Compromiso {n}", due_date=date(2099, 1, n), responsible_text="U"))
            for n in range(1, 5)]
    cs.set_status(made[0].commitment_id, "CUMPLIDO")
    page = CommitmentsPage(ui_ctx)
    qtbot.addWidget(page)
    assert "cumplidos: 25,0 %" in page.summary.text()
