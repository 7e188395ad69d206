"""Events: create/edit/list, invitations, logistics checklist, anonymous tallies, statistics."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from rcdesk.db.base import check_version
from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.events import tallies as tally_rules
from rcdesk.models.events import (
    EVENT_STATUSES,
    EVENT_TYPES,
    INVITATION_STATUSES,
    MODALITIES,
    ROLES,
    Attendance,
    AttendanceTally,
    Event,
    EventInvitation,
)
from rcdesk.models.plans import Plan, PlanActivity
from rcdesk.models.reference import Institution, Territory
from rcdesk.text import clean

DEFAULT_CHECKLIST = [
    "Convocatoria publicada (15 días antes)",
    "Informe preliminar publicado",
    "Local reservado y accesible",
    "Sonido, proyector y transmisión probados",
    "Hojas de asistencia y de conteo anónimo impresas",
    "Encuestas de evaluación impresas",
    "Formatos de preguntas y aportes",
    "Actas preparadas para firma",
]
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class EventInput:
    title: str
    event_date: date
    event_type: str = "DELIBERACION_PUBLICA"
    start_time: str | None = None
    end_time: str | None = None
    modality: str = "PRESENCIAL"
    stream_url: str | None = None
    venue: str | None = None
    territory_id: str | None = None
    plan_id: str | None = None
    institution_id: str | None = None
    period_label: str | None = None
    agenda: str | None = None
    moderator: str | None = None
    secretary: str | None = None
    authority: str | None = None
    status: str = "PLANIFICADO"
    activity_ids: tuple[str, ...] = ()
    stakeholder_groups: tuple[str, ...] = ()
    conclusions: str | None = None


@dataclass(frozen=True)
class EventRow:
    event_id: str
    title: str
    event_type: str
    event_date: date
    start_time: str | None
    end_time: str | None
    modality: str
    stream_url: str | None
    venue: str | None
    territory_id: str | None
    territory_name: str
    territory_code: str
    plan_id: str | None
    institution_id: str | None
    institution_name: str
    country: str
    period_label: str | None
    agenda: str | None
    moderator: str | None
    secretary: str | None
    authority: str | None
    status: str
    activity_ids: tuple[str, ...]
    stakeholder_groups: tuple[str, ...]
    checklist: tuple[tuple[str, bool], ...]
    conclusions: str | None
    attendance: int = 0
    version: int = 1

    @property
    def type_label(self) -> str:
        return EVENT_TYPES.get(self.event_type, self.event_type)

    @property
    def modality_label(self) -> str:
        return MODALITIES.get(self.modality, self.modality)

    @property
    def status_label(self) -> str:
        return EVENT_STATUSES.get(self.status, self.status)

    @property
    def place(self) -> str:
        parts = [p for p in (self.venue, self.territory_name) if p]
        return ", ".join(parts)

    def as_json(self) -> dict:
        return {
            "event_id": self.event_id,
            "title": self.title,
            "type": self.event_type,
            "date": self.event_date.isoformat(),
            "start_time": self.start_time,
            "end_time": self.end_time,
            "modality": self.modality,
            "venue": self.venue,
            "territory": self.territory_code or None,
            "plan_id": self.plan_id,
            "status": self.status,
            "attendance": self.attendance,
        }


@dataclass(frozen=True)
class InvitationRow:
    invitation_id: str
    event_id: str
    name: str
    organization: str | None
    stakeholder_group: str | None
    contact: str | None
    status: str

    @property
    def status_label(self) -> str:
        return INVITATION_STATUSES.get(self.status, self.status)


@dataclass(frozen=True)
class TallyRow:
    event_id: str
    total: int
    counts: dict = field(hash=False)
    registered: int = 0
    warnings: tuple[str, ...] = ()


def validate_event(data: EventInput) -> list[str]:
    problems = []
    if not clean(data.title):
        problems.append("El título del evento es obligatorio.")
    if not isinstance(data.event_date, date):
        problems.append("La fecha del evento es obligatoria (AAAA-MM-DD).")
    if data.event_type not in EVENT_TYPES:
        problems.append(f"Tipo de evento «{data.event_type}» desconocido; use uno de: {', '.join(EVENT_TYPES)}.")
    if data.modality not in MODALITIES:
        problems.append(f"Modalidad «{data.modality}» desconocida (PRESENCIAL, VIRTUAL o MIXTA).")
    if data.status not in EVENT_STATUSES:
        problems.append(f"Estado «{data.status}» desconocido.")
    for label, t in (("inicio", data.start_time), ("fin", data.end_time)):
        if t and not _TIME.match(t.strip()):
            problems.append(f"La hora de {label} «{t}» no es válida (use HH:MM, por ejemplo 09:30).")
    if (
        data.start_time
        and data.end_time
        and _TIME.match(data.start_time.strip())
        and _TIME.match(data.end_time.strip())
        and _minutes(data.end_time) <= _minutes(data.start_time)
    ):
        problems.append("La hora de fin debe ser posterior a la hora de inicio.")
    if data.modality in ("VIRTUAL", "MIXTA") and data.stream_url:
        if not re.match(r"^https?://", data.stream_url.strip()):
            problems.append("El enlace de transmisión debe empezar por http:// o https://.")
    return problems


def _minutes(t: str) -> int:
    h, m = t.strip().split(":")
    return int(h) * 60 + int(m)


def _norm_time(t: str | None) -> str | None:
    if not t or not clean(t):
        return None
    h, m = t.strip().split(":")
    return f"{int(h):02d}:{m}"


class EventService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading -----------------------------------------------------------------------
    def list_events(
        self,
        *,
        year: int | None = None,
        month: int | None = None,
        event_type: str | None = None,
        text: str | None = None,
    ) -> list[EventRow]:
        counts = (
            select(Attendance.event_id, func.count().label("n"))
            .where(Attendance.deleted.is_(False))
            .group_by(Attendance.event_id)
            .subquery()
        )
        stmt = (
            select(Event, Territory, Institution, func.coalesce(counts.c.n, 0))
            .outerjoin(Territory, Territory.id == Event.territory_id)
            .outerjoin(Institution, Institution.id == Event.institution_id)
            .outerjoin(counts, counts.c.event_id == Event.id)
            .where(Event.deleted.is_(False))
        )
        if year:
            lo = date(year, month or 1, 1)
            if month:
                hi = date(year + (month == 12), month % 12 + 1, 1)
            else:
                hi = date(year + 1, 1, 1)
            stmt = stmt.where(Event.event_date >= lo, Event.event_date < hi)
        if event_type:
            stmt = stmt.where(Event.event_type == event_type)
        with self.db.session() as s:
            # indexed, not unpacked: the count column is untyped, so mypy sees the rows as plain sequences
            rows = [
                self._row(r[0], r[1], r[2], r[3])
                for r in s.execute(stmt.order_by(Event.event_date.desc(), Event.start_time))
            ]
        if text:
            from rcdesk.text import fold

            key = fold(text)
            rows = [r for r in rows if key in fold(f"{r.title} {r.place} {r.type_label}")]
        return rows

    def get(self, event_id: str) -> EventRow:
        counts = (
            select(func.count())
            .select_from(Attendance)
            .where(Attendance.event_id == event_id, Attendance.deleted.is_(False))
            .scalar_subquery()
        )
        with self.db.session() as s:
            row = s.execute(
                select(Event, Territory, Institution, counts)
                .outerjoin(Territory, Territory.id == Event.territory_id)
                .outerjoin(Institution, Institution.id == Event.institution_id)
                .where(Event.id == event_id)
            ).first()
            if row is None or row[0].deleted:
                raise NotFound(f"No existe el evento «{event_id}».")
            return self._row(row[0], row[1], row[2], row[3])

    def resolve_event_id(self, text: str) -> str:
        """Full id or an unambiguous prefix (≥ 6 characters), for the command line."""
        from rcdesk.services.lookup import resolve_record_id

        return resolve_record_id(self.db, Event, text, "el evento")

    @staticmethod
    def _row(e: Event, t: Territory | None, i: Institution | None, n: int) -> EventRow:
        return EventRow(
            e.id,
            e.title,
            e.event_type,
            e.event_date,
            e.start_time,
            e.end_time,
            e.modality,
            e.stream_url,
            e.venue,
            e.territory_id,
            t.name if t else "",
            t.code if t else "",
            e.plan_id,
            e.institution_id,
            i.name if i else "",
            (t.country if t else (i.country if i else "EC")),
            e.period_label,
            e.agenda,
            e.moderator,
            e.secretary,
            e.authority,
            e.status,
            tuple(e.activity_ids or ()),
            tuple(e.stakeholder_groups or ()),
            tuple((str(c.get("item", "")), bool(c.get("done"))) for c in (e.checklist or [])),
            e.conclusions,
            int(n or 0),
            e.version,
        )

    # -- writing -----------------------------------------------------------------------
    def create(self, data: EventInput) -> EventRow:
        problems = validate_event(data)
        if problems:
            raise UserError("El evento tiene errores; no se guardó.", details=problems)
        with self.db.begin() as s:
            values = self._checked_values(s, data)
            e = Event(checklist=[{"item": item, "done": False} for item in DEFAULT_CHECKLIST], **values)
            s.add(e)
            s.flush()
            event_id = e.id
        return self.get(event_id)

    def update(self, event_id: str, data: EventInput, *, expected_version: int | None = None) -> EventRow:
        problems = validate_event(data)
        if problems:
            raise UserError("El evento tiene errores; no se guardó.", details=problems)
        with self.db.begin() as s:
            e = self._event(s, event_id)
            check_version(e, expected_version)
            for k, v in self._checked_values(s, data).items():
                if getattr(e, k) != v:
                    setattr(e, k, v)
        return self.get(event_id)

    def delete(self, event_id: str) -> None:
        with self.db.begin() as s:
            self._event(s, event_id).deleted = True

    def set_checklist(self, event_id: str, items: list[tuple[str, bool]]) -> EventRow:
        with self.db.begin() as s:
            e = self._event(s, event_id)
            e.checklist = [{"item": clean(i), "done": bool(d)} for i, d in items if clean(i)]
        return self.get(event_id)

    @staticmethod
    def _event(s, event_id: str) -> Event:
        e = s.get(Event, event_id)
        if e is None or e.deleted:
            raise NotFound(f"No existe el evento «{event_id}».")
        return e

    @staticmethod
    def _checked_values(s, data: EventInput) -> dict:
        institution_id = data.institution_id
        if data.plan_id:
            plan = s.get(Plan, data.plan_id)
            if plan is None or plan.deleted:
                raise NotFound(f"No existe el plan «{data.plan_id}».")
            if data.event_date.year != plan.year:
                raise UserError(
                    f"La fecha del evento ({data.event_date:%d/%m/%Y}) está fuera de la vigencia del plan "
                    f"({plan.year}). Corrija la fecha o elija el plan de {data.event_date.year}; no se guardó."
                )
            institution_id = institution_id or plan.institution_id
            if data.activity_ids:
                found = set(
                    s.scalars(
                        select(PlanActivity.id).where(
                            PlanActivity.id.in_(list(data.activity_ids)),
                            PlanActivity.plan_id == plan.id,
                            PlanActivity.deleted.is_(False),
                        )
                    )
                )
                missing = [a for a in data.activity_ids if a not in found]
                if missing:
                    raise UserError("Algunas actividades elegidas no pertenecen al plan del evento.", details=missing)
        elif data.activity_ids:
            raise UserError("Para vincular actividades, elija primero el plan del evento.")
        if data.territory_id:
            t = s.get(Territory, data.territory_id)
            if t is None or t.deleted:
                raise NotFound("El territorio elegido no existe.")
        if institution_id and s.get(Institution, institution_id) is None:
            raise NotFound("La entidad elegida no existe.")
        return {
            "title": clean(data.title),
            "event_date": data.event_date,
            "event_type": data.event_type,
            "start_time": _norm_time(data.start_time),
            "end_time": _norm_time(data.end_time),
            "modality": data.modality,
            "stream_url": clean(data.stream_url) or None,
            "venue": clean(data.venue) or None,
            "territory_id": data.territory_id,
            "plan_id": data.plan_id,
            "institution_id": institution_id,
            "period_label": clean(data.period_label) or None,
            "agenda": (data.agenda or "").strip() or None,
            "moderator": clean(data.moderator) or None,
            "secretary": clean(data.secretary) or None,
            "authority": clean(data.authority) or None,
            "status": data.status,
            "activity_ids": list(dict.fromkeys(data.activity_ids)),
            "stakeholder_groups": [clean(g) for g in data.stakeholder_groups if clean(g)],
            "conclusions": (data.conclusions or "").strip() or None,
        }

    # -- invitations -------------------------------------------------------------------
    def invitations(self, event_id: str) -> list[InvitationRow]:
        with self.db.session() as s:
            return [
                InvitationRow(i.id, i.event_id, i.name, i.organization, i.stakeholder_group, i.contact, i.status)
                for i in s.scalars(
                    select(EventInvitation)
                    .where(EventInvitation.event_id == event_id, EventInvitation.deleted.is_(False))
                    .order_by(EventInvitation.name)
                )
            ]

    def add_invitation(
        self,
        event_id: str,
        name: str,
        organization: str | None = None,
        stakeholder_group: str | None = None,
        contact: str | None = None,
        status: str = "PENDIENTE",
    ) -> InvitationRow:
        from rcdesk.text import fold

        if not clean(name):
            raise UserError("Falta el nombre del invitado/a.")
        if status not in INVITATION_STATUSES:
            raise UserError(f"Estado de invitación «{status}» desconocido.")
        with self.db.begin() as s:
            self._event(s, event_id)
            key = fold(name)
            for other in s.scalars(
                select(EventInvitation.name).where(
                    EventInvitation.event_id == event_id, EventInvitation.deleted.is_(False)
                )
            ):
                if fold(other) == key:
                    raise UserError(f"{other} ya está en la lista de invitados de este evento.")
            i = EventInvitation(
                event_id=event_id,
                name=clean(name),
                organization=clean(organization) or None,
                stakeholder_group=clean(stakeholder_group) or None,
                contact=clean(contact) or None,
                status=status,
            )
            s.add(i)
            s.flush()
            return InvitationRow(i.id, i.event_id, i.name, i.organization, i.stakeholder_group, i.contact, i.status)

    def invite_person(self, event_id: str, person_id: str, stakeholder_group: str | None = None) -> InvitationRow:
        """Invite someone from the people directory (name, organization and contact copied)."""
        from rcdesk.models.events import Person

        with self.db.session() as s:
            p = s.get(Person, person_id)
            if p is None or p.deleted:
                raise NotFound("La persona ya no está en el directorio.")
            name, org, contact = p.full_name, p.organization, p.email or p.phone
        return self.add_invitation(event_id, name, org, stakeholder_group, contact)

    def remove_invitation(self, invitation_id: str) -> None:
        with self.db.begin() as s:
            i = s.get(EventInvitation, invitation_id)
            if i is None or i.deleted:
                raise NotFound("La invitación no existe.")
            i.deleted = True

    def invitation_counts(self, event_id: str) -> dict[str, int]:
        """{status: n} for every invitation status (zeros included) plus "total"."""
        with self.db.session() as s:
            found = dict(
                s.execute(
                    select(EventInvitation.status, func.count())
                    .where(EventInvitation.event_id == event_id, EventInvitation.deleted.is_(False))
                    .group_by(EventInvitation.status)
                ).all()
            )
        out = {k: int(found.get(k, 0)) for k in INVITATION_STATUSES}
        out["total"] = sum(out.values())
        return out

    def set_invitation_status(self, invitation_id: str, status: str) -> None:
        if status not in INVITATION_STATUSES:
            raise UserError(f"Estado de invitación «{status}» desconocido.")
        with self.db.begin() as s:
            i = s.get(EventInvitation, invitation_id)
            if i is None or i.deleted:
                raise NotFound("La invitación no existe.")
            i.status = status

    # -- anonymous tallies ---------------------------------------------------------------
    def tally(self, event_id: str) -> TallyRow:
        ev = self.get(event_id)
        with self.db.session() as s:
            t = s.scalars(
                select(AttendanceTally).where(AttendanceTally.event_id == event_id, AttendanceTally.deleted.is_(False))
            ).first()
            total, counts = (t.total, dict(t.counts or {})) if t else (ev.attendance, {})
        warnings = []
        if total < ev.attendance:
            warnings.append(f"El total del conteo ({total}) es menor que las personas registradas ({ev.attendance}).")
        return TallyRow(event_id, total, counts, ev.attendance, tuple(warnings))

    def save_tally(self, event_id: str, total: int, counts: dict[str, dict[str, int]]) -> TallyRow:
        ev = self.get(event_id)
        check = tally_rules.validate_tally(total, counts, ev.country)
        with self.db.begin() as s:
            t = s.scalars(
                select(AttendanceTally).where(AttendanceTally.event_id == event_id, AttendanceTally.deleted.is_(False))
            ).first()
            if t is None:
                s.add(AttendanceTally(event_id=event_id, total=total, counts=check.counts))
            else:
                t.total = total
                t.counts = check.counts
        row = self.tally(event_id)
        return TallyRow(row.event_id, row.total, row.counts, row.registered, row.warnings + check.warnings)

    # -- statistics ----------------------------------------------------------------------
    def statistics(self, event_id: str) -> dict[str, list[tuple[str, int]]]:
        """Charts of the event: anonymous tallies + registered attendees by territory/organization/role."""
        ev = self.get(event_id)
        tally = self.tally(event_id)
        eff = tally_rules.effective_counts(tally.total, tally.counts, ev.country)
        dims = tally_rules.dimensions(ev.country)
        out: dict[str, list[tuple[str, int]]] = {}
        for dim, spec in dims.items():
            out[spec["label"]] = [(spec["categories"][c], n) for c, n in eff[dim].items() if n]
        terr = func.coalesce(Territory.name, Attendance.territory_text, "Sin dato")
        org = func.coalesce(func.nullif(Attendance.organization, ""), "Ciudadano/a independiente")
        with self.db.session() as s:
            base = (
                select().select_from(Attendance).where(Attendance.event_id == event_id, Attendance.deleted.is_(False))
            )
            by_terr = s.execute(
                base.add_columns(terr, func.count())
                .outerjoin(Territory, Territory.id == Attendance.territory_id)
                .group_by(terr)
                .order_by(func.count().desc())
            ).all()
            by_org = s.execute(base.add_columns(org, func.count()).group_by(org).order_by(func.count().desc())).all()
            by_role = s.execute(
                base.add_columns(Attendance.role, func.count()).group_by(Attendance.role).order_by(func.count().desc())
            ).all()
        # rows of columns added to an empty select() are untyped: indexed, not unpacked
        out["Por territorio"] = _top([(str(r[0]), int(r[1])) for r in by_terr])
        out["Por organización"] = _top([(str(r[0]), int(r[1])) for r in by_org])
        out["Por rol"] = [(ROLES.get(r[0]) or str(r[0]), int(r[1])) for r in by_role]
        return out


def _top(pairs: list[tuple[str, int]], n: int = 10) -> list[tuple[str, int]]:
    if len(pairs) <= n:
        return pairs
    return pairs[: n - 1] + [("Otros", sum(b for _, b in pairs[n - 1 :]))]
