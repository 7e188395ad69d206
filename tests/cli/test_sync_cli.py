"""Command line of the field ↔ headquarters exchange: JSON shapes, exit codes, a short season."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from rcdesk.cli import main


def run(capsys, db: Path, *args: str) -> tuple[int, dict | None, str]:
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def dump(db: Path) -> list:
    with sqlite3.connect(db) as c:
        return list(c.iterdump())


def test_season_through_the_command_line(capsys, tmp_path):
    hq, a = tmp_path / "sede.db", tmp_path / "campo.db"
    code, out, _ = run(capsys, hq, "init", "--role", "hq", "--name", "Sede Riobamba")
    assert code == 0 and out["role"] == "hq"
    code, out, _ = run(capsys, a, "init", "--no-encrypt", "--name", "Técnico Guano")
    assert code == 0 and out["role"] == "field"
    code, me, _ = run(capsys, a, "installation", "show")
    assert {"installation_id", "name", "role", "trusted"} <= set(me) and me["role"] == "field"
    aid = me["installation_id"]

    # without a base package the laptop cannot encrypt for headquarters
    code, _, err = run(capsys, a, "package", "export", "--out", str(tmp_path / "p0.rcpaq"))
    assert code == 2 and "paquete base" in err

    base = tmp_path / "base.rcpaq"
    code, out, _ = run(
        capsys,
        hq,
        "base",
        "export",
        "--installation",
        aid,
        "--out",
        str(base),
        "--name",
        "Técnico Guano",
        "--territory",
        "0603",
    )
    assert code == 0 and out["seq"] == 1 and out["assignments"] == 1 and out["scope"] == "asignado"
    code, out, _ = run(
        capsys, hq, "base", "export", "--installation", aid, "--out", str(tmp_path / "todo.rcpaq"), "--todo"
    )
    assert code == 0 and out["scope"] == "todo" and out["assignments"] == 1  # assignments kept, not applied
    code, out, _ = run(capsys, a, "base", "import", str(base))
    assert code == 0 and out["packages"] == 1 and out["rejected"] == []

    code, _, _ = run(capsys, a, "plan", "list")  # the CLI of other capabilities still works
    from rcdesk.db.database import Database
    from rcdesk.models.reference import Institution

    with Database.open(a) as db, db.begin() as s:
        s.add(Institution(name='=HYPERLINK("http://x")', country="EC", kind="OTRA"))
    p1 = tmp_path / "p1.rcpaq"
    code, out, _ = run(capsys, a, "package", "export", "--out", str(p1))
    assert code == 0 and out["seq"] == 1 and out["records"] >= 1

    code, out, _ = run(capsys, hq, "package", "import", str(p1))
    assert code == 0
    assert {"packages", "inserted", "updated", "unchanged", "conflicts", "rejected"} <= set(out)
    assert out["packages"] == 0 and out["quarantined"]
    code, out, _ = run(capsys, hq, "installation", "list")
    pending = [i for i in out["installations"] if i["installation_id"] == aid][0]
    assert pending["trusted"] is False and pending["name"] == "Técnico Guano"
    code, out, _ = run(capsys, hq, "installation", "trust", aid)
    assert code == 0 and out["trusted"] is True and out["import"]["packages"] == 1
    assert out["import"]["inserted"] >= 1

    # the same file again: refused with a reason, nothing changes
    before = dump(hq)
    code, out, err = run(capsys, hq, "package", "import", str(p1))
    assert code == 2 and out["packages"] == 0  # a script sees the refusal; the JSON still explains it
    assert out["rejected"][0]["file"] == "p1.rcpaq" and "ya fue consolidado" in out["rejected"][0]["reason"]
    assert "p1.rcpaq" in err
    assert dump(hq) == before

    rc = tmp_path / "acuse.rcpaq"
    code, out, _ = run(capsys, hq, "receipt", "export", "--installation", aid, "--out", str(rc))
    assert code == 0 and out["consolidated_seq"] == 1
    code, out, _ = run(capsys, a, "receipt", "import", str(rc))
    assert code == 0 and out["packages"] == 1
    code, me, _ = run(capsys, a, "installation", "show")
    assert me["pending_records"] == 0

    code, out, _ = run(capsys, hq, "conflicts", "list")
    assert code == 0 and out["conflicts"] == []
    xlsx = tmp_path / "consolidado.xlsx"
    code, out, _ = run(capsys, hq, "export", "consolidated", "--out", str(xlsx))
    assert code == 0 and xlsx.is_file()
    from openpyxl import load_workbook

    ws = load_workbook(xlsx)["Instituciones"]
    cell = next(c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("=HYPER"))
    assert cell.data_type == "s" and cell.quotePrefix
    code, out, _ = run(capsys, hq, "export", "consolidated", "--out", str(tmp_path / "consolidado.pdf"))
    assert code == 0 and (tmp_path / "consolidado.pdf").read_bytes()[:4] == b"%PDF"
    code, out, _ = run(capsys, hq, "package", "log")
    assert {p["kind"] for p in out["packages"]} == {"base", "field", "receipt"}


def test_conflict_resolution_and_bad_input(capsys, tmp_path):
    from tests.core.sync_world import World

    w = World(tmp_path)
    ids = w.seed_hq()
    w.join(w.a, w.A)
    w.join(w.b, w.B)
    from rcdesk.models.plans import PlanActivity

    a1 = ids["acts"][0]
    w.edit(w.a, PlanActivity, a1, meta="A")
    w.edit(w.b, PlanActivity, a1, meta="B", indicator="Actas")
    w.H.import_packages([w.send(w.A), w.send(w.B)])
    hq = w.hq.paths.database
    w.close()
    code, out, _ = run(capsys, hq, "conflicts", "list")
    assert code == 0 and len(out["conflicts"]) == 1
    c = out["conflicts"][0]
    assert {f["field"] for f in c["fields"]} == {"meta", "indicator"}
    code, _, err = run(capsys, hq, "conflicts", "resolve", c["conflict_id"])
    assert code == 2 and "--choice" in err
    code, _, err = run(capsys, hq, "conflicts", "resolve", c["conflict_id"], "--field", "color=campo")
    assert code == 2 and "desconocido" in err
    code, out, _ = run(capsys, hq, "conflicts", "resolve", c["conflict_id"][:12], "--field", "indicator=campo")
    assert code == 0 and out["changed"] == ["indicator"]
    with sqlite3.connect(hq) as con:
        meta, ind = con.execute("SELECT meta, indicator FROM plan_activity WHERE id = ?", (a1,)).fetchone()
    assert (meta, ind) == ("A", "Actas")

    before = dump(hq)
    code, _, err = run(capsys, hq, "installation", "trust", "zzzz")
    assert code == 2 and "No hay ninguna instalación" in err
    code, out, _ = run(capsys, hq, "package", "import", str(tmp_path / "no-existe.rcpaq"))
    assert code == 2 and "No existe" in out["rejected"][0]["reason"]
    code, _, err = run(capsys, hq, "base", "export", "--installation", "abc", "--out", str(tmp_path / "b.rcpaq"))
    assert code == 2 and "identificador" in err
    code, _, err = run(capsys, hq, "export", "consolidated", "--out", str(tmp_path / "x.docx"))
    assert code == 2 and ".xlsx o .pdf" in err
    assert dump(hq) == before


def test_keys_export_import_cli(capsys, tmp_path, monkeypatch):
    db = tmp_path / "campo.db"
    run(capsys, db, "init", "--no-encrypt")
    out_file = tmp_path / "claves.json"
    monkeypatch.setenv("RCDESK_KEYS_PASSPHRASE", "una frase larga")
    code, out, _ = run(capsys, db, "keys", "export", "--out", str(out_file))
    assert code == 0 and out_file.is_file()
    code, out, _ = run(capsys, db, "keys", "import", str(out_file))
    assert code == 0 and len(out["fingerprint"]) == 39
    code, _, err = run(capsys, db, "keys", "import", str(out_file), "--passphrase", "equivocada!")
    assert code == 2 and "frase de paso" in err
