"""Editing, withdrawing and superseding progress reports (history kept); per-plan settings."""

from datetime import date
from decimal import Decimal

import pytest

from rcdesk.compliance import Band, ThresholdProfile
from rcdesk.errors import UserError
from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.followup import FollowupService, ReportInput
from rcdesk.services.plans import PlanService
from rcdesk.services.thresholds import ThresholdService

D = Decimal
TODAY = date(2024, 9, 2)
CUT = date(2024, 8, 31)


@pytest.fixture
def plan(db):
    sub = ParsedGroup(
        "subcomponente",
        "Información",
        code="Subcomponente 1",
        activities=[
            ParsedActivity(
                "Publicar el informe de gestión",
                number="1.1",
                responsible="Planeación",
                meta="Informe publicado",
                cuatrimestres=[1, 2],
            ),
            ParsedActivity(
                "Audiencia pública", number="1.2", responsible="Despacho", meta="1 audiencia", cuatrimestres=[2]
            ),
        ],
    )
    parsed = ParsedPlan(
        layout="paac",
        title="PAAC 2024",
        entity="Alcaldía de Pruebas",
        year=2024,
        groups=[ParsedGroup("componente", "Rendición de cuentas", code="Componente 3", children=[sub])],
        source_name="prueba.xlsx",
    )
    plan_id = PlanService(db).save_parsed(parsed).plan_id
    return plan_id, {a.number: a.activity_id for a in PlanService(db).activities(plan_id)}


@pytest.fixture
def fu(db):
    return FollowupService(db)


def _input(activity_id, pct, period=2, **kw):
    kw.setdefault("reported_on", date(2024, 8, 20))
    return ReportInput(activity_id, period, pct, **kw)


def _pct(fu, plan_id, number):
    d = fu.dashboard(plan_id, cut=CUT, today=TODAY)
    return next(a for a in d.activities if a.number == number).pct


def test_edit_a_reported_report_keeps_the_old_version_as_superseded(fu, plan, tmp_path):
    plan_id, acts = plan
    acta = tmp_path / "acta.pdf"
    acta.write_bytes(b"%PDF-1.4 acta")
    r1 = fu.add_report(_input(acts["1.1"], 40, done_text="Borrador", evidence_files=(acta,)), today=TODAY)
    foto = tmp_path / "foto.png"
    foto.write_bytes(b"\x89PNG foto")
    r2 = fu.edit_report(
        r1.report_id,
        _input(acts["1.1"], 60, done_text="Informe publicado", evidence_files=(foto,)),
        keep_evidence=[r1.evidence[0].evidence_id],
        today=TODAY,
    )
    assert r2.report_id != r1.report_id and r2.status == "REPORTADO" and r2.percent == 60
    assert sorted(e.filename for e in r2.evidence) == ["acta.pdf", "foto.png"]
    history = fu.history(acts["1.1"])
    assert [(h.status, h.percent) for h in history] == [("REPORTADO", 60), ("SUSTITUIDO", 40)]
    assert [e.filename for e in history[1].evidence] == ["acta.pdf"]  # the old version keeps its evidence
    assert [r.report_id for r in fu.reports_to_review(plan_id)] == [r2.report_id]
    with pytest.raises(UserError, match="sustituido"):
        fu.withdraw(r1.report_id)


def test_edit_an_observed_report_keeps_the_observation(fu, plan):
    plan_id, acts = plan
    r1 = fu.add_report(_input(acts["1.1"], 90), today=TODAY)
    fu.review(r1.report_id, validate=False, note="Falta el acta de publicación")
    r2 = fu.edit_report(r1.report_id, _input(acts["1.1"], 80, done_text="Con acta"), today=TODAY)
    statuses = [(h.status, h.review_note) for h in fu.history(acts["1.1"])]
    assert statuses == [("REPORTADO", ""), ("OBSERVADO", "Falta el acta de publicación")]
    fu.review(r2.report_id, validate=True)
    assert _pct(fu, plan_id, "1.1") == D("80.00")


def test_a_validated_report_cannot_be_edited_or_withdrawn_only_superseded(fu, plan):
    plan_id, acts = plan
    r1 = fu.add_report(_input(acts["1.1"], 70), today=TODAY)
    fu.review(r1.report_id, validate=True)
    with pytest.raises(UserError, match="validado no se puede modificar"):
        fu.edit_report(r1.report_id, _input(acts["1.1"], 75), today=TODAY)
    with pytest.raises(UserError, match="validado no se puede retirar"):
        fu.withdraw(r1.report_id)
    with pytest.raises(UserError) as exc:  # a plain new report is a duplicate
        fu.add_report(_input(acts["1.1"], 75), today=TODAY)
    assert "corrección" in " ".join(exc.value.details)
    # the correction is for the same period even if another one is asked for
    r2 = fu.supersede_report(r1.report_id, _input(acts["1.1"], 95, period=1), today=TODAY)
    assert r2.period_no == 2 and r2.status == "REPORTADO"
    assert _pct(fu, plan_id, "1.1") == D("70.00")  # the validated one counts meanwhile
    fu.review(r2.report_id, validate=True)
    assert _pct(fu, plan_id, "1.1") == D("95.00")
    assert [h.status for h in fu.history(acts["1.1"])] == ["VALIDADO", "SUSTITUIDO"]


def test_observed_correction_leaves_the_validated_report_in_force(fu, plan):
    plan_id, acts = plan
    r1 = fu.add_report(_input(acts["1.2"], 50), today=TODAY)
    fu.review(r1.report_id, validate=True)
    r2 = fu.supersede_report(r1.report_id, _input(acts["1.2"], 100), today=TODAY)
    with pytest.raises(UserError):  # only one pending correction per period
        fu.supersede_report(r1.report_id, _input(acts["1.2"], 100), today=TODAY)
    fu.review(r2.report_id, validate=False, note="Sin evidencia")
    assert _pct(fu, plan_id, "1.2") == D("50.00")
    assert [h.status for h in fu.history(acts["1.2"])] == ["OBSERVADO", "VALIDADO"]


def test_bad_edit_changes_nothing(fu, plan, tmp_path):
    plan_id, acts = plan
    r1 = fu.add_report(_input(acts["1.1"], 40), today=TODAY)
    with pytest.raises(UserError) as exc:
        fu.edit_report(r1.report_id, _input(acts["1.1"], 140, evidence_files=(tmp_path / "no.pdf",)), today=TODAY)
    assert any("justificación" in d for d in exc.value.details)
    assert any("no.pdf" in d for d in exc.value.details)
    assert [(h.status, h.percent) for h in fu.history(acts["1.1"])] == [("REPORTADO", 40)]


def test_withdraw_removes_a_pending_report(fu, plan):
    plan_id, acts = plan
    r1 = fu.add_report(_input(acts["1.1"], 40), today=TODAY)
    fu.withdraw(r1.report_id)
    assert fu.history(acts["1.1"]) == [] and fu.reports_to_review(plan_id) == []
    fu.add_report(_input(acts["1.1"], 45), today=TODAY)  # the period is free again


def _three_bands(code="PROPIO", name="Perfil propio", cuts=("0", "50", "90")):
    return ThresholdProfile(
        code,
        name,
        (
            Band("rojo", D(cuts[0]), D(cuts[1]), "Bajo"),
            Band("amarillo", D(cuts[1]), D(cuts[2]), "Medio"),
            Band("verde", D(cuts[2]), None, "Alto"),
        ),
    )


def test_profile_per_plan_changes_the_lights(db, fu, plan):
    plan_id, acts = plan
    r = fu.add_report(_input(acts["1.1"], 55), today=TODAY)
    fu.review(r.report_id, validate=True)
    th = ThresholdService(db)
    assert th.plan_profile_code(plan_id) is None and th.profile_for_plan(plan_id).code == "CO-PAAC"
    light = next(a for a in fu.dashboard(plan_id, cut=CUT, today=TODAY).activities if a.number == "1.1").light
    assert light.color == "rojo"  # 55 % is zona baja in CO-PAAC
    th.save_profile(_three_bands())
    th.set_plan_profile(plan_id, "PROPIO")
    d = fu.dashboard(plan_id, cut=CUT, today=TODAY)
    assert d.profile.code == "PROPIO"
    assert next(a for a in d.activities if a.number == "1.1").light.label == "Medio"
    with pytest.raises(UserError, match="no existe|No existe"):
        th.set_plan_profile(plan_id, "NADA")
    th.delete_profile("PROPIO")  # the plan falls back to its country's
    assert fu.dashboard(plan_id, cut=CUT, today=TODAY).profile.code == "CO-PAAC"
    with pytest.raises(UserError, match="predeterminado de Colombia"):
        th.delete_profile("CO-PAAC")


@pytest.mark.parametrize(
    "cuts, problem",
    [
        (("0", "50", "90"), None),
        (("10", "50", "90"), "empezar en 0"),
    ],
)
def test_profile_must_start_at_zero(db, cuts, problem):
    th = ThresholdService(db)
    if problem is None:
        th.save_profile(_three_bands(cuts=cuts))
        assert th.profile("PROPIO").bands[1].min_inclusive == D("50")
    else:
        with pytest.raises(UserError) as exc:
            th.save_profile(_three_bands(cuts=cuts))
        assert any(problem in d for d in exc.value.details)


def test_profile_gaps_and_overlaps_are_refused(db):
    th = ThresholdService(db)
    gap = ThresholdProfile("G", "Con hueco", (Band("rojo", D(0), D(50), "Bajo"), Band("verde", D(60), None, "Alto")))
    overlap = ThresholdProfile("O", "Solapado", (Band("rojo", D(0), D(70), "Bajo"), Band("verde", D(60), None, "Alto")))
    short = ThresholdProfile("S", "Corto", (Band("rojo", D(0), D(50), "Bajo"), Band("verde", D(50), D(90), "Alto")))
    for p, words in ((gap, "hueco entre 50 y 60"), (overlap, "se superponen"), (short, "incluir el 100")):
        with pytest.raises(UserError) as exc:
            th.save_profile(p)
        assert any(words in d for d in exc.value.details), exc.value.details
    assert [p.code for p in th.profiles()] == ["CO-PAAC", "EC-POA"]
