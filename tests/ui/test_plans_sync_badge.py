"""The plan view says whether the selected activity has reached headquarters."""

from __future__ import annotations

from rcdesk.services.plans import PlanService
from ui.pages.plans import PlansPage


def test_selected_activity_shows_its_sync_status(qtbot, demo_ctx):
    ui_ctx = demo_ctx
    page = PlansPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    ui_ctx.select_plan(PlanService(ui_ctx.db).list_plans()[0].plan_id)
    qtbot.waitUntil(lambda: page.table.model().rowCount() > 0)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.sync_badge.isVisible())
    # nothing was ever packaged on this fresh installation
    assert "Solo en este equipo" in page.sync_badge.text()


def test_events_and_commitments_show_sync_status(qtbot, demo_ctx):
    from ui.pages.commitments import CommitmentsPage
    from ui.pages.events import EventsPage

    ui_ctx = demo_ctx
    for page_class in (EventsPage, CommitmentsPage):
        page = page_class(ui_ctx)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitUntil(lambda p=page: p.view.model().rowCount() > 0)
        page.view.selectRow(0)
        qtbot.waitUntil(lambda p=page: p.sync_badge.isVisible())
        assert "Solo en este equipo" in page.sync_badge.text()


def test_visits_oficios_and_report_history_show_sync_status(qtbot, demo_ctx):
    from ui.pages.followup import FollowupPage
    from ui.pages.visits import OficiosPage, VisitsPage

    ui_ctx = demo_ctx
    for page_class in (VisitsPage, OficiosPage):
        page = page_class(ui_ctx)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitUntil(lambda p=page: p.table.model().rowCount() > 0)
        page.table.selectRow(0)
        qtbot.waitUntil(lambda p=page: p.sync_badge.isVisible())
        assert "Solo en este equipo" in page.sync_badge.text()

    ui_ctx.select_plan(PlanService(ui_ctx.db).list_plans()[0].plan_id)
    page = FollowupPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.history_model.rowCount() > 0 or page.table.model().rowCount() > 0)
    for row in range(page.table.model().rowCount()):  # the first activity that has reports
        page.table.selectRow(row)
        if page.history_model.rowCount():
            break
    page.history.selectRow(0)
    qtbot.waitUntil(lambda: page.sync_badge.isVisible())
    assert "Solo en este equipo" in page.sync_badge.text()
