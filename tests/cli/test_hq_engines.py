"""Headquarters answers the same on SQLite and on PostgreSQL (issue 11).

The session's demo, turned into a headquarters that went through the demo's exchange with a
field laptop, is moved into a server database with `rcdesk server move`; every command
a headquarters operator runs — lists, compliance, people search, conflict review, the follow-up,
CPCCS and consolidated workbooks — must then answer the same on both, byte for byte in JSON and
cell for cell in the workbooks.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from rcdesk.cli import main
from rcdesk.paths import AppPaths


def run(target: Path | str, *args: str) -> tuple[int, object, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(target), "--json", *args])
    text = out.getvalue().replace(str(target), "BASE")
    return code, (json.loads(text) if text.strip() else None), err.getvalue().replace(str(target), "BASE")


def copy_file_database(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    companion = AppPaths.for_database(source).data
    if companion.exists():
        shutil.copytree(companion, AppPaths.for_database(target).data)
    return target


@pytest.fixture
def engines(hq_demo, blank_pg_url, tmp_path, monkeypatch) -> dict[str, Path | str]:
    """The same headquarters on each engine: the file, and the server it was moved to with
    `rcdesk server move` (tests/cli/test_server_move.py), its keys sealed under a passphrase."""
    from rcdesk.db.move_to_server import move

    monkeypatch.setenv("RCDESK_HQ_PASSPHRASE", "frase de la sede de pruebas")
    path = copy_file_database(hq_demo[0], tmp_path / "sqlite" / "sede.db")
    move(path, blank_pg_url, passphrase=b"frase de la sede de pruebas")
    return {"sqlite": path, "postgresql": blank_pg_url}


def both(engines: dict[str, Path | str], *args: str) -> tuple:
    """What the command answers on SQLite, after checking PostgreSQL answers the same."""
    a, b = (run(engines[k], *args) for k in ("sqlite", "postgresql"))
    assert a == b, f"rcdesk {' '.join(args)} differs between engines"
    return a


_STAMP = re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d")  # «generado 02/12/2026 08:39»: when, not what


def workbook(path: Path) -> dict[str, list[tuple]]:
    import openpyxl

    def cell(v: object) -> object:
        return _STAMP.sub("(hora)", v) if isinstance(v, str) else v

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(map(cell, r)) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def test_every_read_command_answers_the_same(engines):
    code, plans, _ = both(engines, "plan", "list")
    assert code == 0 and len(plans["plans"]) >= 5
    for args in (
        ("conflicts", "list"),
        ("package", "log"),
        ("installation", "list"),
        ("event", "list"),
        ("commitment", "list"),
        ("poa", "list"),
        ("poa", "units"),
        ("deadlines",),
        ("question", "list"),
        ("visit", "list"),
        ("oficio", "list"),
    ):
        assert both(engines, *args)[0] == 0, args
    for p in plans["plans"]:
        code, out, _ = both(engines, "compliance", p["plan_id"], "--cut", f"{p['year']}-06-30")
        assert code == 0 and out["colors"], p  # bare-column MAX() once failed on PostgreSQL here
    first = plans["plans"][0]
    assert both(engines, "compliance", first["plan_id"], "--cut", f"{first['year']}-09-30", "--weighted")[0] == 0
    assert both(engines, "plan", "show", first["plan_id"])[0] == 0


@pytest.mark.parametrize("typed", ["mar", "MARÍA", "gua", "06", "juan pe", "zzz"])
def test_people_search_through_the_command_line_answers_the_same(engines, typed):
    code, out, _ = both(engines, "person", "search", typed)
    assert code == 0
    if typed == "zzz":
        assert not out["people"]


def test_report_workbooks_hold_the_same_cells(engines, tmp_path):
    _, plans, _ = run(engines["sqlite"], "plan", "list")
    outputs = [
        ("report", "seguimiento", p["plan_id"], "--cut", f"{p['year']}-06-30", "--out", f"seg{i}.xlsx")
        for i, p in enumerate(plans["plans"][:3])
    ]
    year = str(max(p["year"] for p in plans["plans"]))
    outputs += [
        ("export", "consolidated", "--out", "consolidado.xlsx"),
        ("report", "cpccs", "--year", year, "--out", "cpccs.xlsx"),
        ("report", "murc", plans["plans"][0]["plan_id"], "--out", "murc.xlsx"),
    ]
    for args in outputs:
        books = []
        for engine, target in engines.items():
            out = tmp_path / engine / args[-1]
            out.parent.mkdir(exist_ok=True)
            code, _, err = run(target, *args[:-1], str(out))
            assert code == 0, (engine, args, err)
            books.append(workbook(out))
        assert books[0] == books[1], f"{args[:2]}: the workbooks differ between engines"


def test_conflict_review_decides_the_same_on_both(engines):
    code, listed, _ = both(engines, "conflicts", "list")
    (conflict,) = listed["conflicts"]
    fields = conflict["fields"]
    assert fields
    choices = [f"{f['field']}={'campo' if i % 2 == 0 else 'sede'}" for i, f in enumerate(fields)]
    args = ["conflicts", "resolve", conflict["conflict_id"], *(x for c in choices for x in ("--field", c))]
    code, out, _ = both(engines, *args)
    assert code == 0
    # decided once: a second decision is refused in Spanish and changes nothing
    code, _, err = both(engines, *args)
    assert code == 2 and err
    assert both(engines, "conflicts", "list")[1]["conflicts"] == []


def test_init_and_the_demo_exchange_on_each_engine(hq_target, demo_template, hq_demo, tmp_path):
    """`init` and the demo's headquarters step (a real exchange with a throw-away laptop) run on
    either engine with the same counts."""
    from rcdesk.db.database import Database
    from rcdesk.demo import sync as demo_sync
    from rcdesk.jobs import no_progress
    from tests.pg_copy import copy_sqlite_to_server

    if isinstance(hq_target, str):
        copy_sqlite_to_server(demo_template[0], hq_target)
    else:
        copy_file_database(demo_template[0], hq_target)
    code, first, _ = run(hq_target, "init", "--role", "hq", "--name", "Sede Riobamba")
    assert code == 0 and first["role"] == "hq"
    code, again, _ = run(hq_target, "init")
    assert code == 0 and again["installation_id"] == first["installation_id"] and again["role"] == "hq"
    db = Database.open(hq_target)
    try:
        assert demo_sync.load(db, no_progress) == hq_demo[1]
    finally:
        db.close()
    code, listed, _ = run(hq_target, "conflicts", "list")
    assert code == 0 and len(listed["conflicts"]) == 1
