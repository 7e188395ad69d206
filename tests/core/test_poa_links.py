"""«Medio de verificación» links in POA workbooks: read into the shared evidence store on
import (to the period's report or the latest reported one), written back on export, and
refused with a message naming sheet, row and column when malformed."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from rcdesk.errors import UserError
from rcdesk.models.followup import Evidence
from rcdesk.models.poa import Poa
from rcdesk.poa.exporter import export_poas
from rcdesk.poa.importer import parse_links
from rcdesk.services.evidence import EvidenceService
from rcdesk.services.poa import PoaService
from tests.core import poa_world as pw
from tests.core.test_poa_import import _count

ACTA = "https://www.gobernacionchimborazo.gob.ec/transparencia/acta-mesa-1.pdf"
FOTOS = "https://drive.gob.ec/poa/fotos?id=12&t=2"


def links_workbook(path: Path, cell: str = f"{ACTA}\n{FOTOS}", header: str = "Medio de verificación") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Jefatura Política de Guano"
    ws.append(["POA 2025"])
    ws.append(
        [
            "Objetivo",
            "No. meta",
            "Meta",
            "Meta anual",
            "Programado T1",
            "Programado T2",
            "Programado T3",
            "Programado T4",
            "Ejecutado T1",
            "Ejecutado T2",
            header,
        ]
    )
    ws.append(["OE1", "1.1", "Mesas de seguridad", 12, 3, 3, 3, 3, 3, 2, cell])
    ws.append(["OE1", "1.2", "Operativos", 8, 2, 2, 2, 2, None, None, "Actas firmadas (en físico)"])
    ws.append(["OE1", "1.3", "Recorridos", 4, 1, 1, 1, 1, None, None, "Ver: https://gob.ec/recorridos.pdf."])
    wb.save(path)
    return path


def _links_of(db, svc: PoaService, poa_id: str) -> dict[str, dict[int, list[str]]]:
    """meta number -> period -> link URLs, read back through the evidence service."""
    ev = EvidenceService(db)
    out: dict[str, dict[int, list[str]]] = {}
    for node in svc.tree(poa_id):
        for m in node.metas:
            for e in svc.executions(poa_id)[m.meta_id]:
                if e.execution_id:
                    urls = [x.url for x in ev.list_for("poa_execution", e.execution_id) if x.kind == "LINK"]
                    if urls:
                        out.setdefault(m.number, {})[e.period_no] = urls
    return out


def test_parse_links_finds_addresses_and_refuses_malformed_ones():
    assert parse_links(f"{ACTA}; {FOTOS}\n{ACTA}") == ([ACTA, FOTOS], [])
    assert parse_links("Informe técnico y fotografías") == ([], [])
    links, problems = parse_links("www.gob.ec/acta.pdf")
    assert links == [] and "debe empezar por http:// o https://" in problems[0]
    assert parse_links("ftp://gob.ec/a.pdf")[1]


def test_import_puts_links_in_the_evidence_store_and_export_round_trips(db, tmp_path):
    w = pw.make_units(db)
    svc = PoaService(db)
    prev = svc.preview_import(links_workbook(tmp_path / "poa.xlsx"))
    assert prev.ok, prev.errors
    assert any("columna K" in x and "«Actas firmadas (en físico)» no contiene un enlace" in x for x in prev.warnings)
    res = svc.save_import(prev)
    (poa_id,) = res.poa_ids
    # 1.1: the latest reported period is T2; 1.3 had nothing reported: a report of the last period holds it
    assert _links_of(db, svc, poa_id) == {"1.1": {2: [ACTA, FOTOS]}, "1.3": {4: ["https://gob.ec/recorridos.pdf"]}}
    assert svc.execution(svc.tree(poa_id)[0].metas[0].meta_id, 2).executed_qty == 2

    out = export_poas([svc.as_parsed(poa_id)], tmp_path / "export.xlsx")
    ws = load_workbook(out).active
    headers = [c.value for c in ws[2]]
    col = headers.index("Medio de verificación (enlace)")
    assert ws.cell(3, col + 1).value == f"{ACTA}\n{FOTOS}"

    # re-import the exported file over the same POA: the same links come back, nothing doubled
    res2 = svc.import_file(out, replace=True)
    assert res2.replaced == 1
    (poa2,) = res2.poa_ids
    assert _links_of(db, svc, poa2) == {"1.1": {2: [ACTA, FOTOS]}, "1.3": {4: ["https://gob.ec/recorridos.pdf"]}}
    assert svc.as_parsed(poa2).objectives[0].metas[0].links == [(None, ACTA), (None, FOTOS)]
    assert w.jp_guano == svc.poa(poa2).unit_id


def test_period_link_columns_go_to_their_period(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    path = links_workbook(tmp_path / "poa.xlsx", cell=ACTA, header="Link T1")
    res = svc.import_file(path)
    assert _links_of(db, svc, res.poa_ids[0]) == {"1.1": {1: [ACTA]}, "1.3": {1: ["https://gob.ec/recorridos.pdf"]}}


def test_malformed_link_is_refused_naming_sheet_row_column_and_nothing_is_saved(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    path = links_workbook(tmp_path / "poa.xlsx", cell="www.gobernacion.gob.ec/acta.pdf")
    with pytest.raises(UserError) as exc:
        svc.import_file(path)
    text = " ".join(exc.value.details)
    assert "hoja «Jefatura Política de Guano», fila 3, columna K («Medio de verificación»)" in text
    assert "debe empezar por http:// o https://" in text
    assert _count(db, Poa) == 0 and _count(db, Evidence) == 0


def test_cpccs_workbook_reads_well_formats_wrap_links_and_print_setup(db, tmp_path):
    from datetime import date

    from rcdesk.reports.cpccs_xlsx import BUDGET_SHEET, PROGRAMMATIC_SHEET
    from rcdesk.services.cpccs_export import export_cpccs

    pw.make_units(db)
    svc = PoaService(db)
    path = links_workbook(tmp_path / "poa.xlsx", cell=ACTA)
    wb0 = load_workbook(path)
    ws0 = wb0.active
    ws0.cell(2, 12, "Presupuesto codificado")
    ws0.cell(2, 13, "Devengado T1")
    ws0.cell(3, 12, 1500)
    ws0.cell(3, 13, 412.5)
    ws0.cell(4, 3, "#N/A en el sistema anterior")
    wb0.save(path)
    svc.import_file(path)
    export_cpccs(db, 2025, tmp_path / "cpccs.xlsx", cut=date(2025, 6, 30))
    wb = load_workbook(tmp_path / "cpccs.xlsx")
    ws = wb[PROGRAMMATIC_SHEET]
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.row_dimensions[1].height == 62 and ws["A1"].alignment.wrap_text
    assert ws["C2"].alignment.wrap_text and ws["A2"].alignment.wrap_text  # long texts wrap
    assert ws["G2"].number_format == "0.00" and ws["E2"].number_format == "0.00"
    assert ws["C3"].value == "#N/A en el sistema anterior" and ws["C3"].data_type == "s"
    budget = wb[BUDGET_SHEET]
    assert budget["C2"].value == 1500 and budget["C2"].number_format == "#,##0.00"
    assert budget["D2"].value == 412.5 and budget["E2"].value == 27.5
    assert budget["F2"].value == ACTA  # the published link
