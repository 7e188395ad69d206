"""The log is the one file of a field laptop that is not encrypted: it carries no ID number, name,
phone or e-mail of a citizen, even at DEBUG and even when a command fails (issue 16)."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

import rcdesk.logsetup
from rcdesk.cli import main
from rcdesk.logsetup import PrivateFormatter

PEOPLE = [
    ("Rosalía Quishpe Guamán", "0604123455", "0991234567", "rosalia.quishpe@example.com"),
    ("Segundo Tenemaza Pilco", "0926687856", "032 961 234", "stenemaza@example.org"),
]
SHEET_ROW = ("Ana Lucía Cela", "0602123457", "0998887776")
BAD_ROW = ("Mercedes Yautibug Lema", "0604999999", "0987654321")  # an ID whose check digit is wrong


def _surnames(name: str) -> list[str]:
    return [w for w in name.split() if len(w) >= 5]  # "Ana" is in "semana"


def _secrets() -> list[str]:
    out = []
    for name, id_number, phone, email in PEOPLE:
        out += [name, *_surnames(name), id_number, phone, phone.replace(" ", ""), email]
    for row in (SHEET_ROW, BAD_ROW):
        out += [row[0], *_surnames(row[0]), row[1], row[2]]
    return out


@pytest.fixture
def debug_logs(monkeypatch):
    """Every command sets up its log at DEBUG, the most talkative level."""
    real = rcdesk.logsetup.setup_logging
    monkeypatch.setattr(rcdesk.logsetup, "setup_logging", lambda d, level=logging.DEBUG: real(d, level=logging.DEBUG))
    yield
    root = logging.getLogger()
    for h in [h for h in root.handlers if getattr(h, "_rcdesk", False)]:
        root.removeHandler(h)
        h.close()


def run(capsys, db_path: Path, *args: str):
    code = main(["--db", str(db_path), "--json", *args])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out.strip() else None), out.err


def _sheet(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["Nombres y apellidos", "Cédula", "Teléfono"])
    ws.append(list(SHEET_ROW))
    ws.append(list(BAD_ROW))
    ws.append(["", "0604123455", ""])  # an ID without a name
    wb.save(path)
    return path


def _log_text(db_path: Path) -> str:
    folder = db_path.with_name(f"{db_path.stem}-archivos")
    logs = [p for p in folder.rglob("*.log*") if p.is_file()]
    assert logs, "the commands wrote no log"
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)


def test_registering_importing_and_failing_leave_no_personal_data_in_the_log(capsys, tmp_path, debug_logs, monkeypatch):
    db = tmp_path / "campo.db"
    code, ev, err = run(capsys, db, "event", "create", "--title", "Asamblea", "--date", "2026-05-20")
    assert code == 0, err
    for name, id_number, phone, email in PEOPLE:
        code, _, err = run(
            capsys, db, "attendance", "add", ev["event_id"], "--name", name, "--id", id_number,
            "--phone", phone, "--email", email,
        )  # fmt: skip
        assert code == 0, err
    code, data, err = run(capsys, db, "attendance", "import", ev["event_id"], str(_sheet(tmp_path / "lista.xlsx")))
    assert code in (0, 2), err
    # a failed action whose error text quotes the row (as a driver's IntegrityError does)
    from rcdesk.services.attendance import AttendanceService

    name, id_number, phone, email = PEOPLE[0]

    def broken(self, *a, **k):
        raise sqlite3.IntegrityError(
            f"UNIQUE constraint failed: person ('{name}', '{id_number}', '{phone}', '{email}')"
        )

    monkeypatch.setattr(AttendanceService, "register", broken)
    code, _, err = run(capsys, db, "attendance", "add", ev["event_id"], "--name", name, "--id", id_number)
    assert code != 0 and id_number not in err
    logging.getLogger("rcdesk.test").debug("estado: %s", {"cedula": id_number, "telefono": phone, "correo": email})
    text = _log_text(db)
    assert "IntegrityError" in text  # the failure itself is logged, for support
    leaked = [s for s in _secrets() if s.lower() in text.lower()]
    assert leaked == []


def test_an_exception_in_a_background_job_logs_where_not_whom():
    log = logging.getLogger("ui.tasks")
    record = None
    try:
        try:
            raise ValueError("fila 7: la cédula 0604123459 de Rosalía Quishpe no es válida")
        except ValueError as inner:
            raise RuntimeError(f"no se pudo guardar 0991234567: {inner}") from inner
    except RuntimeError as exc:
        record = log.makeRecord("ui.tasks", logging.ERROR, __file__, 1, "background job failed: %r", (exc,), None)
        record.exc_info = (type(exc), exc, exc.__traceback__)
    text = PrivateFormatter("%(message)s").format(record)
    assert "RuntimeError" in text and "ValueError" in text and "test_log_privacy.py" in text
    for secret in ("0604123459", "Rosalía", "Quishpe", "0991234567", "no es válida"):
        assert secret not in text
