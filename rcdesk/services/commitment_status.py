"""The dated history of commitment statuses, and the status in force on a given day.

Every change is one `commitment_status_change` row dated from when it holds: by hand, the day it
was set (or the day the user says); through a follow-up, the follow-up's cut date. A row is never
dated before the latest one already there, so the latest row is always the status the commitment
shows today, and a report as of a cut takes the latest row on or before the cut. Before the first
row (a cut earlier than anything recorded) the earliest known status answers, which is what the
reports said before the history existed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rcdesk.models.events import COMMITMENT_STATUSES, CommitmentStatusChange

CAUSES = {
    "ALTA": "Registro del compromiso",
    "MANUAL": "Cambio manual",
    "SEGUIMIENTO": "Seguimiento",
    "HISTORIAL": "Estado previo a la historia",
}


@dataclass(frozen=True)
class StatusChange:
    status: str
    effective_on: date
    cause: str
    changed_by: str | None

    @property
    def status_label(self) -> str:
        return COMMITMENT_STATUSES.get(self.status, self.status)

    @property
    def cause_label(self) -> str:
        return CAUSES.get(self.cause, self.cause)


def record_change(s: Session, commitment_id: str, status: str, on: date, cause: str, user: str | None) -> date:
    """Add the change inside the caller's transaction; returns the date it was recorded with."""
    latest = s.scalar(
        select(func.max(CommitmentStatusChange.effective_on)).where(
            CommitmentStatusChange.commitment_id == commitment_id, CommitmentStatusChange.deleted.is_(False)
        )
    )
    if latest is not None and on < latest:
        on = latest  # never before the latest row: it must stay the status in force today
    s.add(
        CommitmentStatusChange(
            commitment_id=commitment_id, status=status, effective_on=on, cause=cause, changed_by=user or None
        )
    )
    return on


def statuses_at(s: Session, commitment_ids: Iterable[str], cut: date) -> dict[str, str]:
    """{commitment id: status in force on `cut`} for those with a recorded history."""
    ids = list(commitment_ids)
    if not ids:
        return {}
    at: dict[str, str] = {}
    earliest: dict[str, str] = {}
    for cid, status, on in s.execute(
        select(CommitmentStatusChange.commitment_id, CommitmentStatusChange.status, CommitmentStatusChange.effective_on)
        .where(CommitmentStatusChange.commitment_id.in_(ids), CommitmentStatusChange.deleted.is_(False))
        .order_by(CommitmentStatusChange.effective_on, CommitmentStatusChange.created_at)
    ):
        earliest.setdefault(cid, status)
        if on <= cut:
            at[cid] = status
    return {cid: at.get(cid, first) for cid, first in earliest.items()}


def progress_at(s: Session, commitment_ids: Iterable[str], cut: date) -> dict[str, float]:
    """{commitment id: % of its latest follow-up dated on or before `cut`} (absent: none by then)."""
    from rcdesk.models.events import CommitmentFollowUp

    ids = list(commitment_ids)
    out: dict[str, float] = {}
    if not ids:
        return out
    for cid, pct in s.execute(
        select(CommitmentFollowUp.commitment_id, CommitmentFollowUp.progress_pct)
        .where(
            CommitmentFollowUp.commitment_id.in_(ids),
            CommitmentFollowUp.deleted.is_(False),
            CommitmentFollowUp.cut_date <= cut,
        )
        .order_by(CommitmentFollowUp.cut_date, CommitmentFollowUp.created_at)
    ):
        out[cid] = float(pct or 0)
    return out


def history(s: Session, commitment_id: str) -> list[StatusChange]:
    return [
        StatusChange(r.status, r.effective_on, r.cause, r.changed_by)
        for r in s.scalars(
            select(CommitmentStatusChange)
            .where(CommitmentStatusChange.commitment_id == commitment_id, CommitmentStatusChange.deleted.is_(False))
            .order_by(CommitmentStatusChange.effective_on, CommitmentStatusChange.created_at)
        )
    ]


__all__ = ["CAUSES", "StatusChange", "history", "progress_at", "record_change", "statuses_at"]
