"""The consolidated workbook and PDF read well: real traffic lights, print layout, no empty tables."""

from __future__ import annotations

from datetime import date

from rcdesk.compliance import EC_POA, from_percent
from tests.core.sync_world import World


def _hq_with_reports(tmp_path) -> tuple[World, dict]:
    from rcdesk.models.followup import ProgressReport

    w = World(tmp_path)
    ids = w.seed_hq()
    with w.hq.begin() as s:
        for act, pct in zip(ids["acts"], (95.0, 20.0)):
            s.add(
                ProgressReport(
                    activity_id=act, period_kind="cuatrimestre", period_no=1, percent=pct, reported_on=date(2026, 4, 30)
                )
            )
    return w, ids


def test_workbook_traffic_lights_and_print_layout(tmp_path):
    from openpyxl import load_workbook

    w, ids = _hq_with_reports(tmp_path)
    try:
        out = tmp_path / "consolidado.xlsx"
        w.H.export_consolidated(out)
    finally:
        w.close()
    wb = load_workbook(out)
    ws = wb["Planes y actividades"]
    head = [c.value for c in ws[1]]
    lights = {r[head.index("Actividad")]: r[head.index("Semáforo")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert lights["Conformar el equipo técnico"] == EC_POA.classify(from_percent(95)).label
    assert lights["Socializar el informe preliminar"] == EC_POA.classify(from_percent(20)).label
    assert lights["Realizar la deliberación pública"] == "Sin reporte"
    assert EC_POA.classify(from_percent(95)).label != EC_POA.classify(from_percent(20)).label
    # every sheet prints landscape on A4, header row repeated, page numbers in the footer
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert "Página &P de &N" in (sheet.oddFooter.right.text or ""), sheet.title
    assert ws.print_title_rows == "$1:$1" or ws.print_title_rows == "1:1"
    # the summary lists each sheet by its name with its count
    summary = [r for r in wb["Resumen"].iter_rows(values_only=True) if r and r[0]]
    names = {r[0] for r in summary}
    assert "Actividades" in names and "Asistencia (conteos)" not in names  # nothing counted that is absent


def test_pdf_lights_and_empty_package_list_read_well(tmp_path):
    from tests.pdf_text import pdf_text

    w, _ids = _hq_with_reports(tmp_path)
    try:
        pdf = tmp_path / "consolidado.pdf"
        w.H.export_consolidated(pdf)
    finally:
        w.close()
    text = pdf_text(pdf)
    assert "Todavía no se ha consolidado ningún paquete" in text
    assert "Página 1 de" in text
    # the semáforo chart counts real lights: one green (95 %), one red (20 %), one grey (no report)
    import re

    chart = text[text.index("Actividades por semáforo") : text.index("Avance promedio")]
    assert re.search(r"Verde\s+1\b", chart) and re.search(r"Rojo\s+1\b", chart), chart
