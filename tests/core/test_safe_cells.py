"""The safe-cell rule over EVERY workbook rcdesk writes: text a spreadsheet would evaluate
(= + - @, tab, carriage return) is a quote-prefixed string cell, and no cell is a formula."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rcdesk.reports.cells import DANGEROUS

# what citizens and officials really type: a formula, a phone number, a count, a handle, a pasted cell
RISKY = ("=1+1", "+593 99 123 4567", "-5 personas", "@usuario", "\tx")


def evaluable_cells(path: Path) -> tuple[list[str], set[str]]:
    """(cells a spreadsheet would evaluate, the dangerous texts found as safe text)."""
    bad, safe = [], set()
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                where = f"{path.name}!{ws.title}!{c.coordinate}={c.value!r}"
                if c.data_type == "f":
                    bad.append(where)
                elif isinstance(c.value, str) and c.value[:1] in DANGEROUS:
                    if c.data_type == "s" and c.quotePrefix:
                        safe.add(c.value)
                    else:
                        bad.append(where)
    return bad, safe


def printable(path: Path, untitled: frozenset[str] = frozenset()) -> None:
    """Every sheet prints on A4 fitted to the page width (as many pages tall as needed), and
    every sheet but `untitled` (no single header row) repeats its header row on each page."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        where = f"{path.name}!{ws.title}"
        setup = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage, where
        assert setup.fitToHeight == 0 and 1 <= setup.fitToWidth <= 3, where
        assert str(setup.paperSize) == "9", where
        if ws.title in untitled:
            assert not ws.print_title_rows, where
            continue
        assert ws.print_title_rows, f"{where}: the header row is not repeated on printed pages"
        head = int(ws.print_title_rows.split(":")[0].strip("$"))
        cells = [c for c in ws[head] if c.value is not None]
        assert cells and all(c.font.b for c in cells), f"{where}: row {head} is not the header row"


def check(path: Path, expected: set[str], untitled: frozenset[str] = frozenset()) -> None:
    printable(path, untitled)
    bad, safe = evaluable_cells(path)
    assert not bad, bad
    missing = {t for t in expected if not any(t in s for s in safe)}
    assert not missing, f"{path.name}: the fixture texts {missing} did not reach the file as safe text"


@pytest.fixture
def poa_world(db):
    from rcdesk.services.poa import PoaService
    from tests.core.poa_world import make_world

    w = make_world(db)
    svc = PoaService(db)
    obj = svc.add_objective(w.poa_guano, "=1+1", "@usuario", "+593 99 123 4567")
    meta, _ = svc.add_meta(
        obj,
        "-5 personas",
        number="2.1",
        indicator="=1+1",
        unit_of_measure="@usuario",
        annual_target=4,
        planned=[1, 1, 1, 1],
        codificado=500,
    )
    svc.save_execution(meta, 1, executed_qty=1, devengado=100, narrative="+593 99 123 4567")
    return w


def test_poa_export(db, poa_world, tmp_path):
    from rcdesk.poa.exporter import export_poas
    from rcdesk.services.poa import PoaService

    out = export_poas([PoaService(db).as_parsed(poa_world.poa_guano)], tmp_path / "poa.xlsx")
    check(out, {"=1+1", "+593 99 123 4567", "-5 personas", "@usuario"})
    ws = load_workbook(out).worksheets[0]
    numbers = [c.value for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, (int, float))]
    assert 500 in numbers  # numbers stay numbers


def test_report_cpccs(db, poa_world, tmp_path):
    from rcdesk.services.cpccs_export import export_cpccs

    out = tmp_path / "cpccs.xlsx"
    export_cpccs(db, 2025, out, cut=date(2025, 6, 30))
    check(out, {"=1+1", "-5 personas"}, frozenset({"Notas"}))


def test_report_cpccs_whole_form(db, poa_world, tmp_path):
    from rcdesk.services.cpccs_export import export_report

    out = tmp_path / "informe.xlsx"
    export_report(db, 2025, out, cut=date(2025, 6, 30))
    wb = load_workbook(out)
    # a section of facts only (no table) has no header row to repeat
    check(out, set(), frozenset(ws.title for ws in wb.worksheets if ws.max_column <= 2))
    status = wb["Estado del informe"]
    assert status.page_setup.orientation == "landscape" and status.page_setup.fitToWidth == 1


def test_table_file(tmp_path):
    from rcdesk.reports.table_file import write_table_xlsx

    out = write_table_xlsx(tmp_path / "tabla.xlsx", "Eventos", ["Evento", "Lugar"], [["=1+1", "@usuario"]])
    check(out, {"=1+1", "@usuario"})


def _paac_plan():
    from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan

    acts = [
        ParsedActivity(
            description=RISKY[i % 5],
            number=f"1.{i + 1}",
            responsible=RISKY[(i + 1) % 5],
            meta=RISKY[(i + 2) % 5],
            recursos=RISKY[(i + 3) % 5],
            indicator=RISKY[(i + 4) % 5],
            cuatrimestres=[1],
            stages=["diseno"],
            start_date=date(2024, 3, 1),
            end_date=date(2024, 3, 31),
            extra={"Observaciones": "-5 personas"},
        )
        for i in range(5)
    ]
    comp = ParsedGroup(
        kind="componente",
        name="=1+1",
        code="Componente 3",
        children=[ParsedGroup(kind="subcomponente", name="@usuario", code="Subcomponente 1", activities=acts)],
    )
    return ParsedPlan(
        layout="paac",
        title="=1+1",
        entity="+593 99 123 4567",
        year=2024,
        groups=[comp],
        header_lines=["-5 personas", "PAAC 2024"],
        source_name="prueba.xlsx",
    )


def test_report_seguimiento_xlsx(db, tmp_path):
    from rcdesk.followup.informe import build_seguimiento
    from rcdesk.reports.seguimiento_xlsx import write_xlsx
    from rcdesk.services.followup import FollowupService, ReportInput
    from rcdesk.services.plans import PlanService

    pid = PlanService(db).save_parsed(_paac_plan()).plan_id
    first = PlanService(db).activities(pid)[0].activity_id
    FollowupService(db).add_report(
        ReportInput(first, 1, 90, done_text="@usuario publicó el informe", reported_on=date(2024, 5, 3)),
        today=date(2024, 5, 3),
    )
    data = build_seguimiento(db, pid, date(2024, 4, 30), published_on=date(2024, 5, 10), signer_name="=1+1")
    out = write_xlsx(data, tmp_path / "seguimiento.xlsx")
    # «Seguimiento» repeats each component's headers itself; «Alertas» is prose
    check(out, {"=1+1", "+593 99 123 4567", "-5 personas", "@usuario"}, frozenset({"Seguimiento", "Alertas"}))


@pytest.mark.parametrize("layout", ["cpccs", "murc", "dated", "paac", "generic"])
def test_plan_export_in_each_layout(tmp_path, layout):
    from rcdesk.plans.exporter import write_plan

    plan = _paac_plan()
    if layout in ("cpccs", "murc", "dated"):  # the same activities under the layout's own groups
        kind = {"cpccs": "seccion", "murc": "elemento", "dated": "etapa"}[layout]
        plan.layout = layout
        plan.groups = [
            type(plan.groups[0])(kind=kind, name="=1+1", code="", activities=plan.groups[0].children[0].activities)
        ]
    out = write_plan(plan, tmp_path / f"{layout}.xlsx", "generic" if layout == "generic" else "original")
    check(out, set(RISKY))


def test_attendance_workbook(db, tmp_path):
    from rcdesk.services.attendance import AttendanceInput, AttendanceService
    from rcdesk.services.event_documents import EventDocuments
    from rcdesk.services.events import EventInput, EventService

    ev = EventService(db).create(EventInput(title="=1+1", event_date=date(2026, 5, 20), venue="@usuario"))
    AttendanceService(db).register(
        ev.event_id,
        AttendanceInput(full_name="=1+1 Pérez", organization="-5 personas", phone="+593 99 123 4567", email="@usuario"),
    )
    for published in (False, True):
        out = tmp_path / f"asistencia{int(published)}.xlsx"
        EventDocuments(db).attendance_xlsx(ev.event_id, out, published=published)
        check(out, {"=1+1 Pérez", "-5 personas"})


def test_consolidated_workbook(db, poa_world, tmp_path):
    from rcdesk.services.consolidated_report import export_xlsx
    from rcdesk.services.events import EventInput, EventService
    from rcdesk.services.plans import PlanService

    PlanService(db).save_parsed(_paac_plan())
    EventService(db).create(
        EventInput(title="@usuario en la audiencia", event_date=date(2026, 5, 20), venue="-5 personas")
    )
    out = tmp_path / "consolidado.xlsx"
    export_xlsx(db, out)
    # «Resumen» is a few small tables, each under its own header
    check(out, {"=1+1", "+593 99 123 4567", "-5 personas", "@usuario"}, frozenset({"Resumen"}))
