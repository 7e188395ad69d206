"""Citizen questions: due dates in business days (holiday calendar), answers, overdue alerts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from rcdesk.db.base import check_version
from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.events.rules import ANSWER_DAYS_SETTING, DEFAULT_ANSWER_DAYS
from rcdesk.models.core import Setting
from rcdesk.models.events import QUESTION_CHANNELS, QUESTION_KINDS, CitizenQuestion, Event
from rcdesk.models.reference import OrgUnit, Territory
from rcdesk.text import clean


@dataclass(frozen=True)
class QuestionInput:
    asker_name: str
    text: str
    received_on: date
    channel: str = "EN_EVENTO"
    kind: str = "PETICION"
    event_id: str | None = None
    asker_id: str | None = None
    contact: str | None = None
    organization: str | None = None
    topic: str | None = None
    related_to_report: bool = True
    assigned_unit_id: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class QuestionRow:
    question_id: str
    event_id: str | None
    received_on: date
    channel: str
    kind: str
    asker_name: str
    contact: str | None
    organization: str | None
    topic: str | None
    text: str
    assigned_unit_id: str | None
    assigned_unit: str
    due_date: date
    answered_on: date | None
    answer: str | None
    published_url: str | None
    overdue: bool
    answered_late: bool
    version: int = 0  # what the answer form read; given back when it saves (`check_version`)

    @property
    def status_label(self) -> str:
        if self.answered_on:
            return "Respondida fuera de término" if self.answered_late else "Respondida"
        return "Vencida" if self.overdue else "Pendiente"

    def as_json(self) -> dict:
        return {
            "question_id": self.question_id,
            "received_on": self.received_on.isoformat(),
            "asker_name": self.asker_name,
            "text": self.text,
            "kind": self.kind,
            "due_date": self.due_date.isoformat(),
            "answered_on": self.answered_on.isoformat() if self.answered_on else None,
            "status": self.status_label,
            "overdue": self.overdue,
        }


class QuestionService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- configuration -------------------------------------------------------------------
    def answer_days(self) -> dict[str, int]:
        with self.db.session() as s:
            row = s.get(Setting, ANSWER_DAYS_SETTING)
            stored = json.loads(row.value) if row else {}
        return {k: int(stored.get(k, v)) for k, v in DEFAULT_ANSWER_DAYS.items()}

    def set_answer_days(self, kind: str, days: int) -> None:
        if kind not in QUESTION_KINDS:
            raise UserError(f"Tipo de pregunta «{kind}» desconocido.")
        if not 1 <= int(days) <= 120:
            raise UserError("El término de respuesta debe estar entre 1 y 120 días hábiles.")
        current = self.answer_days()
        current[kind] = int(days)
        with self.db.begin() as s:
            row = s.get(Setting, ANSWER_DAYS_SETTING)
            if row is None:
                s.add(Setting(key=ANSWER_DAYS_SETTING, value=json.dumps(current)))
            else:
                row.value = json.dumps(current)

    def due_date(self, received_on: date, kind: str = "PETICION", country: str = "EC") -> date:
        from rcdesk.services.calendar import CalendarService

        days = self.answer_days().get(kind, DEFAULT_ANSWER_DAYS["PETICION"])
        cal = CalendarService(self.db).business_calendar(country, years=[received_on.year, received_on.year + 1])
        return cal.add_business_days(received_on, days)

    # -- writing -------------------------------------------------------------------------
    def add(self, data: QuestionInput) -> QuestionRow:
        problems = []
        if not clean(data.asker_name):
            problems.append("Falta el nombre de quien pregunta.")
        if not clean(data.text):
            problems.append("Falta el texto de la pregunta.")
        if data.channel not in QUESTION_CHANNELS:
            problems.append(f"Canal «{data.channel}» desconocido.")
        if data.kind not in QUESTION_KINDS:
            problems.append(f"Tipo «{data.kind}» desconocido (PETICION, INFORMACION o CONSULTA).")
        if not isinstance(data.received_on, date):
            problems.append("Falta la fecha de recepción.")
        if problems:
            raise UserError("La pregunta no se guardó.", details=problems)
        country = data.country or "EC"
        with self.db.session() as s:
            if data.event_id:
                e = s.get(Event, data.event_id)
                if e is None or e.deleted:
                    raise NotFound(f"No existe el evento «{data.event_id}».")
                if e.territory_id and not data.country:
                    t = s.get(Territory, e.territory_id)
                    country = t.country if t else country
            if data.assigned_unit_id and s.get(OrgUnit, data.assigned_unit_id) is None:
                raise NotFound("La dependencia asignada no existe.")
        due = self.due_date(data.received_on, data.kind, country)
        with self.db.begin() as s:
            q = CitizenQuestion(
                event_id=data.event_id,
                received_on=data.received_on,
                channel=data.channel,
                kind=data.kind,
                asker_name=clean(data.asker_name),
                asker_id=clean(data.asker_id) or None,
                contact=clean(data.contact) or None,
                organization=clean(data.organization) or None,
                topic=clean(data.topic) or None,
                text=data.text.strip(),
                related_to_report=data.related_to_report,
                assigned_unit_id=data.assigned_unit_id,
                due_date=due,
            )
            s.add(q)
            s.flush()
            qid = q.id
        return self.get(qid)

    def answer(
        self,
        question_id: str,
        answer: str,
        answered_on: date,
        *,
        channel: str | None = None,
        published_url: str | None = None,
        expected_version: int | None = None,
    ) -> QuestionRow:
        if not clean(answer):
            raise UserError("Escriba la respuesta.")
        if published_url and not clean(published_url).startswith(("http://", "https://")):
            raise UserError("El enlace publicado debe empezar por http:// o https://.")
        with self.db.begin() as s:
            q = self._q(s, question_id)
            check_version(q, expected_version)
            if answered_on < q.received_on:
                raise UserError(
                    f"La fecha de respuesta ({answered_on:%d/%m/%Y}) es anterior a la de recepción "
                    f"({q.received_on:%d/%m/%Y})."
                )
            q.answer = answer.strip()
            q.answered_on = answered_on
            q.answer_channel = channel
            q.published_url = clean(published_url) or None
        return self.get(question_id)

    def delete(self, question_id: str) -> None:
        with self.db.begin() as s:
            self._q(s, question_id).deleted = True

    @staticmethod
    def _q(s, question_id: str) -> CitizenQuestion:
        q = s.get(CitizenQuestion, question_id)
        if q is None or q.deleted:
            raise NotFound(f"No existe la pregunta «{question_id}».")
        return q

    # -- reading -------------------------------------------------------------------------
    def get(self, question_id: str, today: date | None = None) -> QuestionRow:
        rows = self._rows(select(CitizenQuestion).where(CitizenQuestion.id == question_id), today)
        if not rows:
            raise NotFound(f"No existe la pregunta «{question_id}».")
        return rows[0]

    def list_questions(
        self, event_id: str | None = None, *, overdue_only: bool = False, today: date | None = None
    ) -> list[QuestionRow]:
        stmt = select(CitizenQuestion).where(CitizenQuestion.deleted.is_(False))
        if event_id:
            stmt = stmt.where(CitizenQuestion.event_id == event_id)
        rows = self._rows(stmt.order_by(CitizenQuestion.received_on, CitizenQuestion.created_at), today)
        return [r for r in rows if r.overdue] if overdue_only else rows

    def overdue(self, today: date | None = None) -> list[QuestionRow]:
        return self.list_questions(overdue_only=True, today=today)

    def _rows(self, stmt, today: date | None) -> list[QuestionRow]:
        today = today or date.today()
        with self.db.session() as s:
            units = {u.id: u.name for u in s.scalars(select(OrgUnit))}
            return [
                QuestionRow(
                    q.id,
                    q.event_id,
                    q.received_on,
                    q.channel,
                    q.kind,
                    q.asker_name,
                    q.contact,
                    q.organization,
                    q.topic,
                    q.text,
                    q.assigned_unit_id,
                    units.get(q.assigned_unit_id, ""),
                    q.due_date,
                    q.answered_on,
                    q.answer,
                    q.published_url,
                    overdue=q.answered_on is None and today > q.due_date,
                    answered_late=q.answered_on is not None and q.answered_on > q.due_date,
                    version=q.version,
                )
                for q in s.scalars(stmt)
            ]
