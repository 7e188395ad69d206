"""People search at headquarters on PostgreSQL (revision 0010: unaccent + pg_trgm) answers what
FTS5 answers on SQLite, keystroke by keystroke, and the live-people counter follows the same rows."""

from __future__ import annotations

from sqlalchemy import update

from rcdesk.db.database import Database
from rcdesk.models.events import Person
from rcdesk.services.attendance import AttendanceService
from tests.core.test_people_search import KEYSTROKES, _fill


def _hits(db: Database, text_: str) -> list[tuple]:
    return [(p.full_name, p.id_number, p.organization) for p in AttendanceService(db).search_people(text_, 0, 100_000)]


def test_server_search_answers_as_fts5_every_keystroke(db, pg_url):
    server = Database.open(pg_url, name="Sede", role="hq")
    try:
        _fill(db, 800)
        _fill(server, 800)  # the same seeded people, in the same order
        nonempty = 0
        for text_ in [*KEYSTROKES, "", "GARCÍA lucia", "núñez", "PEÑA", "pena", "wayra-pak", "zzz"]:
            expected = _hits(db, text_)
            assert _hits(server, text_) == expected, text_
            nonempty += bool(expected)
        assert nonempty > 100
        page = [p.id_number for off in (0, 50) for p in AttendanceService(server).search_people("maria", off, 50)]
        assert page == [h[1] for h in _hits(db, "maria")][:100]
    finally:
        server.close()


def test_server_people_count_follows_inserts_tombstones_and_deletes(pg_url):
    server = Database.open(pg_url, name="Sede", role="hq")
    try:
        svc = AttendanceService(server)
        _fill(server, 300)
        live = 300 - len(range(0, 300, 97))
        assert svc.people_count() == live
        first, second = (p.person_id for p in svc.search_people("", 0, 2))
        with server.begin() as s:
            s.get(Person, first).deleted = True
        assert svc.people_count() == live - 1
        with server.connect() as conn:
            conn.execute(update(Person).where(Person.id == first).values(deleted=False))
            conn.exec_driver_sql("DELETE FROM person WHERE id = %s", (second,))
            conn.exec_driver_sql("UPDATE person SET full_name = 'Otro' WHERE deleted = FALSE")
        assert svc.people_count() == live - 1
        svc.reindex_people()
        assert svc.people_count() == live - 1
    finally:
        server.close()
