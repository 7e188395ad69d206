"""MURC strategy evaluation and internal activity report: figures counted by hand from
tests/core/strategy_world.py, PDF labels, workbooks without formulas."""

from datetime import date

import pytest

from rcdesk.errors import UserError
from rcdesk.services.murc_report import build_activity_report, build_murc
from tests.core import strategy_world
from tests.pdf_text import pdf_text

CUT = date(2024, 8, 31)


@pytest.fixture
def world(db):
    return strategy_world.build(db)


def test_evaluation_figures_match_the_events_and_the_follow_up(db, world):
    m = build_murc(db, world["plan_id"], CUT)
    # the team meeting is no dialogue space, the planned one is still to hold, the other plan's event is out
    assert [s.title for s in m.spaces] == [
        "Audiencia pública de rendición de cuentas 2024",
        "Diálogo con las JAC del norte",
    ]
    assert (m.planned_spaces, m.cancelled_spaces, m.participants) == (1, 0, 40 + 15)
    assert m.groups == (("Juntas de acción comunal", 2), ("Jóvenes", 1), ("Veedurías ciudadanas", 1))
    assert m.metas == (("2.1 Una audiencia pública", 1), ("2.2 Dos diálogos barriales", 1))
    audiencia = m.spaces[0]
    assert (audiencia.contributions, audiencia.incorporated, audiencia.questions, audiencia.answered) == (2, 1, 1, 1)
    assert audiencia.breakdown == "Masculino 18 · Femenino 22"
    assert audiencia.evaluation == ("La información presentada fue: Clara (66,7 % de 3 respuestas)",)
    assert audiencia.recommendations == ("Más tiempo para preguntas",)
    # one commitment fulfilled, one pending and past its 15/08 deadline at the cut
    assert [(c.status, c.overdue) for c in m.commitments] == [("CUMPLIDO", False), ("PENDIENTE", True)]
    assert (m.commitments_met, m.commitments_overdue) == (50.0, 1)
    # (100 + 100 + 50) / 3 over the programmed activities; 3.1 (third cuatrimestre) not yet programmed
    assert str(m.plan.raw) == "83.33" and (m.activities, m.activities_done) == (4, 2)
    stages = {s.label: (s.activities, s.compliance.raw) for s in m.stages}
    assert stages["Aprestamiento"][1] == 100 and stages["Ejecución"] == (2, 75)
    assert stages["Seguimiento y Evaluación"] == (1, None)


def test_an_earlier_cut_holds_fewer_spaces(db, world):
    m = build_murc(db, world["plan_id"], date(2024, 6, 30))
    assert [s.participants for s in m.spaces] == [40] and m.planned_spaces == 2
    assert m.commitments_overdue == 0  # 15/08 deadline not reached yet


def test_cut_outside_the_vigencia_is_refused(db, world):
    with pytest.raises(UserError, match="fuera de la vigencia 2024"):
        build_murc(db, world["plan_id"], date(2025, 1, 31))


def test_evaluation_pdf_carries_the_six_points(db, world, tmp_path):
    from rcdesk.reports.murc_pdf import write_pdf

    out = write_pdf(build_murc(db, world["plan_id"], CUT), tmp_path / "evaluacion.pdf")
    text = " ".join(pdf_text(out).split())
    for label in (
        "Documento de evaluación de los resultados",
        "1. Número de espacios de participación adelantados",
        "2. Grupos de valor involucrados",
        "3. Metas institucionales priorizadas",
        "4. Evaluación y recomendaciones",
        "5. Estado actual de los compromisos",
        "6. Nivel de cumplimiento de las actividades",
        "Veedurías ciudadanas",
        "83,33 %",
        "Clara (66,7 % de 3 respuestas)",
        "Pendiente (vencido)",
    ):
        assert label in text, label
    assert not (tmp_path / "evaluacion.pdf.tmp").exists()


def _cells(path):
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return wb, [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_evaluation_workbook_has_values_only(db, world, tmp_path):
    from rcdesk.reports.murc_xlsx import write_xlsx
    from tests.core.test_safe_cells import printable

    out = write_xlsx(build_murc(db, world["plan_id"], CUT), tmp_path / "evaluacion.xlsx")
    # «Evaluación» and «Grupos y metas» hold two tables each: neither header repeats over the other
    printable(out, frozenset({"Evaluación", "Grupos y metas"}))
    wb, cells = _cells(out)
    assert wb.sheetnames == ["Evaluación", "Espacios", "Grupos y metas", "Compromisos"]
    assert not [c for c in cells if c.data_type == "f"]
    spaces = list(wb["Espacios"].iter_rows(min_row=2, values_only=True))
    assert spaces[0][0] == "Fecha" and [r[4] for r in spaces[1:]] == [40, 15]
    total = [r for r in wb["Evaluación"].iter_rows(values_only=True) if r[0] == "Total de la estrategia"][0]
    assert total[1:4] == (4, pytest.approx(0.8333), "Verde")


def test_activity_report_rows_per_event_and_activity(db, world, tmp_path):
    from rcdesk.reports.activity_report_pdf import write_pdf
    from rcdesk.reports.activity_report_xlsx import write_xlsx

    r = build_activity_report(db, world["plan_id"], CUT)
    # every event of the strategy, the internal meeting and the planned dialogue included, in date order
    assert [s.title for s in r.spaces] == [
        "Reunión del equipo de rendición de cuentas",
        "Audiencia pública de rendición de cuentas 2024",
        "Diálogo con las JAC del norte",
        "Diálogo rural",
    ]
    acts = {a.number: a for a in r.activities}
    assert acts["2.2"].pct_text == "50,00 %" and acts["2.2"].done_text == "Avance de 2.2"
    assert acts["2.2"].evidence == "https://alcaldia.gov.co/evidencia/2.2"
    assert acts["2.1"].events == "Audiencia pública de rendición de cuentas 2024"
    assert acts["3.1"].pct_text == "N/A" and acts["1.1"].element == "INFORMACIÓN"

    text = " ".join(pdf_text(write_pdf(r, tmp_path / "actividades.pdf")).split())
    # header cells wrap, so their words are looked for one line at a time
    for label in (
        "Formato interno de reporte de las actividades",
        "Grupos de valor",
        "Temas / metas",
        "asociadas",
        "Observaciones y propuestas",
        "Resultado de la participación",
        "Compromisos",
        "Avance de 2.2",
        "Aporte (Infraestructura):",
    ):
        assert label in text, label
    wb, cells = _cells(write_xlsx(r, tmp_path / "actividades.xlsx"))
    assert wb.sheetnames == ["Actividades realizadas", "Avance de la estrategia"]
    assert not [c for c in cells if c.data_type == "f"]
