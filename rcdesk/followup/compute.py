"""Follow-up computations as plain Python: activity status, groups, units, cuts (no database).

Fed by `rcdesk/followup/reads.py` (plain SQL) so the home page never loads SQLAlchemy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from rcdesk.compliance import (
    NOT_PROGRAMMED,
    Compliance,
    Light,
    ThresholdProfile,
    aggregate,
    compliance,
    distribution,
    from_percent,
)
from rcdesk.followup.business_days import BusinessCalendar
from rcdesk.followup.periods import PERIOD_COUNTS, period_code, period_label, period_of, period_range
from rcdesk.text import clean

# SUSTITUIDO: replaced by a later version (an edit of a reported report, or a correction of a
# validated one once the correction is validated); kept for the history, never counted.
REPORT_STATES = {"REPORTADO": "Reportado", "VALIDADO": "Validado", "OBSERVADO": "Observado", "SUSTITUIDO": "Sustituido"}
_CUAT_MONTHS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}
PUBLICATION_RULE = {"CO": "co_seguimiento_oci", "EC": "ec_poa_reporte_trimestral"}


@dataclass(frozen=True)
class ReportRow:
    """One progress report with its effective % and review state."""

    report_id: str
    activity_id: str
    period_kind: str
    period_no: int
    period_code: str
    period_label: str
    percent: Decimal | None  # effective % (reported, or quantity / target)
    quantity: float | None
    target_quantity: float | None
    done_text: str
    difficulties: str
    justification: str
    reporter: str
    reported_on: date
    status: str
    reviewer: str
    review_note: str
    reviewed_at: datetime | None
    evidence: tuple = ()  # EvidenceRow
    created_at: datetime | None = None

    @property
    def status_label(self) -> str:
        return REPORT_STATES.get(self.status, self.status)

    def as_json(self) -> dict:
        return {
            "report_id": self.report_id,
            "activity_id": self.activity_id,
            "period": self.period_code,
            "period_no": self.period_no,
            "percent": float(self.percent) if self.percent is not None else None,
            "quantity": self.quantity,
            "target_quantity": self.target_quantity,
            "done_text": self.done_text,
            "difficulties": self.difficulties,
            "justification": self.justification,
            "reporter": self.reporter,
            "reported_on": self.reported_on.isoformat(),
            "status": self.status,
            "reviewer": self.reviewer,
            "review_note": self.review_note,
            "evidence": [e.as_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class ActivityStatus:
    """One activity at a cut: compliance, light, deadline and flags."""

    activity_id: str
    number: str
    description: str
    responsible: str
    meta: str
    group_id: str | None
    scheduled: str
    due: date | None
    compliance: Compliance
    light: Light
    done: bool
    overdue: bool
    days_left: int | None
    business_days_left: int | None
    last_report: ReportRow | None
    pending_review: int
    flags: tuple[str, ...] = ()

    @property
    def pct(self) -> Decimal | None:
        return self.compliance.raw


@dataclass(frozen=True)
class GroupStatus:
    """A plan group at a cut: compliance of its activities and its light."""

    group_id: str
    parent_id: str | None
    depth: int
    kind: str
    label: str
    compliance: Compliance
    light: Light
    activities: int
    colors: dict = field(hash=False, compare=False, default_factory=dict)


@dataclass(frozen=True)
class CutRow:
    """A follow-up cut of the year and the date its report must be published by."""

    no: int
    code: str
    label: str
    start: date
    cut: date
    publish_by: date
    days_to_publish: int
    past: bool


@dataclass(frozen=True)
class Dashboard:
    """Everything the home page (Tablero) shows for one plan at one cut."""

    plan_id: str
    entity: str
    country: str
    year: int
    period_kind: str
    cut: date
    today: date
    profile: ThresholdProfile
    plan: Compliance
    plan_light: Light
    groups: tuple[GroupStatus, ...]
    components: tuple[tuple[str, Compliance, Light], ...]
    units: tuple[tuple[str, Compliance, Light, int], ...]
    activities: tuple[ActivityStatus, ...]
    overdue: tuple[ActivityStatus, ...]
    due_this_week: tuple[ActivityStatus, ...]
    pending_review: int
    next_cut: CutRow | None
    colors: dict = field(hash=False, compare=False, default_factory=dict)


def _short(text: str, n: int = 60) -> str:
    t = clean(text)
    return t if len(t) <= n else t[: n - 1] + "…"


def _fmt(v: Decimal) -> str:
    return f"{v:.2f}".replace(".", ",") + " %"


def _effective(percent: float | None, quantity: float | None, target: float | None) -> Decimal | None:
    if percent is not None:
        return from_percent(percent).raw
    if quantity is not None and target:
        return compliance(quantity, target).raw
    return None


def cut_period(kind: str, year: int, cut: date) -> int:
    """Last period of the vigencia that has started by `cut` (0 before the vigencia)."""
    if cut.year == year:
        return period_of(kind, cut)
    return PERIOD_COUNTS[kind] if cut.year > year else 0


def _dmy(d: date) -> str:
    # f"{d:%d/%m/%Y}" goes through strftime, which imports `time` on every call; with PySide6
    # loaded each import runs its Python import hook (thousands of calls on the home page)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _schedule(a, kind: str, year: int) -> tuple[date, date | None, str]:
    """(programmed from, due date, schedule text) of an activity."""
    marks = sorted(int(q) for q in (a.cuatrimestres or ()) if int(q) in _CUAT_MONTHS)
    start = a.start_date
    due = a.end_date
    if marks:
        m_start = date(year, _CUAT_MONTHS[marks[0]][0], 1)
        m_end = period_range("cuatrimestre", year, marks[-1])[1]
        start = start or m_start
        due = due or m_end
    if due is None and start is not None:
        due = start  # a single scheduled date
    text = clean(a.scheduled_text)
    if not text:
        if a.start_date and a.end_date and a.start_date != a.end_date:
            text = f"{_dmy(a.start_date)} – {_dmy(a.end_date)}"
        elif due:
            text = _dmy(due)
        elif marks:
            text = "Cuatrimestre " + ", ".join(str(q) for q in marks)
    return start or date(year, 1, 1), due, text


_NONE_REPORTED = Compliance(Decimal("0.00"))


def _statuses(
    data: dict,
    kind: str,
    year: int,
    cut: date,
    today: date,
    cal: BusinessCalendar,
    profile: ThresholdProfile,
    *,
    require_evidence: bool,
    chosen: dict[str, str],
) -> list[ActivityStatus]:
    """Status of every activity; `chosen` receives activity id -> the report that counts."""
    latest = data["latest"]
    pending_by = data["pending"]
    with_ev = data["with_evidence"]
    out = []
    # A plan of thousands of activities repeats a few reported values, lights, schedules and due
    # dates (cuatrimestre ends): each is computed once (the home page computes this at start-up).
    reported: dict[tuple, Compliance] = {}
    lights: dict[Compliance, Light] = {}
    business_days: dict[date, int] = {}
    schedules: dict[tuple, tuple[date, date | None, str]] = {}
    for a in data["activities"]:
        last = latest.get(a.id)
        pending = pending_by.get(a.id, 0)
        plan_key = (tuple(a.cuatrimestres or ()), a.start_date, a.end_date, a.scheduled_text)
        when = schedules.get(plan_key)
        if when is None:
            when = schedules[plan_key] = _schedule(a, kind, year)
        start, due, sched = when
        flags = []
        if last is not None:
            key = (last.percent, last.quantity, last.target_quantity)
            if key not in reported:
                pct = _effective(*key)
                reported[key] = Compliance(pct, over=pct is not None and pct > 100)
            c = reported[key]
            if c.over:
                flags.append("Más de 100 %: revisar")
            if require_evidence and last.id not in with_ev:
                flags.append("Sin medio de verificación")
        elif start <= cut:
            c = _NONE_REPORTED
            flags.append("Sin reporte validado")
        else:
            c = NOT_PROGRAMMED
        done = c.raw is not None and last is not None and c.raw >= 100
        days_left = (due - today).days if due else None
        if due:
            bdays = business_days.get(due)
            if bdays is None:
                bdays = business_days[due] = cal.business_days_between(today, due)
        else:
            bdays = None
        light = lights.get(c)
        if light is None:
            light = lights[c] = profile.classify(c)
        overdue = bool(due and due < today and not done)
        if overdue:
            flags.append("Vencida")
        out.append(
            ActivityStatus(
                a.id,
                a.number or "",
                a.description,
                a.responsible or "",
                a.meta or "",
                a.group_id,
                sched,
                due,
                c,
                light,
                done,
                overdue,
                days_left,
                bdays,
                None,
                pending,
                tuple(flags),
            )
        )
        if last is not None:
            chosen[a.id] = last.id
    return out


def report_row(r, year: int, evidence: Sequence = ()) -> ReportRow:
    """A progress report as the services and the home page show it (percent from quantity if needed)."""
    return ReportRow(
        r.id,
        r.activity_id,
        r.period_kind,
        r.period_no,
        period_code(r.period_kind, year, r.period_no),
        period_label(r.period_kind, year, r.period_no),
        _effective(r.percent, r.quantity, r.target_quantity),
        r.quantity,
        r.target_quantity,
        r.done_text,
        r.difficulties,
        r.justification,
        r.reporter,
        r.reported_on,
        r.status,
        r.reviewer,
        r.review_note,
        r.reviewed_at,
        tuple(evidence),
        r.created_at,
    )


def _group_statuses(
    groups: list, statuses: list[ActivityStatus], profile: ThresholdProfile, weights: dict | None
) -> list[GroupStatus]:
    children: dict[str | None, list] = defaultdict(list)
    ids = {g.id for g in groups}
    for g in groups:
        children[g.parent_id if g.parent_id in ids else None].append(g)
    acts_in: dict[str | None, list[ActivityStatus]] = defaultdict(list)
    for a in statuses:
        acts_in[a.group_id].append(a)
    out: list[GroupStatus] = []

    def subtree(gid: str) -> list[ActivityStatus]:
        res = list(acts_in.get(gid, ()))
        for ch in children.get(gid, ()):
            res.extend(subtree(ch.id))
        return res

    def walk(parent: str | None, depth: int) -> None:
        for g in children.get(parent, ()):
            acts = subtree(g.id)
            c = aggregate(
                [a.compliance for a in acts], [weights.get(a.activity_id, 1) for a in acts] if weights else None
            )
            label = f"{g.code} – {g.name}" if g.code and g.name and g.code != g.name else (g.name or g.code or g.kind)
            out.append(
                GroupStatus(
                    g.id,
                    g.parent_id,
                    depth,
                    g.kind,
                    clean(label),
                    c,
                    profile.classify(c),
                    len(acts),
                    distribution(a.light for a in acts),
                )
            )
            walk(g.id, depth + 1)

    walk(None, 0)
    loose = acts_in.get(None)
    if loose:
        c = aggregate([a.compliance for a in loose])
        out.append(
            GroupStatus(
                "",
                None,
                0,
                "seccion",
                "Sin grupo",
                c,
                profile.classify(c),
                len(loose),
                distribution(a.light for a in loose),
            )
        )
    return out


def _unit_statuses(data: dict, by_id: dict[str, ActivityStatus], profile: ThresholdProfile) -> list:
    linked: dict[str, list[str]] = defaultdict(list)
    for activity_id, unit_name in data["units"]:
        linked[activity_id].append(unit_name)
    per_unit: dict[str, list[ActivityStatus]] = defaultdict(list)
    responsible: dict[str, str] = {}  # many activities name the same responsible
    for a in by_id.values():
        names = linked.get(a.activity_id)
        if not names:
            if a.responsible not in responsible:
                responsible[a.responsible] = _short(a.responsible, 50) or "Sin responsable"
            names = [responsible[a.responsible]]
        for n in names:
            per_unit[n].append(a)
    out = []
    for name, acts in per_unit.items():
        c = aggregate([a.compliance for a in acts])
        out.append((name, c, profile.classify(c), len(acts)))
    out.sort(key=lambda t: (-t[3], t[0]))
    return out


def _cuts(kind: str, year: int, cal: BusinessCalendar, rule, today: date) -> list[CutRow]:
    out = []
    for n in range(1, PERIOD_COUNTS[kind] + 1):
        start, end = period_range(kind, year, n)
        if rule is not None:
            publish = rule.apply(cal, end)
        else:
            nxt = cal.add_calendar(date(end.year, end.month, 1), months=1)
            publish = cal.nth_business_day_of_month(nxt.year, nxt.month, 10)
        out.append(
            CutRow(
                n,
                period_code(kind, year, n),
                period_label(kind, year, n),
                start,
                end,
                publish,
                (publish - today).days,
                end < today,
            )
        )
    return out


__all__ = [
    "ActivityStatus",
    "CutRow",
    "Dashboard",
    "GroupStatus",
    "ReportRow",
]
