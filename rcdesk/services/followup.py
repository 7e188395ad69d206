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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from rcdesk.compliance import ThresholdProfile, compliance
from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.followup.compute import (  # noqa: F401 - ActivityStatus, CutRow, Dashboard… re-exported
    PUBLICATION_RULE,
    ActivityStatus,
    CutRow,
    Dashboard,
    GroupStatus,
    ReportRow,
    _cuts,
    _effective,
    _fmt,
    _short,
    report_row,
)
from rcdesk.followup.periods import PERIOD_COUNTS, parse_period, period_code, period_label, period_range
from rcdesk.ids import utcnow
from rcdesk.models.core import Setting
from rcdesk.models.followup import REPORT_STATES, ProgressReport
from rcdesk.models.plans import Plan, PlanActivity
from rcdesk.models.reference import Institution
from rcdesk.numbers import parse_decimal
from rcdesk.services.calendar import CalendarService
from rcdesk.services.evidence import EvidenceRow, EvidenceService, check_url
from rcdesk.text import clean

OWNER = "progress_report"
EVIDENCE_REQUIRED_KEY = "followup.evidence_required"
MAX_PERCENT = Decimal(500)


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
class _Prepared:
    kind: str
    period_no: int
    percent: Decimal | None
    quantity: Decimal | None
    target: Decimal | None
    reported_on: date
    links: tuple[str, ...]
    max_bytes: int


class FollowupService:
    def __init__(self, db: Database, *, evidence_store: Path | None = None) -> None:
        self.db = db
        self.evidence = EvidenceService(db, store=evidence_store)

    # -- plan facts ---------------------------------------------------------------------
    def _plan(self, s, plan_id: str) -> tuple[Plan, str, str]:
        row = s.execute(
            select(Plan, Institution.name, Institution.country)
            .join(Institution, Institution.id == Plan.institution_id)
            .where(Plan.id == plan_id)
        ).first()
        if row is None or row[0].deleted:
            raise NotFound(f"No existe el plan «{plan_id}».")
        return row[0], row[1], row[2]

    def resolve_activity_id(self, text: str) -> str:
        """Full activity id or an unambiguous prefix of at least 6 characters (CLI)."""
        from rcdesk.services.lookup import resolve_record_id

        return resolve_record_id(self.db, PlanActivity, text, "la actividad")

    def resolve_report_id(self, text: str) -> str:
        from rcdesk.services.lookup import resolve_record_id

        return resolve_record_id(self.db, ProgressReport, text, "el reporte")

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
        prep = self._prepare(data, today=today)
        return self._write(prep, data)

    def edit_report(
        self, report_id: str, data: ReportInput, *, keep_evidence: Sequence[str] = (), today: date | None = None
    ) -> ReportRow:
        """Correct a report that was not validated (REPORTADO or OBSERVADO) with a new version.

        History is kept: the new version is a new REPORTADO report; a REPORTADO original becomes
        SUSTITUIDO, an OBSERVADO one stays observed as the reviewer left it. `keep_evidence`
        lists evidence ids of the original to carry over (new files/links come in `data`).
        A VALIDADO report cannot be edited: see `supersede_report()`.
        """
        old = self.report(report_id)
        if old.status == "VALIDADO":
            raise UserError(
                "Un reporte validado no se puede modificar: registre una corrección que lo sustituya "
                "cuando sea validada."
            )
        if old.status not in ("REPORTADO", "OBSERVADO"):
            raise UserError(f"Este reporte ya fue {old.status_label.lower()} por otra versión; edite la más reciente.")
        data = replace(data, activity_id=old.activity_id)
        kept = self._kept_evidence(old, keep_evidence)
        prep = self._prepare(data, today=today, exclude=(report_id,))
        return self._write(
            prep, data, kept=kept, origin=(report_id, old.status), replace_origin=old.status == "REPORTADO"
        )

    def supersede_report(
        self, report_id: str, data: ReportInput, *, keep_evidence: Sequence[str] = (), today: date | None = None
    ) -> ReportRow:
        """Register a correction of a VALIDADO report (same activity and period).

        The correction is a new REPORTADO report; the validated one keeps counting until the
        correction is validated, and then becomes SUSTITUIDO (see `review()`).
        """
        old = self.report(report_id)
        if old.status != "VALIDADO":
            raise UserError("Solo se sustituye un reporte validado; un reporte sin validar se puede editar.")
        data = replace(data, activity_id=old.activity_id, period=old.period_no)
        kept = self._kept_evidence(old, keep_evidence)
        prep = self._prepare(data, today=today, exclude=(report_id,))
        return self._write(prep, data, kept=kept, origin=(report_id, "VALIDADO"))

    @staticmethod
    def _kept_evidence(old: ReportRow, keep: Sequence[str]) -> list[str]:
        mine = {e.evidence_id for e in old.evidence}
        stray = [e for e in keep if e not in mine]
        if stray:
            raise UserError("Las evidencias a conservar deben pertenecer al reporte que se corrige.")
        return list(dict.fromkeys(keep))

    def _prepare(self, data: ReportInput, *, today: date | None, exclude: Sequence[str] = ()) -> _Prepared:
        """Check a report before writing anything; UserError with every problem found."""
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
        percent = parse_decimal(data.percent, "% de avance")
        quantity = parse_decimal(data.quantity, "Cantidad lograda")
        target = parse_decimal(data.target_quantity, "Meta del periodo")
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
                    f"El avance es {_fmt(effective)} (más de 100 %): escriba la justificación del sobrecumplimiento."
                )
        reported_on = data.reported_on or today
        if reported_on > today:
            problems.append(f"La fecha del reporte ({reported_on:%d/%m/%Y}) no puede ser posterior a hoy.")
        start, _end = period_range(kind, year, period_no)
        if reported_on < start:
            problems.append(
                f"La fecha del reporte ({reported_on:%d/%m/%Y}) es anterior al inicio del periodo ({start:%d/%m/%Y})."
            )
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
            stmt = select(ProgressReport).where(
                ProgressReport.activity_id == data.activity_id,
                ProgressReport.period_no == period_no,
                ProgressReport.deleted.is_(False),
                ProgressReport.status.in_(("REPORTADO", "VALIDADO")),
            )
            if exclude:
                stmt = stmt.where(ProgressReport.id.not_in(list(exclude)))
            dup = s.scalars(stmt).first()
            if dup is not None:
                problems.append(
                    f"Ya existe un reporte de {period_code(kind, year, period_no)} para esta actividad "
                    f"(estado {REPORT_STATES[dup.status].lower()}, del {dup.reported_on:%d/%m/%Y}). "
                    + (
                        "Edite ese reporte o retírelo antes de registrar otro."
                        if dup.status == "REPORTADO"
                        else "Para cambiar un reporte validado registre una corrección que lo sustituya."
                    )
                )
        if problems:
            raise UserError(
                f"No se guardó el reporte de {label} ({period_code(kind, year, period_no)}).", details=problems
            )
        return _Prepared(kind, period_no, percent, quantity, target, reported_on, tuple(links), max_bytes)

    def _write(
        self,
        prep: _Prepared,
        data: ReportInput,
        *,
        kept: Sequence[str] = (),
        origin: tuple[str, str] | None = None,
        replace_origin: bool = False,
    ) -> ReportRow:
        """Insert the report (and its evidence) in one transaction. `origin` = (id, expected status) of
        the report being corrected; `replace_origin` marks it SUSTITUIDO."""
        staged = [self.evidence.stage_file(f, max_bytes=prep.max_bytes) for f in data.evidence_files]
        with self.db.begin() as s:
            old = None
            if origin is not None:
                # the original may have been reviewed meanwhile (another window, a field package)
                old = s.get(ProgressReport, origin[0])
                if old is None or old.deleted or old.status != origin[1]:
                    raise UserError(
                        "El reporte cambió mientras lo editaba (fue revisado o retirado); vuelva a abrirlo."
                    )
            r = ProgressReport(
                activity_id=data.activity_id,
                period_kind=prep.kind,
                period_no=prep.period_no,
                percent=float(prep.percent) if prep.percent is not None else None,
                quantity=float(prep.quantity) if prep.quantity is not None else None,
                target_quantity=float(prep.target) if prep.target is not None else None,
                done_text=(data.done_text or "").strip(),
                difficulties=(data.difficulties or "").strip(),
                justification=(data.justification or "").strip(),
                reporter=clean(data.reporter)[:200],
                reported_on=prep.reported_on,
                status="REPORTADO",
                reviewer="",
                review_note="",
            )
            s.add(r)
            s.flush()
            if replace_origin and old is not None:
                old.status = "SUSTITUIDO"
            EvidenceService.copy_in(s, list(kept), OWNER, r.id)
            for st in staged:
                self.evidence.attach(s, st, OWNER, r.id)
            for url in prep.links:
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
                raise UserError(
                    f"El reporte ya fue {REPORT_STATES[r.status].lower()}; no se puede revisar de nuevo. "
                    "Si hay que corregirlo, obsérvelo antes de validarlo o registre un nuevo reporte."
                )
            if not validate and not note:
                raise UserError("Para observar un reporte escriba la observación (qué debe corregir el responsable).")
            r.status = "VALIDADO" if validate else "OBSERVADO"
            if validate:  # a validated correction replaces the report validated before for that period
                for old in s.scalars(
                    select(ProgressReport).where(
                        ProgressReport.activity_id == r.activity_id,
                        ProgressReport.period_no == r.period_no,
                        ProgressReport.id != r.id,
                        ProgressReport.deleted.is_(False),
                        ProgressReport.status == "VALIDADO",
                    )
                ):
                    old.status = "SUSTITUIDO"
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
                raise UserError("Un reporte validado no se puede retirar; registre una corrección que lo sustituya.")
            if r.status == "SUSTITUIDO":
                raise UserError("Este reporte ya fue sustituido por otra versión; se conserva en el historial.")
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
            rows = s.scalars(
                select(ProgressReport)
                .where(ProgressReport.activity_id == activity_id, ProgressReport.deleted.is_(False))
                .order_by(ProgressReport.period_no.desc(), ProgressReport.created_at.desc())
            ).all()
            ev = EvidenceService.list_in(s, OWNER, [r.id for r in rows])
            return [_report_row(r, year, ev.get(r.id, [])) for r in rows]

    def reports_to_review(self, plan_id: str) -> list[ReportRow]:
        with self.db.session() as s:
            plan, _, _ = self._plan(s, plan_id)
            rows = s.scalars(
                select(ProgressReport)
                .join(PlanActivity, PlanActivity.id == ProgressReport.activity_id)
                .where(
                    PlanActivity.plan_id == plan_id,
                    PlanActivity.deleted.is_(False),
                    ProgressReport.deleted.is_(False),
                    ProgressReport.status == "REPORTADO",
                )
                .order_by(ProgressReport.reported_on, ProgressReport.created_at)
            ).all()
            ev = EvidenceService.list_in(s, OWNER, [r.id for r in rows])
            return [_report_row(r, plan.year, ev.get(r.id, [])) for r in rows]

    @staticmethod
    def _year_of_activity(s, activity_id: str) -> int:
        year = s.scalar(
            select(Plan.year).join(PlanActivity, PlanActivity.plan_id == Plan.id).where(PlanActivity.id == activity_id)
        )
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

    def _publication_rule(self, country: str):
        try:
            return CalendarService(self.db).rule(PUBLICATION_RULE.get(country, "co_seguimiento_oci"))
        except NotFound:
            return None

    def dashboard(
        self,
        plan_id: str,
        *,
        cut: date | None = None,
        today: date | None = None,
        weighted: bool = False,
        profile: ThresholdProfile | None = None,
        with_reports: bool = True,
    ) -> Dashboard:
        """Everything the home page shows (see `rcdesk/followup/reads.py`, plain SQL).

        `with_reports=False` leaves `ActivityStatus.last_report` empty (the home page does not
        need the texts of the reports; the informe and the activity table do).
        """
        from rcdesk.followup import reads

        country, years = self._country_years(plan_id)
        CalendarService(self.db).ensure_seeded(country, years)
        return reads.dashboard(
            self.db, plan_id, cut=cut, today=today, weighted=weighted, profile=profile, with_reports=with_reports
        )

    def pending(self, plan_id: str, *, today: date | None = None) -> list[ActivityStatus]:
        """ "Pendientes": activities not completed, most urgent first (overdue, then fewest days left)."""
        d = self.dashboard(plan_id, today=today)
        rows = [a for a in d.activities if not a.done]
        return sorted(
            rows,
            key=lambda a: (a.due is None, a.days_left if a.days_left is not None else 10**6, a.number, a.description),
        )

    def _country_years(self, plan_id: str) -> tuple[str, list[int]]:
        with self.db.session() as s:
            plan, _, country = self._plan(s, plan_id)
            return country, [plan.year, plan.year + 1]


# -- pure computation helpers -----------------------------------------------------------------


def _report_row(r: ProgressReport, year: int, evidence: list[EvidenceRow]) -> ReportRow:
    return report_row(r, year, evidence)
