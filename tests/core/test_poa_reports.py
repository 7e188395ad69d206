"""CPCCS sections workbook and PDF reports."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from rcdesk.errors import UserError
from rcdesk.reports.cpccs_xlsx import BUDGET_SHEET, PROGRAMMATIC_HEADERS, PROGRAMMATIC_SHEET
from rcdesk.services.cpccs_export import export_cpccs
from rcdesk.services.poa import PoaService
from tests.core.poa_world import make_world
from tests.pdf_text import pdf_text


def test_cpccs_sections_follow_the_form_and_its_rules(db, tmp_path):
    w = make_world(db)
    svc = PoaService(db)
    # a meta with nothing planned at the cut: 0 % in the CPCCS export (not N/A), and a formula-like text
    obj = svc.tree(w.poa_chambo)[0].objective_id
    svc.add_meta(obj, '=HYPERLINK("http://x") sin programación', number="1.2", annual_target=0, planned=[0] * 4)
    res = export_cpccs(db, 2025, tmp_path / "cpccs.xlsx", cut=date(2025, 6, 30))
    assert res["metas"] == 5 and res["budget_rows"] == 1 and res["skipped_budget"] == 4
    wb = load_workbook(tmp_path / "cpccs.xlsx")
    ws = wb[PROGRAMMATIC_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:9] == PROGRAMMATIC_HEADERS[:9]
    assert rows[0][0] == "OBJETIVO ESTRATÉGICO / COMPETENCIA / FUNCIÓN"
    by_desc = {r[2]: r for r in rows[1:]}
    assert by_desc["Mesas de seguridad"][4:7] == (20, 20, 100)
    assert by_desc["Operativos conjuntos"][4:7] == (10, 5, 50)
    weird = ws.cell(row=[r[2] for r in rows].index('=HYPERLINK("http://x") sin programación') + 1, column=3)
    assert weird.data_type == "s"  # stays text, never a formula
    assert by_desc['=HYPERLINK("http://x") sin programación'][6] == 0
    assert [r[1] for r in rows[1:]] == [1, 2, 3, 4, 5]  # consecutive CPCCS meta numbers
    budget = list(wb[BUDGET_SHEET].iter_rows(values_only=True))
    assert budget[0][:5] == (
        "TIPO DE EJECUCIÓN PRESUPUESTARIA",
        "DESCRIPCIÓN",
        "PRESUPUESTO CODIFICADO",
        "PRESUPUESTO EJECUTADO",
        "% CUMPLIMIENTO DEL PRESUPUESTO",
    )
    assert budget[1][:5] == ("META", "Operativos conjuntos", 1000, 250, 25)
    notes = dict(r for r in wb["Notas"].iter_rows(values_only=True))
    assert notes["Fecha de corte"] == "30/06/2025"


def test_cpccs_single_budget_type_per_report(db, tmp_path):
    make_world(db)
    res = export_cpccs(db, 2025, tmp_path / "area.xlsx", budget_type="AREA")
    rows = list(load_workbook(tmp_path / "area.xlsx")[BUDGET_SHEET].iter_rows(values_only=True))[1:]
    assert {r[0] for r in rows} == {"AREA"} and res["budget_type"] == "AREA"
    assert [r[1] for r in rows] == ["Jefatura Política de Guano"]
    with pytest.raises(UserError, match="un solo tipo"):
        export_cpccs(db, 2025, tmp_path / "x.xlsx", budget_type="OTRO")
    with pytest.raises(UserError, match="No hay metas de POA del año 2019"):
        export_cpccs(db, 2019, tmp_path / "x.xlsx")


def _pdf_text(path) -> str:
    return pdf_text(path)


def test_poa_evaluation_pdf_by_canton_and_unit(db, tmp_path):
    from rcdesk.services.poa_reports import write_poa_report

    make_world(db)
    res = write_poa_report(db, 2025, date(2025, 6, 30), tmp_path / "eval.pdf")
    text = _pdf_text(tmp_path / "eval.pdf")
    assert res["cantons"] == 2 and res["units"] == 3
    assert "Informe de evaluación del POA 2025" in text
    assert f"Página 1 de {res['pages']}" in text
    assert "Guano: 82,50 %" in text and "Tenencia Política de San Andrés" in text
    assert "Jefatura Política de Chambo" in text and "Unidades con cumplimiento bajo (1)" in text


def test_visit_report_pdf(db, tmp_path):
    from rcdesk.services.poa_reports import write_visit_report
    from rcdesk.services.poa_visits import VisitService

    w = make_world(db)
    vs = VisitService(db)
    v = vs.add_visit(
        w.guano_id,
        date(2025, 7, 2),
        team="Ing. Ana Pilco",
        unit_ids=[w.jp_guano],
        findings="Archivo de actas incompleto",
    )
    vs.add_commitment(v.visit_id, "Completar las actas del semestre", unit_id=w.jp_guano, due_date=date(2025, 7, 15))
    write_visit_report(db, v.visit_id, tmp_path / "visita.pdf")
    text = _pdf_text(tmp_path / "visita.pdf")
    assert "Informe de visita de seguimiento" in text and "Cantón Guano — 02/07/2025" in text
    assert "75,00 %" in text  # the Jefatura's compliance at the visit date
    assert "Completar las actas del semestre" in text and "Página 1 de 1" in text
