"""Real offices' POA-like workbooks through the column mapping: every value exact, every column
mapped, kept or reported, the mapping remembered and reusable as a profile file."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from rcdesk.errors import UserError
from rcdesk.imports import profiles
from rcdesk.imports.fields import POA
from rcdesk.imports.mapping import ignored_columns, kept_columns
from rcdesk.models.poa import Poa, PoaExecution, PoaMeta, PoaObjective
from rcdesk.models.reference import OrgUnit
from rcdesk.services.poa import PoaService
from tests.core import poa_world as pw
from tests.core import real_poa_workbooks as rw


def _count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(model.deleted.is_(False)))


def _dump(db) -> list[str]:
    with sqlite3.connect(db.paths.database) as c:
        return [x for x in c.iterdump() if "import_mapping" not in x]


def test_plan_indicativo_two_years_every_value_exact(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    path, expected = rw.plan_indicativo(tmp_path / "pdm.xlsx")
    prev = svc.preview_import(path)
    assert prev.ok, prev.errors
    # «SECRETARIA DE  PLANEACION» and «Secretaría de Planeación» are one unit
    assert prev.new_units == ["Oficina de Cultura", "Secretaría de Planeación", "Secretaría de Salud"]
    assert sorted({p.fiscal_year for p in prev.poas}) == [2024, 2025]
    assert prev.meta_count == 12
    assert [c["header"] for c in ignored_columns(prev.mappings)] == ["Observación del enlace"]
    assert [c["header"] for c in kept_columns(prev.mappings)] == ["L.B"]  # the result level's baseline
    res = svc.save_import(prev)
    assert res.poas == 6 and _count(db, OrgUnit) == 3 + 3  # the world has 3 units
    seen = 0
    for poa_id in res.poa_ids:
        parsed = svc.as_parsed(poa_id)
        for o in parsed.objectives:
            for m in o.metas:
                exp = expected[(m.description, parsed.fiscal_year)]
                assert m.planned == exp["planned"]  # exact: no tolerance
                assert m.executed == exp["executed"]
                assert m.codificado == exp["codificado"] and m.comprometido == exp["comprometido"]
                assert m.annual_target == float(f"{sum(exp['planned']):.15g}")
                seen += 1
    assert seen == 12
    # the hierarchy: eje > programa > subprograma > meta de resultado (with its indicator)
    with db.session() as s:
        res_obj = s.scalars(select(PoaObjective).where(PoaObjective.level == "resultado")).first()
        parent = s.get(PoaObjective, res_obj.parent_id)
        assert res_obj.indicator.startswith("Indicador de resultado") and parent.level == "subprograma"
        meta = s.scalars(select(PoaMeta).where(PoaMeta.description == "Meta de producto 1")).first()
        assert meta.extra == {"L.B": 55.5} and meta.baseline == 0 and meta.level == "producto"
        polarities = dict(s.execute(select(PoaMeta.description, PoaMeta.polarity)).all())
    assert polarities["Meta de producto 2"] == "MANTENIMIENTO" and polarities["Meta de producto 3"] == "REDUCCION"


def test_year_option_takes_only_that_years_columns(db, tmp_path):
    pw.make_units(db)
    path, expected = rw.plan_indicativo(tmp_path / "pdm.xlsx")
    prev = PoaService(db).preview_import(path, year=2025)
    assert prev.ok and {p.fiscal_year for p in prev.poas} == {2025}
    reasons = {c["header"]: c["reason"] for c in ignored_columns(prev.mappings)}
    assert reasons["T1. PLANEADO 2024"] == "columna del año 2024; se importa el año 2025"
    assert reasons["Apropiación 2024"].startswith("columna del año 2024")
    meta = next(m for p in prev.poas for o in p.objectives for m in o.metas if m.description == "Meta de producto 4")
    assert meta.planned == expected[("Meta de producto 4", 2025)]["planned"]
    prev = PoaService(db).preview_import(path, year=2023)
    assert any("no hay columnas del año 2023 (el archivo tiene 2024, 2025)" in e for e in prev.errors)


def test_dry_run_reports_exactly_what_the_import_stores_and_changes_nothing(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    path, _ = rw.plan_indicativo(tmp_path / "pdm.xlsx")
    before = _dump(db)
    dry = svc.save_import(svc.preview_import(path), dry_run=True)
    assert _dump(db) == before
    real = svc.save_import(svc.preview_import(path))
    assert (dry.poas, dry.metas, dry.executions, dry.new_units) == (
        real.poas,
        real.metas,
        real.executions,
        real.new_units,
    )
    assert dry.dry_run and not real.dry_run


def test_mapping_is_remembered_for_the_same_headers_and_saved_as_a_profile(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    path, _ = rw.plan_indicativo(tmp_path / "pdm.xlsx")
    choice = {"Observación del enlace": "otros"}
    prev = svc.preview_import(path, overrides=choice)
    assert [c["header"] for c in kept_columns(prev.mappings)] == ["L.B", "Observación del enlace"]
    svc.save_import(prev)
    # next month's copy of the same workbook: the confirmed mapping is offered again
    again, _ = rw.plan_indicativo(tmp_path / "pdm-2.xlsx", metas=4)
    prev2 = svc.preview_import(again, replace=True)
    assert prev2.profile_name == "recordado"
    assert "Observación del enlace" in [c["header"] for c in kept_columns(prev2.mappings)]
    assert svc.preview_import(again, replace=True, remembered=False).profile_name == ""
    # saved as a profile file and loaded back: the same decisions
    doc = profiles.build("poa", prev.mappings, "Plan indicativo")
    file = profiles.save(tmp_path / "perfil.json", doc)
    name, cols = profiles.load(file, POA)
    assert name == "Plan indicativo" and cols["Observación del enlace"] == "otros"
    assert cols["T1. PLANEADO 2024"] == "programado:T1@2024"
    prev3 = svc.preview_import(again, replace=True, profile=cols, profile_name=name)
    assert [d.action for sm in prev3.mappings for d in sm.decisions] == [
        d.action for sm in prev2.mappings for d in sm.decisions
    ]
    stored = svc.as_parsed(svc.find_poa(prev.poas[0].unit_id or _unit_id(db, prev.poas[0].unit_name), 2024).poa_id)
    assert any("Observación del enlace" in m.extra for o in stored.objectives for m in o.metas)


def _unit_id(db, name: str) -> str:
    with db.session() as s:
        return s.scalar(select(OrgUnit.id).where(OrgUnit.name == name))


def test_bad_profile_and_unknown_field_are_refused_in_spanish(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    path, _ = rw.plan_indicativo(tmp_path / "pdm.xlsx")
    bad = tmp_path / "malo.json"
    bad.write_text("{no es json", encoding="utf-8")
    with pytest.raises(UserError, match="no es un archivo JSON válido"):
        profiles.load(bad, POA)
    bad.write_text('{"rcdesk_mapeo": 1, "tipo": "asistencia", "columnas": {}}', encoding="utf-8")
    with pytest.raises(UserError, match="es para importar «asistencia», no «poa»"):
        profiles.load(bad, POA)
    with pytest.raises(UserError, match="no es un campo de la importación"):
        svc.preview_import(path, overrides={"RESPONSABLE": "jefe"})
    prev = svc.preview_import(path, overrides={"Columna que no existe": "meta"})
    assert prev.errors == ["--map «Columna que no existe»: ninguna hoja tiene esa columna."]


def test_plan_de_accion_rows_typed_by_class_on_several_sheets(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    prev = svc.preview_import(rw.plan_accion(tmp_path / "accion.xlsx"))
    assert prev.ok, prev.errors
    assert prev.new_units == ["4112 Secretaría de Gobierno", "4131 Secretaría de Hacienda"]
    assert [c["header"] for c in ignored_columns(prev.mappings)] == ["Fecha de inicio", "Fecha de fin"] * 2
    res = svc.save_import(prev)
    assert res.poas == 2
    with db.session() as s:
        poa = s.scalars(select(Poa).where(Poa.report_date.is_not(None)).order_by(Poa.report_date)).first()
        assert poa.extra["organismo"] == "4112 Secretaría de Gobierno" and poa.fiscal_year == 2024
        objs = {o.description: o for o in s.scalars(select(PoaObjective).where(PoaObjective.poa_id == poa.id))}
        assert objs["Programa seguridad"].level == "programa"
        assert objs["Proyecto cámaras"].parent_id == objs["Programa seguridad"].id
        metas = {m.description: m for m in s.scalars(select(PoaMeta).where(PoaMeta.poa_id == poa.id))}
        assert metas["Cámaras instaladas"].objective_id == objs["Proyecto cámaras"].id
        assert metas["Tasa de hurtos por 100 mil"].level == "resultado"
        project = metas["Proyecto cámaras"]  # a project row's own budget is kept as a meta of that level
        assert project.level == "proyecto" and project.initial_budget == 500000000
        assert project.codificado == 480000000.5 and project.objective_id == objs["Proyecto cámaras"].id
        execs = {(e.meta_id, e.period_no): e for e in s.scalars(select(PoaExecution))}
        # reported on 30/06: the annual «valor ejecutado» lands in T2, exactly
        assert execs[(metas["Frentes de seguridad"].id, 2)].executed_qty == 0.001
        assert execs[(project.id, 2)].pagado == 250000000.75 and execs[(project.id, 2)].devengado == 300000000
        assert execs[(metas["Frentes de seguridad"].id, 2)].narrative == "=Avance parcial"
        assert metas["Frentes de seguridad"].annual_target == 0.125


def _numbers(poa) -> list:
    return [
        (
            o.level,
            o.description,
            o.indicator,
            m.description,
            m.level,
            m.planned,
            m.executed,
            m.planned_budget,
            m.devengado,
            m.codificado,
            m.comprometido,
            m.initial_budget,
            m.pagado,
            m.annual_target,
            m.baseline,
            m.polarity,
            m.extra,
        )
        for o in poa.objectives
        for m in o.metas
    ]


@pytest.mark.parametrize("shape", ["indicativo", "accion"])
def test_import_export_import_keeps_every_number_and_level(db, tmp_path, shape):
    """import → export → import: every number identical (no tolerance), levels and otros datos kept."""
    from rcdesk.poa.exporter import export_poas

    pw.make_units(db)
    svc = PoaService(db)
    path = (
        rw.plan_indicativo(tmp_path / "in.xlsx")[0] if shape == "indicativo" else rw.plan_accion(tmp_path / "in.xlsx")
    )
    res = svc.save_import(
        svc.preview_import(
            path,
            overrides={"Observación del enlace": "otros"} if shape == "indicativo" else {"Fecha de inicio": "otros"},
        )
    )
    before = [svc.as_parsed(pid) for pid in res.poa_ids]
    out = export_poas(before, tmp_path / "out.xlsx", country="CO")
    again = svc.preview_import(out, replace=True, remembered=False)
    assert again.ok, again.errors
    assert ignored_columns(again.mappings) == []
    res2 = svc.save_import(again)
    after = {(p.unit_name, p.fiscal_year): p for p in (svc.as_parsed(pid) for pid in res2.poa_ids)}
    for p in before:
        assert _numbers(after[(p.unit_name, p.fiscal_year)]) == _numbers(p)


def test_profile_keeps_other_years_fields_and_names_repeated_headers(db, tmp_path):
    pw.make_units(db)
    svc = PoaService(db)
    path, _ = rw.plan_indicativo(tmp_path / "pdm.xlsx")
    prev = svc.preview_import(path, year=2024)
    cols = profiles.build("poa", prev.mappings)["columnas"]
    assert cols["T1. PLANEADO 2025"] == "programado:T1@2025"  # set aside for 2024 only, not «ignorar»
    assert cols["l b #2"] == "linea_base" and cols["L.B"] == "otros"
    # the repeated header is found again by its name in the profile
    again = svc.preview_import(path, profile={"l b #2": "otros", "L.B": "linea_base"}, profile_name="p")
    sm = again.mappings[0]
    assert [d.action for d in sm.decisions if d.header == "L.B"] == ["campo", "otros"]


def test_a_cp1252_semicolon_csv_imports_like_a_one_sheet_workbook(db, tmp_path):
    pw.make_units(db)
    path = tmp_path / "poa.csv"
    path.write_bytes(
        "Objetivo;Meta;Meta anual;Programado T1;Programado T2;Programado T3;Programado T4;Unidad\n"
        "OE1;Mesas de diálogo;12;3;3;3,5;2,5;Jefatura Política de Guano\n".encode("cp1252")
    )
    prev = PoaService(db).preview_import(path, year=2025)
    assert prev.ok, prev.errors
    meta = prev.poas[0].objectives[0].metas[0]
    assert meta.description == "Mesas de diálogo" and meta.planned == [3, 3, 3.5, 2.5]
    assert prev.poas[0].unit_id is not None  # «Jefatura Política de Guano» is a known unit
