"""Informe de seguimiento: content at a cut, PDF and XLSX outputs."""

from datetime import date

import pytest

from rcdesk.errors import UserError
from rcdesk.followup.informe import build_seguimiento
from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.reports.seguimiento_pdf import write_pdf
from rcdesk.reports.seguimiento_xlsx import write_xlsx
from rcdesk.services.followup import FollowupService, ReportInput
from rcdesk.services.plans import PlanService


@pytest.fixture
def plan_id(db):
    comp1 = ParsedGroup(
        "componente",
        "Rendición de cuentas",
        code="Componente 3",
        children=[
            ParsedGroup(
                "subcomponente",
                "Información",
                code="Subcomponente 1",
                activities=[
                    ParsedActivity(
                        '=HYPERLINK("http://x") publicar informe',
                        number="1.1",
                        responsible="Planeación",
                        meta="-1 informe",
                        cuatrimestres=[1],
                    ),
                    ParsedActivity(
                        "Audiencia pública",
                        number="1.2",
                        responsible="Despacho",
                        meta="1 audiencia",
                        end_date=date(2024, 3, 20),
                    ),
                ],
            )
        ],
    )
    comp2 = ParsedGroup(
        "componente",
        "Atención al ciudadano",
        code="Componente 4",
        activities=[
            ParsedActivity(
                "Encuesta de satisfacción",
                number="4.1",
                responsible="Atención al ciudadano",
                meta="Encuesta",
                cuatrimestres=[3],
            ),
        ],
    )
    parsed = ParsedPlan(
        layout="paac",
        title="PAAC 2024",
        entity="Alcaldía de Pruebas",
        year=2024,
        groups=[comp1, comp2],
        source_name="prueba.xlsx",
    )
    pid = PlanService(db).save_parsed(parsed).plan_id
    fu = FollowupService(db)
    acts = {a.number: a.activity_id for a in PlanService(db).activities(pid)}
    r = fu.add_report(
        ReportInput(acts["1.1"], 1, 90, done_text="+ Informe publicado en la web", reported_on=date(2024, 5, 3)),
        today=date(2024, 5, 3),
    )
    fu.review(r.report_id, validate=True)
    return pid


def test_informe_content_at_first_cut(db, plan_id):
    data = build_seguimiento(db, plan_id, date(2024, 4, 30), published_on=date(2024, 5, 10), signer_name="Ana Ruiz")
    assert data.period_span == "01-ene a 30-abr de 2024" and data.publish_by == date(2024, 5, 16)
    assert [c.label for c in data.components] == [
        "Componente 3 – Rendición de cuentas",
        "Componente 4 – Atención al ciudadano",
    ]
    rows = {r.number: r for c in data.components for r in c.rows}
    assert rows["1.1"].pct_text == "90,00 %" and rows["1.1"].light.color == "verde"
    assert rows["1.1"].subcomponent == "Subcomponente 1 – Información"
    assert rows["1.2"].pct_text == "0,00 %" and "Vencida" in rows["1.2"].observations  # due 20 Mar, cut 30 Apr
    assert rows["4.1"].pct_text == "N/A" and rows["4.1"].light.color == "gris"
    assert data.plan.raw == 45  # mean(90, 0)
    assert any("vencida" in a for a in data.alerts) and any("en rojo" in a for a in data.alerts)
    assert data.signer_role == "Jefe(a) de la Oficina de Control Interno"


def test_cut_outside_the_vigencia_is_refused(db, plan_id):
    with pytest.raises(UserError, match="fuera de la vigencia 2024"):
        build_seguimiento(db, plan_id, date(2025, 4, 30))


def test_pdf_has_numbered_pages(db, plan_id, tmp_path):
    out = write_pdf(build_seguimiento(db, plan_id, date(2024, 4, 30)), tmp_path / "informe.pdf")
    raw = out.read_bytes()
    assert raw.startswith(b"%PDF") and raw.count(b"/Type /Page\n") + raw.count(b"/Type /Page ") >= 1
    assert not (tmp_path / "informe.pdf.tmp").exists()


def test_xlsx_layout_and_formula_safety(db, plan_id, tmp_path):
    import openpyxl

    out = write_xlsx(build_seguimiento(db, plan_id, date(2024, 4, 30)), tmp_path / "informe.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Seguimiento", "Resumen", "Alertas"]
    ws = wb["Seguimiento"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(values) if r[0] == "Subcomponente / proceso")
    first = ws[header + 2]
    assert first[1].value.startswith("1.1 =HYPERLINK") and first[1].data_type == "s"
    assert first[2].value == "+ Informe publicado en la web" and first[2].data_type == "s"  # not a formula
    assert first[3].value == "-1 informe" and first[3].data_type == "s"
    assert first[6].value == pytest.approx(0.9) and first[7].value == "Verde"
    assert first[7].fill.fgColor.rgb.endswith("2E7D32")
    summary = [r for r in wb["Resumen"].iter_rows(values_only=True) if r[0] == "Total del plan"][0]
    assert summary[1:4] == (3, pytest.approx(0.45), "Rojo")


def test_colombian_table_says_observaciones_oci(db, plan_id, tmp_path):
    import dataclasses

    import openpyxl

    from tests.pdf_text import pdf_text

    data = build_seguimiento(db, plan_id, date(2024, 4, 30))
    assert data.country == "CO" and data.columns[-1] == "Observaciones OCI"
    assert dataclasses.replace(data, country="EC").columns[-1] == "Observaciones"
    assert "Observaciones OCI" in pdf_text(write_pdf(data, tmp_path / "informe.pdf"))
    ws = openpyxl.load_workbook(write_xlsx(data, tmp_path / "informe.xlsx"))["Seguimiento"]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Subcomponente / proceso")
    assert header[-1] == "Observaciones OCI"


def test_late_publication_is_warned_in_the_report(db, plan_id, tmp_path):
    import openpyxl

    from tests.pdf_text import pdf_text

    on_time = build_seguimiento(db, plan_id, date(2024, 4, 30), published_on=date(2024, 5, 16))
    assert not on_time.late and not any("fuera de plazo" in a for a in on_time.alerts)
    late = build_seguimiento(db, plan_id, date(2024, 4, 30), published_on=date(2024, 5, 20))
    warning = (
        "Publicación fuera de plazo: la fecha de publicación (20/05/2024) es 4 día(s) posterior al plazo (16/05/2024)."
    )
    assert late.late and late.late_warning == warning and late.alerts[0] == warning
    assert "ATENCIÓN: Publicación fuera de plazo" in " ".join(pdf_text(write_pdf(late, tmp_path / "i.pdf")).split())
    cells = [
        v
        for row in openpyxl.load_workbook(write_xlsx(late, tmp_path / "i.xlsx"))["Seguimiento"].iter_rows(
            max_row=8, values_only=True
        )
        for v in row
        if v
    ]
    assert f"ATENCIÓN: {warning}" in cells


def test_signature_never_stands_alone_on_its_page(db, plan_id, tmp_path):
    import dataclasses

    from tests.pdf_text import pdf_text

    data = build_seguimiento(db, plan_id, date(2024, 4, 30), signer_name="Ana Ruiz")
    # longer and longer alert lists push the closing sections across the page break; the signature
    # closes the document, so its last two pages are where it could be left alone
    for extra in range(0, 36, 3):
        alerts = data.alerts + tuple(f"Alerta de relleno número {i}" for i in range(extra))
        out = write_pdf(dataclasses.replace(data, alerts=alerts), tmp_path / f"i{extra}.pdf")
        pages = pdf_text(out, last=2).split("\f")
        signed = [p for p in pages if "8. Firma" in p]
        assert len(signed) == 1 and "7. Recomendaciones" in signed[0] and "Ana Ruiz" in signed[0], extra
