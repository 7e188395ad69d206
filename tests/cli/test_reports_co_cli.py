"""Command line of the Colombian documents and the citizen summary (in-process, --json)."""

import json

import pytest

from rcdesk.cli import main
from rcdesk.db.database import Database
from tests.core import strategy_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("reports-co") / "cli.db"
    db = Database.open(path)
    w = strategy_world.build(db)
    db.close()
    return path, w


def run(capsys, path, *args):
    code = main(["--db", str(path), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


@pytest.mark.parametrize("command", ["murc", "actividades"])
@pytest.mark.parametrize("suffix", ["pdf", "xlsx"])
def test_strategy_documents(world, capsys, tmp_path, command, suffix):
    path, w = world
    out = tmp_path / f"doc.{suffix}"
    code, res, err = run(capsys, path, "report", command, w["plan_id"][:18], "--cut", "2024-08-31", "--out", str(out))
    assert code == 0, err
    assert out.read_bytes()[:4] == (b"%PDF" if suffix == "pdf" else b"PK\x03\x04")
    if command == "murc":
        assert (res["spaces"], res["participants"], res["commitments_met"], res["compliance"]) == (2, 55, 50.0, 83.33)
    else:
        assert (res["events"], res["activities"]) == (4, 4)


def test_citizen_summary(world, capsys, tmp_path):
    path, _ = world
    out = tmp_path / "ciudadano.pdf"
    code, res, err = run(capsys, path, "report", "ciudadano", "--period", "2024-C2", "--out", str(out))
    assert code == 0, err
    assert (res["activities_planned"], res["activities_done"], res["participants"]) == (2, 1, 154)
    assert res["sentences"][0] == "Para este periodo teníamos dos actividades con fecha de entrega. Cumplimos una."
    assert out.read_bytes()[:4] == b"%PDF"


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "murc", "no-existe-123", "--out", "{tmp}/x.pdf"], "plan"),
        (["report", "murc", "{plan}", "--out", "{tmp}/x.docx"], "debe terminar en .pdf o .xlsx"),
        (["report", "murc", "{plan}", "--cut", "2025-01-31", "--out", "{tmp}/x.pdf"], "fuera de la vigencia 2024"),
        (["report", "actividades", "{plan}", "--cut", "31/08/2024", "--out", "{tmp}/x.pdf"], "AAAA-MM-DD"),
        (["report", "ciudadano", "--period", "2024-C4", "--out", "{tmp}/x.pdf"], "El cuatrimestre 4 no existe"),
        (["report", "ciudadano", "--period", "ayer", "--out", "{tmp}/x.pdf"], "no reconocido"),
        (["report", "ciudadano", "--period", "2024", "--out", "{tmp}/x.xlsx"], "debe terminar en .pdf"),
    ],
)
def test_refusals_exit_2_in_spanish_and_write_nothing(world, capsys, tmp_path, args, message):
    path, w = world
    args = [a.format(tmp=tmp_path, plan=w["plan_id"]) for a in args]
    code, res, err = run(capsys, path, *args)
    assert code == 2 and res is None
    assert err.startswith("Error: ") and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
