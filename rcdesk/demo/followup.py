"""Example progress reports on the seed plans, so the dashboard shows every colour.

Deterministic (seeded per activity): most activities report each period of the vigencia
with a validated report; some are observed and reported again, some stay pending review,
a few go over 100 % with a justification, and some never report (red) or are programmed
only for the last period (grey at earlier cuts). Evidence is given as links to the
entity's transparency page. Plans that already have reports are left alone.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

ORDER = 20

_DONE = (
    "Se realizó la actividad según lo programado; se adjunta el acta y el registro fotográfico.",
    "Se publicó la información en la página web y en redes sociales de la entidad.",
    "Se convocó a la ciudadanía y a las organizaciones sociales; asistieron representantes de las parroquias.",
    "Se elaboró el documento y fue revisado por el comité institucional.",
    "Se avanzó parcialmente; falta la socialización con los grupos de valor.",
)
_DIFFICULTIES = (
    "",
    "",
    "Retrasos en la contratación del servicio de logística.",
    "Baja participación por las lluvias en las parroquias rurales.",
    "",
)
_REPORTERS = ("María Guamán", "Luis Cando", "Paola Yumbo", "Andrés Ortiz", "Diana Erazo", "Jorge Lema")
_OBSERVATIONS = (
    "El medio de verificación no corresponde al periodo reportado.",
    "Adjuntar el acta firmada y el listado de asistencia.",
)


CURRENT_TEMPLATES = ("cpccs_chimborazo", "paac_narino")


def load(db, progress, *, today: date | None = None) -> dict:
    from rcdesk.plans.templates import load_template
    from rcdesk.services.followup import FollowupService
    from rcdesk.services.plans import PlanService

    today = today or date.today()
    svc = PlanService(db)
    fu = FollowupService(db)
    existing = {p.source_name for p in svc.list_plans()}
    new_plans = 0
    for key in CURRENT_TEMPLATES:  # the same plans for this year, to follow them live
        source = f"seguimiento_{key}_{today.year}"
        if source in existing:
            continue
        try:
            parsed = load_template(key, today.year)
        except Exception:
            continue
        parsed.source_name = source
        parsed.title = f"{parsed.title} (ejemplo de seguimiento)".strip()
        svc.save_parsed(parsed)
        new_plans += 1
    plans = svc.list_plans()
    reports = validated = 0
    for n, plan in enumerate(plans):
        progress(n, len(plans), f"Reportes de avance: {plan.entity} {plan.year}…")
        if _has_reports(db, plan.plan_id):
            continue
        r, v = _fill(fu, svc, plan, today)
        reports += r
        validated += v
    progress(len(plans), len(plans), "Reportes de avance cargados")
    return {"plans": new_plans, "progress_reports": reports, "validated_reports": validated}


def _has_reports(db, plan_id: str) -> bool:
    from rcdesk.models.followup import ProgressReport
    from rcdesk.models.plans import PlanActivity

    with db.session() as s:
        return bool(
            s.scalar(
                select(func.count())
                .select_from(ProgressReport)
                .join(PlanActivity, PlanActivity.id == ProgressReport.activity_id)
                .where(PlanActivity.plan_id == plan_id)
            )
        )


def _fill(fu, svc, plan, today: date) -> tuple[int, int]:
    from rcdesk.services.followup import ReportInput

    reports = validated = 0
    periods = fu.periods(plan.plan_id)
    count = len(periods)
    # periods that already started; the running one is reported by some activities only
    started = [p for p in periods if _period_start(plan.year, p[0], count) <= today]
    if not started:
        return 0, 0
    site = _site(plan.entity)
    for a in svc.activities(plan.plan_id):
        rnd = random.Random(f"{plan.source_name}:{a.position}")
        profile = rnd.random()
        if profile < 0.12:
            continue  # never reports → red
        upto = len(started) if profile > 0.3 else max(1, len(started) - 1)
        base = rnd.choice((35, 55, 65, 75, 85, 90, 100))
        for pno, code, _label in started[:upto]:
            start = _period_start(plan.year, pno, count)
            running = pno == len(started) and (plan.year, pno) == (today.year, started[-1][0])
            if running and rnd.random() < 0.5:
                break
            pct = min(100, base + rnd.randint(-10, 10) + 5 * (pno - 1))
            last = pno == upto
            if 0.80 < profile < 0.84 and last:
                pct = 115
            done_text = rnd.choice(_DONE)
            reported_on = min(start + timedelta(days=rnd.randint(20, 60)), today)
            data = ReportInput(
                a.activity_id,
                pno,
                pct,
                done_text=done_text,
                difficulties=rnd.choice(_DIFFICULTIES),
                justification="Se atendió a más población de la prevista." if pct > 100 else "",
                reporter=rnd.choice(_REPORTERS),
                reported_on=reported_on,
                evidence_links=(f"{site}/transparencia/{plan.year}/{code.lower()}/actividad-{a.position + 1}",),
            )
            r = fu.add_report(data, today=today)
            reports += 1
            if last and (profile > 0.88 or running):
                continue  # waiting for review
            if rnd.random() < 0.12:
                fu.review(r.report_id, validate=False, note=rnd.choice(_OBSERVATIONS), reviewer="Control Interno")
                r = fu.add_report(
                    ReportInput(
                        a.activity_id,
                        pno,
                        pct,
                        done_text=done_text + " Se corrigió según la observación.",
                        justification=data.justification,
                        reporter=data.reporter,
                        reported_on=min(reported_on + timedelta(days=10), today),
                        evidence_links=data.evidence_links,
                    ),
                    today=today,
                )
                reports += 1
            fu.review(r.report_id, validate=True, reviewer="Control Interno")
            validated += 1
    return reports, validated


def _period_start(year: int, no: int, count: int) -> date:
    months = 12 // count
    return date(year, (no - 1) * months + 1, 1)


def _site(entity: str) -> str:
    from rcdesk.text import fold

    words = [w for w in fold(entity).replace(",", " ").split() if w not in {"de", "del", "la", "municipal"}]
    slug = words[-1] if words else "entidad"
    return (
        f"https://www.{slug}.gov.co"
        if "alcaldia" in words or "municipio" in words or "narino" in words
        else f"https://www.{slug}.gob.ec"
    )
