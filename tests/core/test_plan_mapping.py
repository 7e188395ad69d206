"""Plans through the one column mapping: an office's own cronograma imports once its columns are
mapped (values exact, dates read, every column mapped, kept or reported), a known layout reads as
before unless the user changes a column, the mapping is remembered and reused, and
`rcdesk import fields` lists what `--map` takes."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

from openpyxl import Workbook

from rcdesk.cli import main
from rcdesk.plans.importer import read_plan
from rcdesk.services.plans import PlanService

OWN_MAP = ("--map", "Bloque=fase", "--map", "Inicia=inicio", "--map", "Termina=fin", "--map", "Observación=otros")


def run(capsys, db, *args: str) -> tuple[int, dict, str]:
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def own_cronograma(path):
    """A cronograma of the office's own making: headers no layout knows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Cronograma"
    for row in [
        ["GAD Municipal de Cotacachi"],
        ["Cronograma de rendición de cuentas 2024"],
        [],
        ["Bloque", "Acción", "Dependencia a cargo", "Inicia", "Termina", "Etapa MURC", "Observación", "Código interno"],
        [
            "Fase 1: Planificación",
            "Conformar el equipo técnico",
            "Dirección de Planificación",
            datetime(2024, 1, 15),
            datetime(2024, 1, 31),
            "Aprestamiento",
            "Con acta",
            "X-01",
        ],
        [
            None,
            "Elaborar el informe preliminar",
            "Dirección Financiera",
            "14-feb-2024",
            "28/02/2024",
            "Diseño; Ejecución",
            None,
            "X-02",
        ],
        [
            "Fase 2: Deliberación",
            "Deliberación pública",
            "Alcaldía",
            datetime(2024, 3, 5),
            datetime(2024, 3, 5),
            "Ejecución",
            "En el coliseo",
            "X-03",
        ],
    ]:
        ws.append(row)
    wb.save(path)
    return path


def cpccs_workbook(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Cronograma"
    for row in [
        ["GAD Parroquial de Quiroga"],
        ["Cronograma de rendición de cuentas 2023"],
        ["FASE 1: Planificación"],
        ["Actividad", "Responsable", "Fecha", "Medio de verificación"],
        ["Conformar el equipo", "Presidencia", "15/01/2024", "Acta 1"],
        ["Diseñar la consulta", "Secretaría", "20/02/2024", "Acta 2"],
    ]:
        ws.append(row)
    wb.save(path)
    return path


def test_own_cronograma_imports_once_its_columns_are_mapped(capsys, tmp_path):
    db = tmp_path / "r.db"
    book = own_cronograma(tmp_path / "propio.xlsx")
    code, out, err = run(capsys, db, "plan", "import", str(book), *OWN_MAP, "--country", "EC")
    assert code == 0, err
    assert out["activities"] == 3 and out["groups"] == 2 and out["year"] == 2024
    assert out["entity"] == "GAD Municipal de Cotacachi" and out["mapped"] is True
    assert out["ignored_columns"] == [
        {
            "sheet": "Cronograma",
            "column": "H",
            "header": "Código interno",
            "reason": "ningún campo corresponde a este encabezado",
        }
    ]
    assert out["kept_columns"] == [{"sheet": "Cronograma", "column": "G", "header": "Observación"}]
    by_col = {c["column"]: (c["action"], c["field"], c["source"]) for c in out["columns"]}
    assert by_col["A"] == ("campo", "fase", "usuario") and by_col["B"] == ("campo", "actividad", "exacto")
    assert by_col["C"][:2] == ("campo", "responsable") and by_col["F"][:2] == ("campo", "etapa_murc")

    svc = PlanService(_db(db))
    groups = {g.group_id: g for g in svc.groups(out["plan_id"])}
    acts = svc.activities(out["plan_id"])
    assert [(groups[a.group_id].code, groups[a.group_id].name) for a in acts] == [
        ("Fase 1", "Planificación"),
        ("Fase 1", "Planificación"),
        ("Fase 2", "Deliberación"),
    ]
    assert [(a.description, a.responsible, a.start_date, a.end_date, a.stages, a.extra) for a in acts] == [
        (
            "Conformar el equipo técnico",
            "Dirección de Planificación",
            date(2024, 1, 15),
            date(2024, 1, 31),
            ("aprestamiento",),
            {"Observación": "Con acta"},
        ),
        (
            "Elaborar el informe preliminar",
            "Dirección Financiera",
            date(2024, 2, 14),
            date(2024, 2, 28),
            ("diseno", "ejecucion"),
            {},
        ),
        (
            "Deliberación pública",
            "Alcaldía",
            date(2024, 3, 5),
            date(2024, 3, 5),
            ("ejecucion",),
            {"Observación": "En el coliseo"},
        ),
    ]


def _db(path):
    from rcdesk.db.database import Database

    return Database.open(path)


def test_without_mapping_an_unknown_layout_is_proposed_and_reports_what_it_left_out(tmp_path):
    plan = read_plan(own_cronograma(tmp_path / "propio.xlsx"))
    assert plan.mapped and plan.layout_guessed and not plan.errors
    assert plan.activity_count == 3
    left_out = {c.header for c in plan.ignored_columns}
    assert left_out == {"Bloque", "Inicia", "Termina", "Observación", "Código interno"}
    assert all(a.start_date is None for a in plan.activities())  # «Inicia» is not a date column until mapped


def test_no_activity_column_is_a_refusal_the_user_fixes_by_mapping(capsys, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Qué haremos", "Dependencia a cargo", "Fecha límite"])
    ws.append(["Publicar el informe", "Comunicación", "30/04/2024"])
    book = tmp_path / "raro.xlsx"
    wb.save(book)
    db = tmp_path / "r.db"
    code, out, _ = run(capsys, db, "plan", "import", str(book), "--year", "2024", "--entity", "GAD X")
    assert code == 2
    assert "actividad" in out["errors"][0]["message"] and out["columns"][0]["header"] == "Qué haremos"
    code, out, err = run(
        capsys, db, "plan", "import", str(book), "--year", "2024", "--entity", "GAD X", "--map", "Qué haremos=actividad"
    )
    assert code == 0, err
    assert out["activities"] == 1


def test_a_known_layout_reads_as_before_and_map_changes_one_column(capsys, tmp_path):
    book = cpccs_workbook(tmp_path / "cpccs.xlsx")
    before = read_plan(book)
    assert before.layout == "cpccs" and not before.mapped
    assert [a.extra for a in before.activities()] == [
        {"Medio de verificación": "Acta 1"},
        {"Medio de verificación": "Acta 2"},
    ]
    after = read_plan(book, overrides={"Medio de verificación": "meta"})
    assert after.layout == "cpccs" and after.mapped
    assert [(a.description, a.responsible, a.meta, a.start_date, a.extra) for a in after.activities()] == [
        ("Conformar el equipo", "Presidencia", "Acta 1", date(2024, 1, 15), {}),
        ("Diseñar la consulta", "Secretaría", "Acta 2", date(2024, 2, 20), {}),
    ]
    assert [(g.code, g.name) for g in after.groups] == [(g.code, g.name) for g in before.groups]
    ignored = read_plan(book, overrides={"D": "ignorar"})
    assert [a.extra for a in ignored.activities()] == [{}, {}]
    assert [(c.column, c.reason) for c in ignored.ignored_columns] == [("D", "elegido por usted")]


def test_a_typo_in_map_is_an_error_naming_it(capsys, tmp_path):
    book = cpccs_workbook(tmp_path / "cpccs.xlsx")
    code, out, _ = run(capsys, tmp_path / "r.db", "plan", "import", str(book), "--map", "Medio de verifcacion=meta")
    assert code == 2 and "Medio de verifcacion" in out["errors"][0]["message"]
    code, out, _ = run(capsys, tmp_path / "r.db", "plan", "import", str(book), "--map", "Responsable=jefe")
    assert code == 2 and "jefe" in out["errors"][0]["message"]


def test_mapping_is_remembered_saved_and_reused(capsys, tmp_path):
    db = tmp_path / "r.db"
    book = own_cronograma(tmp_path / "propio.xlsx")
    profile = tmp_path / "perfil.json"
    code, _, err = run(capsys, db, "plan", "import", str(book), *OWN_MAP, "--dry-run", "--save-mapping", str(profile))
    assert code == 0, err
    doc = json.loads(profile.read_text(encoding="utf-8"))
    assert doc["tipo"] == "plan" and doc["columnas"]["Inicia"] == "inicio" and doc["columnas"]["Observación"] == "otros"
    # a dry run remembers nothing; the next reading proposes again
    code, out, _ = run(capsys, db, "plan", "import", str(book), "--dry-run")
    assert out["profile"] is None and len(out["ignored_columns"]) == 5
    code, out, _ = run(capsys, db, "plan", "import", str(book), "--dry-run", "--mapping", str(profile))
    assert out["profile"] == "propio.xlsx" and len(out["ignored_columns"]) == 1
    # a real import remembers; next month's copy with the same headers needs no --map
    assert run(capsys, db, "plan", "import", str(book), *OWN_MAP, "--country", "EC")[0] == 0
    code, out, _ = run(capsys, db, "plan", "import", str(book), "--dry-run")
    assert out["profile"] == "recordado" and [c["header"] for c in out["ignored_columns"]] == ["Código interno"]
    code, out, _ = run(capsys, db, "plan", "import", str(book), "--dry-run", "--no-remembered")
    assert out["profile"] is None and len(out["ignored_columns"]) == 5


def test_a_known_layout_import_remembers_nothing(capsys, tmp_path):
    db = tmp_path / "r.db"
    assert run(capsys, db, "plan", "import", str(cpccs_workbook(tmp_path / "c.xlsx")))[0] == 0
    with sqlite3.connect(db) as c:
        assert c.execute("select count(*) from import_mapping where kind = 'plan'").fetchone() == (0,)


def test_month_marks_give_dates_and_group_columns_nest(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Plan de rendición de cuentas 2024"])
    ws.append(["Componente", "Subcomponente", "Tarea", "Ene", "Feb", "Mar", "Abr"])
    ws.append(["Componente 3 Rendición", "Subcomponente 1 Información", "Publicar datos", "x", "x", "", ""])
    ws.append([None, "Subcomponente 2 Diálogo", "Audiencia", "", "", "X", ""])
    book = tmp_path / "gantt.xlsx"
    wb.save(book)
    as_layout = read_plan(book)  # the PAAC layout keeps the month columns as otros datos
    assert as_layout.layout == "paac" and {"Ene": "x", "Feb": "x"}.items() <= next(as_layout.activities()).extra.items()
    plan = read_plan(book, overrides={"Ene": "mes:1", "Feb": "mes:2", "Mar": "mes:3", "Abr": "mes:4"})
    (comp,) = plan.groups
    assert (comp.kind, comp.code, comp.name) == ("componente", "Componente 3", "Rendición")
    assert [(g.kind, g.code, g.name, [a.description for a in g.activities]) for g in comp.children] == [
        ("subcomponente", "Subcomponente 1", "Información", ["Publicar datos"]),
        ("subcomponente", "Subcomponente 2", "Diálogo", ["Audiencia"]),
    ]
    assert [(a.scheduled_text, a.start_date, a.end_date) for a in plan.activities()] == [
        ("enero a febrero", date(2024, 1, 1), date(2024, 2, 29)),
        ("marzo", date(2024, 3, 1), date(2024, 3, 31)),
    ]
    assert not plan.ignored_columns


def test_import_fields_lists_each_catalog(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path / "r.db", "import", "fields", "plan")
    assert code == 0
    keys = [f["key"] for f in out["fields"]]
    for key in (
        "fase",
        "codigo_fase",
        "actividad",
        "responsable",
        "meta",
        "indicador",
        "recursos",
        "diseno",
        "etapa_murc",
        "cuatrimestre",
        "mes",
        "inicio",
        "fin",
        "fecha",
    ):
        assert key in keys
    assert next(f for f in out["fields"] if f["key"] == "actividad")["required"] is True
    code, out, _ = run(capsys, tmp_path / "r.db", "import", "fields", "poa")
    assert code == 0 and "meta" in [f["key"] for f in out["fields"]]
    main(["--db", str(tmp_path / "r.db"), "import", "fields", "plan"])
    text = capsys.readouterr().out
    assert "actividad" in text and "Fecha inicial" in text and "otros" in text and "ignorar" in text


def test_sheet_picks_the_sheets_to_import(capsys, tmp_path):
    wb = Workbook()
    first = wb.active
    first.title = "2023"
    second = wb.create_sheet("2024")
    for ws, year in ((first, 2023), (second, 2024)):
        ws.append([f"Cronograma de rendición de cuentas {year}"])
        ws.append(["Acción", "Dependencia a cargo"])
        ws.append([f"Informe {year}", "Planificación"])
    book = tmp_path / "dos.xlsx"
    wb.save(book)
    assert read_plan(book).activity_count == 2
    only = read_plan(book, sheets=["2024"])
    assert [a.description for a in only.activities()] == ["Informe 2024"] and only.year == 2024
    code, out, _ = run(capsys, tmp_path / "r.db", "plan", "import", str(book), "--sheet", "2025", "--entity", "X")
    assert code == 2 and "2025" in out["errors"][0]["message"] and "«2023», «2024»" in out["errors"][0]["message"]


def test_import_fields_for_attendance(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path / "r.db", "import", "fields", "attendance")
    assert code == 0 and {"nombre", "documento", "genero"} <= {f["key"] for f in out["fields"]}


def test_import_fields_of_a_kind_this_version_lacks_says_so(capsys, tmp_path, monkeypatch):
    from rcdesk.cli.commands import imports

    monkeypatch.setitem(imports.CATALOG_MODULES, "attendance", "rcdesk.events.sin_catalogo")
    code = main(["--db", str(tmp_path / "r.db"), "import", "fields", "attendance"])
    out, err = capsys.readouterr()
    assert code == 2 and "no está disponible" in err and "Traceback" not in err


def test_a_known_layout_with_month_marks_keeps_its_group_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    for row in [
        ["GAD Parroquial de Quiroga"],
        ["Cronograma de rendición de cuentas 2024"],
        ["FASE 1: Planificación"],
        ["Actividad", "Responsable", "Fecha", "Ene", "Feb"],
        ["Conformar el equipo", "Presidencia", "", "x", ""],
        ["FASE 2: Deliberación"],
        ["Deliberación pública", "Presidencia", "", "", "x"],
    ]:
        ws.append(row)
    book = tmp_path / "meses.xlsx"
    wb.save(book)
    as_layout = read_plan(book)
    assert as_layout.layout == "cpccs" and [a.extra for a in as_layout.activities()] == [{"Ene": "x"}, {"Feb": "x"}]
    plan = read_plan(book, overrides={"Ene": "mes:1", "Feb": "mes:2"})
    assert plan.layout == "cpccs"
    assert [(g.kind, g.code, g.name) for g in plan.groups] == [(g.kind, g.code, g.name) for g in as_layout.groups]
    assert [(g.code, a.description, a.start_date, a.end_date, a.extra) for g in plan.groups for a in g.activities] == [
        ("FASE 1", "Conformar el equipo", date(2024, 1, 1), date(2024, 1, 31), {}),
        ("FASE 2", "Deliberación pública", date(2024, 2, 1), date(2024, 2, 29), {}),
    ]
