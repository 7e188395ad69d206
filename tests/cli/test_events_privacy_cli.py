"""Command line of data-subject requests and retention: rcdesk person …"""

import json

import pytest

from rcdesk.cli import main


def run(capsys, db_path, *args, as_json=True):
    code = main(["--db", str(db_path), *(["--json"] if as_json else []), *args])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if as_json and out.out.strip() else out.out), out.err


@pytest.fixture
def people(capsys, tmp_path):
    db = tmp_path / "p.db"
    ids = {}
    for title, day in (("Deliberación 2018", "2018-06-10"), ("Deliberación 2026", "2026-05-20")):
        code, data, err = run(capsys, db, "event", "create", "--title", title, "--date", day, "--territory", "0601")
        assert code == 0, err
        ids[title[-4:]] = data["event_id"]
    for ev, name, number in (
        (ids["2018"], "María García", "1714307103"),
        (ids["2026"], "María García", "1714307103"),
        (ids["2018"], "José Pérez", "0602910945"),
    ):
        code, _, err = run(
            capsys,
            db,
            "attendance",
            "add",
            ev,
            "--name",
            name,
            "--id",
            number,
            "--phone",
            "0991234567" if name.startswith("María") else "",
        )
        assert code == 0, err
    code, data, _ = run(capsys, db, "person", "search", "garcía")
    ids["maria"] = data["people"][0]["person_id"]
    return db, ids


def test_search_show_and_export(capsys, tmp_path, people):
    db, ids = people
    code, data, _ = run(capsys, db, "person", "search", "1714307103")
    assert code == 0 and [p["full_name"] for p in data["people"]] == ["María García"]
    code, data, _ = run(capsys, db, "person", "show", ids["maria"][:13])
    assert code == 0 and data["counts"]["attendance"] == 2
    out = tmp_path / "maria.json"
    code, data, _ = run(capsys, db, "person", "export", ids["maria"], "--out", str(out))
    assert code == 0 and data["attendance"] == 2
    assert json.loads(out.read_text(encoding="utf-8"))["person"]["phone"] == "0991234567"
    pdf = tmp_path / "maria.pdf"
    code, _, _ = run(capsys, db, "person", "export", ids["maria"], "--out", str(pdf))
    assert code == 0 and pdf.read_bytes()[:4] == b"%PDF"
    code, text, _ = run(capsys, db, "person", "search", "nadie", "así", as_json=False)
    assert code == 0 and "No se encontró" in text


def test_rectify_consent_and_anonymize(capsys, people):
    db, ids = people
    code, data, _ = run(capsys, db, "person", "rectify", ids["maria"], "--name", "María F. García")
    assert code == 0 and data["changed"] == ["full_name"] and data["attendance_rows"] == 2
    code, _, err = run(capsys, db, "person", "rectify", ids["maria"], "--email", "sin-arroba")
    assert code == 2 and "correo" in err
    code, data, _ = run(capsys, db, "person", "consent", ids["maria"], "--revoke", "CONTACTO")
    assert code == 0 and data["consents"] == 2
    code, data, _ = run(capsys, db, "person", "show", ids["maria"])
    assert data["person"]["phone"] is None and data["person"]["full_name"] == "María F. García"
    code, _, err = run(capsys, db, "person", "consent", ids["maria"], "--revoke", "TODO")
    assert code == 2 and "Alcance" in err
    code, data, _ = run(capsys, db, "person", "anonymize", ids["maria"])
    assert code == 0 and data["anonymized"] and data["attendance"] == 2
    code, data, _ = run(capsys, db, "person", "search", "garcia")
    assert data["people"] == []
    code, data, _ = run(capsys, db, "event", "list")
    assert sorted(e["attendance"] for e in data["events"]) == [1, 2]  # counts kept
    code, _, err = run(capsys, db, "person", "anonymize", "no-existe")
    assert code == 2 and "No existe la persona" in err


def test_retention_preview_then_apply(capsys, people):
    db, ids = people
    code, data, _ = run(capsys, db, "person", "retention", "--today", "2026-11-21")
    assert code == 0 and data["applied"] is False
    assert data["preview"]["attendance"] == 2 and data["preview"]["people"] == 1  # José only attended in 2018
    code, data, _ = run(capsys, db, "person", "search", "perez")
    assert len(data["people"]) == 1  # preview changed nothing
    code, _, err = run(capsys, db, "person", "retention", "--set", "attendance=0")
    assert code == 2 and "entre 1 y 100" in err
    code, data, _ = run(capsys, db, "person", "retention", "--set", "attendance=10", "--today", "2026-11-21")
    assert data["years"]["attendance"] == 10 and data["preview"]["attendance"] == 0
    run(capsys, db, "person", "retention", "--set", "attendance=5")
    code, data, _ = run(capsys, db, "person", "retention", "--apply", "--today", "2026-11-21")
    assert code == 0 and data["applied"] and data["result"]["attendance"] == 2
    code, data, _ = run(capsys, db, "person", "search", "perez")
    assert data["people"] == []
    code, data, _ = run(capsys, db, "person", "show", ids["maria"])
    assert data["person"]["full_name"] == "María García" and data["counts"]["attendance"] == 1
    code, text, _ = run(capsys, db, "person", "retention", "--today", "2026-11-21", as_json=False)
    assert "nada que anonimizar" in text
