"""One shape for every report: services read the data, renderers in rcdesk/reports only draw it,
and every report or export file reaches the disk through rcdesk/reports/output.py (temporary
file in the target folder, then an atomic replace; one Spanish message when it cannot)."""

from __future__ import annotations

import ast
import dataclasses
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from rcdesk.compliance import Compliance, Light
from rcdesk.errors import UserError
from rcdesk.reports import output

ROOT = Path(__file__).resolve().parents[2] / "rcdesk"
REPORTS = ROOT / "reports"
FORBIDDEN = ("sqlalchemy", "rcdesk.models", "rcdesk.db")

# files that are not reports or exports and keep their own atomic writing, each for a reason
OWN_WRITERS = {
    "services/evidence.py": "content-addressed store: the name is the hash, written once",
    "db/backup.py": "SQLite's backup API writes the copy",
    "sync/package.py": "streams a zip member by member into its temporary file",
    "sync/keys.py": "key files with restricted permissions",
    "sync/evidence_files.py": "evidence blobs received in a package",
    "sync/peers.py": "notes next to received packages",
    "logsetup.py": "rotates its own log files (renames, not reports)",
    "security/files.py": "evidence encrypted in place (temp, fsync, replace) and the viewer's decrypted copies",
    "security/vault.py": "key files written atomically with fsync",
    "security/convert.py": "the database re-written encrypted in place, its plain bytes blanked",
}


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):  # function-level imports too
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_renderers_never_touch_the_database():
    bad = []
    for path in _modules(REPORTS):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad += [
            f"{path.name}: import {name}"
            for name in _imports(tree)
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
        ]
        # a renderer is given data, not a database to read it from
        bad += [
            f"{path.name}: {node.name}(db)"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef)
            and any(a.arg in ("db", "session") for a in node.args.args + node.args.kwonlyargs)
        ]
    assert not bad, bad


def _call_name(node: ast.Call) -> str:
    f = node.func
    if isinstance(f, ast.Attribute):
        return f.attr
    return f.id if isinstance(f, ast.Name) else ""


def _writes_directly(tree: ast.AST) -> list[str]:
    """Calls that write or move a file by themselves."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in ("mkstemp", "NamedTemporaryFile"):
            found.append(name)
        elif name in ("write_bytes", "write_text") and isinstance(node.func, ast.Attribute):  # Path's, not output's
            found.append(f"{ast.unparse(node.func.value)}.{name}")
        elif (
            name == "replace"
            and isinstance(node.func, ast.Attribute)
            and (isinstance(node.func.value, ast.Name) and node.func.value.id in ("os", "tmp"))
        ):
            found.append(f"{node.func.value.id}.replace")
        elif name == "open" and any(
            isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value[:1] in "wax"
            for a in node.args[1:2] + [k.value for k in node.keywords if k.arg == "mode"]
        ):
            found.append("open(…, 'w')")
    return found


def test_files_are_written_only_through_the_output_helper():
    bad = []
    for path in _modules(ROOT):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "reports/output.py" or rel in OWN_WRITERS:
            continue
        calls = _writes_directly(ast.parse(path.read_text(encoding="utf-8")))
        bad += [f"{rel}: {c}" for c in calls]
    assert not bad, bad


def test_workbook_and_pdf_writers_hand_their_file_to_the_output_helper():
    """A module that saves a workbook or lays out a PDF file must get its target from
    rcdesk.reports.output (directly or through pdf_kit.build_pdf)."""
    bad = []
    for path in _modules(ROOT):
        rel = path.relative_to(ROOT).as_posix()
        if rel in OWN_WRITERS or rel in ("reports/pdf_kit.py", "reports/output.py"):
            continue
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        saves = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.Call)
            and (
                (
                    _call_name(n) == "save"
                    and isinstance(n.func, ast.Attribute)
                    and ast.unparse(n.func.value).split(".")[-1] in ("wb", "workbook")
                )
                or _call_name(n) in ("SimpleDocTemplate", "BaseDocTemplate")
            )
        ]
        # a PDF built in memory (the acta, whose bytes are signed) is written by its service
        saves = [n for n in saves if not (n.args and ast.unparse(n.args[0]) == "buf")]
        helpers = {"rcdesk.reports.output", "rcdesk.reports.pdf_kit"}
        if saves and not helpers & set(_imports(tree)):
            bad.append(rel)
    assert not bad, bad


# -- the helper itself -------------------------------------------------------------------------------
def test_a_renderer_failing_midway_leaves_the_previous_file_intact(tmp_path):
    target = tmp_path / "informe.pdf"
    target.write_bytes(b"version buena")

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"mitad de un archiv")
        raise RuntimeError("el renderizador falló")

    with pytest.raises(RuntimeError):
        output.write_file(target, broken)
    assert target.read_bytes() == b"version buena"
    assert [p.name for p in tmp_path.iterdir()] == ["informe.pdf"]  # no temporary file left behind


def test_a_real_report_interrupted_keeps_the_last_good_copy(tmp_path, monkeypatch):
    from reportlab.platypus import Paragraph

    from rcdesk.reports.pdf_kit import build_pdf, page_footer, report_styles

    st = report_styles()
    target = tmp_path / "informe.pdf"
    build_pdf(target, [Paragraph("Primera versión", st["body"])], title="t", author="a", footer=page_footer("x"))
    good = target.read_bytes()

    class Boom(Paragraph):
        def wrap(self, *a):
            raise RuntimeError("falla a mitad del PDF")

    with pytest.raises(RuntimeError):
        build_pdf(
            target,
            [Paragraph("Segunda", st["body"])] * 50 + [Boom("x", st["body"])],
            title="t",
            author="a",
            footer=page_footer("x"),
        )
    assert target.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["informe.pdf"]


def test_the_target_folder_is_created(tmp_path):
    out = output.write_bytes(tmp_path / "nueva" / "carpeta" / "a.json", b"{}")
    assert out.read_bytes() == b"{}"


def test_a_locked_target_gives_the_spanish_message(tmp_path, monkeypatch):
    target = tmp_path / "libro.xlsx"
    target.write_bytes(b"abierto en Excel")

    def locked(src, dst):
        # what Windows answers while Excel holds the file open
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(output.os, "replace", locked)
    with pytest.raises(UserError) as e:
        output.write_bytes(target, b"nuevo")
    assert "«libro.xlsx»" in str(e.value) and "abierto en otro programa" in str(e.value)
    assert "Traceback" not in str(e.value) and "Permission denied" not in str(e.value)
    assert target.read_bytes() == b"abierto en Excel"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["libro.xlsx"]


def test_a_folder_that_is_a_file_gives_a_spanish_message(tmp_path):
    (tmp_path / "informes").write_text("no soy una carpeta")
    with pytest.raises(UserError) as e:
        output.write_text(tmp_path / "informes" / "perfil.json", "{}")
    assert "no es una carpeta" in str(e.value) and "Not a directory" not in str(e.value)


def test_a_full_disk_gives_a_spanish_message(tmp_path):
    import errno

    def full(tmp: Path) -> None:
        tmp.write_bytes(b"x")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UserError) as e:
        output.write_file(tmp_path / "a.pdf", full)
    assert "disco está lleno" in str(e.value) and "No space" not in str(e.value)
    assert list(tmp_path.iterdir()) == []


def test_a_workbook_export_goes_through_the_helper(tmp_path, monkeypatch):
    """An export the user starts (the POA workbook) is refused in Spanish when the file is held open."""
    from openpyxl import Workbook

    target = tmp_path / "poa.xlsx"
    Workbook().save(target)
    before = target.read_bytes()
    monkeypatch.setattr(output.os, "replace", lambda s, d: (_ for _ in ()).throw(PermissionError(13, "x")))
    wb = Workbook()
    wb.active["A1"] = "nuevo"
    with pytest.raises(UserError, match="abierto en otro programa"):
        output.save_workbook(wb, target)
    assert target.read_bytes() == before


# -- the consolidated headquarters reports: a service's plain data, drawn by two renderers ----------
def test_package_exchange_leaves_report_drawing_to_the_renderers():
    """rcdesk/sync moves records; the consolidated workbook and PDF are read by
    services/consolidated_report.py and drawn in rcdesk/reports."""
    bad = []
    for path in _modules(ROOT / "sync"):
        for name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name.split(".")[0] in ("openpyxl", "reportlab") or (
                name.startswith("rcdesk.reports") and name != "rcdesk.reports.output"
            ):
                bad.append(f"{path.name}: import {name}")
    assert not bad, bad


_PLAIN = (str, int, float, Decimal, date, datetime, Compliance, Light, type(None))


def _not_plain(value: object, where: str) -> list[str]:
    """Where a report's data holds something other than plain values (a row, a session, a table…)."""
    from rcdesk.services.consolidated_report import Stream

    if isinstance(value, _PLAIN):
        return []
    if isinstance(value, Stream):
        value = list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif isinstance(value, tuple) and hasattr(value, "_fields"):
        items = list(zip(value._fields, value))
    elif isinstance(value, (list, tuple)):
        items = list(enumerate(value))
    elif isinstance(value, dict):
        items = list(value.items())
    else:
        return [f"{where}: {type(value).__module__}.{type(value).__name__}"]
    return [bad for k, v in items for bad in _not_plain(v, f"{where}.{k}")]


def test_the_consolidated_reports_are_read_as_plain_data_without_names(db):
    from types import SimpleNamespace

    from rcdesk.models.followup import ProgressReport
    from rcdesk.services.consolidated_report import RecordSheet, open_workbook, read_summary
    from tests.core.sync_world import ATTENDEE, ATTENDEE_ID, World

    ids = World.seed_hq(SimpleNamespace(hq=db))  # the same headquarters the sync tests build, on `db`
    World.add_attendance(SimpleNamespace(), db, ids["event"], 3)
    with db.begin() as s:
        s.add(
            ProgressReport(
                activity_id=ids["acts"][0],
                period_kind="cuatrimestre",
                period_no=1,
                percent=95.0,
                reported_on=date(2026, 4, 30),
            )
        )

    summary = read_summary(db)
    assert not _not_plain(summary, "summary")
    assert [(g.group, g.count) for p in summary.people for g in p.groups] == [("Deliberación pública en Guano", 3)]
    assert sum(summary.by_light.values()) == 3 and summary.by_light["gris"] == 2
    with open_workbook(db) as book:
        assert not _not_plain(book, "workbook")  # its streams are read inside the block
        cells = repr([list(s.rows) for s in book.sheets if isinstance(s, RecordSheet)])
    assert ATTENDEE not in repr(summary) + cells and ATTENDEE_ID not in repr(summary) + cells
    assert "attendance" not in {s.kind.table for s in book.sheets if isinstance(s, RecordSheet)}
