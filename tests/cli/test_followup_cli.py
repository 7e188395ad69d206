"""Command-line contract of the follow-up commands (in-process, --json)."""

import json
from datetime import date

import pytest

from rcdesk.cli import main
from rcdesk.db.database import Database
from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.plans import PlanService


@pytest.fixture
def setup(tmp_path):
    path = tmp_path / "cli.db"
    db = Database.open(path)
    comp = ParsedGroup(
        "componente",
        "Rendición de cuentas",
        code="Componente 3",
        activities=[
            ParsedActivity("Audiencia pública", number="1.1", responsible="Despacho", cuatrimestres=[1, 2]),
            ParsedActivity("Publicar informe", number="1.2", responsible="Planeación", end_date=date(2022, 3, 31)),
        ],
    )
    plan_id = (
        PlanService(db)
        .save_parsed(
            ParsedPlan(
                layout="paac",
                title="PAAC 2022",
                entity="Alcaldía de Pasto",
                year=2022,
                groups=[comp],
                source_name="x.xlsx",
            )
        )
        .plan_id
    )
    acts = {a.number: a.activity_id for a in PlanService(db).activities(plan_id)}
    db.close()
    return path, plan_id, acts


def run(capsys, path, *args):
    code = main(["--db", str(path), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_progress_add_validate_and_informe(setup, capsys, tmp_path):
    path, plan_id, acts = setup
    ev = tmp_path / "acta.pdf"
    ev.write_bytes(b"%PDF-1.4 acta")
    # a prefix through the UUIDv7 counter: ids made in the same millisecond share the first 13 characters
    code, out, err = run(
        capsys,
        path,
        "progress",
        "add",
        acts["1.1"][:18],
        "--period",
        "2022-C1",
        "--percent",
        "75",
        "--note",
        "Audiencia realizada",
        "--evidence",
        str(ev),
        "--evidence",
        str(ev),
        "--link",
        "https://pasto.gov.co/rdc",
        "--date",
        "2022-05-03",
    )
    assert code == 0 and out["status"] == "REPORTADO" and out["period"] == "2022-C1", err
    assert out["percent"] == 75.0 and out["evidence_count"] == 3
    report_id = out["report_id"]
    code, out, _ = run(capsys, path, "progress", "validate", report_id)
    assert code == 0 and out["status"] == "VALIDADO"
    code, out, _ = run(capsys, path, "compliance", plan_id, "--cut", "2022-04-30")
    assert code == 0 and out["compliance"] == 37.5 and out["light"] == "rojo"  # mean(75, 0)
    for suffix in ("pdf", "xlsx"):
        target = tmp_path / f"informe.{suffix}"
        code, out, _ = run(capsys, path, "report", "seguimiento", plan_id, "--cut", "2022-04-30", "--out", str(target))
        assert code == 0 and target.exists() and out["activities"] == 2 and out["publish_by"] == "2022-05-13"
    code, out, _ = run(capsys, path, "progress", "history", acts["1.1"])
    assert code == 0 and out["count"] == 1 and len(out["reports"][0]["evidence"]) == 3


def test_bad_input_exits_2_with_spanish_message_and_changes_nothing(setup, capsys, tmp_path):
    path, plan_id, acts = setup
    code, out, err = run(capsys, path, "progress", "add", acts["1.1"], "--period", "2021-C1", "--percent", "50")
    assert code == 2 and "fuera de la vigencia 2022" in err
    code, out, err = run(capsys, path, "progress", "add", acts["1.1"], "--period", "1", "--percent", "130")
    assert code == 2 and "justificación" in err
    code, out, err = run(
        capsys,
        path,
        "progress",
        "add",
        acts["1.1"],
        "--period",
        "1",
        "--percent",
        "50",
        "--evidence",
        str(tmp_path / "no-existe.pdf"),
    )
    assert code == 2 and "no existe" in err
    code, out, err = run(
        capsys, path, "report", "seguimiento", plan_id, "--cut", "2022-04-30", "--out", str(tmp_path / "x.docx")
    )
    assert code == 2 and ".pdf o .xlsx" in err
    code, out, _ = run(capsys, path, "progress", "history", acts["1.1"])
    assert out["count"] == 0


def test_deadlines_and_holidays(setup, capsys):
    path, plan_id, acts = setup
    code, out, _ = run(capsys, path, "deadlines", "--plan", plan_id, "--today", "2022-04-05")
    assert code == 0
    plan = out["plans"][0]
    assert [c["publish_by"] for c in plan["cuts"]] == ["2022-05-13", "2022-09-14", "2023-01-16"]
    first = plan["pending"][0]
    assert first["number"] == "1.2" and first["overdue"] is True and first["days_left"] == -5
    code, out, _ = run(
        capsys,
        path,
        "holidays",
        "add",
        "--country",
        "CO",
        "--date",
        "2022-11-14",
        "--name",
        "Feriado de Pasto",
        "--local",
        "Pasto",
    )
    assert code == 0 and out["scope"] == "local" and out["locality"] == "Pasto"
    code, out, _ = run(capsys, path, "holidays", "list", "--country", "CO", "--year", "2022")
    names = {h["date"]: h["name"] for h in out["holidays"]}
    assert names["2022-03-21"] == "Día de San José (observado)" and "2022-11-14" in names
    code, out, _ = run(capsys, path, "holidays", "remove", "--country", "CO", "--date", "2022-11-14")
    assert code == 2  # a national holiday (Independencia de Cartagena) and the local one share the day
    code, out, err = run(capsys, path, "holidays", "add", "--country", "CO", "--date", "2022-13-01", "--name", "X")
    assert code == 2 and "AAAA-MM-DD" in err


def test_progress_withdraw_only_before_validation(setup, capsys):
    path, _plan_id, acts = setup
    _, out, _ = run(
        capsys, path, "progress", "add", acts["1.2"], "--period", "1", "--percent", "50", "--date", "2022-03-01"
    )
    first = out["report_id"]
    code, out, _ = run(capsys, path, "progress", "withdraw", first[:20])
    assert code == 0 and out == {"report_id": first, "withdrawn": True}
    _, out, _ = run(
        capsys, path, "progress", "add", acts["1.2"], "--period", "1", "--percent", "60", "--date", "2022-03-01"
    )
    second = out["report_id"]
    run(capsys, path, "progress", "validate", second)
    code, out, err = run(capsys, path, "progress", "withdraw", second)
    assert code == 2 and "validado no se puede retirar" in err
    _, out, _ = run(capsys, path, "progress", "history", acts["1.2"])
    assert [r["status"] for r in out["reports"]] == ["VALIDADO"]


@pytest.mark.parametrize("option", ["--percent", "--quantity", "--target"])
def test_bad_numbers_are_refused_in_spanish(setup, capsys, option):
    path, _plan_id, acts = setup
    field = {"--percent": "% de avance", "--quantity": "Cantidad lograda", "--target": "Meta del periodo"}[option]
    companion = {"--percent": [], "--quantity": ["--target=4"], "--target": ["--quantity=3"]}[option]
    for value in ["nan", "NaN", "sNaN", "inf", "-inf", "Infinity", "1e400", "", " ", "abc", "12,5,3"]:
        code, out, err = run(
            capsys,
            path,
            "progress",
            "add",
            acts["1.1"],
            "--period",
            "1",
            f"{option}={value}",
            *companion,
            "--justification",
            "sobrecumplimiento",
        )
        assert code == 2 and out is None, value
        assert err.startswith("Error: ") and "Traceback" not in err and "Invalid" not in err, err
        if value.strip():
            assert f"{field}: «{value}»" in err  # names the field and what was typed
        else:
            assert "ndique" in err  # an empty field counts as not given, and one is needed
    _, out, _ = run(capsys, path, "progress", "history", acts["1.1"])
    assert out["count"] == 0


def test_informe_published_after_the_deadline_says_so(setup, capsys, tmp_path):
    path, plan_id, _ = setup
    out = tmp_path / "informe.pdf"
    code = main(
        [
            "--db",
            str(path),
            "report",
            "seguimiento",
            plan_id,
            "--cut",
            "2022-04-30",
            "--out",
            str(out),
            "--published",
            "2022-06-01",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0 and "Atención: Publicación fuera de plazo: la fecha de publicación (01/06/2022)" in text
    code, res, _ = run(
        capsys,
        path,
        "report",
        "seguimiento",
        plan_id,
        "--cut",
        "2022-04-30",
        "--out",
        str(out),
        "--published",
        "2022-05-02",
    )
    assert code == 0 and res["late"] is False and res["warnings"] == []
