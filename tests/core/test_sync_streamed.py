"""Headquarters reads a field package's records in parts and applies each in the package's one
transaction (issue 14: a million records with flat memory). With parts of two rows: a package
still goes in whole, and a problem in a later part — after earlier parts were written in the
transaction — still leaves headquarters exactly as it was."""

from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import select

from rcdesk.models.events import Attendance
from rcdesk.sync import streamed
from rcdesk.sync.keys import load_or_create
from tests.core.sync_world import ATTENDEE, World
from tests.core.test_sync_attacks import rebuild, refused


@pytest.fixture(scope="module")
def joined(tmp_path_factory) -> dict:
    return World.joined_template(tmp_path_factory.mktemp("joined-streamed"))


@pytest.fixture
def world(joined, tmp_path, monkeypatch):
    monkeypatch.setattr(streamed, "PART_ROWS", 2)
    w = World.copy_of(joined, tmp_path)
    yield w
    w.close()


def _package(w: World, n: int = 5):
    ids = w.add_attendance(w.a, w.ids["event"], n)
    return w.send(w.A), ids


def _lines(d: dict) -> list:
    return [json.loads(x) for x in d["records/attendance.jsonl"].splitlines() if x]


def _put(d: dict, lines: list) -> dict:
    return d | {"records/attendance.jsonl": "\n".join(json.dumps(x) for x in lines).encode() + b"\n"}


def test_a_package_read_in_parts_goes_in_whole(world):
    w = world
    path, ids = _package(w)
    res = w.H.import_packages([path])
    assert res.packages[0].status == "consolidado", res.text()
    with w.hq.session() as s:
        got = {a.id: a.full_name for a in s.scalars(select(Attendance).where(Attendance.id.in_(ids)))}
    assert sorted(got) == sorted(ids) and ATTENDEE in got.values()  # names decrypted part by part
    assert res.total().inserted >= len(ids)


def test_a_bad_row_in_the_last_part_changes_nothing(world, tmp_path):
    w = world
    path, _ = _package(w)
    ring = load_or_create(w.a)
    with zipfile.ZipFile(path) as z:
        cols = json.loads(z.read("manifest.json"))["tables"]["attendance"]["columns"]
    sq = cols.index("seq_no")

    def last_row_bad(d):
        lines = _lines(d)
        lines[-1][sq] = None
        return _put(d, lines)

    n = len(_lines({"records/attendance.jsonl": zipfile.ZipFile(path).read("records/attendance.jsonl")}))
    refused(
        w,
        rebuild(path, tmp_path / "malo.rcpaq", ring, members=last_row_bad),
        f"asistencia, fila {n}",
        "obligatorio",
    )


def test_an_id_repeated_in_a_later_part_changes_nothing(world, tmp_path):
    w = world
    path, _ = _package(w)
    ring = load_or_create(w.a)
    with zipfile.ZipFile(path) as z:
        cols = json.loads(z.read("manifest.json"))["tables"]["attendance"]["columns"]
    i = cols.index("id")

    def repeat_first(d):
        lines = _lines(d)
        lines[-1][i] = lines[0][i]
        return _put(d, lines)

    refused(w, rebuild(path, tmp_path / "doble.rcpaq", ring, members=repeat_first), "aparece dos veces")


def test_a_count_that_does_not_match_changes_nothing(world, tmp_path):
    w = world
    path, _ = _package(w)
    ring = load_or_create(w.a)

    def one_more(m):
        m["tables"]["attendance"]["count"] += 1
        m["counts"]["attendance"] += 1

    refused(w, rebuild(path, tmp_path / "cuenta.rcpaq", ring, manifest=one_more), "declara", "registros pero trae")

    def drop_last(d):
        return _put(d, _lines(d)[:-1])  # the personal lines are one more than the records

    refused(w, rebuild(path, tmp_path / "corto.rcpaq", ring, members=drop_last), "declara")


@pytest.fixture
def server_world(tmp_path, pg_url, monkeypatch):
    monkeypatch.setattr(streamed, "PART_ROWS", 2)
    w = World(tmp_path, pg_url)
    w.ids = w.seed_hq()
    w.join(w.a, w.A)
    yield w
    w.close()


def _readers() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name == "rcdesk-lectura-paquete"]


def test_on_a_server_parts_read_ahead_go_in_whole_or_not_at_all(server_world, tmp_path):
    """A server's consolidation reads the next part, and the next package, in a worker thread
    while it writes this one (`streamed.ReadAhead`): a package still goes in whole, and one with a
    bad row in a later part, read while the package before it was committing, still changes
    nothing and is reported by its row number; no reader is left behind."""
    w = server_world
    good, ids = _package(w)
    path, later = _package(w, 7)
    ring = load_or_create(w.a)
    with zipfile.ZipFile(path) as z:
        cols = json.loads(z.read("manifest.json"))["tables"]["attendance"]["columns"]
        n = len(_lines({"records/attendance.jsonl": z.read("records/attendance.jsonl")}))
    sq = cols.index("seq_no")

    def last_row_bad(d):
        lines = _lines(d)
        lines[-1][sq] = None
        return _put(d, lines)

    bad = rebuild(path, tmp_path / "malo.rcpaq", ring, members=last_row_bad)
    res = w.H.import_packages([good, bad])
    assert [p.status for p in res.packages] == ["consolidado", "rechazado"], res.text()
    assert f"asistencia, fila {n}" in " ".join(res.packages[1].details) and "obligatorio" in res.text()
    with w.hq.session() as s:
        got = {a.id: a.full_name for a in s.scalars(select(Attendance).where(Attendance.id.in_(ids + later)))}
    assert sorted(got) == sorted(ids) and ATTENDEE in got.values()  # the first whole, nothing of the second
    assert _readers() == []
    refused(w, bad, f"asistencia, fila {n}", "obligatorio")  # alone, the same refusal
    assert _readers() == []
