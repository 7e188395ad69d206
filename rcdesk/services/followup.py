"""Activity follow-up: progress reports with evidence, review, compliance, deadlines, dashboard.

A progress report states, for one activity and one period of the plan (cuatrimestre,
trimestre or month, as the plan says), the % de avance with respect to what was programmed
up to the end of that period (or a quantity against the period's target), what was done,
difficulties, the reporter, and evidence. The reviewer validates it or observes it; an
observed report can be reported again (history is kept). The latest VALIDATED report up to
a cut is what counts for compliance.

Compliance of an activity at a cut date:
- the latest validated report with period ≤ the cut's period → its % (raw kept, >100 flagged);
- no validated report but the activity was programmed by the cut → 0 % ("sin reporte validado");
- not programmed yet → not rated (grey).
Groups and the plan average their activities (simple mean by default; weighted by the
activity's `extra["peso"]` when asked), capping each at 100 (domain.md §4.1).
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

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
from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.followup.periods import (
    PERIOD_COUNTS,
    period_code,
    period_label,
    period_of,
    period_range,
    parse_period,
)
from rcdesk.ids import utcnow
from rcdesk.models.core import Setting
from rcdesk.models.followup import REPORT_STATES, Evidence, ProgressReport
from rcdesk.models.plans import ActivityUnit, Plan, PlanActivity, PlanGroup
from rcdesk.models.reference import Institution, OrgUnit
from rcdesk.services.calendar import BusinessCalendar, CalendarService
from rcdesk.services.evidence import EvidenceRow, EvidenceService, check_url
from rcdesk.services.thresholds import ThresholdService
from rcdesk.text import clean

OWNER = "progress_report"
EVIDENCE_REQUIRED_KEY = "followup.evidence_required"
MAX_PERCENT = Decimal(500)
_CUAT_MONTHS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}
PUBLICATION_RULE = {"CO": "co_seguimiento_oci", "EC": "ec_poa_reporte_trimestral"}


# -- rows handed to the GUI / CLI -----------------------------------------------------------
@dataclass(frozen=True)
class ReportInput:
    activity_id: str
    period: str | int
    percent: float | Decimal | str | None = None
    quantity: float | Decimal | str | None = None
    target_quantity: float | Decimal | str | None = None
    done_text: str = ""
    difficulties: str = ""
    justification: str = ""
    reporter: str = ""
    reported_on: date | None = None
    evidence_files: tuple[Path, ...] = ()
    evidence_links: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportRow:
    report_id: str
    activity_id: str
    period_kind: str
    period_no: int
    period_code: str
    period_label: str
    percent: Decimal | None          # effective % (reported, or quantity / target)
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
    evidence: tuple[EvidenceRow, ...] = ()
    created_at: datetime | None = None

    @property
    def status_label(self) -> str:
        return REPORT_STATES.get(self.status, self.status)

    def as_json(self) -> dict:
        return {
            "report_id": self.report_id, "activity_id": self.activity_id, "period": self.period_code,
            "period_no": self.period_no, "percent": float(self.percent) if self.percent is not None else None,
            "quantity": self.quantity, "target_quantity": self.target_quantity, "done_text": self.done_text,
            "difficulties": self.difficulties, "justification": self.justification, "reporter": self.reporter,
            "reported_on": self.reported_on.isoformat(), "status": self.status, "reviewer": self.reviewer,
            "review_note": self.review_note, "evidence": [e.as_json() for e in self.evidence],
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


def _dec(v: object, what: str) -> Decimal | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        return Decimal(str(v).strip().replace(",", "."))
    except Exception as exc:  # noqa: BLE001
        raise UserError(f"{what}: «{v}» no es un número.") from exc


class FollowupService:
    def __init__(self, db: Database, *, evidence_store: Path | None = None) -> None:
        self.db = db
        self.evidence = EvidenceService(db, store=evidence_store)

    # -- plan facts ---------------------------------------------------------------------
    def _plan(self, s, plan_id: str) -> tuple[Plan, str, str]:  # noqa: ANN001
        row = s.execute(
            select(Plan, Institution.name, Institution.country).join(Institution, Institution.id == Plan.institution_id)
            .where(Plan.id == plan_id)
        ).first()
        if row is None or row[0].deleted:
            raise NotFound(f"No existe el plan «{plan_id}».")
        return row[0], row[1], row[2]

    def plan_of_activity(self, activity_id: str) -> str:
        with self.db.session() as s:
            a = s.get(PlanActivity, activity_id)
            if a is None or a.deleted:
                raise NotFound(f"No existe la actividad «{activity_id}».")
            return a.plan_id

    def resolve_activity_id(self, text: str) -> str:
        """Full activity id or an unambiguous prefix of at least 6 characters (CLI)."""
        text = clean(text)
        with self.db.session() as s:
            a = s.get(PlanActivity, text)
            if a is not None and not a.deleted:
                return a.id
            if len(text) >= 6:
                ids = s.scalars(select(PlanActivity.id).where(PlanActivity.id.like(f"{text}%"),
                                                              PlanActivity.deleted.is_(False)).limit(2)).all()
                if len(ids) == 1:
                    return ids[0]
        raise NotFound(f"No existe la actividad «{text}».")

    def resolve_report_id(self, text: str) -> str:
        text = clean(text)
        with self.db.session() as s:
            r = s.get(ProgressReport, text)
            if r is not None and not r.deleted:
                return r.id
            if len(text) >= 6:
                ids = s.scalars(select(ProgressReport.id).where(ProgressReport.id.like(f"{text}%"),
                                                                ProgressReport.deleted.is_(False)).limit(2)).all()
                if len(ids) == 1:
                    return ids[0]
        raise NotFound(f"No existe el reporte «{text}».")

    def evidence_required(self, plan_id: str) -> bool:
        with self.db.session() as s:
            row = s.get(Setting, f"{EVIDENCE_REQUIRED_KEY}.{plan_id}")
            return True if row is None else bool(json.loads(row.value))

    def set_evidence_required(self, plan_id: str, required: bool) -> None:
        key = f"{EVIDENCE_REQUIRED_KEY}.{plan_id}"
        with self.db.begin() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=json.dumps(bool(required))))
            else:
                row.value = json.dumps(bool(required))

    def periods(self, plan_id: str) -> list[tuple[int, str, str]]:
        """(number, code, label) of each period of the plan's vigencia."""
        with self.db.session() as s:
            plan, _, _ = self._plan(s, plan_id)
            kind, year = plan.period_kind, plan.year
        return [(n, period_code(kind, year, n), period_label(kind, year, n)) for n in range(1, PERIOD_COUNTS[kind] + 1)]

    # -- reporting ----------------------------------------------------------------------
    def add_report(self, data: ReportInput, *, today: date | None = None) -> ReportRow:
        """Validate everything, store evidence files, then write the report in one transaction."""
        today = today or date.today()
        problems: list[str] = []
        with self.db.session() as s:
            a = s.get(PlanActivity, data.activity_id)
            if a is None or a.deleted:
                raise NotFound(f"No existe la actividad «{data.activity_id}».")
            plan, _, _ = self._plan(s, a.plan_id)
            kind, year = plan.period_kind, plan.year
            label = f"Actividad {a.number or ''} «{_short(a.description)}»".replace("  ", " ")
        period_no = parse_period(data.period, kind, year)
        percent = _dec(data.percent, "% de avance")
        quantity = _dec(data.quantity, "Cantidad lograda")
        target = _dec(data.target_quantity, "Meta del periodo")
        if percent is None and quantity is None:
            problems.append("Indique el % de avance o la cantidad lograda frente a la meta.")
        if quantity is not None and quantity < 0:
            problems.append("La cantidad lograda no puede ser negativa.")
        if target is not None and target <= 0:
            problems.append("La meta del periodo debe ser mayor que cero.")
        if percent is None and quantity is not None and target is None:
            problems.append("Para calcular el avance con la cantidad indique también la meta del periodo.")
        effective = percent
        if effective is None and quantity is not None and target:
            effective = compliance(quantity, target).raw
        if percent is not None and percent < 0:
            problems.append(f"El % de avance {percent} no es válido: debe estar entre 0 y 100.")
        if effective is not None and effective > 100:
            if effective > MAX_PERCENT:
                problems.append(f"El % de avance {_fmt(effective)} es excesivo; revise el dato (máximo 500 %).")
            elif not clean(data.justification):
                problems.append(
                    f"El avance es {_fmt(effective)} (más de 100 %): escriba la justificación del sobrecumplimiento.")
        reported_on = data.reported_on or today
        if reported_on > today:
            problems.append(f"La fecha del reporte ({reported_on:%d/%m/%Y}) no puede ser posterior a hoy.")
        start, _end = period_range(kind, year, period_no)
        if reported_on < start:
            problems.append(f"La fecha del reporte ({reported_on:%d/%m/%Y}) es anterior al inicio del periodo "
                            f"({start:%d/%m/%Y}).")
        links = []
        for url in data.evidence_links:
            try:
                links.append(check_url(url))
            except UserError as exc:
                problems.append(exc.message)
        max_bytes = self.evidence.max_bytes()
        for f in data.evidence_files:
            problems.extend(self.evidence.check_file(f, max_bytes=max_bytes))
        with self.db.session() as s:
            dup = s.scalars(select(ProgressReport).where(
                ProgressReport.activity_id == data.activity_id, ProgressReport.period_no == period_no,
                ProgressReport.deleted.is_(False), ProgressReport.status.in_(("REPORTADO", "VALIDADO")))).first()
            if dup is not None:
                problems.append(
                    f"Ya existe un reporte de {period_code(kind, year, period_no)} para esta actividad "
                    f"(estado {REPORT_STATES[dup.status].lower()}, del {dup.reported_on:%d/%m/%Y}). "
                    "Solo se puede reportar de nuevo un periodo cuyo reporte fue observado.")
        if problems:
            raise UserError(f"No se guardó el reporte de {label} ({period_code(kind, year, period_no)}).",
                            details=problems)
        staged = [self.evidence.stage_file(f, max_bytes=max_bytes) for f in data.evidence_files]
        with self.db.begin() as s:
            r = ProgressReport(
                activity_id=data.activity_id, period_kind=kind, period_no=period_no,
                percent=float(percent) if percent is not None else None,
                quantity=float(quantity) if quantity is not None else None,
                target_quantity=float(target) if target is not None else None,
                done_text=(data.done_text or "").strip(), difficulties=(data.difficulties or "").strip(),
                justification=(data.justification or "").strip(), reporter=clean(data.reporter)[:200],
                reported_on=reported_on, status="REPORTADO", reviewer="", review_note="",
            )
            s.add(r)
            s.flush()
            for st in staged:
                self.evidence.attach(s, st, OWNER, r.id)
            for url in links:
                self.evidence.attach_link(s, url, OWNER, r.id)
            report_id = r.id
        return self.report(report_id)

    def add_evidence(self, report_id: str, files: list[Path] = (), links: list[str] = ()) -> list[EvidenceRow]:  # type: ignore[assignment]
        """Attach more evidence to an existing report (all or nothing)."""
        self.report(report_id)
        problems = []
        max_bytes = self.evidence.max_bytes()
        for f in files:
            problems.extend(self.evidence.check_file(f, max_bytes=max_bytes))
        good_links = []
        for url in links:
            try:
                good_links.append(check_url(url))
            except UserError as exc:
                problems.append(exc.message)
        if problems:
            raise UserError("No se adjuntó ninguna evidencia.", details=problems)
        staged = [self.evidence.stage_file(f, max_bytes=max_bytes) for f in files]
        with self.db.begin() as s:
            for st in staged:
                self.evidence.attach(s, st, OWNER, report_id)
            for url in good_links:
                self.evidence.attach_link(s, url, OWNER, report_id)
        return self.evidence.list_for(OWNER, report_id)

    def review(self, report_id: str, *, validate: bool, note: str = "", reviewer: str = "") -> ReportRow:
        """Validate (validate=True) or observe a reported progress report."""
        note = (note or "").strip()
        with self.db.begin() as s:
            r = s.get(ProgressReport, report_id)
            if r is None or r.deleted:
                raise NotFound(f"No existe el reporte «{report_id}».")
            if r.status != "REPORTADO":
                raise UserError(f"El reporte ya fue {REPORT_STATES[r.status].lower()}; no se puede revisar de nuevo. "
                                "Si hay que corregirlo, obsérvelo antes de validarlo o registre un nuevo reporte.")
            if not validate and not note:
                raise UserError("Para observar un reporte escriba la observación (qué debe corregir el responsable).")
            r.status = "VALIDADO" if validate else "OBSERVADO"
            r.review_note = note
            r.reviewer = clean(reviewer or self.db.user)[:200]
            r.reviewed_at = utcnow()
        return self.report(report_id)

    def withdraw(self, report_id: str) -> None:
        """Delete (tombstone) a report that was not reviewed yet."""
        with self.db.begin() as s:
            r = s.get(ProgressReport, report_id)
            if r is None or r.deleted:
                raise NotFound(f"No existe el reporte «{report_id}».")
            if r.status == "VALIDADO":
                raise UserError("Un reporte validado no se puede eliminar.")
            r.deleted = True

    # -- reading reports -------------------------------------------------------------------
    def report(self, report_id: str) -> ReportRow:
        with self.db.session() as s:
            r = s.get(ProgressReport, report_id)
            if r is None or r.deleted:
                raise NotFound(f"No existe el reporte «{report_id}».")
            year = self._year_of_activity(s, r.activity_id)
            ev = EvidenceService.list_in(s, OWNER, [r.id])
            return _report_row(r, year, ev.get(r.id, []))

    def history(self, activity_id: str) -> list[ReportRow]:
        """Every report of an activity, newest period first (observed ones included)."""
        with self.db.session() as s:
            year = self._year_of_activity(s, activity_id)
            rows = s.scalars(select(ProgressReport).where(
                ProgressReport.activity_id == activity_id, ProgressReport.deleted.is_(False))
                .order_by(ProgressReport.period_no.desc(), ProgressReport.created_at.desc())).all()
            ev = EvidenceService.list_in(s, OWNER, [r.id for r in rows])
            return [_report_row(r, year, ev.get(r.id, [])) for r in rows]

    def reports_to_review(self, plan_id: str) -> list[ReportRow]:
        with self.db.session() as s:
            plan, _, _ = self._plan(s, plan_id)
            rows = s.scalars(
                select(ProgressReport).join(PlanActivity, PlanActivity.id == ProgressReport.activity_id)
                .where(PlanActivity.plan_id == plan_id, PlanActivity.deleted.is_(False),
                       ProgressReport.deleted.is_(False), ProgressReport.status == "REPORTADO")
                .order_by(ProgressReport.reported_on, ProgressReport.created_at)).all()
            ev = EvidenceService.list_in(s, OWNER, [r.id for r in rows])
            return [_report_row(r, plan.year, ev.get(r.id, [])) for r in rows]

    @staticmethod
    def _year_of_activity(s, activity_id: str) -> int:  # noqa: ANN001
        year = s.scalar(select(Plan.year).join(PlanActivity, PlanActivity.plan_id == Plan.id)
                        .where(PlanActivity.id == activity_id))
        if year is None:
            raise NotFound(f"No existe la actividad «{activity_id}».")
        return year

    # -- computing -----------------------------------------------------------------------
    def cuts(self, plan_id: str, *, today: date | None = None) -> list[CutRow]:
        today = today or date.today()
        country, years = self._country_years(plan_id)
        cal = CalendarService(self.db).business_calendar(country, years=years)
        rule = self._publication_rule(country)
        with self.db.session() as s:
            plan, _, _ = self._plan(s, plan_id)
            kind, year = plan.period_kind, plan.year
        return _cuts(kind, year, cal, rule, today)

    def _publication_rule(self, country: str):  # noqa: ANN202
        try:
            return CalendarService(self.db).rule(PUBLICATION_RULE.get(country, "co_seguimiento_oci"))
        except NotFound:
            return None

    def dashboard(self, plan_id: str, *, cut: date | None = None, today: date | None = None,
                  weighted: bool = False, profile: ThresholdProfile | None = None,
                  with_reports: bool = True) -> Dashboard:
        """Everything the home page shows, computed in a few queries.

        `with_reports=False` leaves `ActivityStatus.last_report` empty (the home page does not
        need the texts of the reports; the informe and the activity table do).
        """
        today = today or date.today()
        country, years = self._country_years(plan_id)
        CalendarService(self.db).ensure_seeded(country, years)
        rule = self._publication_rule(country)
        if profile is None:
            profile = ThresholdService(self.db).profile_for_country(country)
        require_evidence = self.evidence_required(plan_id)
        with self.db.session() as s:
            plan, entity, country = self._plan(s, plan_id)
            kind, year = plan.period_kind, plan.year
            cal = CalendarService.calendar_in(s, country, years)
            if cut is None:
                cut = min(max(today, date(year, 1, 1)), date(year, 12, 31))
            data = _load(s, plan_id, cut_period(kind, year, cut), weighted=weighted)
            chosen: dict[str, str] = {}
            statuses = _statuses(data, kind, year, cut, today, cal, profile, require_evidence=require_evidence,
                                 chosen=chosen)
            details = _report_details(s, year, list(chosen.values())) if with_reports else {}
        if details:
            statuses = [replace(a, last_report=details.get(chosen[a.activity_id])) if a.activity_id in chosen
                        else a for a in statuses]
        by_id = {a.activity_id: a for a in statuses}
        weights = data["weights"] if weighted else None
        groups = _group_statuses(data["groups"], statuses, profile, weights)
        plan_c = aggregate([a.compliance for a in statuses],
                           [weights.get(a.activity_id, 1) for a in statuses] if weights else None)
        components = tuple((g.label, g.compliance, g.light) for g in groups if g.depth == 0)
        units = _unit_statuses(data, by_id, profile)
        not_done = [a for a in statuses if not a.done and a.due is not None]
        overdue = sorted((a for a in not_done if a.overdue), key=lambda a: a.due)
        week = sorted((a for a in not_done if not a.overdue and a.due <= today + timedelta(days=7)),
                      key=lambda a: a.due)
        cuts = _cuts(kind, year, cal, rule, today)
        next_cut = next((c for c in cuts if c.publish_by >= today), None)
        return Dashboard(
            plan_id=plan_id, entity=entity, country=country, year=year, period_kind=kind, cut=cut, today=today,
            profile=profile, plan=plan_c, plan_light=profile.classify(plan_c), groups=tuple(groups),
            components=components, units=tuple(units), activities=tuple(statuses), overdue=tuple(overdue),
            due_this_week=tuple(week), pending_review=sum(a.pending_review for a in statuses), next_cut=next_cut,
            colors=distribution(a.light for a in statuses),
        )

    def pending(self, plan_id: str, *, today: date | None = None) -> list[ActivityStatus]:
        """"Pendientes": activities not completed, most urgent first (overdue, then fewest days left)."""
        d = self.dashboard(plan_id, today=today)
        rows = [a for a in d.activities if not a.done]
        return sorted(rows, key=lambda a: (a.due is None, a.days_left if a.days_left is not None else 10**6,
                                           a.number, a.description))

    def _country_years(self, plan_id: str) -> tuple[str, list[int]]:
        with self.db.session() as s:
            plan, _, country = self._plan(s, plan_id)
            return country, [plan.year, plan.year + 1]


# -- pure computation helpers -----------------------------------------------------------------
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


def _report_row(r: ProgressReport, year: int, evidence: list[EvidenceRow]) -> ReportRow:
    return ReportRow(
        r.id, r.activity_id, r.period_kind, r.period_no, period_code(r.period_kind, year, r.period_no),
        period_label(r.period_kind, year, r.period_no), _effective(r.percent, r.quantity, r.target_quantity),
        r.quantity, r.target_quantity, r.done_text, r.difficulties, r.justification, r.reporter, r.reported_on,
        r.status, r.reviewer, r.review_note, r.reviewed_at, tuple(evidence), r.created_at,
    )


def _load(s, plan_id: str, cut_period: int, *, weighted: bool = False) -> dict:  # noqa: ANN001
    """Fetch what the computations need with Core selects, only the columns used (fast for big plans)."""
    conn = s.connection()
    A = PlanActivity
    cols = [A.id, A.number, A.description, A.responsible, A.meta, A.group_id, A.cuatrimestres, A.start_date,
            A.end_date, A.scheduled_text]
    if weighted:
        cols.append(A.extra)
    acts = conn.execute(select(*cols).where(A.plan_id == plan_id, A.deleted.is_(False)).order_by(A.position)).all()
    groups = conn.execute(
        select(PlanGroup.id, PlanGroup.parent_id, PlanGroup.kind, PlanGroup.code, PlanGroup.name)
        .where(PlanGroup.plan_id == plan_id, PlanGroup.deleted.is_(False)).order_by(PlanGroup.position)
    ).all()
    R = ProgressReport
    in_plan = select(A.id).where(A.plan_id == plan_id, A.deleted.is_(False)).scalar_subquery()
    # The report that counts: the VALIDADO one with the highest period ≤ the cut (at most one
    # VALIDADO per activity and period). SQLite takes the bare columns of a MAX() aggregate
    # from the row holding the maximum, so this returns one row per activity.
    latest = conn.execute(
        select(R.activity_id, func.max(R.period_no), R.id, R.percent, R.quantity, R.target_quantity)
        .where(R.activity_id.in_(in_plan), R.deleted.is_(False), R.status == "VALIDADO", R.period_no <= cut_period)
        .group_by(R.activity_id)
    ).all()
    pending = dict(conn.execute(
        select(R.activity_id, func.count()).where(R.activity_id.in_(in_plan), R.deleted.is_(False),
                                                  R.status == "REPORTADO").group_by(R.activity_id)
    ).all())
    ids = [r.id for r in latest]
    with_evidence: set[str] = set()
    for i in range(0, len(ids), 900):
        with_evidence.update(conn.execute(
            select(Evidence.owner_id).where(Evidence.owner_type == OWNER, Evidence.deleted.is_(False),
                                            Evidence.owner_id.in_(ids[i:i + 900]))).scalars())
    units = conn.execute(
        select(ActivityUnit.activity_id, OrgUnit.name).join(OrgUnit, OrgUnit.id == ActivityUnit.unit_id)
        .join(A, A.id == ActivityUnit.activity_id)
        .where(A.plan_id == plan_id, ActivityUnit.deleted.is_(False))
    ).all()
    weights = {}
    if weighted:
        for a in acts:
            w = (a.extra or {}).get("peso") if isinstance(a.extra, dict) else None
            if w is not None:
                try:
                    weights[a.id] = Decimal(str(w).replace(",", "."))
                except Exception:  # noqa: BLE001
                    pass
    return {"activities": acts, "groups": groups, "latest": {r.activity_id: r for r in latest},
            "pending": pending, "with_evidence": with_evidence, "units": units, "weights": weights}


def _report_details(s, year: int, ids: list[str]) -> dict[str, ReportRow]:  # noqa: ANN001
    """Full rows (texts, dates) of the chosen reports only."""
    R = ProgressReport
    conn = s.connection()
    out = {}
    for i in range(0, len(ids), 900):
        for r in conn.execute(select(
                R.id, R.activity_id, R.period_kind, R.period_no, R.percent, R.quantity, R.target_quantity,
                R.done_text, R.difficulties, R.justification, R.reporter, R.reported_on, R.status, R.reviewer,
                R.review_note, R.reviewed_at, R.created_at).where(R.id.in_(ids[i:i + 900]))):
            out[r.id] = _light_report(r, year)
    return out


def cut_period(kind: str, year: int, cut: date) -> int:
    """Last period of the vigencia that has started by `cut` (0 before the vigencia)."""
    if cut.year == year:
        return period_of(kind, cut)
    return PERIOD_COUNTS[kind] if cut.year > year else 0


def _schedule(a, kind: str, year: int) -> tuple[date, date | None, str]:  # noqa: ANN001
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
            text = f"{a.start_date:%d/%m/%Y} – {a.end_date:%d/%m/%Y}"
        elif due:
            text = f"{due:%d/%m/%Y}"
        elif marks:
            text = "Cuatrimestre " + ", ".join(str(q) for q in marks)
    return start or date(year, 1, 1), due, text


def _statuses(data: dict, kind: str, year: int, cut: date, today: date, cal: BusinessCalendar,
              profile: ThresholdProfile, *, require_evidence: bool,
              chosen: dict[str, str]) -> list[ActivityStatus]:
    """Status of every activity; `chosen` receives activity id -> the report that counts."""
    latest = data["latest"]
    pending_by = data["pending"]
    with_ev = data["with_evidence"]
    out = []
    for a in data["activities"]:
        last = latest.get(a.id)
        pending = pending_by.get(a.id, 0)
        start, due, sched = _schedule(a, kind, year)
        flags = []
        if last is not None:
            pct = _effective(last.percent, last.quantity, last.target_quantity)
            c = Compliance(pct, over=pct is not None and pct > 100)
            if c.over:
                flags.append("Más de 100 %: revisar")
            if require_evidence and last.id not in with_ev:
                flags.append("Sin medio de verificación")
        elif start <= cut:
            c = Compliance(Decimal("0.00"))
            flags.append("Sin reporte validado")
        else:
            c = NOT_PROGRAMMED
        done = c.raw is not None and last is not None and c.raw >= 100
        days_left = (due - today).days if due else None
        bdays = cal.business_days_between(today, due) if due else None
        overdue = bool(due and due < today and not done)
        if overdue:
            flags.append("Vencida")
        out.append(ActivityStatus(
            a.id, a.number or "", a.description, a.responsible or "", a.meta or "", a.group_id, sched, due, c,
            profile.classify(c), done, overdue, days_left, bdays, None, pending, tuple(flags),
        ))
        if last is not None:
            chosen[a.id] = last.id
    return out


def _light_report(r, year: int) -> ReportRow:  # noqa: ANN001
    return ReportRow(
        r.id, r.activity_id, r.period_kind, r.period_no, period_code(r.period_kind, year, r.period_no),
        period_label(r.period_kind, year, r.period_no), _effective(r.percent, r.quantity, r.target_quantity),
        r.quantity, r.target_quantity, r.done_text, r.difficulties, r.justification, r.reporter, r.reported_on,
        r.status, r.reviewer, r.review_note, r.reviewed_at, (), r.created_at,
    )


def _group_statuses(groups: list, statuses: list[ActivityStatus], profile: ThresholdProfile,
                    weights: dict | None) -> list[GroupStatus]:
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
            c = aggregate([a.compliance for a in acts],
                          [weights.get(a.activity_id, 1) for a in acts] if weights else None)
            label = f"{g.code} – {g.name}" if g.code and g.name and g.code != g.name else (g.name or g.code or g.kind)
            out.append(GroupStatus(g.id, g.parent_id, depth, g.kind, clean(label), c, profile.classify(c), len(acts),
                                   distribution(a.light for a in acts)))
            walk(g.id, depth + 1)

    walk(None, 0)
    loose = acts_in.get(None)
    if loose:
        c = aggregate([a.compliance for a in loose])
        out.append(GroupStatus("", None, 0, "seccion", "Sin grupo", c, profile.classify(c), len(loose),
                               distribution(a.light for a in loose)))
    return out


def _unit_statuses(data: dict, by_id: dict[str, ActivityStatus], profile: ThresholdProfile) -> list:
    linked: dict[str, list[str]] = defaultdict(list)
    for activity_id, unit_name in data["units"]:
        linked[activity_id].append(unit_name)
    per_unit: dict[str, list[ActivityStatus]] = defaultdict(list)
    for a in by_id.values():
        names = linked.get(a.activity_id) or [_short(a.responsible, 50) or "Sin responsable"]
        for n in names:
            per_unit[n].append(a)
    out = []
    for name, acts in per_unit.items():
        c = aggregate([a.compliance for a in acts])
        out.append((name, c, profile.classify(c), len(acts)))
    out.sort(key=lambda t: (-t[3], t[0]))
    return out


def _cuts(kind: str, year: int, cal: BusinessCalendar, rule, today: date) -> list[CutRow]:  # noqa: ANN001
    out = []
    for n in range(1, PERIOD_COUNTS[kind] + 1):
        start, end = period_range(kind, year, n)
        if rule is not None:
            publish = rule.apply(cal, end)
        else:
            nxt = cal.add_calendar(date(end.year, end.month, 1), months=1)
            publish = cal.nth_business_day_of_month(nxt.year, nxt.month, 10)
        out.append(CutRow(n, period_code(kind, year, n), period_label(kind, year, n), start, end, publish,
                          (publish - today).days, end < today))
    return out


__all__ = [
    "ActivityStatus", "CutRow", "Dashboard", "FollowupService", "GroupStatus", "ReportInput", "ReportRow",
]
