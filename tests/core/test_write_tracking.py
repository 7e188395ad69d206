"""What a write changed comes from the write path (rcdesk/db/write_tracking.py), not from whoever
called it: committed writes count, whatever built them; rolled-back ones change nothing."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import insert, select, text

from rcdesk.db.base import Base
from rcdesk.db.bulk import bulk_insert
from rcdesk.db.database import Database
from rcdesk.db.write_tracking import written_table
from rcdesk.errors import UserError
from rcdesk.models.core import Setting
from rcdesk.models.followup import Holiday
from rcdesk.services.changes import NOTHING, TABLE_AREAS, Changes, changes_for_tables
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.reference import ReferenceService


def test_every_table_of_the_schema_is_in_the_map(db):
    """A new table must say which pages its writes refresh (or that they refresh none)."""
    with db.connect(write=False) as conn:
        schema = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    fts_shadow = {t for t in schema if any(t.startswith(f"{v}_") for v in ("person_fts",))}
    missing = (set(Base.metadata.tables) | (schema - fts_shadow)) - set(TABLE_AREAS)
    assert not missing, f"add these tables to TABLE_AREAS in rcdesk/services/changes.py: {sorted(missing)}"


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ('INSERT INTO "plan" (id, name) VALUES (?, ?)', "plan"),
        ("insert or replace into setting (key, value) values (?, ?)", "setting"),
        ("UPDATE poa_meta SET description=? WHERE poa_meta.id = ?", "poa_meta"),
        ("UPDATE OR IGNORE holiday SET name = 'x'", "holiday"),
        ('DELETE FROM "main"."attendance" WHERE id = ?', "attendance"),
        ("DELETE FROM public.person WHERE id = %s", "person"),
        ("\n  WITH gone AS (SELECT id FROM person WHERE deleted) DELETE FROM consent_record WHERE 1", "consent_record"),
        ("INSERT INTO person_fts(person_fts) VALUES('rebuild')", "person_fts"),
        ("SELECT id FROM plan WHERE note = 'UPDATE plan SET x = 1'", None),
        ("WITH x AS (SELECT 1) SELECT * FROM x", None),
        ("BEGIN IMMEDIATE", None),
        ("CREATE TEMP TABLE sent (id TEXT)", None),
        # the change counter every stamped write bumps is bookkeeping, not a change
        ("UPDATE installation SET next_seq = next_seq + ? WHERE is_self = TRUE RETURNING next_seq", None),
        ("UPDATE installation SET name=?, role=? WHERE installation.id = ?", "installation"),
    ],
)
def test_the_target_of_a_statement(statement, table):
    assert written_table(statement) == table


def test_map_to_changes():
    assert changes_for_tables([]) == NOTHING and not NOTHING
    assert changes_for_tables(["audit_log", "a_temporary_table"]) == NOTHING
    assert changes_for_tables(["progress_report", "audit_log"]) == Changes(followup=True)
    assert changes_for_tables(["plan", "plan_activity"]) == Changes(plans=True, activities=True)
    assert changes_for_tables(["event"]) | Changes(poa=True) == Changes(events=True, poa=True)


def _event(title: str = "Rendición de cuentas") -> EventInput:
    return EventInput(title=title, event_date=date(2026, 5, 20))


def test_service_writes_say_what_they_changed(db):
    with db.tracking() as tracked:
        EventService(db).create(_event())  # ORM flush + stamping (audit log, change counter)
    assert tracked.changes == Changes(events=True)

    with db.tracking() as tracked:
        ReferenceService(db).find_or_create_institution("GAD Municipal de Riobamba", "EC")
    assert tracked.changes == Changes(reference=True)

    with db.tracking() as tracked:
        EventService(db).list_events()  # a read changes nothing
    assert tracked.changes == NOTHING


def test_core_text_and_bulk_writes_count(db):
    with db.tracking() as tracked:
        with db.connect() as conn:
            conn.execute(insert(Setting).values(key="prueba", value="1"))
        with db.connect() as conn:
            conn.execute(text("UPDATE holiday SET name = name WHERE 1 = 0"))
        with db.connect() as conn:
            bulk_insert(conn, Base.metadata.tables["audit_log"], [])  # nothing to insert: no statement
    assert tracked.tables == {"setting", "holiday"}
    assert tracked.changes == Changes(followup=True, poa=True, events=True)


def test_a_rolled_back_write_changes_nothing(db):
    with db.tracking() as tracked:
        with pytest.raises(UserError), db.begin() as s:
            s.add(Holiday(country="EC", day=date(2026, 8, 10), name="Primer Grito", scope="nacional"))
            s.flush()  # written, then refused
            raise UserError("No se guardó.")
        with db.connect() as conn:
            conn.execute(text("UPDATE event SET title = title"))
            conn.rollback()
    assert tracked.changes == NOTHING
    with db.session() as s:
        assert s.scalars(select(Holiday).where(Holiday.name == "Primer Grito")).first() is None


def test_a_rolled_back_savepoint_forgets_only_its_writes(db):
    with db.tracking() as tracked, db.connect() as conn:
        conn.execute(text("UPDATE event SET title = title"))
        sp = conn.begin_nested()
        conn.execute(text("UPDATE plan SET title = title"))
        sp.rollback()
        with conn.begin_nested():
            conn.execute(text("UPDATE territory SET name = name"))
    assert tracked.changes == Changes(events=True, reference=True)


def test_only_this_thread_and_this_database_count(db, tmp_path):
    other = Database.open(tmp_path / "otra.db", name="Otra")
    try:
        with db.tracking() as tracked, db.tracking() as inner:
            worker = threading.Thread(target=lambda: EventService(db).create(_event("En otro hilo")))
            worker.start()
            worker.join()
            EventService(other).create(_event("En otra base"))
            ReferenceService(db).find_or_create_institution("GAD Provincial de Chimborazo", "EC")
        assert inner.changes == tracked.changes == Changes(reference=True)
    finally:
        other.close()


def test_nothing_is_recorded_outside_tracking(db):
    EventService(db).create(_event())  # a write nobody tracks leaves nothing behind for the next
    with db.tracking() as tracked:
        with db.connect() as conn:
            conn.execute(text("UPDATE plan SET title = title"))
    assert tracked.changes == Changes(plans=True)


def test_a_server_database_says_the_same(pg_url):
    server = Database.open(pg_url, name="Sede", role="hq")
    try:
        with server.tracking() as tracked:
            EventService(server).create(_event())
        assert tracked.changes == Changes(events=True)
        with server.tracking() as tracked:
            with pytest.raises(UserError), server.begin() as s:
                s.add(Holiday(country="EC", day=date(2026, 8, 10), name="Primer Grito", scope="nacional"))
                s.flush()
                raise UserError("No se guardó.")
        assert tracked.changes == NOTHING
    finally:
        server.close()
