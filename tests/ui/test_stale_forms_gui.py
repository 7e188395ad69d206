"""Forms give back the version they read: a form left open while another operator (another
desktop: another `Database` on the same headquarters) saves the same record is refused with the
Spanish «Otra persona modificó este registro…» and the other operator's save stays (issue 11)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QMessageBox

from rcdesk.db.database import Database
from rcdesk.errors import ConcurrentEdit
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.reference import ReferenceService

STALE = "Otra persona modificó este registro"


@pytest.fixture
def other_desktop(ui_ctx):
    other = Database.open(ui_ctx.db.paths.database)
    yield other
    other.close()


@pytest.fixture
def shown(monkeypatch) -> list[str]:
    said: list[str] = []

    def record(box) -> int:
        said.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    return said


def test_the_event_form_held_open_is_refused(qtbot, ui_ctx, other_desktop, shown):
    from ui.pages.events import EventsPage

    ev = EventService(ui_ctx.db).create(EventInput(title="Deliberación pública", event_date=date(2026, 5, 20)))
    page = EventsPage(ui_ctx)
    qtbot.addWidget(page)
    page.select_event(ev.event_id)
    tab = page.workspace.tab("datos")
    EventService(other_desktop).update(
        ev.event_id, EventInput(title="Título de la otra operadora", event_date=date(2026, 5, 20))
    )
    tab.title.setText("Título desde el formulario abierto")
    tab.save_btn.click()
    assert shown and STALE in shown[-1]
    assert EventService(ui_ctx.db).get(ev.event_id).title == "Título de la otra operadora"


def test_the_answer_form_held_open_is_refused(qtbot, ui_ctx, other_desktop, shown):
    from rcdesk.services.questions import QuestionInput, QuestionService
    from ui.pages.events import EventsPage

    ev = EventService(ui_ctx.db).create(EventInput(title="Deliberación pública", event_date=date(2026, 5, 20)))
    q = QuestionService(ui_ctx.db).add(
        QuestionInput(
            asker_name="Rosa", text="¿Cuándo se arregla la vía?", received_on=date(2026, 5, 20), event_id=ev.event_id
        )
    )
    page = EventsPage(ui_ctx)
    qtbot.addWidget(page)
    page.select_event(ev.event_id)
    tab = page.workspace.tab("preguntas")
    tab.view.selectRow(0)
    QuestionService(other_desktop).answer(q.question_id, "Respuesta de la otra operadora", date(2026, 5, 21))
    tab.answer.setPlainText("Respuesta desde el formulario abierto")
    tab.save_answer()
    assert shown and STALE in shown[-1]
    assert QuestionService(ui_ctx.db).get(q.question_id).answer == "Respuesta de la otra operadora"


def test_the_entity_profile_held_open_is_refused(qtbot, ui_ctx, other_desktop, monkeypatch):
    from ui.pages import reference as page_module

    inst = ReferenceService(ui_ctx.db).find_or_create_institution("Gobernación de Chimborazo")
    page = page_module.ReferencePage(ui_ctx)
    qtbot.addWidget(page)
    errors: list[str] = []
    monkeypatch.setattr(page_module, "show_error", lambda parent, exc: errors.append(str(exc)))
    ReferenceService(other_desktop).update_institution(inst.institution_id, phone="032 960 000")
    page.f_phone.setText("099 999 9999")
    page.save_profile.click()
    assert errors and STALE in errors[-1]
    assert ReferenceService(ui_ctx.db).institution(inst.institution_id)["phone"] == "032 960 000"


def test_the_poa_objective_and_meta_forms_held_open_are_refused(qtbot, demo_ctx, demo_db_path):
    from rcdesk.services.poa_edit import MetaInput, PoaEditService
    from ui.dialogs.poa_edit import MetaDialog, ObjectiveDialog

    with demo_ctx.db.connect(write=False) as conn:
        objective_id, poa_id, meta_id = conn.exec_driver_sql(
            "SELECT o.id, o.poa_id, m.id FROM poa_objective o JOIN poa_meta m ON m.objective_id = o.id "
            "WHERE NOT o.deleted AND NOT m.deleted ORDER BY m.id LIMIT 1"
        ).one()
    objective_form = ObjectiveDialog(demo_ctx, poa_id, objective_id)
    poa = next(p for p in _poas(demo_ctx) if p.poa_id == poa_id)
    meta_form = MetaDialog(demo_ctx, poa, [(objective_id, "")], objective_id, meta_id)
    for w in (objective_form, meta_form):
        qtbot.addWidget(w)
    with Database.open(demo_db_path) as other:
        svc = PoaEditService(other)
        o = svc.objective(objective_id)
        svc.save_objective(poa_id, "Objetivo de la otra operadora", o.code, o.alignment, objective_id)
        m = svc.meta(meta_id)
        fields = {f: getattr(m, f) for f in MetaInput.__dataclass_fields__ if hasattr(m, f)}
        svc.save_meta(MetaInput(**{**fields, "description": "Meta de la otra operadora"}), meta_id)
    for form in (objective_form, meta_form):
        save = form.save()
        with pytest.raises(ConcurrentEdit):
            save()
    svc = PoaEditService(demo_ctx.db)
    assert svc.objective(objective_id).description == "Objetivo de la otra operadora"
    assert svc.meta(meta_id).description == "Meta de la otra operadora"


def _poas(ctx):
    from rcdesk.services.poa import PoaService

    return PoaService(ctx.db).list_poas()
