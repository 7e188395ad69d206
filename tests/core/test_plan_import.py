"""Importing plans from Excel: the five seed layouts, messy real-world files, and bad files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rcdesk.errors import UserError
from rcdesk.jobs import Cancelled, CancelToken
from rcdesk.plans.importer import read_plan
from tests.core import messy_workbooks as mw

SEEDS = Path(__file__).resolve().parents[2] / "rcdesk" / "data" / "seeds"

# Activities counted by hand in the seed texts (/work/shared/seeds):
#   000: FASE 0 5 + FASE 1 8 + FASE 2 13 + FASE 3 2           = 28
#   001: INFORMACIÓN 10 + DIÁLOGO 9 + RESPONSABILIDAD 9 + 1   = 29
#   002: etapas 11 + 18 + 7 + 3 + 7                           = 46
#   003: INFORMACIÓN 8 + DIÁLOGO 6 + RESPONSABILIDAD 5         = 19
#   004: 26 activity rows, 2 of them continue the previous one = 24
SEED_CASES = [
    ("000_cpccs_chimborazo_2021.xlsx", "cpccs", 28, "Gobernación de Chimborazo", 2021),
    ("001_murc_estrategia_2021.xlsx", "murc", 29, "", 2021),
    ("002_dated_itagui_2020.xlsx", "dated", 46, "MUNICIPIO DE ITAGÜÍ", 2020),
    ("003_murc_ibague_2022.xlsx", "murc", 19, "", 2022),
    ("004_paac_narino_2022.xlsx", "paac", 24, "GOBERNACIÓN DE NARIÑO", 2022),
]


@pytest.mark.parametrize(("name", "layout", "count", "entity", "year"), SEED_CASES)
def test_seed_workbooks_import_every_activity(name, layout, count, entity, year):
    plan = read_plan(SEEDS / name)
    assert plan.layout == layout
    assert plan.activity_count == count
    assert plan.entity == entity
    assert plan.year == year
    assert not plan.errors
    assert plan.source_name == name
    for act in plan.activities():
        assert act.description.strip()
        assert act.source_sheet and act.source_row


def test_cpccs_phases_sections_and_merged_responsible():
    plan = read_plan(SEEDS / "000_cpccs_chimborazo_2021.xlsx")
    fases = [(g.code, g.name) for g in plan.groups]
    assert fases[0] == ("FASE 0", "ORGANIZACIÓN INTERNA INSTITUCIONAL")
    assert [f[0] for f in fases] == ["FASE 0", "FASE 1", "FASE 2", "FASE 3"]
    f0 = plan.groups[0]
    assert [(s.kind, s.name, len(s.activities)) for s in f0.children] == [
        ("seccion", "EQUIPO", 4),
        ("seccion", "DISEÑO DE PROPUESTA", 1),
    ]
    f3 = plan.groups[3]
    # "Unidad de Tic" is one cell merged over both activities of FASE 3
    assert [a.responsible for a in f3.activities] == ["Unidad de Tic", "Unidad de Tic"]
    assert plan.header_lines[0] == "RENDICION DE CUENTAS AÑO 2021"


def test_murc_marks_and_repeated_headers():
    plan = read_plan(SEEDS / "003_murc_ibague_2022.xlsx")
    assert [(g.kind, g.name, len(g.activities)) for g in plan.groups] == [
        ("elemento", "INFORMACIÓN", 8),
        ("elemento", "DIÁLOGO", 6),
        ("elemento", "RESPONSABILIDAD", 5),
    ]
    descriptions = [a.description for a in plan.activities()]
    assert not any("META/PRODUCTO" in d for d in descriptions)  # the stray header row is skipped
    first = plan.groups[0].activities[0]
    assert first.stages == ["aprestamiento"]
    assert first.cuatrimestres == [2]
    assert first.responsible.startswith("Dirección de Participación Ciudadana")
    produce = plan.groups[2].activities[1]
    assert produce.stages == ["preparacion", "ejecucion"]
    assert produce.cuatrimestres == [1, 2, 3]


def test_murc_activity_after_a_headerless_page_stays_in_its_element():
    plan = read_plan(SEEDS / "001_murc_estrategia_2021.xlsx")
    last = plan.groups[-1].activities[-1]
    assert plan.groups[-1].name == "RESPONSABILIDAD"
    assert last.description.startswith("Evaluar y verificar")
    assert last.responsible == "Oficina de Control Interno"
    assert plan.title == "Cronograma proceso ESTRATÉGIA DE RENDICIÓN DE CUENTAS"


def test_dated_text_and_excel_dates():
    plan = read_plan(SEEDS / "002_dated_itagui_2020.xlsx")
    first = plan.groups[0].activities[0]  # d/mm/yyyy text in the file
    assert (first.number, first.start_date, first.end_date) == ("1", date(2020, 9, 9), date(2020, 9, 11))
    evaluation = plan.groups[-1]  # real Excel dates in the file
    assert evaluation.name == "ETAPA DE EVALUACIÓN"
    assert evaluation.activities[2].end_date == date(2021, 1, 15)
    assert [len(g.activities) for g in plan.groups] == [11, 18, 7, 3, 7]


def test_paac_continuation_rows_are_merged_not_new_activities():
    plan = read_plan(SEEDS / "004_paac_narino_2022.xlsx")
    comp = plan.groups[0]
    assert (comp.kind, comp.code, comp.name) == ("componente", "COMPONENTE 3", "RENDICION DE CUENTAS")
    assert [s.code for s in comp.children] == [
        "Subcomponente 1",
        "Subcomponente 2",
        "Subcomponente 3",
        "Subcomponente 6",
    ]
    sub1 = comp.children[0].activities
    assert sub1[3].description.endswith(
        "peticiones, quejas, reclamos o denuncias recibidas en las dependencias, "
        "a través de redes sociales institucionales."
    )
    paz = comp.children[3].activities[2]
    assert paz.description.endswith(
        "avances de la entidad respecto a la implementación del Acuerdo de Paz, bajo "
        "los lineamientos del Sistema de Rendición de Cuentas a por parte del DAFP."
    )
    assert paz.responsible.endswith("Paz y Derechos Humanos / Prensa y comunicaciones")
    assert paz.meta.endswith(
        "divulgación diseñada e implementada, sobre los avances en la implementación de los acuerdos de paz."
    )
    assert not any(a.description[0].islower() for a in plan.activities())
    merged = [p for p in plan.warnings if "continúa la actividad" in p.message]
    assert [(p.row, p.sheet) for p in merged] == [(18, "Componente 3"), (66, "Componente 3")]


def test_paac_scheduled_texts_kept_and_parsed():
    plan = read_plan(SEEDS / "004_paac_narino_2022.xlsx")
    by_text = {a.scheduled_text: (a.start_date, a.end_date) for a in plan.activities()}
    assert by_text["Febrero a diciembre de 2022"] == (date(2022, 2, 1), date(2022, 12, 31))
    assert by_text["Cada trimestre de 2022"] == (date(2022, 1, 1), date(2022, 12, 31))
    assert by_text["Informe elaborado: 30/11/2022, Informe publicado: 31/12/2022"] == (
        date(2022, 11, 30),
        date(2022, 12, 31),
    )


# ---- messy files --------------------------------------------------------------------------
def test_messy_murc_reordered_columns_marks_and_extra(tmp_path):
    plan = read_plan(mw.messy_murc(tmp_path / "matriz.xlsx"))
    assert plan.layout == "murc"
    assert plan.entity == "ALCALDÍA MUNICIPAL DE PRUEBAS"
    assert plan.year == 2023
    info, dialog = plan.groups
    assert (info.name, len(info.activities), dialog.name, len(dialog.activities)) == ("Información", 3, "DIÁLOGO", 2)
    a1, a2, a3 = info.activities
    assert a1.description == "Caracterizar los grupos de valor"  # stray spaces cleaned
    assert (a1.responsible, a1.meta) == ("Planeación", "Documento de caracterización")
    assert a1.extra == {"Observaciones": "ver acta 3"}
    assert (a1.stages, a1.cuatrimestres) == (["aprestamiento"], [1])
    assert (a2.stages, a2.cuatrimestres) == (["ejecucion"], [2, 3])  # "X ", "✓" and "x"
    assert a3.extra == {"Diseno": "Pendiente"}
    warn = [p for p in plan.warnings if p.row == 8]
    assert warn and "Pendiente" in warn[0].message and warn[0].column == "Diseno"
    # the row with marks but no activity is an error naming sheet, row and column
    (err,) = plan.errors
    assert (err.sheet, err.row, err.column) == ("Matriz MURC", 14, "Actividad")
    assert "no tiene la descripción de la actividad" in err.message
    assert str(err).startswith("hoja «Matriz MURC», fila 14")


def test_messy_dated_bad_date_kept_and_end_before_start_warned(tmp_path):
    plan = read_plan(mw.messy_dated(tmp_path / "crono.xlsx"))
    assert plan.layout == "dated"
    assert [g.name for g in plan.groups] == ["Etapa de alistamiento", "ETAPA DE DIÁLOGO"]
    a1, a2 = plan.groups[0].activities
    assert (a1.start_date, a1.end_date, a1.responsible, a1.extra) == (
        date(2021, 3, 1),
        date(2021, 3, 5),
        "Planeación",
        {"Lugar": "Sala 1"},
    )
    assert (a2.start_date, a2.end_date, a2.scheduled_text) == (date(2021, 3, 8), None, "pronto")
    bad = [p for p in plan.warnings if "pronto" in p.message]
    assert bad and (bad[0].row, bad[0].column) == (6, "Fecha fin")
    late = [p for p in plan.warnings if "anterior a la fecha inicial" in p.message]
    assert len(late) == 1 and late[0].row == 10
    assert not plan.errors


def test_messy_paac_formula_like_text_and_continuation(tmp_path):
    plan = read_plan(mw.messy_paac(tmp_path / "paac.xlsx"))
    sub1, sub2 = plan.groups[0].children
    assert sub1.activities[0].description == "=Publicar el informe de gestión"
    assert sub1.activities[1].description.endswith("peticiones, quejas, reclamos y denuncias recibidos.")
    assert sub2.activities[1].scheduled_text == "Cuando se pueda"
    assert sub2.activities[1].start_date is None
    assert any("Cuando se pueda" in p.message and p.row == 12 for p in plan.warnings)


def test_messy_cpccs_phase_name_in_the_same_cell(tmp_path):
    plan = read_plan(mw.messy_cpccs(tmp_path / "fases.xlsx"))
    assert [(g.code, g.name) for g in plan.groups] == [("Fase 1", "Planificación"), ("FASE 2", "DELIBERACIÓN PÚBLICA")]
    assert [c.name for c in plan.groups[1].children] == ["EVENTO"]
    assert [a.description for a in plan.groups[1].activities] == ["Difundir el informe"]
    assert plan.year == 2022


def test_plan_spanning_sheets(tmp_path):
    plan = read_plan(mw.multi_sheet(tmp_path / "dos_hojas.xlsx"))
    assert [g.name for g in plan.groups] == ["ETAPA DE INFORMACIÓN", "ETAPA DE DIÁLOGO"]
    assert plan.groups[1].activities[0].source_sheet == "Hoja2"
    assert plan.sheet_names == ["Hoja1", "Hoja2", "Notas"]
    assert any(p.sheet == "Notas" for p in plan.warnings)


# ---- bad files ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("builder", "expected"),
    [
        (mw.bad_text_renamed, "no es un libro de Excel"),
        (mw.bad_truncated, "dañado"),
        (mw.bad_password, "protegido con contraseña"),
        (mw.bad_not_workbook_zip, "LibreOffice (.ods)"),
        (mw.bad_no_header, "No se encontró la tabla de actividades"),
        (mw.bad_empty, "está vacío"),
    ],
)
def test_bad_files_are_refused_naming_the_file(tmp_path, builder, expected):
    path = builder(tmp_path / "plan_malo.xlsx")
    with pytest.raises(UserError) as info:
        read_plan(path)
    assert expected in str(info.value)
    assert "«plan_malo.xlsx»" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(UserError, match="No se encontró el archivo «nada.xlsx»"):
        read_plan(tmp_path / "nada.xlsx")


# ---- big files ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_workbook(tmp_path_factory):
    return mw.big_murc(tmp_path_factory.mktemp("big") / "grande.xlsx", 20_000)


def test_20000_rows_import_with_progress(big_workbook):
    calls: list[tuple[int, int | None]] = []
    plan = read_plan(big_workbook, progress=lambda done, total=None, text="": calls.append((done, total)))
    assert plan.activity_count == 20_000
    assert not plan.errors
    assert len(calls) >= 100  # about every 200 rows
    dones = [d for d, _ in calls]
    assert dones == sorted(dones)
    assert calls[-1][0] == calls[-1][1]


def test_cancel_stops_the_import(big_workbook):
    token = CancelToken()
    seen = []

    def progress(done, total=None, text=""):
        seen.append(done)
        if done >= 1000:
            token.cancel()

    with pytest.raises(Cancelled):
        read_plan(big_workbook, progress=progress, cancel=token)
    assert max(seen) < 20_000


def test_dated_title_line_right_above_the_header_is_a_title_not_an_etapa(tmp_path):
    """Found by the GUI tests: a lone title line directly above the first header."""
    import openpyxl

    from rcdesk.plans.importer import read_plan

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CRONOGRAMA DE RENDICIÓN DE CUENTAS MUNICIPIO DE PRUEBA 2024"])
    ws.append(["No.", "ACTIVIDAD", "FECHA INICIAL", "FECHA FINAL", "RESPONSABLE"])
    ws.append([1, "Elaborar propuesta", "9/09/2024", "11/09/2024", "Planeación"])
    ws.append(["ETAPA DE INFORMACION"])
    ws.append(["No.", "ACTIVIDAD", "FECHA INICIAL", "FECHA FINAL", "RESPONSABLE"])
    ws.append([1, "Publicar cronograma", "5/10/2024", "26/10/2024", "TIC"])
    path = tmp_path / "titulo.xlsx"
    wb.save(path)
    plan = read_plan(path)
    assert plan.layout == "dated" and plan.year == 2024 and plan.activity_count == 2
    names = [g.name for g in plan.groups]
    assert "ETAPA DE INFORMACION" in names
    assert not any("CRONOGRAMA" in n for n in names)
    assert any("CRONOGRAMA" in line for line in plan.header_lines)
