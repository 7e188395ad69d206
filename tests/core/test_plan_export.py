"""Export to .xlsx (original layout and generic), lossless round trips, and templates."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from rcdesk.errors import NotFound, UserError
from rcdesk.plans.exporter import write_plan
from rcdesk.plans.importer import read_plan
from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.plans.templates import list_templates, load_template
from tests.core import messy_workbooks as mw

SEEDS = Path(__file__).resolve().parents[2] / "rcdesk" / "data" / "seeds"
SEED_FILES = sorted(p.name for p in SEEDS.glob("0*.xlsx"))


def snapshot(plan: ParsedPlan):
    """Everything a round trip must keep (not where rows sat in the file)."""

    def act(a: ParsedActivity):
        d = dataclasses.asdict(a)
        for k in ("source_sheet", "source_row", "activity_id"):
            d.pop(k)
        return d

    def group(g: ParsedGroup):
        return (g.kind, g.code, g.name, [act(a) for a in g.activities], [group(c) for c in g.children])

    return {
        "layout": plan.layout,
        "title": plan.title,
        "entity": plan.entity,
        "year": plan.year,
        "header_lines": plan.header_lines,
        "groups": [group(g) for g in plan.groups],
    }


def test_all_five_seeds_are_shipped():
    assert len(SEED_FILES) == 5


@pytest.mark.parametrize("layout", ["original", "generic"])
@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_round_trip_is_lossless(tmp_path, name, layout):
    first = read_plan(SEEDS / name)
    out = write_plan(first, tmp_path / f"export_{layout}.xlsx", layout)
    second = read_plan(out)
    assert snapshot(second) == snapshot(first)
    assert not second.errors
    # and once more: export of the re-import is stable
    third = read_plan(write_plan(second, tmp_path / "again.xlsx", layout))
    assert snapshot(third) == snapshot(first)


MESSY = [mw.messy_murc, mw.messy_dated, mw.messy_paac, mw.messy_cpccs, mw.multi_sheet]


@pytest.mark.parametrize("layout", ["original", "generic"])
@pytest.mark.parametrize("builder", MESSY, ids=lambda b: b.__name__)
def test_messy_round_trip_is_lossless(tmp_path, builder, layout):
    first = read_plan(builder(tmp_path / "messy.xlsx"))
    second = read_plan(write_plan(first, tmp_path / "out.xlsx", layout))
    assert snapshot(second) == snapshot(first)


def _plan_with_everything() -> ParsedPlan:
    a1 = ParsedActivity(
        description='=HYPERLINK("http://malo")',
        number="1.1",
        responsible="+57 Planeación",
        meta="-meta",
        recursos="@recursos",
        indicator="Indicador 1",
        stages=["diseno", "seguimiento"],
        cuatrimestres=[1, 3],
        start_date=date(2024, 3, 5),
        end_date=date(2024, 9, 30),
        scheduled_text="",
        extra={"Observaciones": "línea 1\nlínea 2", "Presupuesto USD": "1500"},
    )
    a2 = ParsedActivity(description="Sin fechas", scheduled_text="Cuando se requiera")
    a3 = ParsedActivity(
        description="Con texto y fechas",
        scheduled_text="Marzo de 2024",
        start_date=date(2024, 3, 1),
        end_date=date(2024, 3, 31),
    )
    return ParsedPlan(
        layout="murc",
        title="Plan de prueba 2024",
        entity="Alcaldía de Prueba",
        year=2024,
        header_lines=["Alcaldía de Prueba", "Plan de prueba 2024"],
        groups=[
            ParsedGroup(kind="elemento", code="INFORMACIÓN", name="INFORMACIÓN", activities=[a1, a2]),
            ParsedGroup(kind="elemento", code="DIÁLOGO", name="DIÁLOGO", activities=[a3]),
            ParsedGroup(kind="elemento", code="RESPONSABILIDAD", name="RESPONSABILIDAD"),
        ],
    )


@pytest.mark.parametrize("target", ["murc", "cpccs", "dated", "paac", "generic"])
def test_fields_the_layout_lacks_get_their_own_columns(tmp_path, target):
    plan = _plan_with_everything()
    if target in ("cpccs", "dated", "paac"):
        kind = {"cpccs": "seccion", "dated": "etapa", "paac": "subcomponente"}[target]
        for g in plan.groups:
            g.kind, g.code = kind, ""
        plan.layout = target
    back = read_plan(write_plan(plan, tmp_path / "todo.xlsx", "generic" if target == "generic" else "original"))
    assert snapshot(back)["groups"] == snapshot(plan)["groups"]


def test_formula_like_text_is_written_as_text(tmp_path):
    out = write_plan(_plan_with_everything(), tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(out).active
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ('=HYPERLINK("http://malo")', "+57 Planeación", "-meta", "@recursos"):
        assert cells[text].data_type == "s"
        assert cells[text].quotePrefix


def test_generic_export_in_write_only_keeps_text_safe(tmp_path):
    out = write_plan(_plan_with_everything(), tmp_path / "g.xlsx", "generic")
    ws = openpyxl.load_workbook(out).active
    values = [c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://malo")']
    assert values and values[0].data_type == "s"


def test_dates_are_real_excel_dates_and_marks_are_x(tmp_path):
    plan = read_plan(SEEDS / "002_dated_itagui_2020.xlsx")
    ws = openpyxl.load_workbook(write_plan(plan, tmp_path / "d.xlsx")).active
    dated = [c for row in ws.iter_rows() for c in row if hasattr(c.value, "year")]
    assert len(dated) == 2 * 46
    assert all(c.number_format == "dd/mm/yyyy" for c in dated)
    murc = read_plan(SEEDS / "003_murc_ibague_2022.xlsx")
    ws = openpyxl.load_workbook(write_plan(murc, tmp_path / "m.xlsx")).active
    marks = [c.value for row in ws.iter_rows() for c in row if c.value in ("X", "x", "✓")]
    assert set(marks) == {"X"}
    assert len(marks) == sum(len(a.stages) + len(a.cuatrimestres) for a in murc.activities())


def test_original_layout_looks_like_the_institutional_file(tmp_path):
    plan = read_plan(SEEDS / "004_paac_narino_2022.xlsx")
    ws = openpyxl.load_workbook(write_plan(plan, tmp_path / "p.xlsx")).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "PLAN ANTICORRUPCIÓN Y DE ATENCIÓN AL CIUDADANO"
    assert ["Subcomponente", "Actividades", "Meta o Producto", "Recursos", "Responsable", "Fecha programada"] in rows
    assert any(str(r.coord).startswith("A") and r.max_row > r.min_row for r in ws.merged_cells.ranges)
    assert ws.column_dimensions["B"].width >= 40


def test_too_deep_plan_must_go_generic(tmp_path):
    plan = _plan_with_everything()
    plan.groups[0].children.append(ParsedGroup(kind="seccion", name="Hijo"))
    with pytest.raises(UserError, match="formato genérico"):
        write_plan(plan, tmp_path / "x.xlsx")
    back = read_plan(write_plan(plan, tmp_path / "x.xlsx", "generic"))
    assert back.groups[0].children[0].name == "Hijo"


def test_unknown_export_layout(tmp_path):
    with pytest.raises(UserError, match="Formato de exportación desconocido"):
        write_plan(_plan_with_everything(), tmp_path / "x.xlsx", "pdf")


# ---- templates ----------------------------------------------------------------------------
def test_every_seed_is_a_template():
    infos = list_templates()
    assert len(infos) == 5
    assert {t.layout for t in infos} == {"cpccs", "murc", "dated", "paac"}
    assert {t.country for t in infos} == {"EC", "CO"}


def test_template_moves_dates_and_years():
    plan = load_template("dated_itagui", 2025)
    assert plan.year == 2025
    first = plan.groups[0].activities[0]
    assert (first.start_date, first.end_date) == (date(2025, 9, 9), date(2025, 9, 11))
    crossing = [a for a in plan.activities() if a.end_date.year != a.start_date.year]
    assert [(a.start_date, a.end_date) for a in crossing] == [(date(2025, 12, 4), date(2026, 1, 15))]
    assert "2025" in plan.header_lines[0] and "2020" not in plan.header_lines[0]
    assert not plan.problems

    paac = load_template("paac_narino", 2024)
    texts = {a.scheduled_text for a in paac.activities()}
    assert "Febrero a diciembre de 2024" in texts
    assert "Informe elaborado: 30/11/2024, Informe publicado: 31/12/2024" in texts
    assert all(a.start_date.year == 2024 for a in paac.activities())
    assert paac.activity_count == 24

    ec = load_template("cpccs_chimborazo", 2026)
    assert ec.title == "RENDICION DE CUENTAS AÑO 2026"
    assert ec.activity_count == 28


def test_template_errors():
    with pytest.raises(NotFound):
        load_template("no_existe", 2025)
    with pytest.raises(UserError):
        load_template("paac_narino", 1850)


def test_activity_numbers_with_letters_sort_without_crashing():
    from rcdesk.services.plan_views import natural_key

    numbers = ["1.10", "A.2", "1.9", "b.1", "", "2"]
    assert sorted(numbers, key=natural_key) == ["1.9", "1.10", "2", "A.2", "b.1", ""]
