"""`rcdesk poa …`, `report cpccs|poa`, `visit …`, `oficio …`: JSON shapes, exit codes, nothing
written on bad input."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from rcdesk.cli import main
from tests.core import poa_world as pw


def run(capsys, db: Path, *args: str) -> tuple[int, dict | None, str]:
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def world(db_path: Path) -> pw.World:
    from rcdesk.db.database import Database

    with Database.open(db_path) as db:
        return pw.make_world(db)


def dump(db: Path) -> list:
    with sqlite3.connect(db) as c:
        return [line for line in c.iterdump() if "installation" not in line]


def test_import_list_export_and_eval(capsys, tmp_path):
    db = tmp_path / "t.db"
    w = world(db)
    book = pw.messy_two_row_header(tmp_path / "poa.xlsx")
    code, out, _ = run(capsys, db, "poa", "import", str(book), "--dry-run", "--replace")
    assert code == 0 and out["poa_ids"] == [] and out["metas"] == 3
    code, out, err = run(capsys, db, "poa", "import", str(book))
    assert code == 2 and out["errors"][0]["message"].startswith("Ya existe el POA 2025 de «Jefatura Política de Guano»")
    assert "Ya existe el POA 2025 de «Jefatura Política de Guano»" in err
    code, out, _ = run(capsys, db, "poa", "import", str(book), "--replace")
    assert code == 0 and len(out["poa_ids"]) == 2 and out["replaced"] == 2
    code, out, _ = run(capsys, db, "poa", "list", "--year", "2025", "--canton", "Guano")
    assert code == 0 and {p["unit"] for p in out["poas"]} == {
        "Jefatura Política de Guano",
        "Tenencia Política de San Andrés",
    }
    code, out, _ = run(
        capsys,
        db,
        "poa",
        "export",
        "--unit",
        "Jefatura Política de Chambo",
        "--year",
        "2025",
        "--out",
        str(tmp_path / "chambo.xlsx"),
    )
    assert code == 0 and Path(out["out"]).exists() and out["metas"] == 1
    code, out, _ = run(capsys, db, "poa", "eval", "--cut", "2025-06-30", "--level", "unidad")
    assert code == 0 and out["year"] == 2025 and out["cut"] == "2025-06-30"
    chambo = next(r for r in out["rows"] if r["label"] == "Jefatura Política de Chambo")
    assert chambo["pct"] == 37.5 and chambo["light"] == "rojo"
    assert w.jp_chambo


def test_bad_workbook_exit_2_spanish_and_db_unchanged(capsys, tmp_path):
    db = tmp_path / "t.db"
    world(db)
    before = dump(db)
    code, out, err = run(capsys, db, "poa", "import", str(pw.bad_workbook(tmp_path / "malo.xlsx")))
    assert (
        code == 2
        and {"sheet": "POA 2025", "row": 3, "column": "E", "header": "Meta anual", "message": "«doce» no es un número."}
        in out["errors"]
    )
    assert "no se importó nada" in err and "fila 3, columna E («Meta anual»): «doce» no es un número" in err
    code, _, err = run(
        capsys, db, "poa", "export", "--unit", "Unidad inexistente", "--year", "2025", "--out", str(tmp_path / "x.xlsx")
    )
    assert code == 2 and "No existe la unidad «Unidad inexistente»" in err
    code, _, err = run(capsys, db, "poa", "record", "--meta", "nada", "--period", "1", "--executed", "-3")
    assert code == 2 and "no puede ser negativo" in err
    assert dump(db) == before


def test_record_execution_with_warning(capsys, tmp_path):
    db = tmp_path / "t.db"
    w = world(db)
    code, out, _ = run(
        capsys,
        db,
        "poa",
        "record",
        "--meta",
        w.meta_12,
        "--period",
        "3",
        "--executed",
        "5",
        "--codificado",
        "100",
        "--devengado",
        "120,5",
    )
    assert code == 0 and out["devengado"] == 120.5
    assert any("supera al codificado" in x for x in out["warnings"])


def test_reports(capsys, tmp_path):
    db = tmp_path / "t.db"
    world(db)
    code, out, _ = run(
        capsys,
        db,
        "report",
        "cpccs",
        "--year",
        "2025",
        "--out",
        str(tmp_path / "c.xlsx"),
        "--cut",
        "2025-06-30",
        "--budget-type",
        "PROGRAMA",
    )
    assert code == 0 and out["metas"] == 4 and out["budget_type"] == "PROGRAMA Y/O PROYECTO"
    code, out, _ = run(capsys, db, "report", "poa", "--cut", "2025-06-30", "--out", str(tmp_path / "e.pdf"))
    assert code == 0 and out["pages"] >= 2 and (tmp_path / "e.pdf").read_bytes().startswith(b"%PDF")
    code, _, err = run(capsys, db, "report", "poa", "--cut", "30/06/2025", "--out", str(tmp_path / "e.pdf"))
    assert code == 2 and "no es una fecha válida" in err


def test_visits_and_oficios(capsys, tmp_path):
    db = tmp_path / "t.db"
    world(db)
    code, out, _ = run(
        capsys,
        db,
        "visit",
        "add",
        "--canton",
        "Guano",
        "--date",
        "2025-06-18",
        "--team",
        "Ing. Ana Pilco",
        "--unit",
        "Jefatura Política de Guano",
        "--unit",
        "San Andrés",
        "--findings",
        "Sin vehículo",
        "--commitment",
        "Remitir actas",
    )
    assert code == 0 and out["units"] == ["Jefatura Política de Guano", "Tenencia Política de San Andrés"]
    assert out["commitments"] == 1 and out["open_commitments"] == 1
    code, out2, _ = run(capsys, db, "visit", "report", out["visit_id"][:13], "--out", str(tmp_path / "v.pdf"))
    assert code == 0 and (tmp_path / "v.pdf").exists()
    code, out, _ = run(
        capsys,
        db,
        "oficio",
        "add",
        "--number",
        "GCH-PLA-2025-0999-O",
        "--date",
        "2025-12-23",
        "--unit",
        "Jefatura Política de Guano",
        "--subject",
        "Información T4",
        "--term",
        "3",
    )
    assert code == 0 and out["due_date"] == "2025-12-29"
    code, out, _ = run(capsys, db, "oficio", "list", "--overdue", "--today", "2025-12-31")
    assert code == 0 and out["overdue"] == 1 and out["oficios"][0]["days_late"] == 2
    code, out, _ = run(capsys, db, "oficio", "answer", out["oficios"][0]["oficio_id"], "--date", "2025-12-30")
    assert code == 0 and out["state"] == "RESPONDIDO_TARDE"
    code, _, err = run(capsys, db, "visit", "add", "--canton", "Gotham", "--date", "2025-06-18")
    assert code == 2 and "No existe el cantón «Gotham»" in err


def test_plan_indicativo_into_an_empty_database_needs_and_creates_its_entity(capsys, tmp_path):
    from tests.core import real_poa_workbooks as rw

    db = tmp_path / "t.db"
    assert main(["--db", str(db), "init", "--no-encrypt", "--name", "Prueba"]) == 0
    capsys.readouterr()
    book, _ = rw.plan_indicativo(tmp_path / "pdm.xlsx")
    before = dump(db)
    code, out, err = run(capsys, db, "poa", "import", str(book))
    assert code == 2 and "No hay una entidad registrada" in err and dump(db) == before
    code, out, err = run(capsys, db, "poa", "import", str(book), "--entity", "Municipio de San Isidro")
    assert code == 2 and "indique su país" in err
    code, out, _ = run(
        capsys, db, "poa", "import", str(book), "--entity", "Municipio de San Isidro", "--country", "CO", "--dry-run"
    )
    assert code == 0 and out["dry_run"] and out["metas"] == 12 and dump(db) == before
    assert out["values"] == {"planned": 48, "executed": 48}
    assert [c["header"] for c in out["ignored_columns"]] == ["Observación del enlace"]
    code, real, _ = run(
        capsys,
        db,
        "poa",
        "import",
        str(book),
        "--entity",
        "Municipio de San Isidro",
        "--country",
        "CO",
        "--year",
        "2024",
    )
    assert code == 0 and real["metas"] == 6 and sorted(real["new_units"]) == sorted(out["new_units"])
    code, listing, _ = run(capsys, db, "entity", "list")
    assert [e["name"] for e in listing.get("entities", listing.get("institutions", []))] == ["Municipio de San Isidro"]


def test_an_empty_required_date_is_refused_in_spanish_and_changes_nothing(capsys, tmp_path):
    """`--cut ""` / `--date ""` (an empty cell pasted into a script) once crashed with an
    AttributeError or reached the service without a date."""
    db = tmp_path / "t.db"
    world(db)
    before = dump(db)
    code, _, err = run(capsys, db, "report", "poa", "--cut", "", "--out", str(tmp_path / "poa.pdf"))
    assert code == 2 and "Fecha de corte: falta la fecha" in err and "Traceback" not in err
    assert not (tmp_path / "poa.pdf").exists()
    code, _, err = run(
        capsys, db, "oficio", "add", "--number", "X-1", "--date", " ", "--unit", "San Andrés", "--subject", "Informe"
    )
    assert code == 2 and "Fecha de envío: falta la fecha" in err
    code, _, err = run(capsys, db, "visit", "add", "--canton", "Guano", "--date", "", "--unit", "San Andrés")
    assert code == 2 and "Fecha de la visita: falta la fecha" in err
    assert dump(db) == before
