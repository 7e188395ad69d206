"""Data-subject requests and retention (domain.md §9.3 items 4 and 6; LOPDP / Ley 1581).

- `search`: people of the directory by name or ID number (FTS5, accent-insensitive).
- `dossier`: everything held about a person: directory entry, attendance in every event,
  consent records, citizen questions, contributions and the commitments they became, and
  invitations. Records are tied to the person by the directory link or the ID number
  ("documento") and, for free-text fields such as the asker of a question, by the exact
  name ("nombre", accent/case-insensitive) when no other ID number contradicts it.
- `rectify`: corrects name, ID number and contact on the person and on their attendance rows.
- `revoke_consent`: removes a scope from the person's consent records and erases what depended
  on it (CONTACTO → phone/e-mail; DATOS_SENSIBLES → gender/self-identification on named rows;
  IDENTIFICACION → the identity itself, i.e. anonymisation).
- `anonymize`: replaces every personal value with an anonymous one as a NORMAL versioned
  update (version, change_seq), so the change travels through sync like any edit and the
  person's directory entry becomes a tombstone. Attendance rows stay (anonymous counts and
  event history survive); the audit log records the anonymisation but never the removed values,
  and earlier audit entries and open sync conflicts of those records get their personal values
  blanked too.
- Retention (§9.3-4): years to keep identities per record type (setting
  `privacy.retention_years`), a preview of what is past retention and a bulk anonymisation in
  one transaction (Core executemany; a cancel leaves the database unchanged).

Issued actas are archived documents whose SHA-256 fingerprint is printed on paper; their stored
content is left untouched (the entity's archive rules govern them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, or_, select, text, update

from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.ids import utcnow
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.events import CONSENT_SCOPES, INVITATION_STATUSES, QUESTION_CHANNELS, ROLES
from rcdesk.text import clean, fold

ANON_NAME = "Persona anonimizada"
BLANKED = "[anonimizado]"
RETENTION_KEY = "privacy.retention_years"
RECORD_TYPES = {
    "attendance": "Asistencia: identidad de asistentes y directorio",
    "question": "Preguntas ciudadanas: nombre, documento y contacto de quien pregunta",
    "contribution": "Aportes: nombre de quien aporta",
    "invitation": "Invitaciones: nombre y contacto de invitados",
}
DEFAULT_RETENTION = {"attendance": 5, "question": 5, "contribution": 5, "invitation": 2}
MAX_YEARS = 100
_CHUNK = 500


# -- rows ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonHit:
    person_id: str
    full_name: str
    id_number: str | None
    organization: str | None
    territory: str | None


@dataclass(frozen=True)
class Dossier:
    """Everything held about one person (the answer to an access request)."""

    person: dict
    attendance: tuple[dict, ...]
    consents: tuple[dict, ...]
    questions: tuple[dict, ...]
    contributions: tuple[dict, ...]
    commitments: tuple[dict, ...]
    invitations: tuple[dict, ...]
    generated_at: datetime
    entity: str = ""

    def counts(self) -> dict[str, int]:
        return {
            "attendance": len(self.attendance),
            "consents": len(self.consents),
            "questions": len(self.questions),
            "contributions": len(self.contributions),
            "commitments": len(self.commitments),
            "invitations": len(self.invitations),
        }

    def as_json(self) -> dict:
        return _jsonable(
            {
                "document": "Datos personales que la entidad conserva sobre el/la titular",
                "generated_at": self.generated_at,
                "entity": self.entity,
                "person": self.person,
                "attendance": list(self.attendance),
                "consents": list(self.consents),
                "questions": list(self.questions),
                "contributions": list(self.contributions),
                "commitments": list(self.commitments),
                "invitations": list(self.invitations),
            }
        )


@dataclass(frozen=True)
class RetentionEvent:
    event_id: str | None
    title: str
    event_date: date | None
    attendance: int = 0
    questions: int = 0
    contributions: int = 0
    invitations: int = 0

    @property
    def total(self) -> int:
        return self.attendance + self.questions + self.contributions + self.invitations


# the title and date a retention line shows for questions received outside any event
_NO_EVENT: tuple[str, date | None] = ("Preguntas recibidas fuera de eventos", None)


@dataclass(frozen=True)
class RetentionPreview:
    today: date
    years: dict = field(hash=False)
    events: tuple[RetentionEvent, ...] = ()
    people: int = 0  # directory entries whose every attendance is past retention

    def totals(self) -> dict[str, int]:
        out = {
            k: sum(getattr(e, k) for e in self.events)
            for k in ("attendance", "questions", "contributions", "invitations")
        }
        out["people"] = self.people
        return out

    @property
    def empty(self) -> bool:
        return not any(self.totals().values())


def _jsonable(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


def _personal_columns(table) -> list[str]:
    return [c.name for c in table.columns if c.info.get("personal")]


class PrivacyService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- search ----------------------------------------------------------------------------
    def search(self, text_: str, limit: int = 50) -> list[PersonHit]:
        from rcdesk.services.attendance import AttendanceService
        from rcdesk.validation.ids import check_id

        if not clean(text_):
            raise UserError("Escriba parte del nombre o el número de documento de la persona.")
        hits = {
            p.person_id: PersonHit(p.person_id, p.full_name, p.id_number, p.organization, p.territory_text)
            for p in AttendanceService(self.db).search_people(text_, 0, limit)
        }
        # an ID number typed with dashes or without its leading zero still finds the person
        from rcdesk.models.events import Person

        for country in ("EC", "CO"):
            number = check_id(text_, country).number
            if number and number.isdigit():
                with self.db.session() as s:
                    for p in s.scalars(select(Person).where(Person.id_number == number, Person.deleted.is_(False))):
                        hits.setdefault(
                            p.id, PersonHit(p.id, p.full_name, p.id_number, p.organization, p.territory_text)
                        )
        return list(hits.values())[:limit]

    def resolve_person_id(self, text_: str) -> str:
        """Full id or an unambiguous prefix (≥ 6 characters), for the command line."""
        from rcdesk.models.events import Person
        from rcdesk.services.lookup import resolve_record_id

        return resolve_record_id(self.db, Person, text_, "la persona", hint="Búsquela con: rcdesk person search TEXTO")

    # -- what is held about a person ----------------------------------------------------------
    def _person(self, s, person_id: str):
        from rcdesk.models.events import Person

        p = s.get(Person, person_id)
        if p is None:
            raise NotFound(f"No existe la persona «{person_id}» en el directorio.")
        return p

    @staticmethod
    def _is_anonymous(p) -> bool:
        return p.full_name == ANON_NAME and not p.id_number

    def _matches(self, s, p) -> dict:
        """ORM objects linked to person `p`: {kind: [(obj, how)]} with how = registro|documento|nombre."""
        from rcdesk.models.events import (
            Attendance,
            CitizenQuestion,
            Commitment,
            ConsentRecord,
            Contribution,
            EventInvitation,
        )

        anonymous = self._is_anonymous(p)
        key = "" if anonymous else fold(p.full_name)
        number = p.id_number
        out: dict[str, list] = {
            k: [] for k in ("attendance", "consents", "questions", "contributions", "commitments", "invitations")
        }
        conds = [Attendance.person_id == p.id]
        if number:
            conds.append(Attendance.id_number == number)
        if key:  # rows typed without a valid ID number: same name, no other number
            first = key.split(" ")[0].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conds.append(
                (Attendance.person_id.is_(None))
                & (Attendance.id_number.is_(None))
                & Attendance.search_text.like(f"{first}%", escape="\\")
            )
        seen = set()
        for a in s.scalars(
            select(Attendance).where(or_(*conds), Attendance.deleted.is_(False)).order_by(Attendance.created_at)
        ):
            if a.person_id == p.id:
                how = "registro"
            elif number and a.id_number == number:
                how = "documento"
            elif key and fold(a.full_name) == key:
                how = "nombre"
            else:
                continue
            seen.add(a.id)
            out["attendance"].append((a, how))
        consent_ids = {a.consent_id for a, _ in out["attendance"] if a.consent_id}
        cons = select(ConsentRecord).where(
            ConsentRecord.deleted.is_(False),
            or_(ConsentRecord.person_id == p.id, ConsentRecord.id.in_(list(consent_ids) or [""])),
        )
        out["consents"] = [(c, "registro") for c in s.scalars(cons.order_by(ConsentRecord.given_at))]
        for q in s.scalars(
            select(CitizenQuestion).where(CitizenQuestion.deleted.is_(False)).order_by(CitizenQuestion.received_on)
        ):
            if number and q.asker_id == number:
                out["questions"].append((q, "documento"))
            elif key and fold(q.asker_name) == key and (not q.asker_id or q.asker_id == number):
                out["questions"].append((q, "nombre"))
        if key:
            for c in s.scalars(
                select(Contribution)
                .where(Contribution.deleted.is_(False), Contribution.submitted_by.is_not(None))
                .order_by(Contribution.created_at)
            ):
                if fold(c.submitted_by) == key:
                    out["contributions"].append((c, "nombre"))
            for i in s.scalars(
                select(EventInvitation).where(EventInvitation.deleted.is_(False)).order_by(EventInvitation.created_at)
            ):
                if fold(i.name) == key:
                    out["invitations"].append((i, "nombre"))
        contribution_ids = [c.id for c, _ in out["contributions"]]
        if contribution_ids:
            out["commitments"] = [
                (c, "aporte")
                for c in s.scalars(
                    select(Commitment)
                    .where(Commitment.contribution_id.in_(contribution_ids), Commitment.deleted.is_(False))
                    .order_by(Commitment.due_date)
                )
            ]
        return out

    def dossier(self, person_id: str) -> Dossier:
        from rcdesk.models.events import COMMITMENT_STATUSES, Event
        from rcdesk.models.reference import Institution, Territory

        with self.db.session() as s:
            p = self._person(s, person_id)
            m = self._matches(s, p)
            events: dict[str, Event | None] = {}

            def ev(eid: str | None) -> dict:
                if not eid:
                    return {"event_title": "", "event_date": None}
                if eid not in events:
                    events[eid] = s.get(Event, eid)
                e = events[eid]
                return {"event_title": e.title if e else "", "event_date": e.event_date if e else None}

            def terr(tid: str | None, text_: str | None) -> str:
                t = s.get(Territory, tid) if tid else None
                return t.name if t else (text_ or "")

            person = {
                "person_id": p.id,
                "full_name": p.full_name,
                "id_type": p.id_type,
                "id_number": p.id_number,
                "organization": p.organization,
                "role": ROLES.get(p.role or "", p.role),
                "territory": terr(p.territory_id, p.territory_text),
                "phone": p.phone,
                "email": p.email,
                "is_minor": bool(p.is_minor),
                "anonymized": self._is_anonymous(p),
                "first_seen": p.created_at,
                "last_change": p.updated_at,
            }
            attendance = tuple(
                {
                    **ev(a.event_id),
                    "attendance_id": a.id,
                    "seq_no": a.seq_no,
                    "full_name": a.full_name,
                    "id_number": a.id_number,
                    "organization": a.organization,
                    "role": ROLES.get(a.role, a.role),
                    "territory": terr(a.territory_id, a.territory_text),
                    "phone": a.phone,
                    "email": a.email,
                    "is_minor": bool(a.is_minor),
                    "gender": a.gender,
                    "ethnicity": a.ethnicity,
                    "signed_on_paper": bool(a.signed_on_paper),
                    "match": how,
                }
                for a, how in m["attendance"]
            )
            consents = tuple(
                {
                    **ev(c.event_id),
                    "consent_id": c.id,
                    "form": c.form,
                    "notice_version": c.notice_version,
                    "scopes": [CONSENT_SCOPES.get(x, x) for x in (c.scopes or [])],
                    "channel": c.channel,
                    "given_at": c.given_at,
                    "guardian_name": c.guardian_name,
                    "revoked_at": c.revoked_at,
                }
                for c, _ in m["consents"]
            )
            questions = tuple(
                {
                    **ev(q.event_id),
                    "question_id": q.id,
                    "received_on": q.received_on,
                    "channel": QUESTION_CHANNELS.get(q.channel, q.channel),
                    "asker_name": q.asker_name,
                    "asker_id": q.asker_id,
                    "contact": q.contact,
                    "text": q.text,
                    "answer": q.answer,
                    "answered_on": q.answered_on,
                    "match": how,
                }
                for q, how in m["questions"]
            )
            contributions = tuple(
                {
                    **ev(c.event_id),
                    "contribution_id": c.id,
                    "mesa": c.mesa,
                    "text": c.text,
                    "submitted_by": c.submitted_by,
                    "match": how,
                }
                for c, how in m["contributions"]
            )
            commitments = tuple(
                {
                    **ev(c.event_id),
                    "commitment_id": c.id,
                    "description": c.description,
                    "due_date": c.due_date,
                    "status": COMMITMENT_STATUSES.get(c.status, c.status),
                    "progress_pct": c.progress_pct,
                }
                for c, _ in m["commitments"]
            )
            invitations = tuple(
                {
                    **ev(i.event_id),
                    "invitation_id": i.id,
                    "name": i.name,
                    "organization": i.organization,
                    "contact": i.contact,
                    "status": INVITATION_STATUSES.get(i.status, i.status),
                    "match": how,
                }
                for i, how in m["invitations"]
            )
            entity = ""
            for e in events.values():
                if e is not None and e.institution_id:
                    inst = s.get(Institution, e.institution_id)
                    entity = inst.name if inst else ""
                    break
        return Dossier(
            person, attendance, consents, questions, contributions, commitments, invitations, utcnow(), entity
        )

    def export(self, person_id: str, out: Path | str) -> dict:
        """Write the dossier as .json (portable, machine-readable) or .pdf (for the titular)."""
        out = Path(out)
        suffix = out.suffix.lower()
        if suffix not in (".json", ".pdf"):
            raise UserError(f"El archivo «{out.name}» debe terminar en .json o .pdf.")
        d = self.dossier(person_id)
        if suffix == ".json":
            from rcdesk.reports.output import write_text

            write_text(out, json.dumps(d.as_json(), ensure_ascii=False, indent=2))
        else:
            from rcdesk.reports.person_pdf import build_person_pdf

            build_person_pdf(out, d)
        self._audit_single("person", person_id, "export", {"file": out.name})
        return {"path": str(out), **d.counts()}

    # -- rectification ------------------------------------------------------------------------
    def rectify(
        self,
        person_id: str,
        *,
        full_name: str | None = None,
        id_number: str | None = None,
        phone: str | None = None,
        email: str | None = None,
        organization: str | None = None,
    ) -> dict:
        """Correct the person's data; the same correction is applied to their attendance rows.
        An empty string erases an optional field (phone, e-mail, ID number, organization)."""
        from rcdesk.models.events import Person
        from rcdesk.services.attendance import _search_text
        from rcdesk.validation.ids import check_id

        if all(v is None for v in (full_name, id_number, phone, email, organization)):
            raise UserError("Indique qué corregir: nombre, documento, teléfono, correo u organización.")
        problems = []
        if full_name is not None and not clean(full_name):
            problems.append("El nombre no puede quedar vacío.")
        if email and "@" not in email:
            problems.append(f"El correo «{email}» no es válido.")
        if problems:
            raise UserError("No se corrigieron los datos.", details=problems)
        with self.db.begin() as s:
            p = self._person(s, person_id)
            if p.deleted or self._is_anonymous(p):
                raise UserError("La persona fue anonimizada o eliminada; sus datos ya no se pueden corregir.")
            rows = [a for a, how in self._matches(s, p)["attendance"] if how != "nombre"]
            changes: dict[str, object] = {}
            id_status = "empty"
            if full_name is not None and clean(full_name) != p.full_name:
                changes["full_name"] = clean(full_name)
            if id_number is not None:
                if clean(id_number):
                    idc = check_id(id_number, self._country(s, rows))
                    if idc.status == "invalid":
                        raise UserError(f"Documento «{id_number}» no válido: {idc.message}. No se corrigió nada.")
                    other = s.scalars(
                        select(Person.id).where(
                            Person.id_number == idc.number, Person.id != p.id, Person.deleted.is_(False)
                        )
                    ).first()
                    if other:
                        raise UserError(
                            f"El documento {idc.number} ya pertenece a otra persona del directorio "
                            f"({other[:8]}…). No se corrigió nada."
                        )
                    if idc.number != p.id_number:
                        id_status = idc.status
                        changes["id_number"] = idc.number
                        changes["id_type"] = idc.id_type or p.id_type
                elif p.id_number:
                    changes["id_number"] = None
            for k, v in (("phone", phone), ("email", email), ("organization", organization)):
                if v is not None and (clean(v) or None) != getattr(p, k):
                    changes[k] = clean(v) or None
            if not changes:
                return {"person_id": p.id, "changed": [], "attendance_rows": 0}
            for k, new in changes.items():
                setattr(p, k, new)
            n = 0
            for a in rows:
                touched = False
                for k, new in changes.items():
                    if k in ("phone", "email") and getattr(a, k) is None:
                        continue  # not given at that event: nothing to correct
                    if k == "id_number":
                        a.id_status = id_status if new else "empty"
                        a.id_message = None
                    if getattr(a, k) != new:
                        setattr(a, k, new)
                        touched = True
                if touched:
                    a.search_text = _search_text(a.full_name, a.id_number, a.organization, a.territory_text)
                    n += 1
            return {"person_id": p.id, "changed": sorted(k for k in changes if k != "id_type"), "attendance_rows": n}

    @staticmethod
    def _country(s, rows) -> str:
        """Country of the events the person attended (ID rules differ), Ecuador by default."""
        from rcdesk.models.events import Event
        from rcdesk.services.attendance import AttendanceService

        for a in reversed(rows):
            e = s.get(Event, a.event_id)
            if e is not None:
                return AttendanceService.event_country(None, s, e)  # type: ignore[arg-type]
        return "EC"

    # -- consent ------------------------------------------------------------------------------
    def revoke_consent(self, person_id: str, scope: str) -> dict:

        scope = (scope or "").strip().upper()
        if scope not in CONSENT_SCOPES:
            raise UserError(f"Alcance «{scope}» desconocido; use uno de: {', '.join(CONSENT_SCOPES)}.")
        if scope == "IDENTIFICACION":
            result = self.anonymize(person_id, reason="revocación del consentimiento de identificación")
            return {**result, "scope": scope}
        with self.db.begin() as s:
            p = self._person(s, person_id)
            m = self._matches(s, p)
            s.info["no_audit"] = True  # the audit rows below name the fields, never their values
            revoked = []
            for c, _ in m["consents"]:
                if scope in (c.scopes or []):
                    before = list(c.scopes)
                    c.scopes = [x for x in before if x != scope]
                    revoked.append(("consent_record", c.id, "revoke", {"scopes": [before, list(c.scopes)]}))
            changed = len(revoked)
            erased = 0
            cols = ("phone", "email") if scope == "CONTACTO" else ("gender", "ethnicity")
            targets = [p] + [a for a, how in m["attendance"] if how != "nombre"]
            if scope == "CONTACTO":
                own = {v for v in (p.phone, p.email) if v}  # a name match with the same contact is theirs
                targets += [q for q, how in m["questions"] if how == "documento" or q.contact in own]
            blanked: list[tuple[str, str, list[str]]] = []
            for obj in targets:
                fields = [
                    c
                    for c in (cols if obj.__tablename__ != "citizen_question" else ("contact",))
                    if hasattr(obj, c) and getattr(obj, c) is not None
                ]
                for c in fields:
                    setattr(obj, c, None)
                if fields:
                    erased += 1
                    blanked.append((obj.__tablename__, obj.id, fields))
            s.flush()
            s.info["no_audit"] = False
            self._scrub_history(s, blanked)
            self._add_audit(s, revoked + [(t, i, "update", {f: [BLANKED, None] for f in fs}) for t, i, fs in blanked])
        return {"person_id": person_id, "scope": scope, "consents": changed, "records_erased": erased}

    # -- anonymisation ------------------------------------------------------------------------
    def anonymize(self, person_id: str, *, reason: str = "solicitud del titular") -> dict:
        with self.db.begin() as s:
            p = self._person(s, person_id)
            if self._is_anonymous(p) and p.deleted:
                raise UserError("La persona ya fue anonimizada.")
            m = self._matches(s, p)
            s.info["no_audit"] = True  # our own audit rows below carry no personal values
            now = utcnow()
            blanked: list[tuple[str, str, list[str]]] = []

            def blank(obj, values: dict) -> None:
                fields = [k for k, v in values.items() if getattr(obj, k) != v]
                for k in fields:
                    setattr(obj, k, values[k])
                if fields:
                    blanked.append((obj.__tablename__, obj.id, fields))

            blank(p, {"full_name": ANON_NAME, "id_number": None, "phone": None, "email": None, "deleted": True})
            for a, _ in m["attendance"]:
                blank(a, _anonymous_attendance(a))
            for c, _ in m["consents"]:
                blank(c, {"guardian_name": None})
                if c.revoked_at is None:
                    c.revoked_at = now
            for q, _ in m["questions"]:
                blank(q, {"asker_name": ANON_NAME, "asker_id": None, "contact": None})
            for c, _ in m["contributions"]:
                blank(c, {"submitted_by": None})
            for i, _ in m["invitations"]:
                blank(i, {"name": ANON_NAME, "contact": None})
            s.flush()
            s.info["no_audit"] = False
            self._scrub_history(s, blanked)
            counts = {k: len(v) for k, v in m.items()}
            self._add_audit(s, [(t, i, "anonymize", {"fields": fs, "reason": reason}) for t, i, fs in blanked])
        return {"person_id": person_id, "anonymized": True, **counts}

    # -- history scrubbing / audit -------------------------------------------------------------
    def _scrub_history(self, s, blanked: list[tuple[str, str, list[str]]], conn=None) -> None:
        """Blank the personal values of these records in earlier audit entries and in sync conflicts."""
        from rcdesk.db.base import Base

        ex = conn if conn is not None else s
        by_table: dict[str, set[str]] = {}
        for t, rid, _ in blanked:
            by_table.setdefault(t, set()).add(rid)
        for table_name, ids in by_table.items():
            personal = set(_personal_columns(Base.metadata.tables[table_name]))
            ids_l = sorted(ids)
            for i in range(0, len(ids_l), _CHUNK):
                chunk = ids_l[i : i + _CHUNK]
                marks = ", ".join(f":i{j}" for j in range(len(chunk)))
                params = {f"i{j}": v for j, v in enumerate(chunk)}
                rows = ex.execute(
                    text(
                        f"SELECT id, changes FROM audit_log WHERE table_name = :t AND record_id IN ({marks}) "
                        "AND changes IS NOT NULL"
                    ),
                    {"t": table_name, **params},
                ).all()
                fixes = []
                for aid, changes in rows:
                    try:
                        data = json.loads(changes)
                    except (TypeError, ValueError):
                        continue
                    if isinstance(data, dict) and personal & set(data):
                        for k in personal & set(data):
                            data[k] = (
                                [BLANKED if x is not None else None for x in data[k]]
                                if isinstance(data[k], list)
                                else BLANKED
                            )
                        fixes.append({"b_id": aid, "b_changes": json.dumps(data, ensure_ascii=False)})
                if fixes:
                    ex.execute(text("UPDATE audit_log SET changes = :b_changes WHERE id = :b_id"), fixes)
                rows = ex.execute(
                    text(
                        f"SELECT id, local_data, incoming_data FROM sync_conflict WHERE table_name = :t "
                        f"AND record_id IN ({marks})"
                    ),
                    {"t": table_name, **params},
                ).all()
                fixes = []
                for cid, local, incoming in rows:
                    new = []
                    for raw in (local, incoming):
                        try:
                            data = json.loads(raw)
                        except (TypeError, ValueError):
                            data = None
                        if isinstance(data, dict):
                            for k in personal & set(data):
                                if data[k] is not None:
                                    data[k] = BLANKED
                            raw = json.dumps(data, ensure_ascii=False)
                        new.append(raw)
                    fixes.append({"b_id": cid, "b_l": new[0], "b_i": new[1]})
                if fixes:
                    ex.execute(
                        text("UPDATE sync_conflict SET local_data = :b_l, incoming_data = :b_i WHERE id = :b_id"), fixes
                    )

    def _add_audit(self, s, entries: list[tuple[str, str, str, dict]], conn=None) -> None:
        from rcdesk.models.core import AuditLog

        if not entries:
            return
        now = utcnow()
        rows = [
            {
                "installation_id": self.db.installation_id,
                "user": self.db.user,
                "table_name": t,
                "record_id": rid,
                "action": action,
                "at": now,
                "changes": json.dumps(ch, ensure_ascii=False),
            }
            for t, rid, action, ch in entries
        ]
        from sqlalchemy import insert

        (conn if conn is not None else s).execute(insert(AuditLog), rows)

    def _audit_single(self, table: str, rid: str, action: str, changes: dict) -> None:
        with self.db.connect() as conn:
            self._add_audit(None, [(table, rid, action, changes)], conn=conn)

    # -- retention -------------------------------------------------------------------------------
    def retention_years(self) -> dict[str, int]:
        from rcdesk.models.core import Setting

        with self.db.session() as s:
            row = s.get(Setting, RETENTION_KEY)
            stored = json.loads(row.value) if row else {}
        return {k: int(stored.get(k, v)) for k, v in DEFAULT_RETENTION.items()}

    def set_retention_years(self, values: dict[str, int]) -> dict[str, int]:
        from rcdesk.models.core import Setting

        problems = []
        for k, v in values.items():
            if k not in RECORD_TYPES:
                problems.append(f"Tipo de registro «{k}» desconocido; use: {', '.join(RECORD_TYPES)}.")
            elif not isinstance(v, int) or not 1 <= v <= MAX_YEARS:
                problems.append(
                    f"{RECORD_TYPES[k]}: los años de conservación deben ser un número entre 1 y "
                    f"{MAX_YEARS} (se indicó «{v}»)."
                )
        if problems:
            raise UserError("No se cambió el plazo de conservación.", details=problems)
        merged = {**self.retention_years(), **values}
        with self.db.begin() as s:
            row = s.get(Setting, RETENTION_KEY)
            if row is None:
                s.add(Setting(key=RETENTION_KEY, value=json.dumps(merged)))
            else:
                row.value = json.dumps(merged)
        return merged

    @staticmethod
    def _last_kept_year(today: date, years: int) -> int:
        """Identities of year Y are kept through Y + years; anonymised from 1 January after."""
        return today.year - years - 1

    def _expired(self, conn, today: date) -> dict:
        """ids past retention: {"attendance": [(id, event_id)], "question": [...], ...} and the people."""
        from rcdesk.models.events import Attendance, CitizenQuestion, Contribution, Event, EventInvitation

        ys = self.retention_years()
        out: dict[str, Any] = {}  # row lists per kind, the people's ids and the years applied

        def old_events(kind: str):
            last = self._last_kept_year(today, ys[kind])
            return select(Event.id).where(Event.event_date < date(last + 1, 1, 1))

        a = Attendance
        out["attendance"] = conn.execute(
            select(a.id, a.event_id, a.person_id, a.organization, a.territory_text).where(
                a.event_id.in_(old_events("attendance")),
                a.deleted.is_(False),
                or_(
                    a.full_name != ANON_NAME,
                    a.id_number.is_not(None),
                    a.person_id.is_not(None),
                    a.phone.is_not(None),
                    a.email.is_not(None),
                ),
            )
        ).all()
        q = CitizenQuestion
        last_q = self._last_kept_year(today, ys["question"])
        out["question"] = conn.execute(
            select(q.id, q.event_id).where(
                q.deleted.is_(False),
                q.received_on < date(last_q + 1, 1, 1),
                or_(q.asker_name != ANON_NAME, q.asker_id.is_not(None), q.contact.is_not(None)),
            )
        ).all()
        c = Contribution
        out["contribution"] = conn.execute(
            select(c.id, c.event_id).where(
                c.deleted.is_(False), c.submitted_by.is_not(None), c.event_id.in_(old_events("contribution"))
            )
        ).all()
        i = EventInvitation
        out["invitation"] = conn.execute(
            select(i.id, i.event_id).where(
                i.deleted.is_(False),
                i.event_id.in_(old_events("invitation")),
                or_(i.name != ANON_NAME, i.contact.is_not(None)),
            )
        ).all()
        # people whose every attendance is past retention lose their directory entry too
        last_a = self._last_kept_year(today, ys["attendance"])
        recent = (
            select(a.person_id)
            .join(Event, Event.id == a.event_id)
            .where(a.deleted.is_(False), a.person_id.is_not(None), Event.event_date >= date(last_a + 1, 1, 1))
        )
        candidates = {r[2] for r in out["attendance"] if r[2]}
        keep = set()
        cl = sorted(candidates)
        for k in range(0, len(cl), _CHUNK):
            keep |= set(conn.execute(recent.where(a.person_id.in_(cl[k : k + _CHUNK]))).scalars())
        out["people"] = sorted(candidates - keep)
        out["years"] = ys
        return out

    def retention_preview(self, today: date | None = None) -> RetentionPreview:
        from rcdesk.models.events import Event

        today = today or date.today()
        with self.db.connect(write=False) as conn:  # a preview only reads (the GUI shows it on its thread)
            exp = self._expired(conn, today)
            per: dict[str | None, dict[str, int]] = {}
            for kind, key in (
                ("attendance", "attendance"),
                ("question", "questions"),
                ("contribution", "contributions"),
                ("invitation", "invitations"),
            ):
                for r in exp[kind]:
                    d = per.setdefault(r[1], {})
                    d[key] = d.get(key, 0) + 1
            ids = [e for e in per if e]
            info: dict[str, tuple[str, date | None]] = {}
            for k in range(0, len(ids), _CHUNK):
                for eid, title, day in conn.execute(
                    select(Event.id, Event.title, Event.event_date).where(Event.id.in_(ids[k : k + _CHUNK]))
                ):
                    info[eid] = (title, day)
        events = []
        for event_id, counts in per.items():
            shown_title, shown_date = info.get(event_id, _NO_EVENT) if event_id else _NO_EVENT
            events.append(
                RetentionEvent(
                    event_id,
                    shown_title,
                    shown_date,
                    attendance=counts.get("attendance", 0),
                    questions=counts.get("questions", 0),
                    contributions=counts.get("contributions", 0),
                    invitations=counts.get("invitations", 0),
                )
            )
        events.sort(key=lambda e: (e.event_date or date.min, e.title))
        return RetentionPreview(today, exp["years"], tuple(events), len(exp["people"]))

    def apply_retention(
        self, today: date | None = None, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
    ) -> dict:
        """Anonymise every identity past retention in ONE transaction; aggregates (counts, organizations,
        territories, roles, tallies, texts of questions and contributions) are kept."""
        from rcdesk.db.stamping import allocate_seq
        from rcdesk.models.events import (
            Attendance,
            CitizenQuestion,
            ConsentRecord,
            Contribution,
            EventInvitation,
            Person,
        )
        from rcdesk.services.attendance import _search_text

        today = today or date.today()
        inst = self.db.installation_id
        now = utcnow()
        with self.db.connect() as conn:
            exp = self._expired(conn, today)
            # (table, ids of its rows to blank, the values they get)
            plan: list[tuple[Table, list[str], dict[str, object]]] = [
                (
                    Attendance.__table__,
                    [r[0] for r in exp["attendance"]],
                    {
                        "full_name": ANON_NAME,
                        "id_number": None,
                        "id_status": "empty",
                        "id_message": None,
                        "phone": None,
                        "email": None,
                        "gender": None,
                        "ethnicity": None,
                        "person_id": None,
                    },
                ),
                (
                    CitizenQuestion.__table__,
                    [r[0] for r in exp["question"]],
                    {"asker_name": ANON_NAME, "asker_id": None, "contact": None},
                ),
                (Contribution.__table__, [r[0] for r in exp["contribution"]], {"submitted_by": None}),
                (EventInvitation.__table__, [r[0] for r in exp["invitation"]], {"name": ANON_NAME, "contact": None}),
                (
                    Person.__table__,
                    exp["people"],
                    {"full_name": ANON_NAME, "id_number": None, "phone": None, "email": None, "deleted": True},
                ),
            ]
            att_ids = [r[0] for r in exp["attendance"]]
            # the anonymous row can still be filtered by organization and territory
            search_texts = {r[0]: _search_text("", None, r[3], r[4]) for r in exp["attendance"]}
            consent_ids: list[str] = []
            for k in range(0, len(att_ids), _CHUNK):
                consent_ids += [
                    c
                    for c in conn.execute(
                        select(Attendance.consent_id).where(
                            Attendance.id.in_(att_ids[k : k + _CHUNK]), Attendance.consent_id.is_not(None)
                        )
                    ).scalars()
                    if c is not None  # filtered in SQL; the column allows it
                ]
            plan.append((ConsentRecord.__table__, consent_ids, {"guardian_name": None, "person_id": None}))
            total = sum(len(ids) for _, ids, _ in plan)
            done = 0
            seq = allocate_seq(conn, total)
            counts: dict[str, int] = {}
            blanked: list[tuple[str, str, list[str]]] = []
            for table, ids, values in plan:
                counts[table.name] = len(ids)
                if not ids:
                    continue
                extra: dict[str, object] = {"search_text": bindparam("b_st")} if table.name == "attendance" else {}
                stmt = (
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values(
                        **values,
                        **extra,
                        version=table.c.version + 1,
                        updated_at=now,
                        modified_by=inst,
                        change_seq=bindparam("b_seq"),
                    )
                )
                personal = [k for k in values if table.c[k].info.get("personal")]
                for k in range(0, len(ids), 1000):
                    cancel.check()
                    chunk = ids[k : k + 1000]
                    params = [{"b_id": rid, "b_seq": seq + j} for j, rid in enumerate(chunk)]
                    if extra:
                        for prm in params:
                            prm["b_st"] = search_texts[prm["b_id"]]
                    conn.execute(stmt, params)
                    seq += len(chunk)
                    done += len(chunk)
                    progress(done, total, "Anonimizando identidades vencidas…")
                blanked += [(table.name, rid, personal) for rid in ids]
            cancel.check()
            self._scrub_history(None, blanked, conn=conn)
            ys = exp["years"]
            self._add_audit(
                None,
                [("setting", RETENTION_KEY, "retention", {"today": today.isoformat(), "years": ys, "counts": counts})],
                conn=conn,
            )
            cancel.check()
        progress(total, total, "Conservación aplicada")
        return {"today": today.isoformat(), "years": ys, **counts}


def _anonymous_attendance(a) -> dict:
    from rcdesk.services.attendance import _search_text

    return {
        "full_name": ANON_NAME,
        "id_number": None,
        "id_status": "empty",
        "id_message": None,
        "phone": None,
        "email": None,
        "gender": None,
        "ethnicity": None,
        "search_text": _search_text("", None, a.organization, a.territory_text),
    }


__all__ = [
    "ANON_NAME",
    "DEFAULT_RETENTION",
    "RECORD_TYPES",
    "Dossier",
    "PersonHit",
    "PrivacyService",
    "RetentionEvent",
    "RetentionPreview",
]
