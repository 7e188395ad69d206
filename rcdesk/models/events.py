"""Tables of the events capability: events, people directory, attendance, consent, anonymous
tallies, citizen questions, contributions, commitments and their follow-ups, evaluation
surveys and actas (domain.md §3.5, §9).

Columns holding citizens' personal data carry `info={"personal": True}` (field packages
encrypt exactly those). Gender and ethnicity are never stored on a named row except in the
two optional columns of `attendance`, which the service only fills when the person gave the
separate consent for sensitive data (scope DATOS_SENSIBLES).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rcdesk.db.base import Base, Record

PERSONAL = {"personal": True}

EVENT_TYPES = {
    "DELIBERACION_PUBLICA": "Deliberación pública",
    "AUDIENCIA_PUBLICA": "Audiencia pública",
    "DIALOGO": "Diálogo ciudadano",
    "MESA_TEMATICA": "Mesa temática",
    "FERIA": "Feria de servicios",
    "ASAMBLEA": "Asamblea",
    "VIRTUAL": "Espacio virtual",
    "REUNION": "Reunión de equipo",
}
MODALITIES = {"PRESENCIAL": "Presencial", "VIRTUAL": "Virtual", "MIXTA": "Mixta"}
EVENT_STATUSES = {"PLANIFICADO": "Planificado", "REALIZADO": "Realizado", "CANCELADO": "Cancelado"}
INVITATION_STATUSES = {
    "PENDIENTE": "Pendiente",
    "CONFIRMADO": "Confirmado",
    "RECHAZADO": "No asistirá",
    "ASISTIO": "Asistió",
}
ROLES = {
    "CIUDADANO": "Ciudadano/a",
    "DELEGADO": "Delegado/a de la Asamblea",
    "SERVIDOR": "Servidor/a público/a",
    "AUTORIDAD": "Autoridad",
    "ORGANIZACION": "Representante de organización",
    "PRENSA": "Medios de comunicación",
}
ATTENDANCE_SOURCES = {"PUERTA": "Registro en puerta", "IMPORTACION": "Hoja importada", "MANUAL": "Manual"}
CONSENT_SCOPES = {
    "IDENTIFICACION": "Identificación",
    "CONTACTO": "Datos de contacto",
    "DATOS_SENSIBLES": "Datos sensibles (género, autoidentificación)",
}
CONSENT_FORMS = {"ASISTENCIA": "Registro de asistencia", "PREGUNTA": "Pregunta ciudadana", "ENCUESTA": "Encuesta"}
QUESTION_CHANNELS = {
    "EN_EVENTO": "En el evento",
    "WEB": "Página web",
    "CORREO": "Correo electrónico",
    "FISICO": "Documento físico",
    "REDES": "Redes sociales",
}
QUESTION_KINDS = {
    "PETICION": "Petición / pregunta",
    "INFORMACION": "Solicitud de información",
    "CONSULTA": "Consulta",
}
COMMITMENT_SOURCES = {
    "APORTE_CIUDADANO": "Aporte ciudadano",
    "PREGUNTA": "Pregunta ciudadana",
    "EVALUACION": "Evaluación del evento",
    "RECOMENDACION_ORGANISMO_CONTROL": "Recomendación de organismo de control",
}
COMMITMENT_STATUSES = {
    "PENDIENTE": "Pendiente",
    "EN_CURSO": "En curso",
    "CUMPLIDO": "Cumplido",
    "INCUMPLIDO": "Incumplido",
    "NO_APLICA": "No aplica",
}
ACTA_KINDS = {"deliberacion": "Acta de deliberación pública", "compromiso": "Acta de compromiso"}


class Event(Record, Base):
    __tablename__ = "event"

    institution_id: Mapped[str | None] = mapped_column(ForeignKey("institution.id"), nullable=True, index=True)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plan.id"), nullable=True, index=True)
    event_type: Mapped[str] = mapped_column(String(30), nullable=False, default="DELIBERACION_PUBLICA")
    title: Mapped[str] = mapped_column(Text, nullable=False)
    event_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    start_time: Mapped[str | None] = mapped_column(String(5), nullable=True)  # "HH:MM"
    end_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    modality: Mapped[str] = mapped_column(String(10), nullable=False, default="PRESENCIAL")
    stream_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    venue: Mapped[str | None] = mapped_column(Text, nullable=True)
    territory_id: Mapped[str | None] = mapped_column(ForeignKey("territory.id"), nullable=True)
    period_label: Mapped[str | None] = mapped_column(String(100), nullable=True)  # periodo que se rinde
    agenda: Mapped[str | None] = mapped_column(Text, nullable=True)  # orden del día, one item per line
    moderator: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    secretary: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    authority: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    status: Mapped[str] = mapped_column(String(15), nullable=False, default="PLANIFICADO")
    activity_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    stakeholder_groups: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    checklist: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # [{"item", "done"}]
    conclusions: Mapped[str | None] = mapped_column(Text, nullable=True)


class EventInvitation(Record, Base):
    __tablename__ = "event_invitation"

    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, info=PERSONAL)
    organization: Mapped[str | None] = mapped_column(String(300), nullable=True)
    stakeholder_group: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="PENDIENTE")


class Person(Record, Base):
    """People directory (attendees seen before), de-duplicated by ID number; name search via
    the FTS5 index `person_fts` (created by migration 0004, prefix indexes since 0008, kept in step
    by triggers)."""

    __tablename__ = "person"

    id_type: Mapped[str | None] = mapped_column(String(12), nullable=True)
    id_number: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True, info=PERSONAL)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False, info=PERSONAL)
    organization: Mapped[str | None] = mapped_column(String(300), nullable=True)
    role: Mapped[str | None] = mapped_column(String(15), nullable=True)
    territory_id: Mapped[str | None] = mapped_column(ForeignKey("territory.id"), nullable=True)
    territory_text: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True, info=PERSONAL)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    is_minor: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class PersonCount(Base):
    """One row (id 1): how many people the directory holds, deleted and anonymised ones aside.
    Kept by triggers on `person` (migration 0008); local, never synchronised (not a Record). On a
    server, changes made while another transaction holds this row wait beside it in
    `person_count_delta` (migration 0015), so writers of `person` never wait for each other."""

    __tablename__ = "person_count"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    live: Mapped[int] = mapped_column(Integer, nullable=False)


class ConsentRecord(Record, Base):
    """Proof of a person's authorisation (LOPDP / Ley 1581, domain.md §9.3)."""

    __tablename__ = "consent_record"

    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), nullable=True, index=True)
    event_id: Mapped[str | None] = mapped_column(ForeignKey("event.id"), nullable=True, index=True)
    form: Mapped[str] = mapped_column(String(15), nullable=False, default="ASISTENCIA")
    notice_version: Mapped[str] = mapped_column(String(20), nullable=False)
    scopes: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    channel: Mapped[str] = mapped_column(String(15), nullable=False, default="PUERTA")
    given_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    guardian_name: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Attendance(Record, Base):
    __tablename__ = "attendance"
    # the filter as you type: count from this index alone, first page in seq_no order (0009)
    __table_args__ = (Index("ix_attendance_event_filter", "event_id", "deleted", "seq_no", "search_text"),)

    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), nullable=True, index=True)
    consent_id: Mapped[str | None] = mapped_column(ForeignKey("consent_record.id"), nullable=True)
    seq_no: Mapped[int] = mapped_column(Integer, nullable=False)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False, info=PERSONAL)
    id_type: Mapped[str | None] = mapped_column(String(12), nullable=True)
    id_number: Mapped[str | None] = mapped_column(String(20), nullable=True, info=PERSONAL)
    id_status: Mapped[str] = mapped_column(String(10), nullable=False, default="empty")
    id_message: Mapped[str | None] = mapped_column(String(300), nullable=True)
    organization: Mapped[str | None] = mapped_column(String(300), nullable=True)
    role: Mapped[str] = mapped_column(String(15), nullable=False, default="CIUDADANO")
    territory_id: Mapped[str | None] = mapped_column(ForeignKey("territory.id"), nullable=True)
    territory_text: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True, info=PERSONAL)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    is_minor: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    signed_on_paper: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    source: Mapped[str] = mapped_column(String(12), nullable=False, default="PUERTA")
    # fold()ed "name id organization territory" for accent-insensitive filtering as you type
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="", info=PERSONAL)
    # Only with the separate optional consent for sensitive data (scope DATOS_SENSIBLES):
    gender: Mapped[str | None] = mapped_column(String(20), nullable=True, info=PERSONAL)
    ethnicity: Mapped[str | None] = mapped_column(String(30), nullable=True, info=PERSONAL)


class AttendanceTally(Record, Base):
    """Anonymous counts per event: {dimension: {category: n}} (see rcdesk/events/tallies.py)."""

    __tablename__ = "attendance_tally"

    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    counts: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class CitizenQuestion(Record, Base):
    __tablename__ = "citizen_question"

    event_id: Mapped[str | None] = mapped_column(ForeignKey("event.id"), nullable=True, index=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    channel: Mapped[str] = mapped_column(String(12), nullable=False, default="EN_EVENTO")
    kind: Mapped[str] = mapped_column(String(12), nullable=False, default="PETICION")
    asker_name: Mapped[str] = mapped_column(String(200), nullable=False, info=PERSONAL)
    asker_id: Mapped[str | None] = mapped_column(String(20), nullable=True, info=PERSONAL)
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    organization: Mapped[str | None] = mapped_column(String(300), nullable=True)
    topic: Mapped[str | None] = mapped_column(String(200), nullable=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    related_to_report: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    assigned_unit_id: Mapped[str | None] = mapped_column(ForeignKey("org_unit.id"), nullable=True)
    due_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    answered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answer_channel: Mapped[str | None] = mapped_column(String(12), nullable=True)
    published_url: Mapped[str | None] = mapped_column(String(500), nullable=True)


class Contribution(Record, Base):
    """Aporte / sugerencia ciudadana, per mesa de trabajo."""

    __tablename__ = "contribution"

    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    mesa: Mapped[str | None] = mapped_column(String(200), nullable=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    submitted_by: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Commitment(Record, Base):
    __tablename__ = "commitment"

    event_id: Mapped[str | None] = mapped_column(ForeignKey("event.id"), nullable=True, index=True)
    contribution_id: Mapped[str | None] = mapped_column(ForeignKey("contribution.id"), nullable=True, index=True)
    source: Mapped[str] = mapped_column(String(32), nullable=False, default="APORTE_CIUDADANO")
    description: Mapped[str] = mapped_column(Text, nullable=False)
    responsible_unit_id: Mapped[str | None] = mapped_column(ForeignKey("org_unit.id"), nullable=True)
    responsible_text: Mapped[str | None] = mapped_column(String(300), nullable=True)
    responsible_person: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)
    due_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    deliverable: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="PENDIENTE")
    progress_pct: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    results: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_followup_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class CommitmentFollowUp(Record, Base):
    __tablename__ = "commitment_followup"

    commitment_id: Mapped[str] = mapped_column(ForeignKey("commitment.id"), nullable=False, index=True)
    cut_date: Mapped[date] = mapped_column(Date, nullable=False)
    progress_pct: Mapped[float] = mapped_column(Float, nullable=False)
    narrative: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewer: Mapped[str | None] = mapped_column(String(200), nullable=True, info=PERSONAL)


class CommitmentStatusChange(Record, Base):
    """One change of a commitment's status, dated from when it holds: reports as of a cut read the
    status in force that day (the latest change on or before it), not today's."""

    __tablename__ = "commitment_status_change"

    commitment_id: Mapped[str] = mapped_column(ForeignKey("commitment.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    effective_on: Mapped[date] = mapped_column(Date, nullable=False)
    # MANUAL (set by hand), SEGUIMIENTO (implied by a follow-up), ALTA (created), HISTORIAL (revision 0012)
    cause: Mapped[str] = mapped_column(String(12), nullable=False, default="MANUAL")
    changed_by: Mapped[str | None] = mapped_column(String(100), nullable=True, info=PERSONAL)


class SurveyQuestion(Record, Base):
    """One question of an event's evaluation survey (editable; defaults from domain.md §7.4)."""

    __tablename__ = "survey_question"

    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False, default="choice")  # choice | text
    options: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


class SurveyResponse(Record, Base):
    """One filled survey form (anonymous): {question_id: answer}."""

    __tablename__ = "survey_response"

    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    answers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class Acta(Record, Base):
    """One issued acta: its number, the canonical content printed and its SHA-256 fingerprint."""

    __tablename__ = "acta"

    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    number: Mapped[str] = mapped_column(String(30), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    content: Mapped[dict] = mapped_column(JSON, nullable=False, info=PERSONAL)
    issued_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    # SHA-256 of the exact PDF bytes issued and an Ed25519 signature over the acta's fingerprints by
    # the issuing installation (actas issued before revision 0006 have neither)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    signature: Mapped[str | None] = mapped_column(Text, nullable=True)
    signer_public: Mapped[str | None] = mapped_column(String(100), nullable=True)
