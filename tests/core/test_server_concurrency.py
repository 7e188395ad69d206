"""Several operators on one PostgreSQL headquarters at once (issue 11, item 5).

Each operator is a `Database` of its own (its own engine and connections), as two desktops
would be. Where a race must happen, the test makes it happen by holding the row lock the
operators meet on, so nothing depends on timing.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from rcdesk.db.database import Database
from rcdesk.errors import ConcurrentEdit, UserError
from rcdesk.models.core import AuditLog
from rcdesk.models.plans import PlanActivity
from rcdesk.services.sync import SyncService
from tests.core.sync_world import World, row


@pytest.fixture
def world(tmp_path, pg_url):
    w = World(tmp_path, pg_url)
    yield w
    w.close()


def _run(fn, results: list, errors: list) -> threading.Thread:
    def target() -> None:
        try:
            results.append(fn())
        except BaseException as exc:  # collected and asserted on the main thread
            errors.append(exc)

    t = threading.Thread(target=target)
    t.start()
    return t


def _wait_for_lock_waiters(url: str, n: int) -> None:
    """Until `n` other sessions wait on a lock (the operators' threads reached the race)."""
    import time

    with Database.open(url).engine.connect() as conn:
        for _ in range(500):
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar()
            if waiting >= n:
                return
            time.sleep(0.02)
    raise AssertionError(f"{n} operators never reached the lock")


def test_two_reviewers_deciding_one_conflict_apply_it_once(world, pg_url):
    w = world
    ids = w.seed_hq()
    a1 = ids["acts"][0]
    w.join(w.a, w.A)
    w.join(w.b, w.B)
    w.edit(w.a, PlanActivity, a1, meta="Equipo de 5 personas")
    w.edit(w.b, PlanActivity, a1, meta="Equipo de 4 personas")
    w.H.import_packages([w.send(w.A), w.send(w.B)])
    (conflict,) = w.H.conflicts()
    before = row(w.hq, "plan_activity", a1)
    ana, luis = Database.open(pg_url), Database.open(pg_url)
    ana._user, luis._user = "Ana", "Luis"  # two operators at two desktops
    results: list = []
    errors: list = []
    try:
        # a third session holds the conflict's row: both reviewers reach it and wait
        with w.hq.engine.begin() as holder:
            holder.execute(text("SELECT id FROM sync_conflict WHERE id = :i FOR UPDATE"), {"i": conflict.conflict_id})
            threads = [
                _run(lambda d=d, c=c: SyncService(d).resolve(conflict.conflict_id, c), results, errors)
                for d, c in ((ana, "campo"), (luis, "sede"))
            ]
            _wait_for_lock_waiters(pg_url, 2)
        for t in threads:
            t.join()
    finally:
        ana.close()
        luis.close()
    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], UserError) and "ya no está abierto" in str(errors[0])
    assert ("Ana" in str(errors[0])) != ("Luis" in str(errors[0]))  # names who decided first
    after = row(w.hq, "plan_activity", a1)
    assert after["version"] == before["version"] + 1  # applied once
    assert after["meta"] in ("Equipo de 4 personas", before["meta"])
    with w.hq.connect(write=False) as conn:
        decisions = conn.execute(
            select(func.count())
            .select_from(AuditLog.__table__)
            .where(AuditLog.record_id == a1, AuditLog.changes.like("%conflicto%"))
        ).scalar()
    assert decisions == 1
    assert w.H.conflicts() == []


def test_consolidations_complete_while_another_operator_writes(world, pg_url):
    """Two packages consolidated at once by two operators, while a third operator's write
    transaction is still open: nobody waits for anybody's commit, every record arrives, and each
    package's change numbers form their own range."""
    w = world
    ids = w.seed_hq()
    w.join(w.a, w.A)
    w.join(w.b, w.B)
    w.add_attendance(w.a, ids["event"], 40)
    w.add_attendance(w.b, ids["event"], 30)
    pa, pb = w.send(w.A), w.send(w.B)
    ana, luis = Database.open(pg_url), Database.open(pg_url)
    results: list = []
    errors: list = []
    try:
        with w.hq.begin() as third:  # an operator's edit, not committed yet
            third.get(PlanActivity, ids["acts"][0]).meta = "Editado en la sede"
            third.flush()
            threads = [
                _run(lambda d=d, p=p: SyncService(d).import_packages([p]), results, errors)
                for d, p in ((ana, pa), (luis, pb))
            ]
            for t in threads:
                t.join()
    finally:
        ana.close()
        luis.close()
    assert not errors, errors
    assert sorted(p.status for r in results for p in r.packages) == ["consolidado", "consolidado"]
    with w.hq.connect(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM attendance WHERE deleted = FALSE")).scalar() == 70
        ranges = conn.execute(
            text(
                "SELECT local_seq_from, local_seq_to FROM sync_package WHERE direction = 'in' "
                "AND kind = 'field' AND local_seq_from IS NOT NULL ORDER BY local_seq_from"
            )
        ).all()
    assert all(a_to < b_from for (_, a_to), (b_from, _) in zip(ranges, ranges[1:]))


def test_an_edit_on_a_stale_read_is_refused_not_written_over(world, pg_url):
    w = world
    a1 = w.seed_hq()["acts"][0]
    other = Database.open(pg_url)
    try:
        with pytest.raises(ConcurrentEdit):
            with w.hq.begin() as mine:
                act = mine.get(PlanActivity, a1)
                assert act is not None and act.meta == "100 %"
                with other.begin() as theirs:  # another operator saves first
                    theirs.get(PlanActivity, a1).meta = "80 %"
                act.meta = "90 %"
    finally:
        other.close()
    saved = row(w.hq, "plan_activity", a1)
    assert saved["meta"] == "80 %" and saved["version"] == 2


def _add_people(db: Database, names: list[str], tombstones: int = 0) -> None:
    from rcdesk.models.events import Person

    with db.begin() as s:
        for i, name in enumerate(names):
            s.add(Person(full_name=name, id_type="CEDULA_EC", id_number=f"06{i:08d}", is_minor=False))
            s.flush()
        for p in s.scalars(select(Person).limit(tombstones)):
            p.deleted = True


def test_consolidations_bringing_people_do_not_wait_for_the_people_counter(world, pg_url):
    """The directory's counter is one row; an operator's open transaction that added a person, and
    two consolidations bringing people, all change it, and none waits for another's commit
    (revision 0015: before, each waited for the other's commit and failed on the lock timeout).
    The count stays the true count throughout."""
    from rcdesk.services.attendance import AttendanceService

    w = world
    w.seed_hq()
    w.join(w.a, w.A)
    w.join(w.b, w.B)
    _add_people(w.a, [f"Persona A{i}" for i in range(6)], tombstones=1)
    _add_people(w.b, [f"Persona B{i}" for i in range(4)])
    pa, pb = w.send(w.A), w.send(w.B)
    counter = AttendanceService(w.hq)
    start = counter.people_count()
    ana, luis = Database.open(pg_url), Database.open(pg_url)
    results: list = []
    errors: list = []
    try:
        with w.hq.begin() as third:  # an operator added a person and has not committed yet
            _add_person_in(third, "Persona de la sede")
            threads = [
                _run(lambda d=d, p=p: SyncService(d).import_packages([p]), results, errors)
                for d, p in ((ana, pa), (luis, pb))
            ]
            for t in threads:
                t.join()
            assert not errors, errors
            assert counter.people_count() == start + 9
    finally:
        ana.close()
        luis.close()
    assert sorted(p.status for r in results for p in r.packages) == ["consolidado", "consolidado"]
    with w.hq.connect(write=False) as conn:
        true = conn.execute(text("SELECT count(*) FROM person WHERE deleted = FALSE")).scalar()
    assert counter.people_count() == true == start + 10
    counter.reindex_people()
    assert counter.people_count() == true


def _add_person_in(session, name: str) -> None:
    from rcdesk.models.events import Person

    session.add(Person(full_name=name, id_type="CEDULA_EC", id_number="0699999999", is_minor=False))
    session.flush()
