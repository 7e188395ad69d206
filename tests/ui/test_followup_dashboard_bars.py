"""The dashboard's % bars: a bar image beside the text (no widget per row), the text in the normal
text colour, so it never sits on a red or green chunk."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QColor, QImage

from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.followup import FollowupService, ReportInput
from rcdesk.services.plans import PlanService
from ui.widgets.pct_bar import DECORATION_ROLE, TRACK, BarRole, bar_image

YEAR = date.today().year
RED = QColor("#D32F2F")


def _dark(c: QColor) -> bool:
    return c.red() < 110 and c.green() < 110 and c.blue() < 110


def test_bar_image_fills_in_proportion_inside_a_frame(qapp):
    full, half, empty = (bar_image(v, RED.name(), 100, 10) for v in (100.0, 50.0, None))
    assert (full.width(), full.height()) == (100, 10)
    middle = 5
    assert all(full.pixelColor(x, middle) == RED for x in range(1, 99))  # 100 %: the whole track
    reds = [x for x in range(100) if half.pixelColor(x, middle) == RED]
    assert reds and min(reds) == 1 and 48 <= max(reds) <= 50  # 50 %: the left half
    assert half.pixelColor(80, middle) == QColor(TRACK)
    assert not any(empty.pixelColor(x, middle) == RED for x in range(100))  # no figure: empty track
    assert full.pixelColor(0, middle) != RED and full.pixelColor(50, 0) != RED  # framed
    sharp = bar_image(100.0, RED.name(), 100, 10, 2.0)  # high-DPI screens
    assert (sharp.width(), sharp.height(), sharp.devicePixelRatio()) == (200, 20, 2.0)


def _component_plan(ui_ctx, activities: list[ParsedActivity], code: str = "") -> str:
    """A PAAC of this year with one component holding `activities`; its id."""
    parsed = ParsedPlan(
        layout="paac",
        title=f"PAAC {YEAR}",
        entity="Alcaldía de Pruebas",
        year=YEAR,
        groups=[ParsedGroup("componente", "Rendición de cuentas", code=code, activities=activities)],
        source_name="x.xlsx",
    )
    return PlanService(ui_ctx.db).save_parsed(parsed).plan_id


def test_dashboard_tree_uses_the_delegate(qtbot, ui_ctx):
    from ui.pages.dashboard import DashboardPage

    plan_id = _component_plan(
        ui_ctx,
        [
            ParsedActivity(
                "Publicar el informe de gestión",
                number="1.1",
                responsible="Planeación",
                start_date=date(YEAR, 1, 15),
                end_date=date(YEAR, 3, 15),
            )
        ],
        code="Componente 3",
    )
    act = PlanService(ui_ctx.db).activities(plan_id)[0].activity_id
    fu = FollowupService(ui_ctx.db)
    fu.review(
        fu.add_report(ReportInput(act, 1, 45, reported_on=date(YEAR, 1, 20)), today=date(YEAR, 12, 31)).report_id,
        validate=True,
    )
    ui_ctx.select_plan(plan_id)
    page = DashboardPage(ui_ctx)
    qtbot.addWidget(page)
    item = page.tree.topLevelItem(0)
    assert page.tree.itemWidget(item, 1) is None
    assert isinstance(item.data(1, DECORATION_ROLE), QImage)
    assert item.text(1) == "45,00 %" and item.data(1, BarRole) == (45.0, "#D32F2F")
    assert page.plan_bar.text().startswith("45,00 % — ")
    page.resize(1200, 600)
    page.show()
    shot = page.tree.viewport().grab().toImage()
    rect = page.tree.visualItemRect(item)
    x0 = page.tree.header().sectionViewportPosition(1)
    row = [shot.pixelColor(x, rect.center().y()) for x in range(x0, x0 + page.tree.columnWidth(1))]
    red_cols = [x for x, c in enumerate(row) if c == RED]
    dark_cols = [x for x, c in enumerate(row) if _dark(c)]
    assert red_cols and dark_cols  # the bar is painted in the light's colour
    assert max(red_cols) < min(dark_cols)  # and the text is beside it, never on it


def test_an_overdue_activity_typed_on_several_lines_is_listed_on_one_and_kept_whole_in_its_tooltip(qtbot, ui_ctx):
    """The overdue list lays its rows out at one height: a description with line breaks (Alt+Enter
    in an Excel cell) is joined onto one line there, never cut to its first line."""
    from rcdesk.followup.reads import dashboard
    from ui.pages.dashboard import DashboardPage

    description = "Publicar el informe\nde gestión en la web"
    plan_id = _component_plan(
        ui_ctx,
        [
            ParsedActivity(description, number="1.1", responsible="Planeación", end_date=date(YEAR, 3, 15)),
            ParsedActivity("Convocar la audiencia", number="1.2", end_date=date(YEAR, 4, 15)),
        ],
    )
    ui_ctx.select_plan(plan_id)
    page = DashboardPage(ui_ctx)
    qtbot.addWidget(page)
    page.show_data(dashboard(ui_ctx.db, plan_id, today=date(YEAR, 6, 1), with_reports=False))
    texts = [page.overdue.item(i).text() for i in range(page.overdue.count())]
    assert texts == [
        "15/03 (hace 78 d) · 1.1 Publicar el informe de gestión en la web",
        "15/04 (hace 47 d) · 1.2 Convocar la audiencia",
    ]
    assert page.overdue.item(0).toolTip().startswith(f"{description}\nResponsable: Planeación")


def test_the_longer_of_the_two_lists_gets_the_room(qtbot, ui_ctx):
    """At 1366×768 a plan far behind schedule lists its overdue activities in most of the tab, not
    in half of it beside an empty «Vencen esta semana»."""
    from rcdesk.followup.reads import dashboard
    from ui.pages.dashboard import DashboardPage

    plan_id = _component_plan(
        ui_ctx, [ParsedActivity(f"Actividad {i}", number=f"1.{i}", end_date=date(YEAR, 3, i)) for i in range(1, 21)]
    )
    ui_ctx.select_plan(plan_id)
    page = DashboardPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(1300, 650)
    page.show()
    page.show_data(dashboard(ui_ctx.db, plan_id, today=date(YEAR, 6, 1), with_reports=False))
    qtbot.waitUntil(lambda: page.week.height() > 0)
    assert page.overdue.count() == 20 and page.week.item(0).text() == "(ninguna)"
    assert page.overdue.height() >= 2 * page.week.height()
    page.show_data(dashboard(ui_ctx.db, plan_id, today=date(YEAR, 3, 1), with_reports=False))  # none overdue yet
    qtbot.waitUntil(lambda: page.week.height() >= page.overdue.height())
