"""«Informe en lenguaje claro»: the headline figures of a period and short Spanish sentences
written from them, for citizens (MURC and CPCCS both ask for clear language).

Periods: a year («2025»), a cuatrimestre («2025-C2») or a trimestre («2025-T3»). Figures:
- activities whose deadline falls in the period, and how many were done by its last day;
- average compliance at the period's last day over every programmed activity (§4.1: the mean of
  the rows, each capped at 100 %);
- dialogue spaces held in the period (team meetings excluded) and their participants;
- aportes received in those spaces and how many became a commitment;
- commitments whose deadline falls in the period and how many are fulfilled.
With `plan_id` only that plan and its events count; otherwise every plan of the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rcdesk.compliance import Compliance, aggregate
from rcdesk.errors import UserError
from rcdesk.followup.periods import MONTHS_LONG, days_in_month

if TYPE_CHECKING:
    from rcdesk.followup.compute import ActivityStatus

_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-/ ]\s*([A-Za-z])\s*(\d{1,2}))?\s*$")
_KINDS = {"C": ("cuatrimestre", 4, 3), "T": ("trimestre", 3, 4)}
_ORDINAL = ("primer", "segundo", "tercer", "cuarto")
_WORDS = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date
    label: str  # "segundo cuatrimestre de 2025 (mayo a agosto)"


def parse_period(text: str) -> Period:
    """«2025», «2025-C2» or «2025-T3»; a Spanish UserError for anything else."""
    hint = "use un año (2025), un cuatrimestre (2025-C1 a 2025-C3) o un trimestre (2025-T1 a 2025-T4)"
    m = _PERIOD.match(str(text or ""))
    if not m:
        raise UserError(f"Periodo «{text}» no reconocido: {hint}.")
    year = int(m.group(1))
    if not 2000 <= year <= 2100:
        raise UserError(f"El año {year} del periodo «{text}» no es válido.")
    if m.group(2) is None:
        return Period(str(year), date(year, 1, 1), date(year, 12, 31), f"año {year}")
    letter, no = m.group(2).upper(), int(m.group(3))
    if letter not in _KINDS:
        raise UserError(f"Periodo «{text}» no reconocido: {hint}.")
    name, months, count = _KINDS[letter]
    if not 1 <= no <= count:
        raise UserError(
            f"El {name} {no} no existe: un año tiene {count} {name}s ({year}-{letter}1 a {year}-{letter}{count})."
        )
    m1 = (no - 1) * months + 1
    m2 = m1 + months - 1
    return Period(
        f"{year}-{letter}{no}",
        date(year, m1, 1),
        date(year, m2, days_in_month(year, m2)),
        f"{_ORDINAL[no - 1]} {name} de {year} ({MONTHS_LONG[m1 - 1]} a {MONTHS_LONG[m2 - 1]})",
    )


@dataclass(frozen=True)
class CitizenSummary:
    entity: str
    period: Period
    plans: int
    activities_planned: int
    activities_done: int
    compliance: Compliance
    spaces: int
    participants: int
    by_gender: tuple[tuple[str, int], ...]  # from the anonymous tallies, for the chart
    contributions: int
    incorporated: int
    commitments_made: int
    commitments_due: int
    commitments_met: int
    sentences: tuple[str, ...]

    @property
    def title(self) -> str:
        return "Informe en lenguaje claro"


def build_citizen_summary(db, period: str | Period, *, plan_id: str | None = None) -> CitizenSummary:
    from rcdesk.services.followup import FollowupService
    from rcdesk.services.plans import PlanService

    p = period if isinstance(period, Period) else parse_period(period)
    plans = PlanService(db)
    if plan_id:
        chosen = [plans.summary(plan_id)]
        if chosen[0].year != p.start.year:
            raise UserError(f"El plan es de la vigencia {chosen[0].year}; el periodo {p.code} está fuera de ella.")
    else:
        chosen = [s for s in plans.list_plans() if s.year == p.start.year]
    fu = FollowupService(db)
    statuses: list[ActivityStatus] = []
    activity_ids: set[str] = set()
    for s in chosen:
        d = fu.dashboard(s.plan_id, cut=p.end, today=p.end, with_reports=False)
        statuses += d.activities
        activity_ids |= {a.activity_id for a in d.activities}
    in_period = [a for a in statuses if a.due is not None and p.start <= a.due <= p.end]
    events = _events(db, p, plan_id, activity_ids)
    entities = sorted({s.entity for s in chosen} or {e["entity"] for e in events.values() if e["entity"]})
    if not chosen and not events:
        raise UserError(f"No hay planes ni eventos del {p.label}: nada que resumir.")
    summary = CitizenSummary(
        entity=" · ".join(entities) or "Entidad",
        period=p,
        plans=len(chosen),
        activities_planned=len(in_period),
        activities_done=sum(1 for a in in_period if a.done),
        compliance=aggregate(a.compliance for a in statuses),
        spaces=len(events),
        participants=sum(e["participants"] for e in events.values()),
        by_gender=_gender_totals(events),
        **_aportes_and_commitments(db, p, plan_id, list(events)),
        sentences=(),
    )
    from dataclasses import replace

    return replace(summary, sentences=tuple(sentences(summary)))


def _events(db, p: Period, plan_id: str | None, activity_ids: set[str]) -> dict[str, dict]:
    from sqlalchemy import func, select

    from rcdesk.events import tallies
    from rcdesk.models.events import Attendance, AttendanceTally, Event
    from rcdesk.models.reference import Institution
    from rcdesk.services.murc_report import INTERNAL_TYPES

    with db.session() as s:
        rows = [
            e
            for e in s.scalars(
                select(Event).where(
                    Event.deleted.is_(False),
                    Event.status == "REALIZADO",
                    Event.event_type.not_in(INTERNAL_TYPES),
                    Event.event_date >= p.start,
                    Event.event_date <= p.end,
                )
            )
            if plan_id is None or e.plan_id == plan_id or activity_ids.intersection(e.activity_ids or ())
        ]
        ids = [e.id for e in rows]
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
        inst = {i.id: (i.name, i.country) for i in s.scalars(select(Institution))}
        out = {}
        for e in rows:
            name, country = inst.get(e.institution_id, ("", "EC"))
            t = tally.get(e.id)
            total = t.total if t else int(registered.get(e.id, 0))
            gender = {}
            if t and t.counts.get("genero"):
                spec = tallies.dimensions(country).get("genero", {})
                eff = tallies.effective_counts(total, t.counts, country).get("genero", {})
                gender = {spec["categories"].get(c, c): n for c, n in eff.items() if n}
            out[e.id] = {"participants": total, "gender": gender, "entity": name}
        return out


def _gender_totals(events: dict[str, dict]) -> tuple[tuple[str, int], ...]:
    from collections import Counter

    total: Counter = Counter()
    unknown = 0
    for e in events.values():
        total.update(e["gender"])
        unknown += e["participants"] - sum(e["gender"].values())
    if not total:
        return ()
    # people of spaces without a gender count stay visible, or the chart would speak for them
    return tuple(sorted(total.items(), key=lambda kv: -kv[1])) + ((("Sin dato", unknown),) if unknown > 0 else ())


def _aportes_and_commitments(db, p: Period, plan_id: str | None, event_ids: list[str]) -> dict:
    from sqlalchemy import select

    from rcdesk.models.events import Commitment, Contribution, Event
    from rcdesk.services.commitment_status import statuses_at

    with db.session() as s:
        contributions = list(
            s.scalars(
                select(Contribution.id).where(Contribution.event_id.in_(event_ids), Contribution.deleted.is_(False))
            )
        )
        made = list(
            s.scalars(select(Commitment).where(Commitment.event_id.in_(event_ids), Commitment.deleted.is_(False)))
        )
        incorporated = {c.contribution_id for c in made if c.contribution_id}
        stmt = select(Commitment.id, Commitment.status).where(
            Commitment.deleted.is_(False),
            Commitment.due_date >= p.start,
            Commitment.due_date <= p.end,
        )
        if plan_id:
            stmt = stmt.join(Event, Event.id == Commitment.event_id).where(Event.plan_id == plan_id)
        rows = s.execute(stmt).all()
        # statuses as of the period's last day (their dated history), not as they stand today
        then = statuses_at(s, [cid for cid, _ in rows], p.end)
        due = [st for st in (then.get(cid, now) for cid, now in rows) if st != "NO_APLICA"]
    return {
        "contributions": len(contributions),
        "incorporated": sum(1 for c in contributions if c in incorporated),
        "commitments_made": len(made),
        "commitments_due": len(due),
        "commitments_met": sum(1 for st in due if st == "CUMPLIDO"),
    }


# -- plain-language Spanish -------------------------------------------------------------------
def number_text(n: int | float, *, decimals: int = 0) -> str:
    """1.250 and 83,3: the thousands point and the decimal comma."""
    text = f"{n:,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if decimals and text.endswith("," + "0" * decimals):
        text = text[: -(decimals + 1)]
    return text


def count(n: int, singular: str, plural: str, *, feminine: bool = False) -> str:
    """«una actividad», «tres compromisos», «15 personas»: small numbers in words."""
    if n == 1:
        return f"{'una' if feminine else 'un'} {singular}"
    if 2 <= n <= 9:
        return f"{_WORDS[n]} {plural}"
    return f"{number_text(n)} {plural}"


def _pronoun(n: int, *, feminine: bool = False) -> str:
    """«una», «uno», «tres», «12»: a count standing alone."""
    if n == 1:
        return "una" if feminine else "uno"
    return _WORDS[n] if 0 <= n <= 9 else number_text(n)


def sentences(s: CitizenSummary) -> list[str]:
    out = []
    if s.activities_planned:
        done = s.activities_done
        out.append(
            f"Para este periodo teníamos {count(s.activities_planned, 'actividad', 'actividades', feminine=True)}"
            f" con fecha de entrega. "
            + (
                "Las cumplimos todas."
                if done == s.activities_planned
                else "Todavía no cumplimos ninguna."
                if done == 0
                else f"Cumplimos {_pronoun(done, feminine=True)}."
            )
        )
    else:
        out.append("Ninguna actividad del plan tenía fecha de entrega en este periodo.")
    rated = s.compliance.rated  # None exactly when nothing was planned
    if rated is not None:
        pct = number_text(float(rated), decimals=1)
        out.append(f"En promedio, avanzamos el {pct} % de lo que estaba previsto hasta el último día del periodo.")
    if s.spaces:
        out.append(
            f"Hicimos {count(s.spaces, 'encuentro', 'encuentros')} con la ciudadanía. "
            + (
                f"Participaron {count(s.participants, 'persona', 'personas', feminine=True)}."
                if s.participants
                else "No se registró cuántas personas participaron."
            )
        )
    else:
        out.append("En este periodo no hubo encuentros con la ciudadanía.")
    if s.contributions:
        out.append(
            f"Ustedes nos dieron {count(s.contributions, 'aporte', 'aportes')}. "
            + (
                "Ninguno se convirtió todavía en un compromiso."
                if not s.incorporated
                else "Todos se convirtieron en compromisos."
                if s.incorporated == s.contributions
                else f"{_pronoun(s.incorporated).capitalize()} se "
                f"{'convirtió' if s.incorporated == 1 else 'convirtieron'} en "
                f"{'compromiso' if s.incorporated == 1 else 'compromisos'}."
            )
        )
    elif s.spaces:
        out.append("En los encuentros no se registraron aportes de la ciudadanía.")
    if s.commitments_due:
        met = s.commitments_met
        out.append(
            f"{count(s.commitments_due, 'compromiso', 'compromisos').capitalize()} "
            f"{'vencía' if s.commitments_due == 1 else 'vencían'} en este periodo. "
            + (
                "Los cumplimos todos."
                if met == s.commitments_due
                else "Todavía no cumplimos ninguno."
                if met == 0
                else f"Cumplimos {_pronoun(met)}."
            )
        )
    elif s.commitments_made:
        out.append(
            f"Asumimos {count(s.commitments_made, 'compromiso nuevo', 'compromisos nuevos')}; "
            "sus plazos vencen después de este periodo."
        )
    return out


__all__ = ["CitizenSummary", "Period", "build_citizen_summary", "count", "number_text", "parse_period", "sentences"]
