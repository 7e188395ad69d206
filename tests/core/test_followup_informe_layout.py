"""The informe de seguimiento workbook prints readably: wrapped rows get heights tall enough for
their text (write-only files carry none, and LibreOffice does not compute them), every sheet fits
an A4 page's width with a page-number footer, and each alert line is its own row."""

from datetime import date

from openpyxl import load_workbook

from rcdesk.followup.informe import build_seguimiento
from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.reports.seguimiento_xlsx import LINE_PT, WIDTHS, write_xlsx
from rcdesk.services.plans import PlanService

LONG = (
    "Implementar mecanismos para incentivar el diálogo con los diferentes grupos de interés, que incluyen "
    "en forma simultánea jornadas presenciales con la ciudadanía y el uso de las tecnologías de la "
    "información como se muestra a continuación: talleres de innovación, foros con grupos focales, ferias "
    "de transparencia y audiencias participativas"
)


def test_workbook_rows_are_tall_enough_and_pages_fit(db, tmp_path):
    parsed = ParsedPlan(
        layout="paac",
        title="PAAC 2024",
        entity="Alcaldía de Pruebas",
        year=2024,
        groups=[
            ParsedGroup(
                "componente",
                "Rendición de cuentas",
                code="Componente 3",
                activities=[
                    ParsedActivity(LONG, number="2.1", responsible="Despacho", meta="1 mesa", cuatrimestres=[1]),
                    ParsedActivity("Corta", number="2.2", responsible="Despacho", meta="1", cuatrimestres=[1]),
                ],
            )
        ],
        source_name="x.xlsx",
    )
    plan_id = PlanService(db).save_parsed(parsed).plan_id
    out = write_xlsx(
        build_seguimiento(db, plan_id, date(2024, 4, 30), published_on=date(2024, 5, 10)), tmp_path / "inf.xlsx"
    )
    wb = load_workbook(out)
    ws = wb["Seguimiento"]
    row_of = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    long_row, short_row = row_of[f"2.1 {LONG}"], row_of["2.2 Corta"]
    # the long activity needs several lines in its column (≈1.25 characters per width unit at 10 pt)
    lines_needed = len(LONG) / (WIDTHS[1] * 1.4)
    assert ws.row_dimensions[long_row].height >= lines_needed * LINE_PT
    assert ws.row_dimensions[short_row].height < ws.row_dimensions[long_row].height
    for sheet in wb.worksheets:
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert "Página &P de &N" in sheet.oddFooter.center.text
    alerts = [c.value for c in wb["Alertas"]["A"] if c.value]
    assert all("\n" not in a for a in alerts)
    assert any("2.1" in a or "Implementar" in a for a in alerts)  # the activity in red is listed alone
