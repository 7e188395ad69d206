"""Tables of the POA capability: annual operating plans per unit, their programming and
execution per period, field visits to the cantons and document requests (oficios Quipux).

Quantities and amounts are stored as floats (REAL) and rounded to 2 decimals where they
are shown or exported; SQLite has no decimal type and every figure here is a planning
quantity or a USD/COP amount far below float precision limits.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rcdesk.db.base import Base, Record
from rcdesk.poa.periods import PERIOD_COUNTS, PERIOD_LABELS, PERIOD_PREFIX  # noqa: F401 (re-exported)

POLARITIES = {"INCREMENTO": "Incremento", "REDUCCION": "Reducción", "MANTENIMIENTO": "Mantenimiento"}
ACCUMULATIONS = {"SUMA": "Suma", "ULTIMO_VALOR": "Último valor", "PROMEDIO": "Promedio"}
POA_STATUSES = {"BORRADOR": "Borrador", "APROBADO": "Aprobado", "CERRADO": "Cerrado"}
VALIDATION_STATES = {"REPORTADO": "Reportado", "VALIDADO": "Validado", "OBSERVADO": "Observado"}
VISIT_COMMITMENT_STATES = {"PENDIENTE": "Pendiente", "CUMPLIDO": "Cumplido", "INCUMPLIDO": "Incumplido"}
OFICIO_STATES = {"ENVIADO": "Enviado", "RESPONDIDO": "Respondido", "ANULADO": "Anulado"}

PERSONAL = {"personal": True}


class Poa(Record, Base):
    """Plan Operativo Anual of one unit (dependencia) for one fiscal year."""

    __tablename__ = "poa"

    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), nullable=False, index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("org_unit.id"), nullable=False, index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, nullable=False)
    period_kind: Mapped[str] = mapped_column(String(15), nullable=False, default="trimestre")
    status: Mapped[str] = mapped_column(String(15), nullable=False, default="BORRADOR")
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    approved_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    report_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # «fecha de reporte» of the file
    # what the workbook's title block said (organismo, vigencia…) and columns kept as «otros datos»
    extra: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class PoaObjective(Record, Base):
    __tablename__ = "poa_objective"

    poa_id: Mapped[str] = mapped_column(ForeignKey("poa.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    code: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False)
    alignment: Mapped[str] = mapped_column(Text, nullable=False, default="")  # PND / PEI / PDOT / competencia
    # Hierarchy (eje > programa > subprograma > meta de resultado…). No FOREIGN KEY on purpose: SQLite
    # cannot add one to an existing table without rebuilding the tables that reference it.
    parent_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    level: Mapped[str] = mapped_column(String(20), nullable=False, default="", server_default="")
    indicator: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")


class PoaMeta(Record, Base):
    __tablename__ = "poa_meta"

    poa_id: Mapped[str] = mapped_column(ForeignKey("poa.id"), nullable=False, index=True)
    objective_id: Mapped[str] = mapped_column(ForeignKey("poa_objective.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    number: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False)
    unit_of_measure: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    annual_target: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    baseline: Mapped[float | None] = mapped_column(Float, nullable=True)
    polarity: Mapped[str] = mapped_column(String(15), nullable=False, default="INCREMENTO")
    codificado: Mapped[float | None] = mapped_column(Float, nullable=True)  # annual budget in force
    contribution: Mapped[str] = mapped_column(Text, nullable=False, default="")  # cómo aporta al plan
    level: Mapped[str] = mapped_column(String(20), nullable=False, default="", server_default="")  # producto…
    initial_budget: Mapped[float | None] = mapped_column(Float, nullable=True)  # asignación / apropiación inicial
    extra: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # «otros datos»: {encabezado: valor}


class PoaIndicator(Record, Base):
    __tablename__ = "poa_indicator"

    meta_id: Mapped[str] = mapped_column(ForeignKey("poa_meta.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    formula: Mapped[str] = mapped_column(Text, nullable=False, default="")
    accumulation: Mapped[str] = mapped_column(String(15), nullable=False, default="SUMA")
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")


class PoaActivity(Record, Base):
    __tablename__ = "poa_activity"

    meta_id: Mapped[str] = mapped_column(ForeignKey("poa_meta.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    responsible_unit_id: Mapped[str | None] = mapped_column(ForeignKey("org_unit.id"), nullable=True)
    budget_line: Mapped[str] = mapped_column(String(60), nullable=False, default="")  # partida
    product: Mapped[str] = mapped_column(Text, nullable=False, default="")
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class PoaProgramming(Record, Base):
    """Planned quantity and budget of a meta for one period (1..4, 1..3 or 1..12)."""

    __tablename__ = "poa_programming"

    meta_id: Mapped[str] = mapped_column(ForeignKey("poa_meta.id"), nullable=False, index=True)
    period_no: Mapped[int] = mapped_column(Integer, nullable=False)
    planned_qty: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    planned_budget: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)


class PoaExecution(Record, Base):
    """What a unit reported for a meta in one period, and its validation.

    `codificado` is the budget in force at the end of the period (a stock: the latest one
    counts); `comprometido` and `devengado` are the amounts of the period (flows: summed).
    """

    __tablename__ = "poa_execution"

    meta_id: Mapped[str] = mapped_column(ForeignKey("poa_meta.id"), nullable=False, index=True)
    period_no: Mapped[int] = mapped_column(Integer, nullable=False)
    executed_qty: Mapped[float | None] = mapped_column(Float, nullable=True)
    codificado: Mapped[float | None] = mapped_column(Float, nullable=True)
    comprometido: Mapped[float | None] = mapped_column(Float, nullable=True)
    devengado: Mapped[float | None] = mapped_column(Float, nullable=True)
    pagado: Mapped[float | None] = mapped_column(Float, nullable=True)  # Colombia: pagos
    narrative: Mapped[str] = mapped_column(Text, nullable=False, default="")
    difficulties: Mapped[str] = mapped_column(Text, nullable=False, default="")
    corrective_actions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    validation_status: Mapped[str] = mapped_column(String(12), nullable=False, default="REPORTADO")
    validation_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reported_by: Mapped[str | None] = mapped_column(String(100), nullable=True, info=PERSONAL)
    validated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    validated_by: Mapped[str | None] = mapped_column(String(100), nullable=True, info=PERSONAL)


class FieldVisit(Record, Base):
    """Visita de seguimiento a un cantón."""

    __tablename__ = "field_visit"

    territory_id: Mapped[str] = mapped_column(ForeignKey("territory.id"), nullable=False, index=True)
    visit_date: Mapped[date] = mapped_column(Date, nullable=False)
    team: Mapped[str] = mapped_column(Text, nullable=False, default="", info=PERSONAL)
    purpose: Mapped[str] = mapped_column(Text, nullable=False, default="")
    findings: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recommendations: Mapped[str] = mapped_column(Text, nullable=False, default="")


class FieldVisitUnit(Record, Base):
    __tablename__ = "field_visit_unit"

    visit_id: Mapped[str] = mapped_column(ForeignKey("field_visit.id"), nullable=False, index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("org_unit.id"), nullable=False, index=True)


class FieldVisitCommitment(Record, Base):
    """Compromiso acordado durante una visita."""

    __tablename__ = "field_visit_commitment"

    visit_id: Mapped[str] = mapped_column(ForeignKey("field_visit.id"), nullable=False, index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("org_unit.id"), nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    responsible: Mapped[str] = mapped_column(String(200), nullable=False, default="", info=PERSONAL)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(15), nullable=False, default="PENDIENTE")


class DocumentRequest(Record, Base):
    """Oficio enviado por Quipux pidiendo información a una unidad, con término en días hábiles."""

    __tablename__ = "document_request"

    quipux_no: Mapped[str] = mapped_column(String(60), nullable=False)
    date_sent: Mapped[date] = mapped_column(Date, nullable=False)
    addressee_unit_id: Mapped[str] = mapped_column(ForeignKey("org_unit.id"), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(Text, nullable=False)
    requested_items: Mapped[str] = mapped_column(Text, nullable=False, default="")
    term_days: Mapped[int] = mapped_column(Integer, nullable=False, default=10)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    response_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    response_ref: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(15), nullable=False, default="ENVIADO")
