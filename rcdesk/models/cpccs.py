"""Answers the user fills in for the CPCCS accountability report.

One row per institution, fiscal year and form section; `data` holds that section's fields as
the form words them (see `rcdesk.services.cpccs`). Sections computed from the database are
never stored here. The id is derived from (institution, year, section) so two installations
filling the same section write the same record and sync resolves it as one.
"""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rcdesk.db.base import Base, Record


class CpccsForm(Record, Base):
    __tablename__ = "cpccs_form"

    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), nullable=False, index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, nullable=False)
    section: Mapped[str] = mapped_column(String(40), nullable=False)
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
