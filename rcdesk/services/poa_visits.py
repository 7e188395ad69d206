"""Field visits to the cantons (with units visited, findings and commitments) and
document requests sent by Quipux (oficios) with due dates in business days and overdue
alerts. Returns frozen dataclasses; bad input raises `UserError` and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.followup.business_days import BusinessCalendar
from rcdesk.models.poa import (
    OFICIO_STATES,
    VISIT_COMMITMENT_STATES,
    DocumentRequest,
    FieldVisit,
    FieldVisitCommitment,
    FieldVisitUnit,
)
from rcdesk.models.reference import Institution, OrgUnit, Territory
from rcdesk.services.poa import canton_map
from rcdesk.text import clean

OFICIO_VIEW_STATES = {
    "PENDIENTE": "Pendiente",
    "POR_VENCER": "Por vencer",
    "VENCIDO": "Vencido",
    "RESPONDIDO": "Respondido",
    "RESPONDIDO_TARDE": "Respondido fuera de término",
    "ANULADO": "Anulado",
}
DUE_SOON_DAYS = 2  # business days


@dataclass(frozen=True)
class VisitRow:
    visit_id: str
    territory_id: str
    canton_name: str
    visit_date: date
    team: str
    purpose: str
    findings: str
    recommendations: str
    unit_ids: tuple[str, ...]
    unit_names: tuple[str, ...]
    commitments: int
    open_commitments: int


@dataclass(frozen=True)
class CommitmentRow:
    commitment_id: str
    visit_id: str
    unit_id: str | None
    unit_name: str
    description: str
    responsible: str
    due_date: date | None
    status: str
    overdue: bool

    @property
    def status_label(self) -> str:
        return "Vencido" if self.overdue else VISIT_COMMITMENT_STATES.get(self.status, self.status)


@dataclass(frozen=True)
class OficioRow:
    oficio_id: str
    quipux_no: str
    date_sent: date
    addressee_unit_id: str
    addressee: str
    canton_name: str
    subject: str
    requested_items: str
    term_days: int
    due_date: date
    response_date: date | None
    response_ref: str
    status: str
    state: str  # see OFICIO_VIEW_STATES
    days_late: int  # business days past the due date (0 when on time)

    @property
    def state_label(self) -> str:
        return OFICIO_VIEW_STATES.get(self.state, self.state)

    @property
    def overdue(self) -> bool:
        return self.state == "VENCIDO"


def _date(value: object, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserError(f"{label}: «{value}» no es una fecha válida (use AAAA-MM-DD).") from None


class VisitService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- field visits --------------------------------------------------------------------------
    def add_visit(
        self,
        territory_id: str,
        visit_date: date | str,
        *,
        team: str = "",
        unit_ids: list[str] | tuple[str, ...] = (),
        purpose: str = "",
        findings: str = "",
        recommendations: str = "",
    ) -> VisitRow:
        day = _date(visit_date, "Fecha de la visita")
        with self.db.begin() as s:
            t = s.get(Territory, territory_id)
            if t is None or t.deleted:
                raise NotFound("El cantón no existe.")
            if t.level not in ("CANTON", "MUNICIPIO"):
                raise UserError(f"«{t.name}» no es un cantón; las visitas se registran por cantón.")
            for uid in unit_ids:
                u = s.get(OrgUnit, uid)
                if u is None or u.deleted:
                    raise NotFound(f"La unidad «{uid}» no existe.")
            v = FieldVisit(
                territory_id=territory_id,
                visit_date=day,
                team=(team or "").strip(),
                purpose=(purpose or "").strip(),
                findings=(findings or "").strip(),
                recommendations=(recommendations or "").strip(),
            )
            s.add(v)
            s.flush()
            for uid in dict.fromkeys(unit_ids):
                s.add(FieldVisitUnit(visit_id=v.id, unit_id=uid))
            visit_id = v.id
        return self.visit(visit_id)

    def visits(self, year: int | None = None, canton_id: str | None = None) -> list[VisitRow]:
        with self.db.session() as s:
            stmt = select(FieldVisit).where(FieldVisit.deleted.is_(False))
            if canton_id:
                stmt = stmt.where(FieldVisit.territory_id == canton_id)
            rows = [
                v
                for v in s.scalars(stmt.order_by(FieldVisit.visit_date.desc()))
                if year is None or v.visit_date.year == year
            ]
            return self._visit_rows(s, rows)

    def visit(self, visit_id: str) -> VisitRow:
        with self.db.session() as s:
            v = s.get(FieldVisit, visit_id)
            if v is None or v.deleted:
                raise NotFound("La visita no existe.")
            return self._visit_rows(s, [v])[0]

    def _visit_rows(self, s, visits: list[FieldVisit]) -> list[VisitRow]:
        if not visits:
            return []
        ids = [v.id for v in visits]
        names = dict(s.execute(select(OrgUnit.id, OrgUnit.name)).all())
        tnames = dict(s.execute(select(Territory.id, Territory.name)).all())
        units: dict[str, list[str]] = {}
        for vid, uid in s.execute(
            select(FieldVisitUnit.visit_id, FieldVisitUnit.unit_id).where(
                FieldVisitUnit.visit_id.in_(ids), FieldVisitUnit.deleted.is_(False)
            )
        ):
            units.setdefault(vid, []).append(uid)
        total: dict[str, int] = {}
        open_: dict[str, int] = {}
        for vid, status in s.execute(
            select(FieldVisitCommitment.visit_id, FieldVisitCommitment.status).where(
                FieldVisitCommitment.visit_id.in_(ids), FieldVisitCommitment.deleted.is_(False)
            )
        ):
            total[vid] = total.get(vid, 0) + 1
            if status == "PENDIENTE":
                open_[vid] = open_.get(vid, 0) + 1
        out = []
        for v in visits:
            uids = tuple(sorted(units.get(v.id, []), key=lambda u: names.get(u, "")))
            out.append(
                VisitRow(
                    v.id,
                    v.territory_id,
                    tnames.get(v.territory_id, ""),
                    v.visit_date,
                    v.team,
                    v.purpose,
                    v.findings,
                    v.recommendations,
                    uids,
                    tuple(names.get(u, "") for u in uids),
                    total.get(v.id, 0),
                    open_.get(v.id, 0),
                )
            )
        return out

    # -- commitments -------------------------------------------------------------------------
    def add_commitment(
        self,
        visit_id: str,
        description: str,
        *,
        unit_id: str | None = None,
        responsible: str = "",
        due_date: date | str | None = None,
    ) -> CommitmentRow:
        if not clean(description):
            raise UserError("Falta la descripción del compromiso.")
        due = _date(due_date, "Fecha límite") if due_date not in (None, "") else None
        with self.db.begin() as s:
            v = s.get(FieldVisit, visit_id)
            if v is None or v.deleted:
                raise NotFound("La visita no existe.")
            if due is not None and due < v.visit_date:
                raise UserError("La fecha límite del compromiso no puede ser anterior a la visita.")
            if unit_id and s.get(OrgUnit, unit_id) is None:
                raise NotFound("La unidad no existe.")
            c = FieldVisitCommitment(
                visit_id=visit_id,
                unit_id=unit_id or None,
                description=clean(description),
                responsible=clean(responsible)[:200],
                due_date=due,
                status="PENDIENTE",
            )
            s.add(c)
            s.flush()
            cid = c.id
        return next(c for c in self.commitments(visit_id) if c.commitment_id == cid)

    def set_commitment_status(self, commitment_id: str, status: str) -> None:
        if status not in VISIT_COMMITMENT_STATES:
            raise UserError(f"Estado «{status}» desconocido ({', '.join(VISIT_COMMITMENT_STATES)}).")
        with self.db.begin() as s:
            c = s.get(FieldVisitCommitment, commitment_id)
            if c is None or c.deleted:
                raise NotFound("El compromiso no existe.")
            c.status = status

    def commitments(self, visit_id: str | None = None, *, today: date | None = None) -> list[CommitmentRow]:
        today = today or date.today()
        with self.db.session() as s:
            names = dict(s.execute(select(OrgUnit.id, OrgUnit.name)).all())
            stmt = select(FieldVisitCommitment).where(FieldVisitCommitment.deleted.is_(False))
            if visit_id:
                stmt = stmt.where(FieldVisitCommitment.visit_id == visit_id)
            return [
                CommitmentRow(
                    c.id,
                    c.visit_id,
                    c.unit_id,
                    names.get(c.unit_id, "") if c.unit_id else "",
                    c.description,
                    c.responsible,
                    c.due_date,
                    c.status,
                    c.status == "PENDIENTE" and c.due_date is not None and today > c.due_date,
                )
                for c in s.scalars(stmt.order_by(FieldVisitCommitment.due_date, FieldVisitCommitment.created_at))
            ]

    # -- oficios -----------------------------------------------------------------------------
    def _calendar(self, country: str, years: list[int]) -> BusinessCalendar:
        from rcdesk.services.calendar import CalendarService

        return CalendarService(self.db).business_calendar(country, years=years)

    def _country_of(self, unit_id: str) -> str:
        with self.db.session() as s:
            u = s.get(OrgUnit, unit_id)
            if u is None or u.deleted:
                raise NotFound("La unidad destinataria no existe.")
            inst = s.get(Institution, u.institution_id)
            return inst.country if inst else "EC"

    def due_date(self, unit_id: str, date_sent: date, term_days: int) -> date:
        cal = self._calendar(self._country_of(unit_id), [date_sent.year, date_sent.year + 1])
        return cal.add_business_days(date_sent, int(term_days))

    def add_oficio(
        self,
        quipux_no: str,
        date_sent: date | str,
        addressee_unit_id: str,
        subject: str,
        *,
        term_days: int = 10,
        requested_items: str = "",
    ) -> OficioRow:
        quipux_no = clean(quipux_no)
        if not quipux_no:
            raise UserError("Falta el número de oficio (Quipux).")
        if not clean(subject):
            raise UserError("Falta el asunto del oficio.")
        sent = _date(date_sent, "Fecha de envío")
        try:
            term = int(term_days)
        except (TypeError, ValueError):
            raise UserError(f"Término: «{term_days}» no es un número de días.") from None
        if not 1 <= term <= 365:
            raise UserError("El término debe estar entre 1 y 365 días hábiles.")
        due = self.due_date(addressee_unit_id, sent, term)  # also checks the unit
        with self.db.begin() as s:
            dup = s.scalars(
                select(DocumentRequest.id).where(
                    DocumentRequest.quipux_no == quipux_no, DocumentRequest.deleted.is_(False)
                )
            ).first()
            if dup:
                raise UserError(f"Ya está registrado el oficio «{quipux_no}».")
            o = DocumentRequest(
                quipux_no=quipux_no[:60],
                date_sent=sent,
                addressee_unit_id=addressee_unit_id,
                subject=clean(subject),
                requested_items=(requested_items or "").strip(),
                term_days=term,
                due_date=due,
                response_ref="",
                status="ENVIADO",
            )
            s.add(o)
            s.flush()
            oid = o.id
        return self.oficio(oid)

    def answer_oficio(self, oficio_id: str, response_date: date | str, response_ref: str = "") -> OficioRow:
        day = _date(response_date, "Fecha de respuesta")
        with self.db.begin() as s:
            o = s.get(DocumentRequest, oficio_id)
            if o is None or o.deleted:
                raise NotFound("El oficio no existe.")
            if o.status == "ANULADO":
                raise UserError("El oficio está anulado.")
            if day < o.date_sent:
                raise UserError("La fecha de respuesta no puede ser anterior al envío del oficio.")
            o.response_date = day
            o.response_ref = clean(response_ref)[:60]
            o.status = "RESPONDIDO"
        return self.oficio(oficio_id)

    def cancel_oficio(self, oficio_id: str) -> OficioRow:
        with self.db.begin() as s:
            o = s.get(DocumentRequest, oficio_id)
            if o is None or o.deleted:
                raise NotFound("El oficio no existe.")
            o.status = "ANULADO"
        return self.oficio(oficio_id)

    def oficio(self, oficio_id: str, today: date | None = None) -> OficioRow:
        for row in self.oficios(today=today, _ids=[oficio_id]):
            return row
        raise NotFound("El oficio no existe.")

    def oficios(
        self,
        *,
        state: str | None = None,
        unit_id: str | None = None,
        today: date | None = None,
        _ids: list[str] | None = None,
    ) -> list[OficioRow]:
        """Oficios with their state at `today`; `state` filters (e.g. "VENCIDO")."""
        today = today or date.today()
        with self.db.session() as s:
            stmt = select(DocumentRequest).where(DocumentRequest.deleted.is_(False))
            if _ids:
                stmt = stmt.where(DocumentRequest.id.in_(_ids))
            if unit_id:
                stmt = stmt.where(DocumentRequest.addressee_unit_id == unit_id)
            rows = list(s.scalars(stmt.order_by(DocumentRequest.date_sent.desc())))
            units = {u.id: (u.name, u.territory_id, u.institution_id) for u in s.scalars(select(OrgUnit))}
            countries: dict[str | None, str] = dict(s.execute(select(Institution.id, Institution.country)).all())
            cmap = canton_map(s)
        cals: dict[str, BusinessCalendar] = {}
        out = []
        for o in rows:
            name, tid, inst = units.get(o.addressee_unit_id, ("", None, None))
            country = countries.get(inst, "EC")
            if country not in cals:
                years = sorted({today.year, today.year - 1, *(r.date_sent.year for r in rows)})
                cals[country] = self._calendar(country, years)
            cal = cals[country]
            late = 0
            if o.status == "ANULADO":
                st = "ANULADO"
            elif o.status == "RESPONDIDO":
                late = max(0, cal.business_days_between(o.due_date, o.response_date)) if o.response_date else 0
                st = "RESPONDIDO_TARDE" if late > 0 else "RESPONDIDO"
            elif today > o.due_date:
                late = cal.business_days_between(o.due_date, today)
                st = "VENCIDO"
            elif cal.business_days_between(today, o.due_date) <= DUE_SOON_DAYS:
                st = "POR_VENCER"
            else:
                st = "PENDIENTE"
            if state and st != state:
                continue
            canton = cmap.get(tid, (None, ""))[1] if tid else ""
            out.append(
                OficioRow(
                    o.id,
                    o.quipux_no,
                    o.date_sent,
                    o.addressee_unit_id,
                    name,
                    canton,
                    o.subject,
                    o.requested_items,
                    o.term_days,
                    o.due_date,
                    o.response_date,
                    o.response_ref,
                    o.status,
                    st,
                    late,
                )
            )
        return out

    def overdue(self, today: date | None = None) -> tuple[list[OficioRow], list[CommitmentRow]]:
        """Alerts: oficios past their term without answer, and visit commitments past due."""
        oficios = self.oficios(state="VENCIDO", today=today)
        commitments = [c for c in self.commitments(today=today) if c.overdue]
        return oficios, commitments


__all__ = ["CommitmentRow", "OFICIO_STATES", "OFICIO_VIEW_STATES", "OficioRow", "VisitRow", "VisitService"]
