"""Tables of the follow-up capability, plus two building blocks the whole app shares:

- `holiday`: the business-day calendar per country (national holidays seeded from the
  `holidays` library, local holidays and decreed bridge days added by users);
- `evidence`: medios de verificación (files stored once by content hash, or links) that any
  record can own through the generic (`owner_type`, `owner_id`) pair;
- `progress_report`: what a responsible unit reports for an activity and a period, and the
  reviewer's decision (reportado → validado / observado).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rcdesk.db.base import Base, Record
from rcdesk.ids import utcnow

HOLIDAY_SCOPES = {"nacional": "Nacional", "local": "Local"}
HOLIDAY_SOURCES = {"biblioteca": "Calendario oficial (biblioteca holidays)", "usuario": "Agregado por el usuario"}

EVIDENCE_KINDS = {"FILE": "Archivo", "LINK": "Enlace"}

# SUSTITUIDO: replaced by a later version (an edit of a reported report, or a correction of a
# validated one once the correction is validated); kept for the history, never counted.
REPORT_STATES = {"REPORTADO": "Reportado", "VALIDADO": "Validado", "OBSERVADO": "Observado", "SUSTITUIDO": "Sustituido"}


class Holiday(Record, Base):
    __tablename__ = "holiday"
    __table_args__ = (Index("ix_holiday_country_day", "country", "day"),)

    country: Mapped[str] = mapped_column(String(2), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    scope: Mapped[str] = mapped_column(String(10), nullable=False, default="nacional")
    locality: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="usuario")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Evidence(Record, Base):
    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_owner", "owner_type", "owner_id"),)

    owner_type: Mapped[str] = mapped_column(String(40), nullable=False)
    owner_id: Mapped[str] = mapped_column(String(36), nullable=False)
    kind: Mapped[str] = mapped_column(String(4), nullable=False)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    filename: Mapped[str | None] = mapped_column(String(300), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mime: Mapped[str | None] = mapped_column(String(120), nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    title: Mapped[str | None] = mapped_column(String(300), nullable=True)


class EvidenceBlob(Base):
    """An evidence file's bytes, kept in a server database so every operator's desktop can open it
    (`rcdesk/db/shared_blobs.py`); empty on SQLite, whose files stay in the store folder."""

    __tablename__ = "evidence_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)


class ProgressReport(Record, Base):
    __tablename__ = "progress_report"
    # the home page's report that counts and pending count, answered from the index (revision 0016)
    __table_args__ = (
        Index(
            "ix_progress_report_latest",
            "activity_id",
            "deleted",
            "status",
            "period_no",
            "id",
            "percent",
            "quantity",
            "target_quantity",
        ),
    )

    activity_id: Mapped[str] = mapped_column(ForeignKey("plan_activity.id"), nullable=False, index=True)
    period_kind: Mapped[str] = mapped_column(String(15), nullable=False)
    period_no: Mapped[int] = mapped_column(Integer, nullable=False)
    # % de avance respecto de lo programado hasta el final del periodo (raw; may exceed 100).
    percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    quantity: Mapped[float | None] = mapped_column(Float, nullable=True)
    target_quantity: Mapped[float | None] = mapped_column(Float, nullable=True)
    done_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    difficulties: Mapped[str] = mapped_column(Text, nullable=False, default="")
    justification: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reporter: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    reported_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="REPORTADO")
    reviewer: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    review_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
