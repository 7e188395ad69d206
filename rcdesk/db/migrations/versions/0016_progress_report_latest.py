"""The report that counts, read from one index: the home page's figures of a large plan.

The home page (and `FollowupService.dashboard`) reads, for every activity of the plan, its
validated report of the highest period up to the cut and its count of reports awaiting review.
With only `ix_progress_report_activity_id` both reads fetched every report of the plan from the
table (24,000 reports for 2,000 activities: 15-16 ms of the ~50 ms the figures take at start-up).
Here both are answered from this index alone: equality on activity, deleted and status, a range
on the period, and the id and reported values the figures use; about 110 bytes per report.
The same index serves PostgreSQL's window query over the same columns.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_progress_report_latest",
        "progress_report",
        ["activity_id", "deleted", "status", "period_no", "id", "percent", "quantity", "target_quantity"],
    )


def downgrade() -> None:
    op.drop_index("ix_progress_report_latest", "progress_report")
