"""Commitment statuses are kept with their dates: a report as of a cut reads the status in force
that day, so a status changed after the cut leaves that report as it was."""

from __future__ import annotations

import lzma
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from rcdesk.db.database import Database
from rcdesk.services.commitment_status import statuses_at
from rcdesk.services.commitments import CommitmentService
from rcdesk.services.cpccs import CpccsService
from rcdesk.services.murc_report import build_murc
from tests.core import strategy_world
from tests.core.test_cpccs_report import make_cpccs_world

FIXTURES = Path(__file__).parents[1] / "fixtures" / "schemas"


def _aportes(db, cut: date | None = None) -> dict[str, tuple]:
    return {r[0]: r for r in CpccsService(db).report(2025, cut=cut).section("aportes").rows}


def test_a_status_set_by_hand_after_the_cut_leaves_the_report_for_that_cut_unchanged(db):
    w = make_cpccs_world(db)
    before = _aportes(db)
    cs = CommitmentService(db)
    # in February 2026, after the report's cut (31/12/2025): one aporte marked done, one «no aplica»
    cs.set_status(w.c_none, "CUMPLIDO", on=date(2026, 2, 1))
    cs.set_status(w.c_linked, "NO_APLICA", on=date(2026, 2, 1))

    assert _aportes(db) == before
    assert before["Oficina móvil en Chambo"][1:5] == ("NO", "0", "", "NO APLICA")
    assert before["Más patrullajes nocturnos"][1:3] == ("SI", "51-75")
    later = _aportes(db, cut=date(2026, 3, 1))
    assert later["Oficina móvil en Chambo"][1] == "SI"
    assert "Más patrullajes nocturnos" not in later  # «no aplica» from February on


def test_a_status_set_today_counts_from_today_only(db):
    w = make_cpccs_world(db)
    cs = CommitmentService(db)
    cs.set_status(w.c_none, "INCUMPLIDO")
    with db.session() as s:
        assert statuses_at(s, [w.c_none], date.today())[w.c_none] == "INCUMPLIDO"
        assert statuses_at(s, [w.c_none], date.today() - timedelta(days=1))[w.c_none] == "PENDIENTE"
    history = cs.status_history(w.c_none)
    assert [(h.status, h.cause) for h in history] == [("PENDIENTE", "ALTA"), ("INCUMPLIDO", "MANUAL")]
    assert history[-1].changed_by == db.user and history[-1].effective_on == date.today()


def test_follow_ups_date_the_statuses_they_imply(db):
    w = make_cpccs_world(db)
    history = CommitmentService(db).status_history(w.c_done)
    # created from the 10/04/2025 deliberation; 100 % in the follow-up cut on 30/09/2025
    assert [(h.status, h.effective_on, h.cause) for h in history] == [
        ("PENDIENTE", date(2025, 4, 10), "ALTA"),
        ("CUMPLIDO", date(2025, 9, 30), "SEGUIMIENTO"),
    ]


def test_murc_reads_each_commitment_as_of_its_cut(db):
    world = strategy_world.build(db)
    cut = date(2024, 8, 31)
    before = [(c.status, c.progress, c.overdue) for c in build_murc(db, world["plan_id"], cut).commitments]
    assert before == [("CUMPLIDO", 100.0, False), ("PENDIENTE", 0.0, True)]
    cs = CommitmentService(db)
    for c in cs.list_commitments():
        cs.set_status(c.commitment_id, "NO_APLICA", on=date(2024, 9, 15))
        cs.add_followup(c.commitment_id, date(2024, 9, 20), 40, "Después del corte")
    assert [(c.status, c.progress, c.overdue) for c in build_murc(db, world["plan_id"], cut).commitments] == before
    after = build_murc(db, world["plan_id"], date(2024, 9, 30)).commitments
    assert [c.status for c in after] == ["NO_APLICA", "NO_APLICA"]


def test_upgrade_backfills_the_history_so_reports_keep_their_answers(tmp_path):
    path = tmp_path / "rcdesk.db"
    path.write_bytes(lzma.decompress((FIXTURES / "rcdesk-0009.db.xz").read_bytes()))
    with sqlite3.connect(path) as c:
        current = dict(c.execute("SELECT id, status FROM commitment"))
        first_cut = dict(
            c.execute("SELECT commitment_id, min(cut_date) FROM commitment_followup WHERE deleted = 0 GROUP BY 1")
        )
    assert len(current) == 4 and len(first_cut) == 3

    db = Database.open(path)
    try:
        with db.session() as s:
            # today every commitment reads as it stood before the upgrade
            assert statuses_at(s, current, date.today()) == current
            # before its first follow-up a followed commitment was pending, as the CPCCS report said
            for cid, day in first_cut.items():
                before = date.fromisoformat(day) - timedelta(days=1)
                assert statuses_at(s, [cid], before) == {cid: "PENDIENTE"}
        never_followed = next(cid for cid in current if cid not in first_cut)
        assert statuses_at_any_cut(db, never_followed) == {current[never_followed]}
    finally:
        db.close()


def statuses_at_any_cut(db, cid: str) -> set[str]:
    with db.session() as s:
        return {statuses_at(s, [cid], d)[cid] for d in (date(2020, 1, 1), date.today(), date(2100, 1, 1))}


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_target(request, tmp_path) -> Path | str:
    """An empty database on each engine, to be migrated step by step."""
    if request.param == "sqlite":
        return tmp_path / "vieja.db"
    srv = request.getfixturevalue("pg_server")
    name = srv.new_name()
    srv.admin(f'CREATE DATABASE "{name}"')
    return srv.url(name)


def test_revision_0012_backfills_on_sqlite_and_postgresql(blank_target):
    """The backfill is portable SQL: a commitment followed up to 50 % then to 100 %, and one never followed."""
    from sqlalchemy import text

    from rcdesk.db import migrate
    from rcdesk.db.engine import make_engine

    engine = make_engine(blank_target)
    try:
        migrate.upgrade_to(engine, "0011")
        rec = "created_at, updated_at, modified_by, version, deleted, change_seq"
        with engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO installation (id, name, role, is_self, created_at, next_seq) "
                    "VALUES ('i1', 'Sede', 'hq', TRUE, '2025-01-01 00:00:00', 40)"
                )
            )
            for cid, status, updated in (
                ("c1", "CUMPLIDO", "2025-09-01 10:00:00"),
                ("c2", "NO_APLICA", "2025-05-05 10:00:00"),
            ):
                c.execute(
                    text(
                        f"INSERT INTO commitment (id, {rec}, source, description, due_date, status, progress_pct) "
                        f"VALUES (:id, '2025-01-10 00:00:00', :u, 'i1', 1, FALSE, 1, 'APORTE_CIUDADANO', 'x', "
                        "'2025-12-31', :s, 0)"
                    ),
                    {"id": cid, "u": updated, "s": status},
                )
            for fid, cut, pct in (("f1", "2025-03-31", 50), ("f2", "2025-06-30", 100)):
                c.execute(
                    text(
                        f"INSERT INTO commitment_followup (id, {rec}, commitment_id, cut_date, progress_pct) "
                        f"VALUES (:id, '2025-07-01 00:00:00', '2025-07-01 00:00:00', 'i1', 1, FALSE, 2, 'c1', :cut, :pct)"
                    ),
                    {"id": fid, "cut": cut, "pct": pct},
                )
        migrate.upgrade_to(engine, "0012")
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT commitment_id, status, effective_on, cause, change_seq FROM commitment_status_change "
                    "ORDER BY commitment_id, effective_on"
                )
            ).all()
            next_seq = c.execute(text("SELECT next_seq FROM installation WHERE id = 'i1'")).scalar_one()
    finally:
        engine.dispose()
    got = [(r[0], r[1], str(r[2])[:10], r[3]) for r in rows]
    assert got == [
        ("c1", "PENDIENTE", "2025-01-10", "HISTORIAL"),
        ("c1", "EN_CURSO", "2025-03-31", "HISTORIAL"),
        ("c1", "CUMPLIDO", "2025-06-30", "HISTORIAL"),
        ("c2", "NO_APLICA", "2025-05-05", "HISTORIAL"),
    ]
    assert sorted(r[4] for r in rows) == [40, 41, 42, 43] and next_seq == 44


def test_the_history_travels_to_headquarters_in_the_field_package(tmp_path):
    from rcdesk.services.commitments import CommitmentInput
    from tests.core.sync_world import World

    w = World(tmp_path)
    try:
        ids = w.seed_hq()
        w.join(w.a, w.A)
        cs = CommitmentService(w.a)
        cid = cs.add(
            CommitmentInput("Arreglar la vía", date(2026, 8, 31), responsible_text="Obras", event_id=ids["event"])
        ).commitment_id
        cs.set_status(cid, "INCUMPLIDO", on=date(2026, 9, 15))
        res = w.H.import_packages([w.send(w.A)])
        assert res.packages[0].status == "consolidado", res.text()
        hq = CommitmentService(w.hq)
        assert [(h.status, h.effective_on) for h in hq.status_history(cid)] == [
            ("PENDIENTE", date(2026, 5, 20)),
            ("INCUMPLIDO", date(2026, 9, 15)),
        ]
        with w.hq.session() as s:
            assert statuses_at(s, [cid], date(2026, 8, 31)) == {cid: "PENDIENTE"}
    finally:
        w.close()
