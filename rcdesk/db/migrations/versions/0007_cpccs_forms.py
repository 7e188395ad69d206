"""Answers the user fills in for the CPCCS accountability report, one row per institution, fiscal
year and form section (the computed sections are never stored).

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

from rcdesk.db.migration_helpers import record_columns, record_indexes

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cpccs_form",
        *record_columns(),
        sa.Column("institution_id", sa.String(36),
                  sa.ForeignKey("institution.id", name="fk_cpccs_form_institution_id_institution"),
                  nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("section", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cpccs_form"),
    )
    record_indexes(op, "cpccs_form")
    op.create_index("ix_cpccs_form_institution_id", "cpccs_form", ["institution_id"])


def downgrade() -> None:
    op.drop_table("cpccs_form")
