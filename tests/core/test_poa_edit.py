"""Editing a POA by hand: objectives, metas with indicators and programming, validation
(domain.md §8.3) and tombstone deletes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rcdesk.errors import UserError
from rcdesk.models.poa import PoaExecution, PoaIndicator, PoaMeta, PoaObjective, PoaProgramming
from rcdesk.services.poa import PoaService
from rcdesk.services.poa_edit import IndicatorInput, MetaInput, PoaEditService, spread
from tests.core.poa_world import make_units, make_world


def _meta(obj: str, **kw) -> MetaInput:
    base = dict(
        objective_id=obj,
        description="Capacitaciones a tenientes políticos",
        number="2.1",
        unit_of_measure="Capacitación",
        annual_target="12",
        baseline="4",
        polarity="INCREMENTO",
        codificado="1.500,00",
        planned=("3", "3", "3", "3"),
        planned_budget=("375", "375", "375", "375"),
        indicators=(IndicatorInput("Capacitaciones realizadas", "Σ capacitaciones", "SUMA", "Actas"),),
    )
    base.update(kw)
    return MetaInput(**base)


def test_build_a_poa_by_hand_and_evaluate_it(db):
    w = make_units(db)
    edit = PoaEditService(db)
    poa = edit.create_poa(w.jp_chambo, 2026, "cuatrimestre", "POA Chambo 2026")
    assert poa.periods == 3
    obj = edit.save_objective(poa.poa_id, "  Gobernabilidad   territorial ", "OE1", "PND Obj. 9").id
    res = edit.save_meta(_meta(obj, planned=("4", "4", "4"), planned_budget=("500", "500", "500")))
    assert res.warnings == ()
    d = edit.meta(res.id)
    assert (d.number, d.annual_target, d.baseline, d.codificado, d.polarity) == ("2.1", 12, 4, 1500, "INCREMENTO")
    assert d.planned == (4, 4, 4) and d.planned_budget == (500, 500, 500)
    assert [i.name for i in d.indicators] == ["Capacitaciones realizadas"]
    tree = PoaService(db).tree(poa.poa_id)
    assert tree[0].description == "Gobernabilidad territorial"
    assert tree[0].metas[0].indicator == "Capacitaciones realizadas"
    # the execution grid sees the programming typed by hand
    PoaService(db).save_execution(res.id, 1, executed_qty=3)
    assert PoaService(db).executions(poa.poa_id)[res.id][0].planned_qty == 4


def test_programming_that_does_not_add_up_is_a_warning_not_an_error(db):
    w = make_units(db)
    edit = PoaEditService(db)
    poa = edit.create_poa(w.jp_chambo, 2026)
    obj = edit.save_objective(poa.poa_id, "Gobernabilidad").id
    res = edit.save_meta(_meta(obj, planned=("3", "3", "3", "2")))
    assert any("suma 11 y la meta anual es 12" in x for x in res.warnings)
    assert edit.meta(res.id).planned == (3, 3, 3, 2)
    res2 = edit.save_meta(_meta(obj, number="2.2", codificado="1000"))
    assert any("presupuesto programado (1.500) supera al codificado (1.000)" in x for x in res2.warnings)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("annual_target", "-5", "Meta anual no puede ser negativo"),
        ("baseline", "abc", "Línea base: «abc» no es un número"),
        ("codificado", "-1", "Presupuesto codificado no puede ser negativo"),
        ("planned", ("3", "-3", "3", "3"), "Cantidad programada T2 no puede ser negativo"),
        ("planned_budget", ("1", "x", "", ""), "Presupuesto programado T2: «x» no es un número"),
        ("description", "   ", "falta la descripción"),
        ("polarity", "SUBIR", "Polaridad «SUBIR» desconocida"),
        ("indicators", (IndicatorInput("", "fórmula sin nombre"),), "Indicador 1: falta el nombre"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(db, field, value, message):
    w = make_world(db)
    edit = PoaEditService(db)
    before = edit.meta(w.meta_11)
    obj = before.objective_id
    with pytest.raises(UserError, match=message):
        edit.save_meta(_meta(obj, **{field: value}), meta_id=w.meta_11)
    with pytest.raises(UserError, match=message):
        edit.save_meta(_meta(obj, **{field: value}))
    assert edit.meta(w.meta_11) == before
    assert len(PoaService(db).tree(w.poa_guano)[0].metas) == 2


def test_edit_meta_updates_programming_and_indicators_in_place(db):
    w = make_world(db)
    edit = PoaEditService(db)
    d = edit.meta(w.meta_11)
    ind = d.indicators[0]
    res = edit.save_meta(
        MetaInput(
            d.objective_id,
            "Mesas de seguridad ciudadana",
            number="1.1",
            unit_of_measure="Mesa",
            annual_target=48,
            baseline=None,
            polarity="MANTENIMIENTO",
            planned=(12, 12, 12, 12),
            planned_budget=(0, 0, 0, 0),
            indicators=(
                IndicatorInput("Mesas con acta", "", "SUMA", "", ind.indicator_id),
                IndicatorInput("Asistentes por mesa", "", "PROMEDIO", ""),
            ),
        ),
        meta_id=w.meta_11,
    )
    assert res.id == w.meta_11 and res.warnings == ()
    d2 = edit.meta(w.meta_11)
    assert d2.planned == (12, 12, 12, 12) and d2.polarity == "MANTENIMIENTO" and d2.annual_target == 48
    assert [(i.name, i.indicator_id == ind.indicator_id) for i in d2.indicators] == [
        ("Mesas con acta", True),
        ("Asistentes por mesa", False),
    ]
    # the executions already reported stay attached
    assert PoaService(db).execution(w.meta_11, 1).executed_qty == 8
    assert PoaService(db).execution(w.meta_11, 1).planned_qty == 12
    # removing an indicator tombstones it
    edit.save_meta(MetaInput(d.objective_id, "Mesas", annual_target=48, planned=(12, 12, 12, 12)), meta_id=w.meta_11)
    assert edit.meta(w.meta_11).indicators == ()
    with db.session() as s:
        rows = s.scalars(select(PoaIndicator).where(PoaIndicator.meta_id == w.meta_11)).all()
        assert len(rows) == 2 and all(r.deleted for r in rows)
        # one programming row per period, updated, never duplicated
        prog = s.scalars(select(PoaProgramming).where(PoaProgramming.meta_id == w.meta_11)).all()
        assert len(prog) == 4 and not any(p.deleted for p in prog) and all(p.version > 1 for p in prog)


def test_delete_meta_and_objective_are_tombstones(db):
    w = make_world(db)
    edit = PoaEditService(db)
    assert edit.delete_meta(w.meta_11) == 2  # two reports went with it
    with db.session() as s:
        m = s.get(PoaMeta, w.meta_11)
        assert m is not None and m.deleted
        assert all(e.deleted for e in s.scalars(select(PoaExecution).where(PoaExecution.meta_id == w.meta_11)))
    assert [m.meta_id for m in PoaService(db).tree(w.poa_guano)[0].metas] == [w.meta_12]
    obj = PoaService(db).tree(w.poa_guano)[0].objective_id
    assert edit.objective(obj).meta_count == 1
    assert edit.delete_objective(obj) == 1
    assert PoaService(db).tree(w.poa_guano) == []
    with db.session() as s:
        assert s.get(PoaObjective, obj).deleted and s.get(PoaMeta, w.meta_12).deleted
    with pytest.raises(UserError, match="La meta no existe"):
        edit.delete_meta(w.meta_11)


def test_objective_edit_and_duplicate_number_warning(db):
    w = make_world(db)
    edit = PoaEditService(db)
    obj = PoaService(db).tree(w.poa_guano)[0].objective_id
    edit.save_objective(w.poa_guano, "Seguridad ciudadana", "OE-1", "PND 3", objective_id=obj)
    o = edit.objective(obj)
    assert (o.code, o.description, o.alignment, o.meta_count) == ("OE-1", "Seguridad ciudadana", "PND 3", 2)
    with pytest.raises(UserError, match="falta la descripción"):
        edit.save_objective(w.poa_guano, "", objective_id=obj)
    res = edit.save_meta(_meta(obj, number="1.1", annual_target="12"))
    assert any("otra meta con el número «1.1»" in x for x in res.warnings)


def test_spread_keeps_the_total():
    assert spread(10, 4) == [2.5, 2.5, 2.5, 2.5]
    assert spread(10, 3) == [3.33, 3.33, 3.34]
    assert round(sum(spread(1000, 12)), 2) == 1000


def test_move_meta_to_another_objective_of_the_same_poa_only(db):
    w = make_world(db)
    edit = PoaEditService(db)
    other = edit.save_objective(w.poa_guano, "Convivencia pacífica", "OE2").id
    d = edit.meta(w.meta_12)
    edit.save_meta(
        MetaInput(
            other,
            d.description,
            number=d.number,
            annual_target=d.annual_target,
            planned=d.planned,
            codificado=d.codificado,
        ),
        meta_id=w.meta_12,
    )
    tree = PoaService(db).tree(w.poa_guano)
    assert [m.meta_id for m in tree[1].metas] == [w.meta_12] and len(tree[0].metas) == 1
    foreign = PoaService(db).tree(w.poa_chambo)[0].objective_id
    with pytest.raises(UserError, match="otro POA"):
        edit.save_meta(MetaInput(foreign, d.description, annual_target=20, planned=d.planned), meta_id=w.meta_12)
    assert edit.meta(w.meta_12).objective_id == other
