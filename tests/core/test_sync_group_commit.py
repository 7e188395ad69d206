"""Consolidating a batch on SQLite: several packages per transaction, each in its own savepoint
(rcdesk/sync/write_group.py, issue 16). What a user relies on: the same database as one
transaction per package, a bad package refused alone, a cancel keeping the packages done, and a
crash leaving only whole packages behind, completed by importing the same packages again."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from rcdesk.errors import UserError
from rcdesk.jobs import Cancelled, CancelToken
from rcdesk.sync import consolidate, field_import, write_group
from tests.core.sync_world import World, files_of

PACKAGES = 5


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> dict:
    """Laptop A joined, then five field packages sent one after another (one with a file)."""
    root = tmp_path_factory.mktemp("season")
    template = World.joined_template(root)
    w = World.copy_of(template, tmp_path_factory.mktemp("sent"))
    try:
        sent = []
        for i in range(PACKAGES):
            w.add_attendance(w.a, w.ids["event"], 3 + i)
            if i == 2:
                w.add_evidence(w.a, w.ids["event"])
            sent.append(w.send(w.A).name)
        return {"root": w.tmp, "ids": w.ids, "n": w._n, "sent": sent}
    finally:
        w.close()


@pytest.fixture
def world(season, tmp_path):
    w = World.copy_of(season, tmp_path)
    w.sent = [w.usb / n for n in season["sent"]]
    yield w
    w.close()


# columns headquarters fills with the moment or a fresh random id: the rest must match exactly
_VOLATILE = {"at", "processed_at", "created_at", "updated_at", "decided_at", "imported_at"}


def state(w: World) -> dict:
    out = {}
    with w.hq.engine.connect() as c:  # a new connection: what is committed on disk
        for n in sorted(inspect(c).get_table_names()):
            rows = c.exec_driver_sql(f'SELECT * FROM "{n}"').mappings().all()
            keep = [
                {k: v for k, v in r.items() if k not in _VOLATILE and not (n == "sync_conflict" and k == "id")}
                for r in rows
            ]
            out[n] = sorted(repr(sorted(r.items())) for r in keep)
    out["evidence files"] = files_of(w.hq.paths.evidence)
    return out


def consolidated(w: World) -> int:
    with w.hq.engine.connect() as c:
        return c.exec_driver_sql("SELECT count(*) FROM sync_package WHERE kind = 'field'").scalar()


def attendance(w: World) -> int:
    with w.hq.engine.connect() as c:
        return c.exec_driver_sql("SELECT count(*) FROM attendance").scalar()


def one_per_package(w: World, monkeypatch) -> dict:
    """The database as before grouping: each package committed on its own."""
    with monkeypatch.context() as m:
        m.setattr(write_group, "GROUP_PACKAGES", 1)
        res = w.H.import_packages(w.sent)
    assert [p.status for p in res.packages] == ["consolidado"] * PACKAGES, res.text()
    return state(w)


def test_grouped_batch_gives_the_same_database_as_one_transaction_per_package(season, tmp_path, world, monkeypatch):
    w = world
    res = w.H.import_packages(w.sent)
    assert [p.status for p in res.packages] == ["consolidado"] * PACKAGES, res.text()
    grouped = state(w)
    other = World.copy_of(season, tmp_path / "otra")
    try:
        other.sent = [other.usb / n for n in season["sent"]]
        assert one_per_package(other, monkeypatch) == grouped
    finally:
        other.close()


def test_a_package_refused_halfway_is_rolled_back_alone_and_the_others_go_in(world, monkeypatch):
    w = world
    bad = w.sent[1].name
    real = field_import.store_evidence

    def failing(db, pkg, *a, **k):  # after its records were written in the group's transaction
        if pkg.file_name == bad:
            raise UserError(f"«{bad}»: archivo dañado; no se importó nada.")
        return real(db, pkg, *a, **k)

    monkeypatch.setattr(field_import, "store_evidence", failing)
    before = attendance(w)
    res = w.H.import_packages(w.sent[:2])  # the refused one ends the chain: the next would wait for it
    assert [(p.file, p.status) for p in res.packages] == [(w.sent[0].name, "consolidado"), (bad, "rechazado")]
    assert "archivo dañado" in res.packages[1].message
    assert attendance(w) == before + 3  # the first package's rows only
    monkeypatch.setattr(field_import, "store_evidence", real)
    res = w.H.import_packages(w.sent[1:])
    assert [p.status for p in res.packages] == ["consolidado"] * (PACKAGES - 1), res.text()


def test_cancel_keeps_the_packages_finished_and_drops_the_current_one(world):
    w = world
    token = CancelToken()
    fourth = w.sent[3].name

    def progress(done, total=None, text=""):
        if text == f"Importando {fourth}":
            token.cancel()  # pressed while the fourth package is being consolidated

    with pytest.raises(Cancelled):
        consolidate.import_files(w.hq, w.sent, progress=progress, cancel=token)
    assert consolidated(w) == 1 + 3  # the first package sent when joining, then three of the batch
    res = w.H.import_packages(w.sent)
    assert [p.status for p in res.packages] == ["rechazado"] * 3 + ["consolidado"] * 2, res.text()


class Crash(BaseException):
    """Stands for the process being killed."""


def test_a_crash_mid_group_leaves_whole_packages_and_a_reimport_completes_them(season, tmp_path, world, monkeypatch):
    w = world
    real = consolidate._import_one
    calls: list[str] = []

    def crashing(db, pkg, **k):
        rep = real(db, pkg, **k)
        calls.append(pkg.file_name)
        if len(calls) == 3:
            raise Crash()
        return rep

    start = attendance(w)
    with monkeypatch.context() as m:
        m.setattr(write_group, "GROUP_PACKAGES", 2)
        m.setattr(consolidate, "_import_one", crashing)
        with pytest.raises(Crash):
            w.H.import_packages(w.sent)
    # the first group (two packages) is committed whole; the third, done in the open group, is not
    assert consolidated(w) == 1 + 2
    assert attendance(w) == start + 3 + 4
    res = w.H.import_packages(w.sent)
    assert [p.status for p in res.packages] == ["rechazado"] * 2 + ["consolidado"] * 3, res.text()
    assert all("ya fue consolidado" in p.message for p in res.packages[:2])

    other = World.copy_of(season, tmp_path / "sin_corte")
    try:
        other.sent = [other.usb / n for n in season["sent"]]
        res = other.H.import_packages(other.sent)
        assert [p.status for p in res.packages] == ["consolidado"] * PACKAGES, res.text()
        assert state(w) == state(other)
    finally:
        other.close()


def test_a_group_commits_after_the_time_limit(world, monkeypatch):
    """The write lock is never held long: a group older than the limit commits after its package."""
    w = world
    ticks = iter(range(100))
    seen: list[int] = []
    real = consolidate._import_one

    def spying(db, pkg, **k):
        seen.append(consolidated(w))  # what another connection sees before each package
        return real(db, pkg, **k)

    monkeypatch.setattr(consolidate, "_import_one", spying)
    monkeypatch.setattr(write_group, "_now", lambda: next(ticks) * 0.6)
    w.H.import_packages(w.sent)
    # 0.6 s per package: a group of two, then the next begins
    assert seen == [1, 1, 3, 3, 5]
