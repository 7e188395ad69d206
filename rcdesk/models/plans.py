"""Accountability plans (cronogramas): a tree of groups holding activities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rcdesk.db.base import Base, Record

PERIOD_KINDS = {"cuatrimestre": "Cuatrimestre", "trimestre": "Trimestre", "mes": "Mes"}


class Plan(Record, Base):
    __tablename__ = "plan"

    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)  # vigencia
    layout: Mapped[str] = mapped_column(String(10), nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")
    period_kind: Mapped[str] = mapped_column(String(15), nullable=False, default="cuatrimestre")
    source_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    header_lines: Mapped[list] = mapped_column(JSON, nullable=False, default=list)


class PlanGroup(Record, Base):
    __tablename__ = "plan_group"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id"), nullable=False, index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("plan_group.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    code: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    name: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class PlanActivity(Record, Base):
    __tablename__ = "plan_activity"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id"), nullable=False, index=True)
    group_id: Mapped[str | None] = mapped_column(ForeignKey("plan_group.id"), nullable=True, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    number: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False)
    responsible: Mapped[str] = mapped_column(Text, nullable=False, default="")
    meta: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recursos: Mapped[str] = mapped_column(Text, nullable=False, default="")
    indicator: Mapped[str] = mapped_column(Text, nullable=False, default="")
    stages: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    cuatrimestres: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    scheduled_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    extra: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class ActivityUnit(Record, Base):
    """Link from an activity to a known unit matched from its free-text responsible."""

    __tablename__ = "activity_unit"

    activity_id: Mapped[str] = mapped_column(ForeignKey("plan_activity.id"), nullable=False, index=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("org_unit.id"), nullable=False, index=True)
