"""The canton overview reads in plain SQL (issue 14): the places, settings and traffic-light
profile it uses are the ones the ORM services give."""

from datetime import date

from rcdesk.services.poa import PoaService
from rcdesk.services.poa_eval import EvalSettings, EvaluationService, _unit_places
from rcdesk.services.reference import ReferenceService
from rcdesk.services.thresholds import ThresholdService
from tests.core.poa_world import make_world


def test_units_roll_up_to_the_cantons_the_poa_service_gives(db):
    w = make_world(db)
    ref = ReferenceService(db)
    chimborazo = ref.territory_by_code("06", "EC")
    ref.add_unit(w.inst_id, "Intendencia de Chimborazo", "INTENDENCIA_POLICIA", chimborazo.territory_id)
    ref.add_unit(w.inst_id, "Unidad sin territorio", "OTRA")
    with db.read() as raw:
        plain = _unit_places(raw)
    assert plain == PoaService(db).unit_places()
    cantons = {u.name: u.canton_name for u in plain}
    assert cantons["Tenencia Política de San Andrés"] == "Guano"
    assert cantons["Intendencia de Chimborazo"] == "Nivel provincial"
    assert cantons["Unidad sin territorio"] == "Sin territorio"


def test_overview_uses_the_country_default_profile_and_saved_settings(db):
    make_world(db)
    svc, th = EvaluationService(db), ThresholdService(db)
    assert svc.evaluate(2025, date(2025, 6, 30)).profile.code == "EC-POA"
    th.set_country_default("EC", "CO-PAAC")
    ev = svc.evaluate(2025, date(2025, 6, 30))
    assert ev.profile == th.profile_for_country("EC") and ev.profile.code == "CO-PAAC"
    svc.save_settings(EvalSettings(gap_pp=12.5, aggregation="presupuesto", only_validated=True))
    assert svc.evaluate(2025, date(2025, 6, 30)).settings == svc.settings()
    assert svc.settings().gap_pp == 12.5 and svc.settings().aggregation == "presupuesto"


def test_metas_built_fast_are_the_same_objects_as_built_plainly(db):
    import gc
    import pickle

    from rcdesk.services.poa_eval import MetaEval, _meta_eval

    make_world(db)
    gc.enable()
    ev = EvaluationService(db).evaluate(2025, date(2025, 6, 30))
    assert gc.isenabled(), "the evaluation must give the garbage collector back"
    assert ev.metas
    for m in ev.metas:
        plain = MetaEval(*(getattr(m, f) for f in m.__dataclass_fields__))
        assert m == plain and hash(m) == hash(plain) and repr(m) == repr(plain)
        assert pickle.loads(pickle.dumps(m)) == plain
    fast = _meta_eval(*(getattr(ev.metas[0], f) for f in ev.metas[0].__dataclass_fields__))
    assert type(fast) is MetaEval
