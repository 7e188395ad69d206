"""The Colombian strategy documents (MURC), computed from a plan and its events.

- `build_murc()`: «Documento de evaluación de los resultados de implementación de la
  estrategia de rendición de cuentas»: the six points the seed strategies ask for (spaces held,
  grupos de valor, metas prioritised, evaluation and recommendations per space, state of the
  commitments, compliance of the strategy's activities).
- `build_activity_report()`: «Formato interno de reporte de las actividades de rendición de
  cuentas», one row per event and one per activity of the strategy.

An event belongs to the strategy when it names the plan or one of its activities. A dialogue
space is an event that is not an internal team meeting; it counts as held when it is marked
«Realizado» and took place by the cut date. Plain data only: the renderers live in
`rcdesk/reports/murc_*.py` and `activity_report_*.py`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rcdesk.compliance import Compliance, Light, aggregate, format_pct
from rcdesk.errors import UserError

INTERNAL_TYPES = ("REUNION",)  # team meetings are activities of the strategy, not dialogue spaces
MAX_TEXTS = 12  # per space and kind: the document summarises, the event's own records keep the rest


@dataclass(frozen=True)
class CommitmentLine:
    description: str
    responsible: str
    due: date
    status: str
    status_label: str
    progress: float
    overdue: bool
    event_title: str


@dataclass(frozen=True)
class SpaceRow:
    """One event linked to the strategy, as both documents describe it."""

    event_id: str
    title: str
    type_label: str
    event_date: date
    place: str
    modality: str
    status: str
    status_label: str
    dialogue: bool  # not an internal team meeting
    held: bool  # realizado by the cut date
    groups: tuple[str, ...]  # grupos de valor convocados / involucrados
    participants: int
    breakdown: str  # "Femenino 20 · Masculino 18 …" from the anonymous tally
    metas: tuple[str, ...]  # temas / metas asociadas (linked activities)
    stages: tuple[str, ...]  # etapas MURC of the linked activities
    element: str  # top group (elemento / componente) of the linked activities
    responsible: str  # dependencias of the linked activities
    questions: int
    contributions: int
    incorporated: int  # aportes that became a commitment
    proposals: tuple[str, ...]  # observaciones y propuestas (aportes and questions)
    answered: int  # questions answered
    survey_responses: int
    evaluation: tuple[str, ...]  # "La información presentada fue: Clara (80 %)"
    recommendations: tuple[str, ...]  # free-text answers of the survey
    result: str  # conclusiones del espacio
    commitments: tuple[CommitmentLine, ...]


@dataclass(frozen=True)
class StageRow:
    label: str
    activities: int
    compliance: Compliance
    light: Light


@dataclass(frozen=True)
class StrategyActivity:
    number: str
    description: str
    stages: str
    element: str
    responsible: str
    meta: str
    scheduled: str
    pct_text: str
    light: Light
    done_text: str
    evidence: str
    events: str


@dataclass(frozen=True)
class MurcEvaluation:
    entity: str
    country: str
    year: int
    plan_title: str
    cut: date
    profile_name: str
    profile_bands: tuple[tuple[str, str], ...]
    spaces: tuple[SpaceRow, ...]  # held dialogue spaces
    planned_spaces: int  # dialogue spaces still to hold
    cancelled_spaces: int
    participants: int
    groups: tuple[tuple[str, int], ...]  # (grupo de valor, spaces in which it took part)
    metas: tuple[tuple[str, int], ...]  # (meta, spaces that rendered account of it)
    commitments: tuple[CommitmentLine, ...]
    commitment_counts: tuple[tuple[str, int], ...]  # (status label, n)
    commitments_met: float | None  # % CUMPLIDO over applicable
    commitments_overdue: int
    plan: Compliance
    plan_light: Light
    activities: int
    activities_done: int
    activities_overdue: int
    stages: tuple[StageRow, ...]
    components: tuple[StageRow, ...]
    colors: dict = field(hash=False, compare=False, default_factory=dict)
    findings: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return "Documento de evaluación de los resultados de implementación de la estrategia de rendición de cuentas"


@dataclass(frozen=True)
class ActivityReport:
    entity: str
    year: int
    plan_title: str
    cut: date
    spaces: tuple[SpaceRow, ...]  # every event of the strategy not cancelled
    activities: tuple[StrategyActivity, ...]

    @property
    def title(self) -> str:
        return "Formato interno de reporte de las actividades de rendición de cuentas"


# -- building ------------------------------------------------------------------------------
def default_cut(year: int, today: date | None = None) -> date:
    """Today, kept inside the plan's vigencia."""
    today = today or date.today()
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


def _check_cut(year: int, cut: date) -> None:
    if not date(year, 1, 1) <= cut <= date(year, 12, 31):
        raise UserError(f"La fecha de corte {cut:%d/%m/%Y} está fuera de la vigencia {year} del plan.")


def build_murc(db, plan_id: str, cut: date | None = None) -> MurcEvaluation:
    from rcdesk.compliance import distribution
    from rcdesk.events.rules import commitments_met_pct
    from rcdesk.models.events import COMMITMENT_STATUSES
    from rcdesk.plans.rows import STAGE_LABELS
    from rcdesk.services.followup import FollowupService
    from rcdesk.services.plans import PlanService

    plans = PlanService(db)
    summary = plans.summary(plan_id)
    cut = cut or default_cut(summary.year)
    _check_cut(summary.year, cut)
    acts = plans.activities(plan_id)
    d = FollowupService(db).dashboard(plan_id, cut=cut, today=cut, with_reports=False)
    status = {a.activity_id: a for a in d.activities}
    spaces = _spaces(db, plan_id, {a.activity_id for a in acts}, cut, plans)
    dialogue = [s for s in spaces if s.dialogue]
    held = [s for s in dialogue if s.held]

    groups: Counter = Counter()
    metas: Counter = Counter()
    for s in held:
        groups.update(set(s.groups))
        metas.update(set(s.metas))
    commitments = tuple(c for s in spaces for c in s.commitments)
    by_status = Counter(c.status for c in commitments)

    stages = []
    for code, label in STAGE_LABELS.items():
        members = [status[a.activity_id] for a in acts if code in a.stages and a.activity_id in status]
        if members:
            c = aggregate(m.compliance for m in members)
            stages.append(StageRow(label, len(members), c, d.profile.classify(c)))
    components = tuple(StageRow(g.label, g.activities, g.compliance, g.light) for g in d.groups if g.depth == 0)
    ev = MurcEvaluation(
        entity=d.entity,
        country=d.country,
        year=summary.year,
        plan_title=summary.title,
        cut=cut,
        profile_name=d.profile.name,
        profile_bands=tuple((b.color, b.label) for b in d.profile.bands) + (("gris", d.profile.grey_label),),
        spaces=tuple(held),
        planned_spaces=sum(1 for s in dialogue if not s.held and s.status != "CANCELADO"),
        cancelled_spaces=sum(1 for s in dialogue if s.status == "CANCELADO"),
        participants=sum(s.participants for s in held),
        groups=tuple(sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))),
        metas=tuple(sorted(metas.items(), key=lambda kv: (-kv[1], kv[0]))),
        commitments=commitments,
        commitment_counts=tuple(
            (label, by_status[code]) for code, label in COMMITMENT_STATUSES.items() if by_status[code]
        ),
        commitments_met=commitments_met_pct([c.status for c in commitments]),
        commitments_overdue=sum(1 for c in commitments if c.overdue),
        plan=d.plan,
        plan_light=d.plan_light,
        activities=len(d.activities),
        activities_done=sum(1 for a in d.activities if a.done),
        activities_overdue=len(d.overdue),
        stages=tuple(stages),
        components=components,
        colors=distribution(a.light for a in d.activities),
    )
    return _with_findings(ev)


def build_activity_report(db, plan_id: str, cut: date | None = None) -> ActivityReport:
    from rcdesk.plans.rows import STAGE_LABELS
    from rcdesk.services.followup import FollowupService
    from rcdesk.services.plans import PlanService

    plans = PlanService(db)
    summary = plans.summary(plan_id)
    cut = cut or default_cut(summary.year)
    _check_cut(summary.year, cut)
    acts = plans.activities(plan_id)
    d = FollowupService(db).dashboard(plan_id, cut=cut, today=cut)
    status = {a.activity_id: a for a in d.activities}
    spaces = [s for s in _spaces(db, plan_id, {a.activity_id for a in acts}, cut, plans) if s.status != "CANCELADO"]
    tops = _top_groups(plans, plan_id)
    import json

    events_of: dict[str, list[str]] = {}
    evidence: dict[str, list[str]] = {}
    report_ids = [st.last_report.report_id for st in status.values() if st.last_report]
    with db.read() as c:
        linked = c.execute(
            "SELECT title, activity_ids FROM event WHERE deleted = FALSE AND status != 'CANCELADO' ORDER BY event_date"
        ).fetchall()
        for i in range(0, len(report_ids), 900):
            chunk = report_ids[i : i + 900]
            for owner, url, name in c.execute(
                "SELECT owner_id, url, filename FROM evidence WHERE deleted = FALSE AND owner_type = 'progress_report'"
                f" AND owner_id IN ({','.join('?' * len(chunk))}) ORDER BY created_at",
                chunk,
            ):
                evidence.setdefault(owner, []).append(url or name or "")

    for title, ids in linked:
        for aid in json.loads(ids or "[]"):
            events_of.setdefault(aid, []).append(title)
    rows = []
    for a in acts:
        st = status.get(a.activity_id)
        rep = st.last_report if st else None
        links = evidence.get(rep.report_id, []) if rep else []
        rows.append(
            StrategyActivity(
                a.number,
                a.description,
                ", ".join(STAGE_LABELS.get(s, s) for s in a.stages),
                tops.get(a.group_id or "", ""),
                a.responsible,
                a.meta,
                st.scheduled if st else a.scheduled_text,
                format_pct(st.compliance, none="N/A") if st else "N/A",
                st.light if st else d.profile.classify(None),
                rep.done_text if rep else "",
                "; ".join(x for x in links if x),
                "; ".join(events_of.get(a.activity_id, ())),
            )
        )
    return ActivityReport(d.entity, summary.year, summary.title, cut, tuple(spaces), tuple(rows))


def _top_groups(plans, plan_id: str) -> dict[str, str]:
    groups = {g.group_id: g for g in plans.groups(plan_id)}
    out = {}
    for gid, g in groups.items():
        cur = g
        while cur.parent_id and cur.parent_id in groups:
            cur = groups[cur.parent_id]
        out[gid] = cur.label
    return out


def _spaces(db, plan_id: str, activity_ids: set[str], cut: date, plans) -> list[SpaceRow]:
    from sqlalchemy import func, select

    from rcdesk.events import tallies
    from rcdesk.events.rules import commitment_overdue
    from rcdesk.models.events import (
        COMMITMENT_STATUSES,
        EVENT_STATUSES,
        EVENT_TYPES,
        MODALITIES,
        Attendance,
        AttendanceTally,
        CitizenQuestion,
        Commitment,
        Contribution,
        Event,
        EventInvitation,
        SurveyQuestion,
        SurveyResponse,
    )
    from rcdesk.models.plans import PlanActivity
    from rcdesk.models.reference import Institution, OrgUnit, Territory
    from rcdesk.plans.rows import STAGE_LABELS
    from rcdesk.services.commitment_status import progress_at, statuses_at

    tops = _top_groups(plans, plan_id)
    with db.session() as s:
        events = [
            e
            for e in s.scalars(
                select(Event).where(Event.deleted.is_(False)).order_by(Event.event_date, Event.start_time)
            )
            if e.plan_id == plan_id or activity_ids.intersection(e.activity_ids or ())
        ]
        ids = [e.id for e in events]
        if not ids:
            return []

        def by_event(model: Any, *conds: Any) -> dict[str, list]:
            out: dict[str, list] = {}
            for r in s.scalars(select(model).where(model.event_id.in_(ids), model.deleted.is_(False), *conds)):
                out.setdefault(r.event_id, []).append(r)
            return out

        tally = {
            t.event_id: t
            for t in s.scalars(
                select(AttendanceTally).where(AttendanceTally.event_id.in_(ids), AttendanceTally.deleted.is_(False))
            )
        }
        registered = dict(
            s.execute(
                select(Attendance.event_id, func.count())
                .where(Attendance.event_id.in_(ids), Attendance.deleted.is_(False))
                .group_by(Attendance.event_id)
            ).all()
        )
        invitations = by_event(EventInvitation)
        questions = by_event(CitizenQuestion)
        contributions = by_event(Contribution)
        commitments = by_event(Commitment)
        # each commitment as of the cut: its status then (dated history) and its latest follow-up by then
        cm_ids = [c.id for cms in commitments.values() for c in cms]
        status_then = statuses_at(s, cm_ids, cut)
        progress_then = progress_at(s, cm_ids, cut)
        survey_q = by_event(SurveyQuestion)
        survey_r = by_event(SurveyResponse)
        linked = {a for e in events for a in (e.activity_ids or ())}
        acts = {
            a.id: a
            for a in s.scalars(select(PlanActivity).where(PlanActivity.id.in_(linked), PlanActivity.deleted.is_(False)))
        }
        units = {u.id: u.name for u in s.scalars(select(OrgUnit))}
        places = {
            t.id: t
            for t in s.scalars(
                select(Territory).where(Territory.id.in_({e.territory_id for e in events if e.territory_id}))
            )
        }
        countries = {i.id: i.country for i in s.scalars(select(Institution))}
        out = []
        for e in events:
            t = places.get(e.territory_id)
            country = t.country if t else countries.get(e.institution_id, "EC")
            tl = tally.get(e.id)
            total = tl.total if tl else int(registered.get(e.id, 0))
            breakdown = ""
            if tl and tl.counts:
                dims = tallies.dimensions(country)
                spec = dims.get("genero")
                if spec:
                    eff = tallies.effective_counts(total, tl.counts, country)["genero"]
                    breakdown = " · ".join(f"{spec['categories'][c]} {n}" for c, n in eff.items() if n)
            groups = list(
                dict.fromkeys(
                    [g for g in (e.stakeholder_groups or ()) if g]
                    + [
                        i.stakeholder_group
                        for i in invitations.get(e.id, ())
                        if i.stakeholder_group and i.status == "ASISTIO"
                    ]
                )
            )
            linked_acts = [acts[a] for a in (e.activity_ids or ()) if a in acts]
            metas = tuple(dict.fromkeys(_meta_label(a) for a in linked_acts))
            stages = tuple(dict.fromkeys(STAGE_LABELS.get(x, x) for a in linked_acts for x in (a.stages or ())))
            element = "; ".join(dict.fromkeys(tops[a.group_id] for a in linked_acts if a.group_id in tops))
            responsible = "; ".join(dict.fromkeys(a.responsible for a in linked_acts if a.responsible))
            qs = questions.get(e.id, [])
            cos = contributions.get(e.id, [])
            cms = commitments.get(e.id, [])
            incorporated = {c.contribution_id for c in cms if c.contribution_id}
            proposals = [
                f"Aporte{f' ({c.mesa})' if c.mesa else ''}: {c.text}"
                for c in sorted(cos, key=lambda c: (c.mesa or "", c.position))
            ]
            proposals += [f"Pregunta{f' ({q.topic})' if q.topic else ''}: {q.text}" for q in qs]
            evaluation, recommendations = _survey(survey_q.get(e.id, []), survey_r.get(e.id, []))
            lines = tuple(
                CommitmentLine(
                    c.description,
                    units.get(c.responsible_unit_id) or c.responsible_text or "",
                    c.due_date,
                    st,
                    COMMITMENT_STATUSES.get(st, st),
                    progress_then.get(c.id, 0.0),
                    commitment_overdue(st, c.due_date, cut),
                    e.title,
                )
                for c in sorted(cms, key=lambda c: c.due_date)
                for st in (status_then.get(c.id, c.status),)
            )
            out.append(
                SpaceRow(
                    e.id,
                    e.title,
                    EVENT_TYPES.get(e.event_type, e.event_type),
                    e.event_date,
                    ", ".join(p for p in (e.venue, t.name if t else "") if p) or (e.stream_url or ""),
                    MODALITIES.get(e.modality, e.modality),
                    e.status,
                    EVENT_STATUSES.get(e.status, e.status),
                    e.event_type not in INTERNAL_TYPES,
                    e.status == "REALIZADO" and e.event_date <= cut,
                    tuple(groups),
                    int(total),
                    breakdown,
                    metas,
                    stages,
                    element,
                    responsible,
                    len(qs),
                    len(cos),
                    sum(1 for c in cos if c.id in incorporated),
                    tuple(proposals[:MAX_TEXTS]),
                    sum(1 for q in qs if q.answered_on),
                    len(survey_r.get(e.id, [])),
                    evaluation,
                    recommendations,
                    (e.conclusions or "").strip(),
                    lines,
                )
            )
    return out


def _meta_label(a) -> str:
    text = " ".join((a.meta or a.description or "").split())
    return f"{a.number} {text}".strip() if a.number else text


def _survey(questions: list, responses: list) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Most chosen option of each choice question (with its share), and the free-text answers."""
    answers = [r.answers or {} for r in responses]
    evaluation, texts = [], []
    for q in sorted(questions, key=lambda q: q.position):
        given = [str(a[q.id]).strip() for a in answers if str(a.get(q.id) or "").strip()]
        if not given:
            continue
        if q.kind == "choice":
            option, n = Counter(given).most_common(1)[0]
            evaluation.append(
                f"{q.text.rstrip(':').rstrip()}: {option} ({_share(n, len(given))} de {len(given)} respuestas)"
            )
        else:
            texts += given
    return tuple(evaluation), tuple(dict.fromkeys(texts))[:MAX_TEXTS]


def _share(n: int, total: int) -> str:
    v = round(n * 100.0 / total, 1)
    return (f"{v:.1f}".replace(".", ",").replace(",0", "")) + " %"


def _with_findings(ev: MurcEvaluation) -> MurcEvaluation:
    """Sentences the team starts its analysis from, each stating one figure."""
    from dataclasses import replace

    f = [
        f"Se realizaron {len(ev.spaces)} espacio(s) de diálogo con {ev.participants} participante(s) "
        f"al {ev.cut:%d/%m/%Y}"
        + (f"; quedan {ev.planned_spaces} programado(s)" if ev.planned_spaces else "")
        + (f" y {ev.cancelled_spaces} cancelado(s)." if ev.cancelled_spaces else ".")
    ]
    if ev.groups:
        f.append(
            f"Participaron {len(ev.groups)} grupo(s) de valor; el más presente fue «{ev.groups[0][0]}» "
            f"({ev.groups[0][1]} espacio(s))."
        )
    else:
        f.append("Ningún espacio registró los grupos de valor convocados: regístrelos en cada evento.")
    if ev.metas:
        f.append(f"Se rindió cuentas sobre {len(ev.metas)} meta(s) o tema(s) de la planeación.")
    no_eval = [s.title for s in ev.spaces if not s.survey_responses]
    if no_eval:
        f.append(f"{len(no_eval)} espacio(s) sin encuesta de evaluación registrada.")
    if ev.commitments:
        met = "N/A" if ev.commitments_met is None else f"{ev.commitments_met:.2f}".replace(".", ",") + " %"
        f.append(
            f"Compromisos adquiridos: {len(ev.commitments)}; cumplidos: {met}"
            + (f"; {ev.commitments_overdue} vencido(s) sin cumplir." if ev.commitments_overdue else ".")
        )
    else:
        f.append("No se registraron compromisos con la ciudadanía.")
    f.append(
        f"Nivel de cumplimiento de las actividades de la estrategia: {format_pct(ev.plan)} "
        f"({ev.activities_done} de {ev.activities} actividades cumplidas"
        + (f", {ev.activities_overdue} vencida(s))." if ev.activities_overdue else ").")
    )
    return replace(ev, findings=tuple(f))


__all__ = [
    "ActivityReport",
    "CommitmentLine",
    "MurcEvaluation",
    "SpaceRow",
    "StageRow",
    "StrategyActivity",
    "build_activity_report",
    "build_murc",
    "default_cut",
]
