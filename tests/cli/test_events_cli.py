"""Command-line contract of the events capability (--json keys, exit codes, DB unchanged on bad input)."""

import json

import pytest
from openpyxl import Workbook

from rcdesk.cli import main


def run(capsys, db_path, *args):
    code = main(["--db", str(db_path), "--json", *args])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out.strip() else None), out.err


@pytest.fixture
def event_id(capsys, tmp_path):
    code, data, err = run(
        capsys,
        tmp_path / "c.db",
        "event",
        "create",
        "--title",
        "Deliberación pública",
        "--date",
        "2026-05-20",
        "--territory",
        "0601",
        "--type",
        "DELIBERACION_PUBLICA",
    )
    assert code == 0, err
    return data["event_id"]


def _sheet(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Registro de asistencia"])
    ws.append(["Nombres y apellidos", "Cédula", "Organización"])
    ws.append(["María García", "1714307103", "Barrio La Paz"])
    ws.append(["Juan Pérez", 926687856, ""])
    ws.append(["Ana López", "1714307104", ""])
    ws.append(["María G.", "1714307103", ""])
    wb.save(path)
    return path


def test_event_create_and_list(capsys, tmp_path, event_id):
    code, data, _ = run(capsys, tmp_path / "c.db", "event", "list")
    assert code == 0 and [e["event_id"] for e in data["events"]] == [event_id]
    assert data["events"][0]["territory"] == "0601"


def test_event_create_bad_input(capsys, tmp_path):
    db = tmp_path / "c.db"
    code, _, err = run(capsys, db, "event", "create", "--title", "X", "--date", "20/05/2026")
    assert code == 2 and "AAAA-MM-DD" in err
    code, _, err = run(capsys, db, "event", "create", "--title", "X", "--date", "2026-05-20", "--type", "FIESTA")
    assert code == 2 and "Tipo de evento" in err
    code, data, _ = run(capsys, db, "event", "list")
    assert data["events"] == []


def test_attendance_import_json_contract(capsys, tmp_path, event_id):
    db, sheet = tmp_path / "c.db", _sheet(tmp_path / "a.xlsx")
    code, data, err = run(capsys, db, "attendance", "import", event_id, str(sheet), "--dry-run")
    assert code == 0 and data["imported"] == 0 and data["importable"] == 3
    code, data, err = run(capsys, db, "attendance", "import", event_id, str(sheet), "--invalid", "reject")
    assert code == 0, err
    for key in ("rows", "imported", "duplicates", "invalid_ids", "repaired_ids", "rejected"):
        assert key in data
    assert (
        data["rows"],
        data["imported"],
        data["duplicates"],
        data["invalid_ids"],
        data["repaired_ids"],
        data["rejected"],
    ) == (4, 2, 1, 1, 1, 1)


def test_attendance_import_without_name_column_changes_nothing(capsys, tmp_path, event_id):
    db = tmp_path / "c.db"
    bad = tmp_path / "b.csv"
    bad.write_text("cedula;telefono\n1714307103;099\n", encoding="utf-8")
    code, _, err = run(capsys, db, "attendance", "import", event_id, str(bad))
    assert code == 2 and "columna de nombres" in err
    code, data, _ = run(capsys, db, "attendance", "list", event_id)
    assert data["attendees"] == []


def test_door_registration_fills_from_directory(capsys, tmp_path, event_id):
    db = tmp_path / "c.db"
    assert run(capsys, db, "attendance", "add", event_id, "--name", "María García", "--id", "1714307103")[0] == 0
    _, other, _ = run(capsys, db, "event", "create", "--title", "Mesa", "--date", "2026-06-02")
    code, data, _ = run(capsys, db, "attendance", "add", other["event_id"], "--id", "1714307103")
    assert code == 0 and data["from_directory"] and data["full_name"] == "María García"
    code, _, err = run(capsys, db, "attendance", "add", other["event_id"], "--id", "1714307103")
    assert code == 2 and "ya está registrado" in err


def test_sheets_and_actas(capsys, tmp_path, event_id):
    db = tmp_path / "c.db"
    run(capsys, db, "attendance", "add", event_id, "--name", "María García", "--id", "1714307103")
    for extra in (["--blank"], [], ["--published"]):
        out = tmp_path / f"s{len(extra)}{extra[:1]}.pdf"
        code, data, err = run(capsys, db, "attendance", "sheet", event_id, *extra, "--out", str(out))
        assert code == 0, err
        assert out.read_bytes().startswith(b"%PDF")
    out = tmp_path / "acta.pdf"
    code, data, err = run(capsys, db, "acta", event_id, "--kind", "compromiso", "--out", str(out))
    assert code == 0 and len(data["sha256"]) == 64 and data["number"] == "001-2026"
    code, ver, _ = run(capsys, db, "acta", "verify", str(out))
    assert code == 0 and ver["status"] == "valid" and ver["sha256"] == data["sha256"]
    assert ver["pdf_sha256"] == data["pdf_sha256"] and ver["signature"] == "valid"
    code, ver, _ = run(capsys, db, "acta", "verify", "--code", data["sha256"][:16])
    assert code == 0 and ver["status"] == "valid" and ver["number"] == "001-2026" and ver["event_date"] == "2026-05-20"
    assert ver["issuer"] and ver["signer_fingerprint"]
    altered = tmp_path / "alterada.pdf"
    altered.write_bytes(out.read_bytes() + b"%")
    code, ver, err = run(capsys, db, "acta", "verify", str(altered))
    assert code == 2 and ver is None and "La copia no coincide con ninguna acta emitida" in err
    code, _, err = run(capsys, db, "acta", "verify", "--code", "0" * 16)
    assert code == 2 and "no corresponde a ninguna acta" in err
    assert main(["--db", str(db), "acta", "verify", "--code", data["sha256"]]) == 0
    shown = capsys.readouterr().out
    assert "Acta No. 001-2026" in shown and "Firma: firma válida" in shown and data["sha256"] in shown
    code, _, err = run(capsys, db, "acta", event_id, "--kind", "compromiso")
    assert code == 2 and "--out" in err


def test_questions_and_commitments_commands(capsys, tmp_path, event_id):
    db = tmp_path / "c.db"
    code, q, _ = run(
        capsys,
        db,
        "question",
        "add",
        "--event",
        event_id,
        "--name",
        "Ana",
        "--text",
        "¿Cuánto?",
        "--date",
        "2026-07-31",
    )
    assert code == 0 and q["due_date"] == "2026-08-24"
    code, data, _ = run(capsys, db, "question", "list", "--overdue")
    assert [x["question_id"] for x in data["questions"]] == [q["question_id"]]
    code, a, _ = run(capsys, db, "question", "answer", q["question_id"], "--text", "Respuesta", "--date", "2026-08-03")
    assert code == 0 and a["status"] == "Respondida"
    code, data, _ = run(capsys, db, "commitment", "list")
    assert code == 0 and data["commitments"] == []
