"""Nothing clipped on a 1280×720 laptop, nor at 1366×768 with Windows' wider font: every button shows
its whole text and no tab of a page hides behind the tab bar's scroll arrows.

Windows' Segoe UI 9 pt sets about a tenth wider than the DejaVu Sans these tests run with; a font 12 %
larger stands in for it (tools/screenshots.py --font-scale shows the same pages to the eye).
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QTabBar, QTabWidget, QToolButton


def _clipped(page) -> list[str]:
    out = []
    for button in page.findChildren(QAbstractButton):
        if not button.isVisibleTo(page) or not button.text() or isinstance(button.parent(), QTabBar):
            continue
        if button.objectName().startswith("qt_"):  # Qt's own parts (calendar arrows, spin boxes)
            continue
        need = button.sizeHint().width()
        if button.width() < need - 1:
            out.append(f"«{button.text().replace('&', '')}» {button.width()} of {need} px")
    for tabs in page.findChildren(QTabWidget):
        if not tabs.isVisibleTo(page):
            continue
        bar = tabs.tabBar()
        arrows = [b for b in bar.findChildren(QToolButton) if b.isVisibleTo(bar)]
        if arrows:
            out.append(f"tabs {[tabs.tabText(i).replace('&', '') for i in range(tabs.count())]} scroll")
    return out


@pytest.mark.parametrize(
    ("size", "font_scale"), [((1280, 720), 1.0), ((1366, 768), 1.12)], ids=["1280x720", "wide-font"]
)
def test_no_button_or_tab_is_clipped_on_the_main_pages(qtbot, demo_ctx, size, font_scale):
    from rcdesk.services.plan_reads import list_plans
    from ui.main_window import MainWindow

    app = QApplication.instance()
    font = app.font()
    wider = app.font()
    wider.setPointSizeF(font.pointSizeF() * font_scale)
    app.setFont(wider)
    try:
        demo_ctx.select_plan(list_plans(demo_ctx.db)[0].plan_id)
        window = MainWindow(demo_ctx)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        problems = []
        for spec in window.specs:
            page = window.show_page(spec.key)
            demo_ctx.runner.wait()
            workspace = getattr(page, "workspace", None)
            if workspace is not None and page.model.rowCount():
                page.view.selectRow(0)  # an event's tabs and buttons
            QApplication.processEvents()
            assert window.width() <= size[0], f"{spec.key} widens the window to {window.width()} px"
            problems += [f"{spec.key}: {p}" for p in _clipped(page)]
        cpccs = window.show_page("cpccs")  # each section has its own buttons and form
        for row, section in enumerate(cpccs.report.sections):
            cpccs.sections.setCurrentRow(row)
            for tab in range(cpccs.tabs.count()):
                cpccs.tabs.setCurrentIndex(tab)
                QApplication.processEvents()
                problems += [f"cpccs {section.key}: {p}" for p in _clipped(cpccs)]
        cpccs.tabs.setCurrentIndex(0)
        assert not problems, "\n".join(problems)
    finally:
        app.setFont(font)
