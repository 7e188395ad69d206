"""The dashboard's % bars: painted by a delegate (no widget per row) with the text beside the bar,
in the normal text colour, so it never sits on a red or green chunk."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter

from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.followup import FollowupService, ReportInput
from rcdesk.services.plans import PlanService
from ui.widgets.pct_bar import BarRole, PctBarDelegate, paint_pct_bar

YEAR = date.today().year
RED = QColor("#D32F2F")


def _dark(c: QColor) -> bool:
    return c.red() < 110 and c.green() < 110 and c.blue() < 110


def test_text_is_drawn_beside_a_full_bar_never_on_it(qapp):
    img = QImage(240, 20, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    paint_pct_bar(p, QRect(0, 0, 240, 20), 100.0, RED.name(), "100,00 %", QColor("#212121"), text_width=70)
    p.end()
    red_cols = {x for x in range(240) for y in range(20) if img.pixelColor(x, y) == RED}
    dark_cols = {x for x in range(240) for y in range(20) if _dark(img.pixelColor(x, y))}
    assert red_cols and dark_cols
    assert max(red_cols) < min(dark_cols)           # all the text is to the right of the chunk
    assert max(red_cols) > 150                      # and the bar is full width (100 %)


def test_dashboard_tree_uses_the_delegate(qtbot, ui_ctx):
    from ui.pages.dashboard import DashboardPage

    parsed = ParsedPlan(layout="paac", title=f"PAAC {YEAR}", entity="Alcaldía de Pruebas", year=YEAR, groups=[
        ParsedGroup("componente", "Rendición de cuentas", code="Componente 3", activities=[
            ParsedActivity("Publicar el informe de gestión", number="1.1", responsible="Planeación",
                           start_date=date(YEAR, 1, 15), end_date=date(YEAR, 3, 15))])], source_name="x.xlsx")
    plan_id = PlanService(ui_ctx.db).save_parsed(parsed).plan_id
    act = PlanService(ui_ctx.db).activities(plan_id)[0].activity_id
    fu = FollowupService(ui_ctx.db)
    fu.review(fu.add_report(ReportInput(act, 1, 45, reported_on=date(YEAR, 1, 20)), today=date(YEAR, 12, 31)).report_id,
              validate=True)
    ui_ctx.select_plan(plan_id)
    page = DashboardPage(ui_ctx)
    qtbot.addWidget(page)
    item = page.tree.topLevelItem(0)
    assert page.tree.itemWidget(item, 1) is None
    assert isinstance(page.tree.itemDelegateForColumn(1), PctBarDelegate)
    assert item.text(1) == "45,00 %" and item.data(1, BarRole) == (45.0, "#D32F2F")
    assert page.plan_bar.text().startswith("45,00 % — ")
    page.resize(1200, 600)
    page.show()
    shot = page.tree.viewport().grab().toImage()
    rect = page.tree.visualItemRect(item)
    x0 = page.tree.header().sectionViewportPosition(1)
    row = [shot.pixelColor(x, rect.center().y()) for x in range(x0, x0 + page.tree.columnWidth(1))]
    assert any(c == RED for c in row)                # the bar is painted in the light's colour
