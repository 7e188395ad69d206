"""Tables of the poa capability: POA per unit and year, programming and execution per
period, field visits and document requests (oficios).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from rcdesk.db.migration_helpers import record_columns, record_indexes

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _fk(col: str, table: str, ref: str, nullable: bool = True) -> sa.Column:
    return sa.Column(col, sa.String(36), sa.ForeignKey(f"{ref}.id", name=f"fk_{table}_{col}_{ref}"),
                     nullable=nullable)


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False)


def _table(name: str, *cols, indexed: tuple[str, ...] = ()) -> None:  # noqa: ANN002
    op.create_table(name, *record_columns(), *cols, sa.PrimaryKeyConstraint("id", name=f"pk_{name}"))
    record_indexes(op, name)
    for col in indexed:
        op.create_index(f"ix_{name}_{col}", name, [col])


def upgrade() -> None:
    _table(
        "poa",
        _fk("institution_id", "poa", "institution", nullable=False),
        _fk("unit_id", "poa", "org_unit", nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("period_kind", sa.String(15), nullable=False),
        sa.Column("status", sa.String(15), nullable=False),
        _text("title"),
        sa.Column("source_name", sa.String(300), nullable=True),
        sa.Column("approved_at", sa.Date, nullable=True),
        indexed=("institution_id", "unit_id"),
    )
    _table(
        "poa_objective",
        _fk("poa_id", "poa_objective", "poa", nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("code", sa.String(30), nullable=False),
        _text("description"),
        _text("alignment"),
        indexed=("poa_id",),
    )
    _table(
        "poa_meta",
        _fk("poa_id", "poa_meta", "poa", nullable=False),
        _fk("objective_id", "poa_meta", "poa_objective", nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        _text("description"),
        sa.Column("unit_of_measure", sa.String(100), nullable=False),
        sa.Column("annual_target", sa.Float, nullable=False),
        sa.Column("baseline", sa.Float, nullable=True),
        sa.Column("polarity", sa.String(15), nullable=False),
        sa.Column("codificado", sa.Float, nullable=True),
        _text("contribution"),
        indexed=("poa_id", "objective_id"),
    )
    _table(
        "poa_indicator",
        _fk("meta_id", "poa_indicator", "poa_meta", nullable=False),
        _text("name"),
        _text("formula"),
        sa.Column("accumulation", sa.String(15), nullable=False),
        _text("source"),
        indexed=("meta_id",),
    )
    _table(
        "poa_activity",
        _fk("meta_id", "poa_activity", "poa_meta", nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        _text("description"),
        _fk("responsible_unit_id", "poa_activity", "org_unit"),
        sa.Column("budget_line", sa.String(60), nullable=False),
        _text("product"),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        indexed=("meta_id",),
    )
    _table(
        "poa_programming",
        _fk("meta_id", "poa_programming", "poa_meta", nullable=False),
        sa.Column("period_no", sa.Integer, nullable=False),
        sa.Column("planned_qty", sa.Float, nullable=False),
        sa.Column("planned_budget", sa.Float, nullable=False),
        indexed=("meta_id",),
    )
    _table(
        "poa_execution",
        _fk("meta_id", "poa_execution", "poa_meta", nullable=False),
        sa.Column("period_no", sa.Integer, nullable=False),
        sa.Column("executed_qty", sa.Float, nullable=True),
        sa.Column("codificado", sa.Float, nullable=True),
        sa.Column("comprometido", sa.Float, nullable=True),
        sa.Column("devengado", sa.Float, nullable=True),
        _text("narrative"),
        _text("difficulties"),
        _text("corrective_actions"),
        sa.Column("validation_status", sa.String(12), nullable=False),
        _text("validation_note"),
        sa.Column("reported_at", sa.DateTime, nullable=True),
        sa.Column("reported_by", sa.String(100), nullable=True),
        sa.Column("validated_at", sa.DateTime, nullable=True),
        sa.Column("validated_by", sa.String(100), nullable=True),
        indexed=("meta_id",),
    )
    _table(
        "field_visit",
        _fk("territory_id", "field_visit", "territory", nullable=False),
        sa.Column("visit_date", sa.Date, nullable=False),
        _text("team"),
        _text("purpose"),
        _text("findings"),
        _text("recommendations"),
        indexed=("territory_id",),
    )
    _table(
        "field_visit_unit",
        _fk("visit_id", "field_visit_unit", "field_visit", nullable=False),
        _fk("unit_id", "field_visit_unit", "org_unit", nullable=False),
        indexed=("visit_id", "unit_id"),
    )
    _table(
        "field_visit_commitment",
        _fk("visit_id", "field_visit_commitment", "field_visit", nullable=False),
        _fk("unit_id", "field_visit_commitment", "org_unit"),
        _text("description"),
        sa.Column("responsible", sa.String(200), nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("status", sa.String(15), nullable=False),
        indexed=("visit_id",),
    )
    _table(
        "document_request",
        sa.Column("quipux_no", sa.String(60), nullable=False),
        sa.Column("date_sent", sa.Date, nullable=False),
        _fk("addressee_unit_id", "document_request", "org_unit", nullable=False),
        _text("subject"),
        _text("requested_items"),
        sa.Column("term_days", sa.Integer, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("response_date", sa.Date, nullable=True),
        sa.Column("response_ref", sa.String(60), nullable=False),
        sa.Column("status", sa.String(15), nullable=False),
        indexed=("addressee_unit_id",),
    )
