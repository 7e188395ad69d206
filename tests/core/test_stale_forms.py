"""An operator's edits never overwrite another's silently: a form gives back the version it read
(issue 11, several operators at once).

Two operators (two `Database` objects on the same headquarters, as two desktops on one server)
open the same record in a form; the second saves first; the first one's save, made from what its
form read minutes ago, is refused with `ConcurrentEdit`'s Spanish message and the second one's
save stays. Once the form reads the record again, its save goes through.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import text

from rcdesk.db.database import Database
from rcdesk.errors import ConcurrentEdit


@pytest.fixture
def operators(hq_target, demo_template, tmp_path):
    """Two operators on the demo headquarters: on a server, or on one SQLite file."""
    from tests.cli.test_hq_engines import copy_file_database
    from tests.pg_copy import copy_sqlite_to_server

    if isinstance(hq_target, str):
        copy_sqlite_to_server(demo_template[0], hq_target)
    else:
        copy_file_database(demo_template[0], hq_target)
    first, second = Database.open(hq_target), Database.open(hq_target)
    yield first, second
    first.close()
    second.close()


def _first(db: Database, sql: str) -> str:
    with db.connect(write=False) as conn:
        return str(conn.execute(text(sql)).scalar_one())


def _like(cls, row, **changes):
    """An input dataclass filled from a row of the same field names (what a form loads), then edited."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{**{k: getattr(row, k) for k in names if hasattr(row, k)}, **changes})


def _event(db):
    from rcdesk.services.events import EventInput, EventService

    svc = EventService(db)
    eid = _first(db, "SELECT id FROM event WHERE NOT deleted ORDER BY id LIMIT 1")

    def read():
        return svc.get(eid)

    def save(row, value):
        EventService(db).update(eid, _like(EventInput, row, title=value), expected_version=row.version)

    return read, save, lambda: svc.get(eid).title


def _activity(db):
    from rcdesk.plans.rows import ActivityInput
    from rcdesk.services.plans import PlanService

    svc = PlanService(db)
    aid = _first(db, "SELECT id FROM plan_activity WHERE NOT deleted ORDER BY id LIMIT 1")

    def save(row, value):
        svc.update_activity(aid, _like(ActivityInput, row, description=value), expected_version=row.version)

    return (lambda: svc.activity(aid)), save, lambda: svc.activity(aid).description


def _question(db):
    from rcdesk.services.questions import QuestionService

    svc = QuestionService(db)
    qid = _first(db, "SELECT id FROM citizen_question WHERE NOT deleted ORDER BY id LIMIT 1")

    def save(row, value):
        svc.answer(qid, value, max(row.received_on, date(2026, 1, 1)), expected_version=row.version)

    return (lambda: svc.get(qid)), save, lambda: svc.get(qid).answer


def _meta(db):
    from rcdesk.services.poa_edit import MetaInput, PoaEditService

    svc = PoaEditService(db)
    mid = _first(db, "SELECT id FROM poa_meta WHERE NOT deleted ORDER BY id LIMIT 1")

    def save(row, value):
        svc.save_meta(_like(MetaInput, row, description=value), meta_id=mid, expected_version=row.version)

    return (lambda: svc.meta(mid)), save, lambda: svc.meta(mid).description


def _objective(db):
    from rcdesk.services.poa_edit import PoaEditService

    svc = PoaEditService(db)
    oid = _first(db, "SELECT id FROM poa_objective WHERE NOT deleted ORDER BY id LIMIT 1")

    def save(row, value):
        svc.save_objective(row.poa_id, value, row.code, row.alignment, oid, expected_version=row.version)

    return (lambda: svc.objective(oid)), save, lambda: svc.objective(oid).description


def _execution(db):
    from rcdesk.services.poa import PoaService

    svc = PoaService(db)
    mid = _first(db, "SELECT meta_id FROM poa_execution WHERE NOT deleted AND period_no = 1 ORDER BY meta_id LIMIT 1")

    def save(row, value):
        svc.save_execution(mid, 1, expected_version=row.version, narrative=value)

    return (lambda: svc.execution(mid, 1)), save, lambda: svc.execution(mid, 1).narrative


def _institution(db):
    from rcdesk.services.reference import ReferenceService

    svc = ReferenceService(db)
    iid = _first(db, "SELECT id FROM institution WHERE NOT deleted ORDER BY id LIMIT 1")

    def save(row, value):
        svc.update_institution(iid, expected_version=row["version"], address=value)

    return (lambda: svc.institution(iid)), save, lambda: svc.institution(iid)["address"]


def _unit(db):
    from rcdesk.services.reference import ReferenceService

    svc = ReferenceService(db)
    uid = _first(db, "SELECT id FROM org_unit WHERE NOT deleted ORDER BY id LIMIT 1")
    iid = _first(db, f"SELECT institution_id FROM org_unit WHERE id = '{uid}'")

    def read():
        return next(u for u in svc.units(iid) if u.unit_id == uid)

    def save(row, value):
        svc.update_unit(
            uid, name=value, unit_type=row.unit_type, territory_id=row.territory_id, expected_version=row.version
        )

    return read, save, lambda: read().name


FORMS = {
    "evento": _event,
    "actividad del plan": _activity,
    "respuesta a una pregunta": _question,
    "meta del POA": _meta,
    "objetivo del POA": _objective,
    "reporte del POA": _execution,
    "perfil de la entidad": _institution,
    "dependencia": _unit,
}


@pytest.mark.parametrize("form", FORMS)
def test_a_form_held_open_never_overwrites_another_operators_save(operators, form):
    first, second = operators
    read_1, save_1, _ = FORMS[form](first)
    read_2, save_2, current = FORMS[form](second)
    held = read_1()  # the first operator opens the form…
    save_2(read_2(), "Guardado por la segunda operadora")  # …the second one saves meanwhile
    with pytest.raises(ConcurrentEdit, match="Otra persona modificó este registro"):
        save_1(held, "Guardado desde un formulario viejo")
    assert current() == "Guardado por la segunda operadora"
    save_1(read_1(), "Guardado tras volver a abrirlo")  # the form read again: saved
    assert current() == "Guardado tras volver a abrirlo"
