"""POA calculations against hand-computed cases (domain.md §4.1–4.3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from rcdesk.poa.calc import cpccs_pct, meta_figures, physical_compliance
from rcdesk.poa.periods import closed_periods, period_end
from tests.core.poa_world import make_world


def test_period_and_annual_compliance_budget_and_gap():
    f = meta_figures(
        k=2,
        planned=[10, 10, 10, 10],
        executed=[8, 9, None, None],
        annual_target=40,
        planned_budget=[100] * 4,
        devengado=[50, 40, None, None],
        codificado=[None] * 4,
        meta_codificado=400,
    )
    assert (f.planned, f.executed) == (20, 17)
    assert f.period.raw == Decimal("85.00")  # 17 / 20
    assert f.annual.raw == Decimal("42.50")  # 17 / 40
    assert f.budget.raw == Decimal("22.50")  # 90 / 400
    assert f.gap == pytest.approx(20.0)  # 42.5 − 22.5: not above the 20 pp threshold
    assert not f.gap_flag
    assert meta_figures(
        k=2,
        planned=[10, 10, 10, 10],
        executed=[8, 9, None, None],
        annual_target=40,
        devengado=[50, 40],
        meta_codificado=400,
        gap_pp=19.99,
    ).gap_flag


def test_latest_codificado_of_the_cut_wins_over_the_annual_one():
    f = meta_figures(
        k=3,
        planned=[1, 1, 1, 1],
        executed=[1, 1, 1, None],
        annual_target=4,
        codificado=[1000, 800, None, 5000],
        devengado=[100, 100, 200, 999],
        meta_codificado=2000,
    )
    assert f.codificado == 800  # T4 is after the cut
    assert f.devengado == 400
    assert f.budget.raw == Decimal("50.00")


def test_nothing_planned_is_grey_but_zero_for_cpccs():
    f = meta_figures(k=2, planned=[0, 0, 5, 5], executed=[None, None, None, None], annual_target=10)
    assert f.period.raw is None
    assert cpccs_pct(f.period) == 0.0
    assert meta_figures(k=0, planned=[5, 5], executed=[5, 5], annual_target=10).period.raw is None


def test_nothing_reported_counts_as_zero_not_grey():
    f = meta_figures(k=1, planned=[5, 5, 5, 5], executed=[None] * 4, annual_target=20)
    assert f.period.raw == Decimal("0.00")
    assert not f.reported


def test_over_achievement_is_kept_raw_and_capped_for_ratings():
    from rcdesk.compliance import aggregate

    over = meta_figures(k=1, planned=[10], executed=[12], annual_target=10).period
    assert over.raw == Decimal("120.00") and over.over and over.rated == 100
    half = meta_figures(k=1, planned=[10], executed=[6], annual_target=10).period
    assert aggregate([over, half]).raw == Decimal("80.00")  # (100 + 60) / 2


def test_reduction_polarity_uses_distance_from_baseline():
    # baseline 50 incidents, target 30, actual 40 → (50 − 40) / (50 − 30) = 50 %
    assert physical_compliance(40, 30, polarity="REDUCCION", baseline=50).raw == Decimal("50.00")
    # worse than the baseline never goes negative
    assert physical_compliance(60, 30, polarity="REDUCCION", baseline=50).raw == Decimal("0.00")
    assert physical_compliance(0, 0, polarity="REDUCCION").raw == Decimal("100.00")


def test_last_value_accumulation():
    f = meta_figures(
        k=3, planned=[50, 60, 70, 80], executed=[40, 66, 63, None], annual_target=80, accumulation="ULTIMO_VALOR"
    )
    assert (f.planned, f.executed) == (70, 63)
    assert f.period.raw == Decimal("90.00")


@pytest.mark.parametrize(
    "kind,cut,expected",
    [
        ("trimestre", date(2025, 6, 30), 2),
        ("trimestre", date(2025, 6, 29), 1),
        ("trimestre", date(2026, 1, 1), 4),
        ("trimestre", date(2024, 12, 31), 0),
        ("cuatrimestre", date(2025, 8, 31), 2),
        ("mes", date(2025, 3, 15), 2),
    ],
)
def test_closed_periods(kind, cut, expected):
    assert closed_periods(kind, 2025, cut) == expected


def test_period_end_of_february_in_a_leap_year():
    assert period_end("mes", 2024, 2) == date(2024, 2, 29)


def test_evaluation_by_unit_canton_type_and_province(db):
    from rcdesk.services.poa_eval import EvaluationService

    w = make_world(db)
    ev = EvaluationService(db).evaluate(2025, date(2025, 6, 30))
    units = {u.key: u for u in ev.units}
    # Jefatura de Guano: metas at 100 % and 50 % → simple mean 75 %
    assert units[w.jp_guano].pct == 75.0
    assert units[w.tp_san_andres].pct == 90.0  # 18 / 20
    assert units[w.jp_chambo].pct == 37.5  # 3 / 8
    cantons = {c.key: c for c in ev.cantons}
    # the Tenencia of San Andrés (a rural parish) rolls up to canton Guano; mean of units
    assert cantons[w.guano_id].units == 2
    assert cantons[w.guano_id].pct == 82.5  # (75 + 90) / 2
    assert cantons[w.guano_id].light == "amarillo"  # 70 ≤ 82.5 < 85
    assert cantons[w.chambo_id].light == "rojo"
    assert ev.province.pct == 67.5  # (75 + 90 + 37.5) / 3
    assert ev.province.units_red == 1
    types = {t.key: t for t in ev.unit_types}
    assert types["JEFATURA_POLITICA"].pct == 56.25  # (75 + 37.5) / 2
    # budget: only meta 1.2 has budget: 250 / 1000
    assert units[w.jp_guano].pct_budget == 25.0
    assert units[w.jp_guano].codificado == 1000
    metas = {m.meta_id: m for m in ev.metas}
    assert metas[w.meta_11].pct == 100.0 and metas[w.meta_12].pct == 50.0
    assert metas[w.meta_12].pct_annual == 25.0  # 5 / 20
    objectives = [o for o in ev.objectives if o.parent_key == w.jp_guano]
    assert len(objectives) == 1 and objectives[0].pct == 75.0


def test_weighted_aggregation_and_configurable_gap(db):
    from rcdesk.services.poa import PoaService
    from rcdesk.services.poa_eval import EvaluationService

    w = make_world(db)
    svc = EvaluationService(db)
    ev = svc.evaluate(2025, date(2025, 6, 30), settings=replace(svc.settings(), aggregation="presupuesto"))
    # only meta 1.2 carries budget weight → the unit takes its 50 %
    assert {u.key: u for u in ev.units}[w.jp_guano].pct == 50.0
    # spend much more than the physical progress: 650 of 1000 devengado vs 25 % of the annual target
    PoaService(db).save_execution(w.meta_12, 2, devengado=550)
    meta = {m.meta_id: m for m in svc.evaluate(2025, date(2025, 6, 30)).metas}[w.meta_12]
    assert meta.pct_budget == 65.0 and meta.gap == -40.0 and meta.gap_flag
    svc.save_settings(replace(svc.settings(), gap_pp=45))
    assert svc.settings().gap_pp == 45
    assert not {m.meta_id: m for m in svc.evaluate(2025, date(2025, 6, 30)).metas}[w.meta_12].gap_flag


def test_only_validated_reports_count_when_asked(db):
    from rcdesk.services.poa import PoaService
    from rcdesk.services.poa_eval import EvalSettings, EvaluationService

    w = make_world(db)
    PoaService(db).set_validation(w.meta_11, 1, "VALIDADO")
    ev = EvaluationService(db).evaluate(2025, date(2025, 6, 30), settings=EvalSettings(only_validated=True))
    m = {m.meta_id: m for m in ev.metas}[w.meta_11]
    assert m.executed == 8 and m.pct == 40.0  # T2 (12) is not validated yet
