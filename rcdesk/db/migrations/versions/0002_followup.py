"""Tables of the followup capability: holiday calendar, evidence store, progress reports.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from rcdesk.db.migration_helpers import record_columns, record_indexes

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holiday",
        *record_columns(),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("locality", sa.String(200), nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_holiday"),
    )
    record_indexes(op, "holiday")
    op.create_index("ix_holiday_country_day", "holiday", ["country", "day"])

    op.create_table(
        "evidence",
        *record_columns(),
        sa.Column("owner_type", sa.String(40), nullable=False),
        sa.Column("owner_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(4), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("filename", sa.String(300), nullable=True),
        sa.Column("size", sa.Integer, nullable=True),
        sa.Column("mime", sa.String(120), nullable=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("title", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_evidence"),
    )
    record_indexes(op, "evidence")
    op.create_index("ix_evidence_owner", "evidence", ["owner_type", "owner_id"])
    op.create_index("ix_evidence_sha256", "evidence", ["sha256"])

    op.create_table(
        "progress_report",
        *record_columns(),
        sa.Column("activity_id", sa.String(36),
                  sa.ForeignKey("plan_activity.id", name="fk_progress_report_activity_id_plan_activity"),
                  nullable=False),
        sa.Column("period_kind", sa.String(15), nullable=False),
        sa.Column("period_no", sa.Integer, nullable=False),
        sa.Column("percent", sa.Float, nullable=True),
        sa.Column("quantity", sa.Float, nullable=True),
        sa.Column("target_quantity", sa.Float, nullable=True),
        sa.Column("done_text", sa.Text, nullable=False),
        sa.Column("difficulties", sa.Text, nullable=False),
        sa.Column("justification", sa.Text, nullable=False),
        sa.Column("reporter", sa.String(200), nullable=False),
        sa.Column("reported_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("review_note", sa.Text, nullable=False),
        sa.Column("reviewed_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_progress_report"),
    )
    record_indexes(op, "progress_report")
    op.create_index("ix_progress_report_activity_id", "progress_report", ["activity_id"])
