"""`rcdesk cpccs set|show` and `rcdesk report cpccs`: exit codes, Spanish refusals naming the valid
names, nothing written on bad input."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from rcdesk.cli import main
from tests.core import poa_world as pw


def run(capsys, db: Path, *args: str) -> tuple[int, dict | None, str]:
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def world(db_path: Path) -> None:
    from rcdesk.db.database import Database

    with Database.open(db_path) as db:
        pw.make_world(db)


def test_set_show_and_report(capsys, tmp_path):
    db = tmp_path / "t.db"
    world(db)
    code, out, _ = run(
        capsys,
        db,
        "cpccs",
        "set",
        "transparencia",
        "--year",
        "2025",
        "--field",
        "art19.aplica",
        "si",
        "--field",
        "art19.link",
        "https://gob.ec/lotaip",
        "--field",
        "art29.aplica",
        "NO",
    )
    assert code == 0 and out["state"] == "completa"
    assert out["form"] == {"art19": {"aplica": "SI", "link": "https://gob.ec/lotaip"}, "art29": {"aplica": "NO"}}
    answers = tmp_path / "contratacion.json"
    answers.write_text(json.dumps({"filas": [{"tipo": "NO SE REALIZARON CONTRATACIONES"}]}), encoding="utf-8")
    code, out, _ = run(capsys, db, "cpccs", "set", "contratacion", "--year", "2025", "--file", str(answers))
    assert code == 0 and out["state"] == "completa"
    code, out, _ = run(capsys, db, "cpccs", "show", "--year", "2025")
    states = {s["section"]: s["state"] for s in out["sections"]}
    assert states["transparencia"] == states["contratacion"] == "completa"
    assert states["datos_generales"] == "incompleta"
    code, out, _ = run(capsys, db, "cpccs", "show", "transparencia", "--year", "2025")
    assert code == 0 and out["rows"][1][1:] == ["NO", "NO APLICA"]

    code, out, _ = run(capsys, db, "report", "cpccs", "--year", "2025", "--out", str(tmp_path / "i.xlsx"))
    assert code == 0 and out["incompleta"] + out["completa"] + out["no_aplica"] == len(out["sections"])
    assert load_workbook(tmp_path / "i.xlsx").sheetnames[0] == "Estado del informe"
    code, out, _ = run(capsys, db, "report", "cpccs", "--year", "2025", "--out", str(tmp_path / "i.pdf"))
    assert code == 0 and (tmp_path / "i.pdf").read_bytes().startswith(b"%PDF")


def test_bad_names_and_values_exit_2_and_change_nothing(capsys, tmp_path):
    db = tmp_path / "t.db"
    world(db)
    cases = [
        (
            ("cpccs", "set", "transparencias", "--year", "2025", "--field", "a", "b"),
            "Secciones válidas: datos_generales, cobertura",
        ),
        (
            ("cpccs", "set", "transparencia", "--year", "2025", "--field", "art30.aplica", "si"),
            "Filas válidas: art19, art29",
        ),
        (
            ("cpccs", "set", "transparencia", "--year", "2025", "--field", "art19.aplicado", "si"),
            "Campos válidos: aplica, link",
        ),
        (
            ("cpccs", "set", "datos_generales", "--year", "2025", "--field", "representante", "Ana"),
            "Campos válidos: ruc, funcion",
        ),
        (("cpccs", "set", "transparencia", "--year", "2025", "--field", "art19.link", "www.gob.ec"), "no es un enlace"),
        (("cpccs", "set", "transparencia", "--year", "2025"), "Nada que guardar"),
        (("cpccs", "set", "transparencia", "--year", "2025", "--file", str(tmp_path / "no.json")), "No existe"),
        (("cpccs", "show", "nada", "--year", "2025"), "Secciones válidas"),
        (("report", "cpccs", "--year", "2025", "--out", str(tmp_path / "x.csv")), "se escribe como .xlsx"),
    ]
    for args, message in cases:
        code, _, err = run(capsys, db, *args)
        assert code == 2, args
        assert message in err, (args, err)
        assert "Traceback" not in err
    code, out, _ = run(capsys, db, "cpccs", "show", "transparencia", "--year", "2025")
    assert out["form"] == {}


def test_import_filled_workbook(capsys, tmp_path):
    db = tmp_path / "t.db"
    world(db)
    book = tmp_path / "informe.xlsx"
    code, _, _ = run(capsys, db, "report", "cpccs", "--year", "2025", "--out", str(book))
    assert code == 0
    wb = load_workbook(book)
    ws = wb["Transparencia"]
    r = next(c.row for row in ws.iter_rows() for c in row if c.value and "ART. 19" in str(c.value))
    ws.cell(r, 2, "SI")
    ws.cell(r, 3, "https://gob.ec/lotaip")
    wb.save(book)
    code, out, _ = run(capsys, db, "cpccs", "import", str(book), "--year", "2025", "--dry-run")
    assert code == 0 and out["dry_run"] and [c["cell"] for c in out["changes"]] == [f"B{r}", f"C{r}"]
    code, out, _ = run(capsys, db, "cpccs", "show", "transparencia", "--year", "2025")
    assert out["form"] == {}
    code, out, _ = run(capsys, db, "cpccs", "import", str(book), "--year", "2025")
    assert code == 0 and out["sections"] == ["transparencia"] and out["states"] == {"transparencia": "incompleta"}
    code, out, _ = run(capsys, db, "cpccs", "show", "transparencia", "--year", "2025")
    assert out["form"] == {"art19": {"aplica": "SI", "link": "https://gob.ec/lotaip"}}

    ws.cell(r, 3, "gob.ec")
    wb.save(book)
    code, _, err = run(capsys, db, "cpccs", "import", str(book), "--year", "2025")
    assert code == 2 and f"Hoja «Transparencia», fila {r}, campo «LINK AL MEDIO DE VERIFICACIÓN" in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, db, "cpccs", "show", "transparencia", "--year", "2025")
    assert out["form"]["art19"]["link"] == "https://gob.ec/lotaip"
