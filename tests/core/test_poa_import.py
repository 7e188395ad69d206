"""Importing messy POA workbooks, refusing bad ones (nothing half-saved), and exporting back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rcdesk.errors import UserError
from rcdesk.jobs import Cancelled, CancelToken
from rcdesk.models.poa import Poa, PoaExecution, PoaMeta
from rcdesk.services.poa import PoaService
from tests.core import poa_world as pw


def _count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False)))


def test_messy_two_row_header_workbook(db, tmp_path):
    w = pw.make_units(db)
    svc = PoaService(db)
    prev = svc.preview_import(pw.messy_two_row_header(tmp_path / "poa.xlsx"))
    assert prev.ok, prev.errors
    assert not prev.warnings
    by_unit = {p.unit_id: p for p in prev.poas}
    assert set(by_unit) == {w.jp_guano, w.tp_san_andres}  # "tenencia política de san andres" matched
    guano = by_unit[w.jp_guano]
    assert guano.fiscal_year == 2025 and guano.period_kind == "trimestre"  # year from the title row
    (obj,) = guano.objectives  # vertically merged objective carried to both metas
    m11, m12 = obj.metas
    assert m11.planned == [3, 3, 3, 3] and m11.executed == [3, 2, None, None]
    assert m11.codificado == 1500.0 and m11.devengado == [None, 600.5, None, None]  # "600,50" text
    assert m12.annual_target == 24.0  # "24" text
    res = svc.save_import(prev)
    assert res.poas == 2 and res.metas == 3
    assert _count(db, PoaMeta) == 3
    execs = svc.executions(res.poa_ids[[p.unit_id for p in prev.poas].index(w.jp_guano)])
    assert sum(1 for rows in execs.values() for e in rows if e.execution_id) == 4  # T1 and T2 of two metas


def test_one_sheet_per_unit_with_cuatrimestres_and_year_option(db, tmp_path):
    w = pw.make_units(db)
    svc = PoaService(db)
    path = pw.sheet_per_unit(tmp_path / "poa.xlsx")
    prev = svc.preview_import(path)
    assert not prev.ok and any("año fiscal" in e for e in prev.errors)
    prev = svc.preview_import(path, year=2026)
    assert prev.ok
    (poa,) = prev.poas
    assert (poa.unit_id, poa.fiscal_year, poa.period_kind) == (w.jp_chambo, 2026, "cuatrimestre")
    assert any("Instrucciones" in x for x in prev.warnings)  # sheet without POA headers is skipped, said so


def test_bad_input_names_sheet_row_and_column_and_saves_nothing(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    path = pw.bad_workbook(tmp_path / "malo.xlsx")
    prev = svc.preview_import(path)
    text = "\n".join(prev.errors)
    assert "fila 2, columna J («Ejecutado T1»): el valor no puede ser negativo" in text
    assert "fila 3, columna E («Meta anual»): «doce» no es un número" in text
    # a unit the database lacks is not an error: it is listed and created with the import
    assert prev.new_units == ["Jefatura Política de Atlántida"]
    assert "el cantón «Ciudad Gótica» no existe" in text
    assert "«Jefatura Política de Chambo» no pertenece al cantón «Guano»" in text
    assert all(e.startswith("hoja «POA 2025», fila") for e in prev.errors)
    with pytest.raises(UserError) as exc:
        svc.import_file(path)
    assert "no se importó nada" in str(exc.value)
    assert _count(db, Poa) == 0 and _count(db, PoaMeta) == 0


def test_merged_header_cells_become_a_question_that_the_mapping_answers(db, tmp_path):
    """«Programado» merged over four unnamed columns: asked, not refused; --map answers it."""
    pw.make_units(db)
    svc = PoaService(db)
    path = pw.merged_header_workbook(tmp_path / "m.xlsx")
    prev = svc.preview_import(path, year=2025)
    assert prev.ok
    assert any(
        "las columnas C («Meta anual») y E («Programado») parecen ser «Meta anual" in q and '--map "E=campo"' in q
        for q in prev.questions
    )
    answers = {"D": "programado:T1", "E": "programado:T2", "F": "programado:T3", "G": "programado:T4"}
    prev = svc.preview_import(path, year=2025, overrides=answers)
    assert prev.ok and prev.questions == []
    meta = prev.poas[0].objectives[0].metas[0]
    assert meta.planned == [3, 3, 3, 3] and meta.annual_target == 12


def test_warnings_do_not_block_and_formula_like_text_stays_text(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    prev = svc.preview_import(pw.warnings_workbook(tmp_path / "w.xlsx"))
    assert prev.ok
    assert any("la programación suma 11 y la meta anual es 12" in x for x in prev.warnings)
    assert any("el devengado (150) supera al codificado (100)" in x for x in prev.warnings)
    res = svc.save_import(prev)
    metas = [m for o in svc.tree(res.poa_ids[0]) for m in o.metas]
    assert metas[1].description == "=SUMA(A1:A3) no es fórmula"


def test_not_a_poa_workbook(db, tmp_path):
    from openpyxl import Workbook

    pw.make_units(db)
    wb = Workbook()
    wb.active.append(["Nombre", "Cédula"])
    wb.save(tmp_path / "otra.xlsx")
    with pytest.raises(UserError, match="no parece un POA"):
        PoaService(db).preview_import(tmp_path / "otra.xlsx")


def test_existing_poa_needs_replace_and_replace_tombstones_the_old_one(db, tmp_path):
    w = pw.make_world(db)
    svc = PoaService(db)
    from rcdesk.poa.exporter import export_poas

    out = export_poas([svc.as_parsed(w.poa_guano)], tmp_path / "guano.xlsx")
    prev = svc.preview_import(out)
    assert not prev.ok and "Ya existe el POA 2025 de «Jefatura Política de Guano»" in prev.errors[0]
    res = svc.save_import(svc.preview_import(out, replace=True))
    assert res.replaced == 1
    with db.session() as s:
        old = s.get(Poa, w.poa_guano)
        assert old.deleted and old.version == 2
    assert [r.poa_id for r in svc.list_poas(unit_id=w.jp_guano)] == list(res.poa_ids)


def test_export_then_import_round_trip_is_exact(db, tmp_path):
    w = pw.make_world(db)
    svc = PoaService(db)
    svc.save_execution(w.meta_12, 2, comprometido=300, narrative="Operativos con la Policía")
    from rcdesk.poa.exporter import export_poas

    before = svc.as_parsed(w.poa_guano)
    res = svc.save_import(svc.preview_import(export_poas([before], tmp_path / "x.xlsx"), replace=True))
    after = svc.as_parsed(res.poa_ids[0])
    assert before.objectives == after.objectives


def test_cancel_leaves_the_database_unchanged(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    prev = svc.preview_import(pw.messy_two_row_header(tmp_path / "poa.xlsx"))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        svc.save_import(prev, cancel=token)
    assert _count(db, Poa) == 0 and _count(db, PoaExecution) == 0
