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
