"""Contributions (aportes) per mesa, commitments and their follow-ups with evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.events.rules import commitment_overdue, commitments_met_pct, cpccs_band, status_for_progress
from rcdesk.models.events import (
    COMMITMENT_SOURCES,
    COMMITMENT_STATUSES,
    Commitment,
    CommitmentFollowUp,
    Contribution,
    Event,
)
from rcdesk.models.reference import OrgUnit
from rcdesk.services.commitment_status import StatusChange, history, record_change
from rcdesk.text import clean

EVIDENCE_OWNER = "commitment_followup"


@dataclass(frozen=True)
class ContributionRow:
    contribution_id: str
    event_id: str
    mesa: str | None
    text: str
    submitted_by: str | None
    position: int
    commitment_id: str | None


@dataclass(frozen=True)
class CommitmentInput:
    description: str
    due_date: date
    responsible_unit_id: str | None = None
    responsible_text: str | None = None
    responsible_person: str | None = None
    deliverable: str | None = None
    source: str = "APORTE_CIUDADANO"
    event_id: str | None = None
    contribution_id: str | None = None


@dataclass(frozen=True)
class CommitmentRow:
    commitment_id: str
    event_id: str | None
    event_title: str
    event_date: date | None
    contribution_id: str | None
    contribution_text: str | None
    mesa: str | None
    source: str
    description: str
    responsible_unit_id: str | None
    responsible: str
    responsible_person: str | None
    due_date: date
    deliverable: str | None
    status: str
    progress_pct: float
    last_followup_on: date | None
    overdue: bool

    @property
    def band(self) -> str:
        return cpccs_band(self.progress_pct)

    @property
    def status_label(self) -> str:
        return COMMITMENT_STATUSES.get(self.status, self.status)

    def as_json(self) -> dict:
        return {
            "commitment_id": self.commitment_id,
            "event_id": self.event_id,
            "description": self.description,
            "responsible": self.responsible,
            "due_date": self.due_date.isoformat(),
            "status": self.status,
            "progress_pct": self.progress_pct,
            "band": self.band,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class FollowUpRow:
    followup_id: str
    commitment_id: str
    cut_date: date
    progress_pct: float
    narrative: str | None
    reviewer: str | None
    evidence: tuple = ()

    @property
    def band(self) -> str:
        return cpccs_band(self.progress_pct)


class CommitmentService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- contributions -------------------------------------------------------------------
    def add_contribution(
        self, event_id: str, text: str, mesa: str | None = None, submitted_by: str | None = None
    ) -> ContributionRow:
        if not clean(text):
            raise UserError("Escriba el aporte ciudadano.")
        with self.db.begin() as s:
            e = s.get(Event, event_id)
            if e is None or e.deleted:
                raise NotFound(f"No existe el evento «{event_id}».")
            pos = (s.scalar(select(func.max(Contribution.position)).where(Contribution.event_id == event_id)) or 0) + 1
            c = Contribution(
                event_id=event_id,
                text=text.strip(),
                mesa=clean(mesa) or None,
                submitted_by=clean(submitted_by) or None,
                position=pos,
            )
            s.add(c)
            s.flush()
            return ContributionRow(c.id, event_id, c.mesa, c.text, c.submitted_by, c.position, None)

    def contributions(self, event_id: str) -> list[ContributionRow]:
        with self.db.session() as s:
            links = dict(
                s.execute(
                    select(Commitment.contribution_id, Commitment.id).where(
                        Commitment.event_id == event_id,
                        Commitment.deleted.is_(False),
                        Commitment.contribution_id.is_not(None),
                    )
                ).all()
            )
            return [
                ContributionRow(c.id, c.event_id, c.mesa, c.text, c.submitted_by, c.position, links.get(c.id))
                for c in s.scalars(
                    select(Contribution)
                    .where(Contribution.event_id == event_id, Contribution.deleted.is_(False))
                    .order_by(Contribution.mesa, Contribution.position)
                )
            ]

    # -- commitments ---------------------------------------------------------------------
    def add(self, data: CommitmentInput) -> CommitmentRow:
        problems = []
        if not clean(data.description):
            problems.append("Falta la descripción del compromiso.")
        if not isinstance(data.due_date, date):
            problems.append("Falta la fecha límite del compromiso.")
        if not data.responsible_unit_id and not clean(data.responsible_text):
            problems.append("Indique la unidad responsable.")
        if data.source not in COMMITMENT_SOURCES:
            problems.append(f"Origen «{data.source}» desconocido.")
        if problems:
            raise UserError("El compromiso no se guardó.", details=problems)
        with self.db.begin() as s:
            event_id = data.event_id
            if data.contribution_id:
                c = s.get(Contribution, data.contribution_id)
                if c is None or c.deleted:
                    raise NotFound("El aporte no existe.")
                if s.scalar(
                    select(Commitment.id)
                    .where(Commitment.contribution_id == c.id, Commitment.deleted.is_(False))
                    .limit(1)
                ):
                    raise UserError("Este aporte ya se convirtió en compromiso.")
                event_id = event_id or c.event_id
            # pending from the event on: a report as of a cut between the event and today finds it so
            since = date.today()
            if event_id:
                e = s.get(Event, event_id)
                if e is None or e.deleted:
                    raise NotFound(f"No existe el evento «{event_id}».")
                since = min(e.event_date, since)
                if data.due_date < e.event_date:
                    raise UserError(
                        f"La fecha límite ({data.due_date:%d/%m/%Y}) es anterior al evento ({e.event_date:%d/%m/%Y})."
                    )
            unit_text = clean(data.responsible_text) or None
            if data.responsible_unit_id:
                u = s.get(OrgUnit, data.responsible_unit_id)
                if u is None or u.deleted:
                    raise NotFound("La unidad responsable no existe.")
            cm = Commitment(
                event_id=event_id,
                contribution_id=data.contribution_id,
                source=data.source,
                description=data.description.strip(),
                responsible_unit_id=data.responsible_unit_id,
                responsible_text=unit_text,
                responsible_person=clean(data.responsible_person) or None,
                due_date=data.due_date,
                deliverable=clean(data.deliverable) or None,
                status="PENDIENTE",
                progress_pct=0.0,
            )
            s.add(cm)
            s.flush()
            cid = cm.id
            record_change(s, cid, "PENDIENTE", since, "ALTA", self.db.user)
        return self.get(cid)

    def set_status(self, commitment_id: str, status: str, on: date | None = None) -> CommitmentRow:
        """Set the status by hand, in force from `on` (today by default; never before its latest change)."""
        if status not in COMMITMENT_STATUSES:
            raise UserError(f"Estado «{status}» desconocido.")
        with self.db.begin() as s:
            c = self._c(s, commitment_id)
            if c.status != status:
                c.status = status
                record_change(s, commitment_id, status, on or date.today(), "MANUAL", self.db.user)
        return self.get(commitment_id)

    def status_history(self, commitment_id: str) -> list[StatusChange]:
        """Every status the commitment has had, oldest first, with the date it held from and who set it."""
        with self.db.session() as s:
            self._c(s, commitment_id)
            return history(s, commitment_id)

    def delete(self, commitment_id: str) -> None:
        with self.db.begin() as s:
            self._c(s, commitment_id).deleted = True

    def add_followup(
        self,
        commitment_id: str,
        cut_date: date,
        progress_pct: float,
        narrative: str = "",
        reviewer: str = "",
        *,
        files: Sequence[Path | str] = (),
        links: Sequence[str] = (),
    ) -> FollowUpRow:
        from rcdesk.numbers import parse_float

        pct = parse_float(progress_pct, "Avance del compromiso")
        if pct is None:
            raise UserError("Indique el % de avance del compromiso.")
        pct = round(pct, 2)
        if not 0 <= pct <= 100:
            raise UserError("El avance debe estar entre 0 y 100 %.")
        from rcdesk.services.evidence import EvidenceService

        ev = EvidenceService(self.db)
        staged = [ev.stage_file(f) for f in files]  # validated and copied before any DB write
        with self.db.begin() as s:
            cm = self._c(s, commitment_id)
            f = CommitmentFollowUp(
                commitment_id=commitment_id,
                cut_date=cut_date,
                progress_pct=pct,
                narrative=(narrative or "").strip() or None,
                reviewer=clean(reviewer) or None,
            )
            s.add(f)
            s.flush()
            for st in staged:
                ev.attach(s, st, EVIDENCE_OWNER, f.id)
            for url in links:
                ev.attach_link(s, url, EVIDENCE_OWNER, f.id)
            # the follow-up just flushed is there at least
            latest = (
                s.scalars(
                    select(CommitmentFollowUp)
                    .where(CommitmentFollowUp.commitment_id == commitment_id, CommitmentFollowUp.deleted.is_(False))
                    .order_by(CommitmentFollowUp.cut_date.desc(), CommitmentFollowUp.created_at.desc())
                    .limit(1)
                ).first()
                or f
            )
            cm.progress_pct = latest.progress_pct
            cm.last_followup_on = latest.cut_date
            implied = status_for_progress(latest.progress_pct, cm.status)
            if implied != cm.status:
                record_change(s, commitment_id, implied, latest.cut_date, "SEGUIMIENTO", self.db.user)
                cm.status = implied
            fid = f.id
        return next(x for x in self.followups(commitment_id) if x.followup_id == fid)

    def followups(self, commitment_id: str) -> list[FollowUpRow]:
        from rcdesk.services.evidence import EvidenceService

        with self.db.session() as s:
            rows = list(
                s.scalars(
                    select(CommitmentFollowUp)
                    .where(CommitmentFollowUp.commitment_id == commitment_id, CommitmentFollowUp.deleted.is_(False))
                    .order_by(CommitmentFollowUp.cut_date)
                )
            )
            evidence = EvidenceService.list_in(s, EVIDENCE_OWNER, [f.id for f in rows])
            return [
                FollowUpRow(
                    f.id,
                    f.commitment_id,
                    f.cut_date,
                    f.progress_pct,
                    f.narrative,
                    f.reviewer,
                    tuple(evidence.get(f.id, [])),
                )
                for f in rows
            ]

    @staticmethod
    def _c(s, commitment_id: str) -> Commitment:
        c = s.get(Commitment, commitment_id)
        if c is None or c.deleted:
            raise NotFound(f"No existe el compromiso «{commitment_id}».")
        return c

    # -- reading -------------------------------------------------------------------------
    def get(self, commitment_id: str, today: date | None = None) -> CommitmentRow:
        rows = self._rows(select(Commitment).where(Commitment.id == commitment_id), today)
        if not rows:
            raise NotFound(f"No existe el compromiso «{commitment_id}».")
        return rows[0]

    def list_commitments(
        self,
        event_id: str | None = None,
        *,
        overdue_only: bool = False,
        status: str | None = None,
        today: date | None = None,
    ) -> list[CommitmentRow]:
        stmt = select(Commitment).where(Commitment.deleted.is_(False))
        if event_id:
            stmt = stmt.where(Commitment.event_id == event_id)
        if status:
            stmt = stmt.where(Commitment.status == status)
        rows = self._rows(stmt.order_by(Commitment.due_date, Commitment.created_at), today)
        return [r for r in rows if r.overdue] if overdue_only else rows

    def met_pct(self, event_id: str | None = None) -> float | None:
        return commitments_met_pct([c.status for c in self.list_commitments(event_id)])

    def _rows(self, stmt, today: date | None) -> list[CommitmentRow]:
        today = today or date.today()
        with self.db.session() as s:
            items = list(s.scalars(stmt))
            units = {u.id: u.name for u in s.scalars(select(OrgUnit))}
            ev_ids = {c.event_id for c in items if c.event_id}
            events = {e.id: e for e in s.scalars(select(Event).where(Event.id.in_(ev_ids)))} if ev_ids else {}
            co_ids = {c.contribution_id for c in items if c.contribution_id}
            contribs = (
                {c.id: c for c in s.scalars(select(Contribution).where(Contribution.id.in_(co_ids)))} if co_ids else {}
            )
            out = []
            for c in items:
                e, co = events.get(c.event_id), contribs.get(c.contribution_id)
                out.append(
                    CommitmentRow(
                        c.id,
                        c.event_id,
                        e.title if e else "",
                        e.event_date if e else None,
                        c.contribution_id,
                        co.text if co else None,
                        co.mesa if co else None,
                        c.source,
                        c.description,
                        c.responsible_unit_id,
                        units.get(c.responsible_unit_id) or c.responsible_text or "",
                        c.responsible_person,
                        c.due_date,
                        c.deliverable,
                        c.status,
                        float(c.progress_pct or 0),
                        c.last_followup_on,
                        commitment_overdue(c.status, c.due_date, today),
                    )
                )
            return out
