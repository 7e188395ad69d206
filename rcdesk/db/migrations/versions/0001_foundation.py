"""Foundation: installation, settings, audit log, reference data and plans.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

from rcdesk.db.migration_helpers import record_columns, record_indexes

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _fk(col: str, table: str, ref: str, nullable: bool = True) -> sa.Column:
    return sa.Column(col, sa.String(36), sa.ForeignKey(f"{ref}.id", name=f"fk_{table}_{col}_{ref}"),
                     nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "installation",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("is_self", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("next_seq", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_installation"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_setting"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("installation_id", sa.String(36),
                  sa.ForeignKey("installation.id", name="fk_audit_log_installation_id_installation"),
                  nullable=True),
        sa.Column("user", sa.String(100), nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("changes", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_table_name", "audit_log", ["table_name"])
    op.create_index("ix_audit_log_record_id", "audit_log", ["record_id"])

    op.create_table(
        "territory",
        *record_columns(),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _fk("parent_id", "territory", "territory"),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=True),
        sa.Column("valid_to", sa.Date, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_territory"),
        sa.UniqueConstraint("country", "code", name="uq_territory_country"),
    )
    record_indexes(op, "territory")
    op.create_index("ix_territory_parent_id", "territory", ["parent_id"])

    op.create_table(
        "institution",
        *record_columns(),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("tax_id", sa.String(20), nullable=True),
        _fk("territory_id", "institution", "territory"),
        sa.Column("address", sa.Text, nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("website", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_institution"),
    )
    record_indexes(op, "institution")

    op.create_table(
        "org_unit",
        *record_columns(),
        _fk("institution_id", "org_unit", "institution", nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("unit_type", sa.String(30), nullable=False),
        _fk("territory_id", "org_unit", "territory"),
        sa.Column("head_name", sa.String(200), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_org_unit"),
    )
    record_indexes(op, "org_unit")
    op.create_index("ix_org_unit_institution_id", "org_unit", ["institution_id"])

    op.create_table(
        "plan",
        *record_columns(),
        _fk("institution_id", "plan", "institution", nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("layout", sa.String(10), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("period_kind", sa.String(15), nullable=False),
        sa.Column("source_name", sa.String(300), nullable=True),
        sa.Column("header_lines", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan"),
    )
    record_indexes(op, "plan")
    op.create_index("ix_plan_institution_id", "plan", ["institution_id"])

    op.create_table(
        "plan_group",
        *record_columns(),
        _fk("plan_id", "plan_group", "plan", nullable=False),
        _fk("parent_id", "plan_group", "plan_group"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_group"),
    )
    record_indexes(op, "plan_group")
    op.create_index("ix_plan_group_plan_id", "plan_group", ["plan_id"])
    op.create_index("ix_plan_group_parent_id", "plan_group", ["parent_id"])

    op.create_table(
        "plan_activity",
        *record_columns(),
        _fk("plan_id", "plan_activity", "plan", nullable=False),
        _fk("group_id", "plan_activity", "plan_group"),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("responsible", sa.Text, nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("recursos", sa.Text, nullable=False),
        sa.Column("indicator", sa.Text, nullable=False),
        sa.Column("stages", sa.JSON, nullable=False),
        sa.Column("cuatrimestres", sa.JSON, nullable=False),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("scheduled_text", sa.Text, nullable=False),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_activity"),
    )
    record_indexes(op, "plan_activity")
    op.create_index("ix_plan_activity_plan_id", "plan_activity", ["plan_id"])
    op.create_index("ix_plan_activity_group_id", "plan_activity", ["group_id"])

    op.create_table(
        "activity_unit",
        *record_columns(),
        _fk("activity_id", "activity_unit", "plan_activity", nullable=False),
        _fk("unit_id", "activity_unit", "org_unit", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_activity_unit"),
    )
    record_indexes(op, "activity_unit")
    op.create_index("ix_activity_unit_activity_id", "activity_unit", ["activity_id"])
    op.create_index("ix_activity_unit_unit_id", "activity_unit", ["unit_id"])
