"""`rcdesk plan import --dry-run` reports exactly what the import stores, flags included; a
refused import explains itself in JSON; the entity's country comes from its profile, never
from the file's layout."""

from __future__ import annotations

import json
import sqlite3

from openpyxl import Workbook

from rcdesk.cli import main


def run(capsys, db, *args: str, as_json: bool = True) -> tuple[int, dict | None, str]:
    code = main(["--db", str(db), *(["--json"] if as_json else []), *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if as_json and out.strip() else out), err


def dump(db) -> list[str]:
    with sqlite3.connect(db) as c:
        return list(c.iterdump())


def paac_workbook(path, *, bad_row: bool = False):
    """A Colombian PAAC componente 3 naming its entity and vigencia in the title rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Componente 3"
    for row in [
        ["ALCALDÍA MUNICIPAL DE SAN JACINTO"],
        ["PLAN ANTICORRUPCIÓN Y DE ATENCIÓN AL CIUDADANO VIGENCIA 2021"],
        ["Componente 3: Rendición de cuentas"],
        ["Subcomponente", "Actividades", "Meta o producto", "Responsable", "Fecha programada", "", "Notas de control"],
        ["Subcomponente 1 Información", "Publicar el informe", "Informe", "Planeación", "14-sep-2021", "", "ok"],
        ["", "Actualizar la web", "Web", "Sistemas", "Permanente"],
        ["Subcomponente 2 Diálogo", "Audiencia pública", "Una audiencia", "Despacho", "19 y 20 de noviembre de 2021"],
        ["Subcomponente 3 Responsabilidad", "Evaluar la estrategia", "Informe", "Control Interno", "Diciembre"],
    ]:
        ws.append(row)
    if bad_row:
        ws.append(["", "", "Meta sin actividad", "Planeación", "Diciembre"])  # row 9
    wb.save(path)
    return path


SAME = (
    "entity",
    "new_entity",
    "country",
    "year",
    "layout",
    "title",
    "groups",
    "activities",
    "linked_units",
    "ignored_columns",
    "warnings",
)


def test_dry_run_reports_exactly_what_the_import_stores_with_the_flags_applied(capsys, tmp_path):
    db = tmp_path / "r.db"
    book = paac_workbook(tmp_path / "paac.xlsx")
    assert run(capsys, db, "plan", "list")[0] == 0
    before = dump(db)
    flags = ("--year", "2022", "--entity", "Alcaldía de Pasto", "--country", "CO")
    code, preview, err = run(capsys, db, "plan", "import", str(book), "--dry-run", *flags)
    assert code == 0, err
    assert dump(db) == before  # nothing stored, not even the new entity
    assert preview["dry_run"] is True and preview["plan_id"] is None
    assert (preview["entity"], preview["year"], preview["country"]) == ("Alcaldía de Pasto", 2022, "CO")
    assert preview["new_entity"] is True
    assert (preview["groups"], preview["activities"]) == (4, 4)

    code, stored, err = run(capsys, db, "plan", "import", str(book), *flags)
    assert code == 0, err
    assert {k: stored[k] for k in SAME} == {k: preview[k] for k in SAME}
    _, shown, _ = run(capsys, db, "plan", "show", stored["plan_id"])
    assert (shown["entity"], shown["year"]) == ("Alcaldía de Pasto", 2022)
    assert sum(len(g["activities"]) for g in shown["groups"]) == preview["activities"]


def test_dry_run_text_names_the_entity_and_year_that_would_be_stored(capsys, tmp_path):
    db = tmp_path / "r.db"
    book = paac_workbook(tmp_path / "paac.xlsx")
    code, text, _ = run(capsys, db, "plan", "import", str(book), "--dry-run", "--year", "2023", as_json=False)
    assert code == 0
    assert "Alcaldía Municipal de San Jacinto" in text and "vigencia 2023" in text and "no se guardó nada" in text
    code, text, _ = run(capsys, db, "plan", "import", str(book), "--dry-run", as_json=False)
    assert "vigencia 2021" in text


def test_refused_import_prints_json_errors_and_changes_nothing(capsys, tmp_path):
    db = tmp_path / "r.db"
    book = paac_workbook(tmp_path / "malo.xlsx", bad_row=True)
    assert run(capsys, db, "plan", "list")[0] == 0
    before = dump(db)
    for extra in ((), ("--dry-run",)):
        code, out, err = run(capsys, db, "plan", "import", str(book), *extra)
        assert code == 2 and "Error:" in err
        assert out["errors"] == [
            {
                "sheet": "Componente 3",
                "row": 9,
                "column": "Actividades",
                "message": out["errors"][0]["message"],
            }
        ]
        assert "no tiene la descripción de la actividad" in out["errors"][0]["message"]
    code, out, err = run(capsys, db, "plan", "import", str(book), as_json=False)
    assert code == 2 and out == "" and "hoja «Componente 3», fila 9" in err  # human output unchanged
    assert dump(db) == before


def test_unused_columns_are_listed_as_ignored_or_kept(capsys, tmp_path):
    db = tmp_path / "r.db"
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    for row in [
        ["GAD MUNICIPAL DE GUANO — CRONOGRAMA RENDICIÓN DE CUENTAS 2021"],
        ["ACTIVIDADES", "RESPONSABLE", "FECHA", "Cuatrimestre", "Observaciones"],
        ["Conformar el equipo", "Alcaldía", "4 de mayo de 2021", "", "virtual"],
    ]:
        ws.append(row)
    wb.save(tmp_path / "plan.xlsx")
    code, out, err = run(capsys, db, "plan", "import", str(tmp_path / "plan.xlsx"), "--dry-run")
    assert code == 0, err
    assert out["ignored_columns"] == [{"sheet": "Plan", "column": "D", "header": "Cuatrimestre"}]
    assert any("la columna D («Cuatrimestre»)" in w for w in out["warnings"])
    assert not any("Observaciones" in w for w in out["warnings"])  # kept in otros datos, not ignored


def test_entity_keeps_the_country_of_its_profile_whatever_the_layout(capsys, tmp_path):
    db = tmp_path / "r.db"
    book = paac_workbook(tmp_path / "paac.xlsx")  # a Colombian layout
    code, _, err = run(
        capsys, db, "unit", "add", "--entity", "GAD Municipal de Guano", "--country", "EC", "--name", "Planeación"
    )
    assert code == 0, err
    code, out, err = run(capsys, db, "plan", "import", str(book), "--entity", "gad municipal de guano")
    assert code == 0, err
    assert (out["entity"], out["country"], out["new_entity"]) == ("GAD Municipal de Guano", "EC", False)
    assert any("es de Colombia, pero la entidad «GAD Municipal de Guano» es de Ecuador" in w for w in out["warnings"])
    assert out["linked_units"] == 1  # «Planeación» matched the entity's own unit
    code, out, err = run(
        capsys, db, "plan", "import", str(book), "--entity", "GAD Municipal de Guano", "--country", "CO"
    )
    assert out["country"] == "EC" and any("se conserva ese país" in w for w in out["warnings"])
    _, entities, _ = run(capsys, db, "entity", "list")
    assert [(e["name"], e["country"]) for e in entities["entities"]] == [("GAD Municipal de Guano", "EC")]


def test_a_new_entity_takes_the_layout_country_only_with_a_warning(capsys, tmp_path):
    db = tmp_path / "r.db"
    code, out, err = run(capsys, db, "plan", "import", str(paac_workbook(tmp_path / "paac.xlsx")))
    assert code == 0, err
    assert out["country"] == "CO" and out["new_entity"] is True
    assert any("es nueva: se registró en Colombia por el formato del archivo" in w for w in out["warnings"])
