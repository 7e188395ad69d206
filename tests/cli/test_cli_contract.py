"""The command line is a contract other tools rely on: JSON shapes and exit codes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rcdesk.cli import main

SEEDS = sorted((Path(__file__).resolve().parents[2] / "rcdesk" / "data" / "seeds").glob("*.xlsx"))
LAYOUT_OF = {"000": "cpccs", "001": "murc", "002": "dated", "003": "murc", "004": "paac"}


def run(capsys, db: Path, *args: str) -> tuple[int, dict | None, str]:
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def dump(db: Path) -> list:
    with sqlite3.connect(db) as c:
        return list(c.iterdump())


def test_init_names_the_installation(capsys, tmp_path):
    db = tmp_path / "campo.db"
    code, out, _ = run(capsys, db, "init", "--no-encrypt", "--name", "Técnico cantón Guamote")
    assert code == 0
    assert out["name"] == "Técnico cantón Guamote" and out["role"] == "field"
    assert len(out["installation_id"]) == 36 and out["created"] is True
    code, again, _ = run(capsys, db, "init")
    assert again["installation_id"] == out["installation_id"] and again["created"] is False


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_plan_import_json_contract(capsys, tmp_path, seed):
    db = tmp_path / "r.db"
    extra = ["--entity", "Alcaldía de Ibagué"] if seed.name.startswith(("001", "003")) else []
    code, out, err = run(capsys, db, "plan", "import", str(seed), *extra)
    assert code == 0, err
    assert set(out) >= {"plan_id", "layout", "groups", "activities", "warnings"}
    assert out["layout"] == LAYOUT_OF[seed.name[:3]]
    assert out["activities"] > 0 and out["groups"] > 0 and isinstance(out["warnings"], list)

    code, listing, _ = run(capsys, db, "plan", "list")
    assert listing["plans"] == [
        {
            "plan_id": out["plan_id"],
            "entity": listing["plans"][0]["entity"],
            "year": listing["plans"][0]["year"],
            "layout": out["layout"],
            "activities": out["activities"],
            "title": listing["plans"][0]["title"],
        }
    ]
    code, shown, _ = run(capsys, db, "plan", "show", out["plan_id"])
    assert code == 0
    acts = [a for g in shown["groups"] for a in g["activities"]]
    assert len(acts) == out["activities"] and all(len(a["activity_id"]) == 36 for a in acts)


def test_export_import_round_trip_keeps_every_activity(capsys, tmp_path):
    db = tmp_path / "r.db"
    code, imported, _ = run(capsys, db, "plan", "import", str(SEEDS[4]))
    assert code == 0
    _, original, _ = run(capsys, db, "plan", "show", imported["plan_id"])
    for layout in ("original", "generic"):
        out = tmp_path / f"{layout}.xlsx"
        code, exported, _ = run(
            capsys, db, "plan", "export", imported["plan_id"], "--out", str(out), "--layout", layout
        )
        assert code == 0 and out.exists()
        db2 = tmp_path / f"{layout}.db"
        code, again, err = run(capsys, db2, "plan", "import", str(out))
        assert code == 0, err
        _, shown, _ = run(capsys, db2, "plan", "show", again["plan_id"])

        def fields(plan: dict) -> list:
            return [{k: v for k, v in a.items() if k != "activity_id"} for g in plan["groups"] for a in g["activities"]]

        assert fields(shown) == fields(original)
        assert [g["name"] for g in shown["groups"]] == [g["name"] for g in original["groups"]]


def test_bad_input_exits_2_in_spanish_and_changes_nothing(capsys, tmp_path):
    db = tmp_path / "r.db"
    assert run(capsys, db, "plan", "import", str(SEEDS[0]))[0] == 0
    before = dump(db)
    not_xlsx = tmp_path / "notas.xlsx"
    not_xlsx.write_text("esto no es un libro de Excel", "utf-8")
    code, out, err = run(capsys, db, "plan", "import", str(not_xlsx))
    assert code == 2 and "notas.xlsx" in out["errors"][0]["message"]  # a refused import says why in JSON too
    assert "notas.xlsx" in err
    code, _, err = run(capsys, db, "plan", "show", "no-existe")
    assert code == 2 and "No existe el plan" in err
    code, _, err = run(capsys, db, "plan", "export", "no-existe", "--out", str(tmp_path / "x.xlsx"))
    assert code == 2
    assert dump(db) == before


def test_usage_errors_exit_2(capsys, tmp_path):
    assert main(["--db", str(tmp_path / "r.db"), "plan", "import"]) == 2
    assert "faltan los argumentos" in capsys.readouterr().err


def test_demo_loads_the_five_seed_plans(capsys, demo_template, demo_db_path):
    _, out = demo_template  # `rcdesk demo --json`, run once for the whole session
    db = demo_db_path
    assert out["plans"] >= 5  # later capabilities may add plans for the current vigencia
    _, listing, _ = run(capsys, db, "plan", "list")
    seeds = sorted((p["year"], p["layout"]) for p in listing["plans"] if p["year"] <= 2022)
    assert seeds == [(2020, "dated"), (2021, "cpccs"), (2021, "murc"), (2022, "murc"), (2022, "paac")]


def test_backup_and_restore_commands(capsys, tmp_path):
    db = tmp_path / "r.db"
    run(capsys, db, "init", "--no-encrypt")
    code, out, _ = run(capsys, db, "backup")
    assert code == 0 and Path(out["backup"]).exists()
    run(capsys, db, "plan", "import", str(SEEDS[0]))
    code, restored, err = run(capsys, db, "restore", out["backup"])
    assert code == 0, err
    _, listing, _ = run(capsys, db, "plan", "list")
    assert listing["plans"] == []
    code, backups, _ = run(capsys, db, "backups")
    assert len(backups["backups"]) == 2  # the manual copy and the safety copy taken by restore


def test_python_dash_m_entry_point(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "rcdesk", "--db", str(tmp_path / "m.db"), "--json", "plan", "list"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"plans": []}
