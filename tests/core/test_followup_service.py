"""Progress reports, review, compliance per activity/group/plan, deadlines (hand-computed)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rcdesk.errors import UserError
from rcdesk.models.followup import Evidence, ProgressReport
from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.followup import FollowupService, ReportInput
from rcdesk.services.plans import PlanService

D = Decimal
TODAY = date(2024, 5, 2)


@pytest.fixture
def plan(db):
    """PAAC-like plan (Colombia, cuatrimestres), vigencia 2024."""
    sub1 = ParsedGroup(
        "subcomponente",
        "Información de calidad",
        code="Subcomponente 1",
        activities=[
            ParsedActivity(
                "Publicar el informe de gestión",
                number="1.1",
                responsible="Secretaría de Planeación",
                meta="Informe publicado",
                cuatrimestres=[1],
            ),
            ParsedActivity(
                "Actualizar la sección de transparencia",
                number="1.2",
                responsible="Oficina TIC",
                meta="Sección actualizada",
                cuatrimestres=[2, 3],
            ),
        ],
    )
    sub2 = ParsedGroup(
        "subcomponente",
        "Diálogo de doble vía",
        code="Subcomponente 2",
        activities=[
            ParsedActivity(
                "Audiencia pública de rendición de cuentas",
                number="2.1",
                responsible="Despacho",
                meta="1 audiencia",
                start_date=date(2024, 2, 1),
                end_date=date(2024, 3, 15),
            ),
            ParsedActivity(
                "Mesa de diálogo con juntas de acción comunal",
                number="2.2",
                responsible="Despacho",
                meta="1 mesa",
                start_date=date(2024, 4, 1),
                end_date=date(2024, 5, 6),
            ),
        ],
    )
    comp1 = ParsedGroup("componente", "Rendición de cuentas", code="Componente 3", children=[sub1, sub2])
    comp2 = ParsedGroup(
        "componente",
        "Transparencia",
        code="Componente 5",
        activities=[
            ParsedActivity(
                "Caracterizar grupos de valor",
                number="5.1",
                responsible="Secretaría de Planeación",
                meta="Documento",
                cuatrimestres=[3],
            ),
            ParsedActivity(
                "Encuesta de percepción",
                number="5.2",
                responsible="Oficina de Control Interno",
                meta="Encuesta aplicada",
            ),
        ],
    )
    parsed = ParsedPlan(
        layout="paac",
        title="PAAC 2024",
        entity="Alcaldía de Pruebas",
        year=2024,
        groups=[comp1, comp2],
        source_name="prueba.xlsx",
    )
    summary = PlanService(db).save_parsed(parsed)
    acts = {a.number: a.activity_id for a in PlanService(db).activities(summary.plan_id)}
    return summary.plan_id, acts


@pytest.fixture
def fu(db):
    return FollowupService(db)


def _report(fu, activity_id, period, percent=None, **kw):
    kw.setdefault("reported_on", TODAY)
    return fu.add_report(ReportInput(activity_id, period, percent, **kw), today=TODAY)


def _count(db, model=ProgressReport):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_report_then_validate_changes_compliance(fu, plan):
    plan_id, acts = plan
    r = _report(fu, acts["1.1"], "2024-C1", 80, done_text="Se publicó el informe", reporter="Ana Pérez")
    assert r.status == "REPORTADO" and r.period_code == "2024-C1" and r.percent == D("80.00")
    before = {a.number: a for a in fu.dashboard(plan_id, cut=date(2024, 4, 30), today=TODAY).activities}
    assert before["1.1"].pct == D("0.00") and "Sin reporte validado" in before["1.1"].flags
    assert before["1.1"].pending_review == 1
    fu.review(r.report_id, validate=True, reviewer="Control Interno")
    after = {a.number: a for a in fu.dashboard(plan_id, cut=date(2024, 4, 30), today=TODAY).activities}
    assert after["1.1"].pct == D("80.00") and after["1.1"].light.color == "verde"  # CO-PAAC: 80 → zona alta
    assert "Sin medio de verificación" in after["1.1"].flags  # plan requires evidence


def test_compliance_per_group_and_plan_by_hand(fu, plan):
    plan_id, acts = plan
    for number, period, pct in (("1.1", 1, 80), ("5.2", 1, 50), ("1.2", 2, 100)):
        fu.review(_report(fu, acts[number], period, pct).report_id, validate=True)
    d = fu.dashboard(plan_id, cut=date(2024, 4, 30), today=TODAY)
    st = {a.number: a for a in d.activities}
    # at the first cut: 1.2 (from May) and 5.1 (cuatrimestre 3) are not programmed yet → grey
    assert st["1.2"].light.color == "gris" and st["5.1"].light.color == "gris"
    assert st["2.1"].pct == D("0.00") and st["2.2"].pct == D("0.00")  # programmed, nothing validated
    groups = {g.label: g for g in d.groups}
    assert groups["Subcomponente 1 – Información de calidad"].compliance.raw == D("80.00")
    assert groups["Subcomponente 2 – Diálogo de doble vía"].compliance.raw == D("0.00")
    # Componente 3 = mean(80, 0, 0) = 26.67 ; Componente 5 = 50 ; plan = mean(80, 0, 0, 50) = 32.50
    assert groups["Componente 3 – Rendición de cuentas"].compliance.raw == D("26.67")
    assert groups["Componente 5 – Transparencia"].compliance.raw == D("50.00")
    assert d.plan.raw == D("32.50") and d.plan_light.color == "rojo"
    assert [c[0] for c in d.components] == ["Componente 3 – Rendición de cuentas", "Componente 5 – Transparencia"]
    # second cut: 1.2 validated at 100 counts → plan = mean(80, 100, 0, 0, 50) = 46.00
    d2 = fu.dashboard(plan_id, cut=date(2024, 8, 31), today=TODAY)
    assert d2.plan.raw == D("46.00")
    assert {u[0]: u[1].raw for u in d2.units}["Despacho"] == D("0.00")


def test_quantity_against_target_and_over_100_with_justification(fu, plan):
    _, acts = plan
    r = _report(fu, acts["2.1"], 1, quantity=3, target_quantity=4)
    assert r.percent == D("75.00")
    with pytest.raises(UserError) as e:
        _report(fu, acts["5.2"], 1, 120)
    assert "justificación" in str(e.value)
    r2 = _report(fu, acts["5.2"], 1, 120, justification="Se aplicaron más encuestas de las previstas")
    assert r2.percent == D("120.00")


@pytest.mark.parametrize(
    "period,percent,needle",
    [
        ("2023-C1", 50, "fuera de la vigencia 2024"),
        ("2024-T1", 50, "cuatrimestres"),
        ("4", 50, "fuera de la vigencia"),
        ("C1", -5, "entre 0 y 100"),
        ("C1", "mucho", "no es un número"),
        ("C1", None, "Indique el % de avance"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(fu, plan, db, period, percent, needle):
    _, acts = plan
    with pytest.raises(UserError) as e:
        _report(fu, acts["1.1"], period, percent)
    assert needle in str(e.value)
    assert _count(db) == 0


def test_missing_or_oversized_evidence_saves_nothing(fu, plan, db, tmp_path):
    _, acts = plan
    good = tmp_path / "acta.pdf"
    good.write_bytes(b"%PDF-1.4 acta")
    with pytest.raises(UserError) as e:
        _report(fu, acts["1.1"], 1, 50, evidence_files=(good, tmp_path / "falta.pdf"))
    assert "no existe" in str(e.value)
    fu.evidence.set_max_mb(1)
    big = tmp_path / "video.mp4"
    big.write_bytes(b"0" * (1024 * 1024 + 1))
    with pytest.raises(UserError) as e:
        _report(fu, acts["1.1"], 1, 50, evidence_files=(big,))
    assert "máximo permitido" in str(e.value)
    assert _count(db) == 0 and _count(db, Evidence) == 0
    assert not fu.evidence.store.exists() or not any(p.is_file() for p in fu.evidence.store.rglob("*"))


def test_duplicate_period_refused_but_observed_can_be_reported_again(fu, plan, tmp_path):
    _, acts = plan
    f = tmp_path / "foto.jpg"
    f.write_bytes(b"\xff\xd8 foto de la audiencia")
    r1 = _report(fu, acts["2.1"], 1, 60, evidence_files=(f,), evidence_links=("https://pruebas.gov.co/acta",))
    assert [e.kind for e in r1.evidence] == ["FILE", "LINK"]
    with pytest.raises(UserError, match="Ya existe un reporte de 2024-C1"):
        _report(fu, acts["2.1"], 1, 70)
    with pytest.raises(UserError, match="observación"):
        fu.review(r1.report_id, validate=False)
    fu.review(r1.report_id, validate=False, note="El acta no está firmada")
    with pytest.raises(UserError, match="ya fue observado"):
        fu.review(r1.report_id, validate=True)
    r2 = _report(fu, acts["2.1"], 1, 70, evidence_files=(f,))
    hist = fu.history(acts["2.1"])
    assert [(h.status, h.percent) for h in hist] == [("REPORTADO", D("70.00")), ("OBSERVADO", D("60.00"))]
    assert hist[1].review_note == "El acta no está firmada"
    assert hist[0].evidence[0].sha256 == r1.evidence[0].sha256  # same photo stored once
    assert len([p for p in fu.evidence.store.rglob("*") if p.is_file()]) == 1
    assert [r.report_id for r in fu.reports_to_review(plan[0])] == [r2.report_id]


def test_deadlines_cuts_and_pending_by_urgency(fu, plan):
    plan_id, acts = plan
    fu.review(_report(fu, acts["5.2"], 1, 100).report_id, validate=True)  # done: never pending
    d = fu.dashboard(plan_id, today=TODAY)
    assert [a.number for a in d.overdue] == ["2.1", "1.1"]  # due 15 Mar and 30 Apr, not done
    assert [a.number for a in d.due_this_week] == ["2.2"]  # due Mon 6 May
    st = {a.number: a for a in d.activities}
    assert st["2.1"].days_left == -48 and st["2.2"].days_left == 4
    assert st["2.2"].business_days_left == 2  # Fri 3, Mon 6 (Colombia)
    # OCI cuts: 30 Apr / 31 Aug / 31 Dec, publish by the 10th business day of the next month
    cuts = fu.cuts(plan_id, today=TODAY)
    assert [(c.cut, c.publish_by) for c in cuts] == [
        (date(2024, 4, 30), date(2024, 5, 16)),
        (date(2024, 8, 31), date(2024, 9, 13)),
        (date(2024, 12, 31), date(2025, 1, 16)),
    ]
    assert d.next_cut.no == 1 and d.next_cut.days_to_publish == 14
    pend = [a.number for a in fu.pending(plan_id, today=TODAY)]
    assert pend[:3] == ["2.1", "1.1", "2.2"] and "5.2" not in pend


def test_latest_validated_report_up_to_the_cut_counts(fu, plan):
    plan_id, acts = plan
    a = acts["5.2"]
    late = date(2024, 12, 31)
    add = lambda period, pct, on: fu.add_report(ReportInput(a, period, pct, reported_on=on), today=late)  # noqa: E731
    fu.review(add(1, 40, date(2024, 4, 20)).report_id, validate=True)
    fu.review(add(3, 90, date(2024, 9, 20)).report_id, validate=True)
    fu.review(add(2, 70, date(2024, 5, 20)).report_id, validate=False, note="Falta el acta")
    pct = lambda cut: {s.number: s.pct for s in fu.dashboard(plan_id, cut=cut, today=cut).activities}["5.2"]  # noqa: E731
    assert pct(date(2024, 4, 30)) == D("40.00")
    assert pct(date(2024, 8, 31)) == D("40.00")  # period 2 was observed, so period 1 still counts
    assert pct(date(2024, 12, 31)) == D("90.00")
    assert fu.dashboard(plan_id, cut=date(2024, 12, 31), today=TODAY).activities[-1].last_report.period_no == 3


def test_a_tie_in_one_period_goes_to_the_highest_id_and_deleted_reports_never_count(fu, plan, db):
    """Services keep one VALIDADO per period, but a merged or repaired database may hold two:
    the home page then takes the highest id, as headquarters' server does; a deleted report
    counts for nothing even when it is the latest."""
    plan_id, acts = plan
    a = acts["5.2"]
    late = date(2024, 12, 31)
    first = fu.add_report(ReportInput(a, 2, 30, reported_on=date(2024, 5, 20)), today=late)
    fu.review(first.report_id, validate=True)
    with db.begin() as s:
        kind = s.get(ProgressReport, first.report_id).period_kind
        twins = [
            ProgressReport(
                activity_id=a,
                period_kind=kind,
                period_no=2,
                percent=p,
                reported_on=date(2024, 5, 21),
                status="VALIDADO",
            )
            for p in (60, 45)
        ]
        gone = ProgressReport(
            activity_id=a, period_kind=kind, period_no=3, percent=99, reported_on=date(2024, 9, 2), status="VALIDADO"
        )
        s.add_all([*twins, gone])
        s.flush()
        gone.deleted = True
        percent = {r.id: r.percent for r in twins}
    percent[first.report_id] = 30
    winner = max(percent)
    d = fu.dashboard(plan_id, cut=late, today=late)
    got = {s.number: s for s in d.activities}["5.2"]
    assert got.last_report.report_id == winner and got.last_report.period_no == 2
    assert got.pct == D(percent[winner]).quantize(D("0.01"))
    home = {s.number: s for s in fu.dashboard(plan_id, cut=late, today=late, with_reports=False).activities}["5.2"]
    assert home.pct == got.pct
