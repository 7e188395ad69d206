"""«¿Qué hago ahora?»: on an empty database every page says what it is for and offers the next step
inside the page (never an empty table), and the hint gives way as soon as there is data."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QFileDialog, QTabWidget

from ui.widgets.empty_hint import EmptyHint

# CPCCS lists its report's sections even on an empty database: nothing there is ever empty
PAGES_WITHOUT_HINT = {"cpccs"}


def _window(qtbot, ctx):
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    return w


def _shown_hints(page) -> list[EmptyHint]:
    return [h for h in page.findChildren(EmptyHint) if h.isVisibleTo(page)]


def _hints_in_every_tab(page) -> list[EmptyHint]:
    """The hints shown on the page as it opens, then in each of its tabs."""
    shown = _shown_hints(page)
    for tabs in page.findChildren(QTabWidget):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            shown += [h for h in _shown_hints(page) if h not in shown]
        tabs.setCurrentIndex(0)
    return shown


def test_an_empty_database_explains_every_page_and_offers_a_step(qtbot, ui_ctx):
    window = _window(qtbot, ui_ctx)
    seen = {}
    for spec in window.specs:
        if spec.key in PAGES_WITHOUT_HINT:
            continue
        page = window.show_page(spec.key)
        hints = _hints_in_every_tab(page)
        assert hints, f"{spec.key} shows empty tables and no hint on an empty database"
        for hint in hints:
            assert hint.title() and len(hint.text()) > 60, f"{spec.key}: a hint says what the page is for"
            assert hint.action_texts(), f"{spec.key}: «{hint.title()}» offers no step"
        seen[spec.key] = [h.title() for h in hints]
    assert seen["plans"] == ["Todavía no hay planes"]
    assert seen["followup"] == ["Ningún plan elegido", "Nada por validar", "No hay actividades pendientes"]
    assert seen["events"] == ["Todavía no hay eventos"]
    assert "Todavía no hay paquetes" in seen["sync"] and "Todavía no hay dependencias" in seen["reference"]


def test_a_hint_button_takes_the_step_and_the_guide_opens_at_its_chapter(qtbot, ui_ctx, monkeypatch):
    window = _window(qtbot, ui_ctx)
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda _p, title, *a, **k: asked.append(title) or ("", ""))
    followup = window.show_page("followup")
    followup.activities_hint.trigger("Importar un plan…")
    assert window.current_page_key() == "plans" and asked == ["Importar un plan desde Excel"]

    visits = window.show_page("poa_visits")
    hint = _shown_hints(visits)[0]
    assert hint.action_texts()[-1] == "Ver la guía"
    hint.trigger("Ver la guía")
    assert window._guide.isVisible() and window._guide.chapter == "cantones"


def test_hints_give_way_to_data(qtbot, demo_ctx):
    from rcdesk.services.plan_reads import list_plans

    demo_ctx.select_plan(list_plans(demo_ctx.db)[0].plan_id)
    window = _window(qtbot, demo_ctx)
    for key in ("dashboard", "plans", "poa", "poa_cantons", "poa_visits", "poa_oficios", "events", "commitments"):
        page = window.show_page(key)
        demo_ctx.runner.wait()
        assert not _shown_hints(page), f"{key} still shows {[h.title() for h in _shown_hints(page)]}"
    followup = window.page("followup")
    assert not followup.activities_area.showing_hint and not followup.pending_area.showing_hint


@pytest.fixture
def event_page(qtbot, ui_ctx):
    from rcdesk.services.events import EventInput, EventService
    from ui.pages.events import EventsPage

    page = EventsPage(ui_ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    assert page.workspace_area.showing_hint
    ev = EventService(ui_ctx.db).create(EventInput(title="Deliberación pública", event_date=date(2026, 5, 20)))
    page.reload(keep=ev.event_id)
    return page


def test_the_first_event_and_the_first_attendee_replace_their_hints(qtbot, event_page):
    assert not event_page.workspace_area.showing_hint
    door = event_page.workspace.tab("asistencia")
    assert door.view_area.showing_hint
    door.view_area.hint.trigger("Escribir el primer documento")
    assert door.id_edit.hasFocus()
    door.name.setText("Rosa Caiza")
    door.register()
    assert not door.view_area.showing_hint and door.model.rowCount() == 1
    door.filter.setText("nadie con este nombre")
    door.reload()
    assert door.model.rowCount() == 0 and not door.view_area.showing_hint  # a filter finding nobody is not «empty»
