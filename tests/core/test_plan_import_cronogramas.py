"""Cronogramas as offices write them: notes under the table, numbered group labels, header
cells that are not groups, date texts, files without dates, and every column accounted for.

Each workbook is built here with openpyxl in the shape of a real office's file.
"""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from rcdesk.plans.importer import read_plan
from rcdesk.plans.importers.group_labels import split_label


def _book(path, sheet: str, rows: list[list]) -> object:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def cpccs_with_notes(path):
    """A parish GAD's CPCCS cronograma: fases in column A, date texts, then the CPCCS notes."""
    return _book(
        path,
        "Cronograma",
        [
            ["GOBIERNO AUTÓNOMO DESCENTRALIZADO PARROQUIAL RURAL DE SAN ISIDRO"],
            ["CRONOGRAMA DEL PROCESO DE RENDICIÓN DE CUENTAS PERIODO 2020"],
            [],
            ["FASE", "ACTIVIDADES", "FECHA", "RESPONSABLE"],
            ["FASE 0", "Conformación del equipo técnico", "14-sep-2020", "Presidente"],
            ["", "Diseño de la propuesta", "22 al 28 de septiembre de 2020", "Equipo técnico"],
            ["FASE 1", "Evaluación de la gestión", "martes, 6 de octubre de 2020", "Equipo técnico"],
            ["", "Llenado del formulario", "2-oct-2020", "Secretaria"],
            ["FASE 2", "Deliberación pública", "19 y 20 de noviembre de 2020", "Presidente"],
            [],
            ["PROCEDIMIENTO"],  # row 11
            ["", "• La asamblea ciudadana presenta las preguntas"],
            ["", "• El equipo técnico responde en la deliberación"],
            ["", "- Se firma el acta de compromisos"],  # row 14
            [],
            ["HERRAMIENTAS:"],  # row 16
            ["", "1. Formulario de informe de rendición de cuentas"],
            ["", "2. Guía especializada del CPCCS"],  # row 18
            ["NOTAS:", "Las fechas pueden cambiar por la emergencia sanitaria"],  # row 19
        ],
    )


def test_sections_under_a_cpccs_table_are_a_warning_not_activities(tmp_path):
    plan = read_plan(cpccs_with_notes(tmp_path / "cronograma.xlsx"))
    assert plan.activity_count == 5
    texts = [a.description for a in plan.activities()]
    assert not any(t.startswith(("•", "-", "1.", "2.", "Las fechas")) for t in texts)
    names = {g.name for g in plan.walk_groups()} | {g.code for g in plan.walk_groups()}
    assert not names & {"PROCEDIMIENTO", "HERRAMIENTAS", "HERRAMIENTAS:", "NOTAS:", "NOTAS"}
    warnings = [str(w) for w in plan.warnings]
    assert (
        "hoja «Cronograma», filas 11–14: sección «PROCEDIMIENTO» bajo la tabla; no se importó como actividades"
    ) in warnings
    assert any(w.startswith("hoja «Cronograma», filas 16–18: sección «HERRAMIENTAS»") for w in warnings)
    assert any(w.startswith("hoja «Cronograma», fila 19: sección «NOTAS»") for w in warnings)
    assert not plan.errors


def test_fase_labels_in_the_group_column_are_fases_and_date_texts_are_read(tmp_path):
    plan = read_plan(cpccs_with_notes(tmp_path / "cronograma.xlsx"))
    assert [(g.kind, g.code) for g in plan.groups] == [("fase", "FASE 0"), ("fase", "FASE 1"), ("fase", "FASE 2")]
    by_text = {a.description: a for a in plan.activities()}
    design = by_text["Diseño de la propuesta"]
    assert (design.start_date, design.end_date) == (date(2020, 9, 22), date(2020, 9, 28))
    assert design.scheduled_text == "22 al 28 de septiembre de 2020"  # kept verbatim
    assert by_text["Conformación del equipo técnico"].start_date == date(2020, 9, 14)
    assert by_text["Evaluación de la gestión"].end_date == date(2020, 10, 6)
    assert by_text["Llenado del formulario"].start_date == date(2020, 10, 2)
    assert by_text["Deliberación pública"].start_date == date(2020, 11, 19)


def test_bullet_list_after_the_table_without_heading_and_table_resuming_after_notes(tmp_path):
    path = _book(
        tmp_path / "fases.xlsx",
        "Plan",
        [
            ["JUNTA PARROQUIAL DE LICTO — RENDICIÓN DE CUENTAS 2021"],
            ["No.", "ACTIVIDADES", "FECHA", "RESPONSABLE"],
            [1, "Conformar el equipo", "4 de mayo de 2021", "Presidencia"],
            [2, "Llenar el formulario", "lunes 10 de mayo de 2021", "Secretaría"],
            [],
            ["• Se coordina con la asamblea local"],  # row 6
            ["• Se publica en la página web"],  # row 7
            ["No.", "ACTIVIDADES", "FECHA", "RESPONSABLE"],  # the next page: the table goes on
            [3, "Deliberación pública", "del 3 al 5 de junio", "Presidencia"],
        ],
    )
    plan = read_plan(path)
    assert [a.description for a in plan.activities()] == [
        "Conformar el equipo",
        "Llenar el formulario",
        "Deliberación pública",
    ]
    assert any(str(w).startswith("hoja «Plan», filas 6–7: sección «lista con viñetas»") for w in plan.warnings)
    last = list(plan.activities())[-1]
    assert (last.start_date, last.end_date) == (date(2021, 6, 3), date(2021, 6, 5))  # the plan's year


def test_an_activity_starting_with_a_dash_inside_the_table_stays_an_activity(tmp_path):
    path = _book(
        tmp_path / "guiones.xlsx",
        "Plan",
        [
            ["GAD MUNICIPAL DE GUANO — RENDICIÓN DE CUENTAS 2021"],
            ["No.", "ACTIVIDADES", "FECHA", "RESPONSABLE"],
            [1, "- Conformar el equipo", "4 de mayo de 2021", "Alcaldía"],
            [2, "- Evaluar la gestión", "10 de mayo de 2021", "Planificación"],
            ["", "- Notas de prensa publicadas", "", "Comunicación"],
        ],
    )
    plan = read_plan(path)
    assert plan.activity_count == 3
    assert not any("sección" in str(w) for w in plan.warnings)


def paac_subcomponentes(path):
    """A PAAC componente 3 with «Subcomponente/proceso N: nombre» labels and a repeated header."""
    return _book(
        path,
        "PAAC 2021",
        [
            ["ALCALDÍA MUNICIPAL DE SAN JACINTO"],
            ["PLAN ANTICORRUPCIÓN Y DE ATENCIÓN AL CIUDADANO 2021"],
            ["Componente 3. Rendición de cuentas"],
            ["Subcomponente/proceso", "Actividades", "Meta o producto", "Responsable", "Fecha programada"],
            [
                "Subcomponente/proceso 1: Información de calidad",
                "1.1 Publicar el informe",
                "Informe",
                "Planeación",
                "14-sep-2021",
            ],
            ["", "1.2 Actualizar la página web", "Página", "Sistemas", "Permanente"],
            [
                "Subcomponente 2 Diálogo de doble vía",
                "2.1 Audiencia pública",
                "Una audiencia",
                "Despacho",
                "19 y 20 de noviembre de 2021",
            ],
            ["Subcomponente/proceso", "Actividades", "Meta o producto", "Responsable", "Fecha programada"],
            [
                "Subcomponente/proceso 3: Responsabilidad",
                "3.1 Evaluar la estrategia",
                "Evaluación",
                "Control Interno",
                "Diciembre",
            ],
        ],
    )


def test_subcomponente_labels_split_into_code_and_name_and_header_cells_make_no_group(tmp_path):
    plan = read_plan(paac_subcomponentes(tmp_path / "paac.xlsx"))
    assert [(g.kind, g.code, g.name) for g in plan.groups] == [("componente", "Componente 3", "Rendición de cuentas")]
    subs = plan.groups[0].children
    assert [(g.kind, g.code, g.name, len(g.activities)) for g in subs] == [
        ("subcomponente", "Subcomponente/proceso 1", "Información de calidad", 2),
        ("subcomponente", "Subcomponente 2", "Diálogo de doble vía", 1),
        ("subcomponente", "Subcomponente/proceso 3", "Responsabilidad", 1),
    ]
    assert all(g.activities or g.children for g in plan.walk_groups())  # no empty group anywhere


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Subcomponente/proceso 1: Información de calidad",
            ("subcomponente", "Subcomponente/proceso 1", "Información de calidad"),
        ),
        ("Subcomponente 1 Información", ("subcomponente", "Subcomponente 1", "Información")),
        ("Componente 2. Nombre", ("componente", "Componente 2", "Nombre")),
        ("Fase II – Evaluación", ("fase", "Fase II", "Evaluación")),
        ("FASE 0", ("fase", "FASE 0", "")),
        ("Componente Información", (None, "", "Componente Información")),  # no number: a name, not a code
        ("EQUIPO", (None, "", "EQUIPO")),
    ],
)
def test_group_labels_split(text, expected):
    assert split_label(text) == expected


def test_title_line_above_a_dated_table_is_the_title_and_a_stage_name_is_an_etapa(tmp_path):
    path = _book(
        tmp_path / "ese.xlsx",
        "Cronograma",
        [
            ["EMPRESA SOCIAL DEL ESTADO HOSPITAL SAN RAFAEL"],
            ["ESTRATEGIA DE PARTICIPACIÓN CIUDADANA 2020"],
            ["No.", "ACTIVIDAD", "FECHA INICIO", "FECHA FIN", "RESPONSABLE"],
            [1, "Publicar el informe", "14-sep-2020", "2-oct-2020", "Gerencia"],
            [2, "Audiencia pública", "22 al 28 de octubre de 2020", "", "Gerencia"],
            ["APRESTAMIENTO"],
            ["No.", "ACTIVIDAD", "FECHA INICIO", "FECHA FIN", "RESPONSABLE"],
            [3, "Evaluar", "martes, 15 de diciembre de 2020", "15/12/2020", "Control interno"],
        ],
    )
    plan = read_plan(path)
    assert plan.title == "ESTRATEGIA DE PARTICIPACIÓN CIUDADANA 2020"
    names = [g.name for g in plan.groups]
    assert "APRESTAMIENTO" in names and not any("ESTRATEGIA" in n for n in names)
    audiencia = next(a for a in plan.activities() if a.description == "Audiencia pública")
    assert (audiencia.start_date, audiencia.end_date) == (date(2020, 10, 22), date(2020, 10, 28))


# ---- a cronograma without dates ---------------------------------------------------------------
def test_cronograma_whose_dates_cannot_be_read_gets_one_warning_naming_the_column(tmp_path):
    path = _book(
        tmp_path / "sin_fechas.xlsx",
        "Hoja1",
        [
            ["GAD PARROQUIAL DE CUBIJÍES — RENDICIÓN DE CUENTAS 2022"],
            ["ACTIVIDADES", "RESPONSABLE", "PLAZO"],
            ["Conformar el equipo", "Presidencia", "Por definir"],
            ["Deliberación pública", "Presidencia", "Según disposición del CPCCS"],
        ],
    )
    plan = read_plan(path)
    no_dates = [w for w in plan.warnings if "ninguna de sus 2 actividades tiene una fecha legible" in str(w)]
    assert len(no_dates) == 1 and "«PLAZO» (hoja «Hoja1»)" in str(no_dates[0])
    assert [a.scheduled_text for a in plan.activities()] == ["Por definir", "Según disposición del CPCCS"]


def test_cronograma_without_a_date_column_is_warned_and_one_with_dates_is_not(tmp_path):
    plain = _book(
        tmp_path / "plano.xlsx",
        "Hoja1",
        [
            ["GAD PARROQUIAL DE CUBIJÍES — RENDICIÓN DE CUENTAS 2022"],
            ["ACTIVIDADES", "RESPONSABLE"],
            ["Conformar el equipo", "Presidencia"],
        ],
    )
    assert any("no tiene una columna de fechas" in str(w) for w in read_plan(plain).warnings)
    dated = read_plan(cpccs_with_notes(tmp_path / "con_fechas.xlsx"))
    assert not any("fecha legible" in str(w) or "columna de fechas" in str(w) for w in dated.warnings)


# ---- every column accounted for -----------------------------------------------------------------
def test_every_column_is_mapped_kept_or_reported(tmp_path):
    path = _book(
        tmp_path / "columnas.xlsx",
        "Cronograma",
        [
            ["ALCALDÍA DE SAN JACINTO — CRONOGRAMA 2021"],
            [
                "No.",
                "ACTIVIDAD",
                "FECHA INICIO",
                "FECHA FIN",
                "RESPONSABLE",
                "Cuatrimestre de ejecución",
                "Observaciones",
                "",
            ],
            [1, "Publicar el informe", "1/02/2021", "28/02/2021", "Planeación", "", "Virtual", "ver acta 3"],
            [2, "Audiencia pública", "1/03/2021", "1/03/2021", "Despacho", "", "", ""],
        ],
    )
    plan = read_plan(path)
    uses = {c.column: c.use for c in plan.columns}
    assert uses == {
        "A": "number",
        "B": "description",
        "C": "start",
        "D": "end",
        "E": "responsible",
        "F": "ignored",
        "G": "extra",
        "H": "extra",
    }
    first = next(plan.activities())
    assert first.extra == {"Observaciones": "Virtual", "Columna H": "ver acta 3"}  # kept, not ignored
    assert [(c.sheet, c.column, c.header) for c in plan.ignored_columns] == [
        ("Cronograma", "F", "Cuatrimestre de ejecución")
    ]
    assert any("la columna F («Cuatrimestre de ejecución»)" in str(w) for w in plan.warnings)


def test_rcdesk_generic_export_reads_back_with_every_column_used_or_kept(tmp_path):
    from rcdesk.plans.exporter import write_plan

    plan = read_plan(paac_subcomponentes(tmp_path / "paac.xlsx"))
    back = read_plan(write_plan(plan, tmp_path / "generico.xlsx", "generic"))
    assert back.layout == "paac" and back.activity_count == plan.activity_count
    uses = {c.header: c.use for c in back.columns}
    assert uses["Descripción"] == "description" and uses["Grupo 1"] == "group"
    assert back.ignored_columns == []
