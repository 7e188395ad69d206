"""Tables of the sync capability (see rcdesk/models/sync.py for what each one holds).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

from rcdesk.db.migration_helpers import record_columns, record_indexes  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_key",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("public_b64", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("kind", name="pk_sync_key"),
    )
    op.create_table(
        "sync_peer",
        sa.Column("installation_id", sa.String(36),
                  sa.ForeignKey("installation.id", name="fk_sync_peer_installation_id_installation"),
                  primary_key=True),
        sa.Column("sign_public", sa.String(100), nullable=True),
        sa.Column("enc_public", sa.String(100), nullable=True),
        sa.Column("trusted", sa.Boolean, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=True),
        sa.Column("changed_at", sa.DateTime, nullable=True),
        sa.PrimaryKeyConstraint("installation_id", name="pk_sync_peer"),
    )
    op.create_table(
        "sync_package",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("package_id", sa.String(36), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("installation_id", sa.String(36), nullable=False),
        sa.Column("target_id", sa.String(36), nullable=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=True),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("processed_at", sa.DateTime, nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("local_seq_from", sa.Integer, nullable=True),
        sa.Column("local_seq_to", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sync_package"),
        sa.UniqueConstraint("sha256", name="uq_sync_package_sha256"),
    )
    op.create_index("ix_sync_package_installation_id", "sync_package", ["installation_id"])
    op.create_table(
        "sync_record",
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("sent_version", sa.Integer, nullable=False),
        sa.Column("sent_seq", sa.Integer, nullable=False),
        sa.Column("hq_conflict", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("table_name", "record_id", name="pk_sync_record"),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("installation_id", sa.String(36), nullable=False),
        sa.Column("package_sha", sa.String(64), nullable=False),
        sa.Column("base_version", sa.Integer, nullable=False),
        sa.Column("local_version", sa.Integer, nullable=False),
        sa.Column("incoming_version", sa.Integer, nullable=False),
        sa.Column("local_data", sa.Text, nullable=False),
        sa.Column("incoming_data", sa.Text, nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("resolved_at", sa.DateTime, nullable=True),
        sa.Column("resolved_by", sa.String(100), nullable=True),
        sa.Column("resolution", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sync_conflict"),
    )
    op.create_index("ix_sync_conflict_record_id", "sync_conflict", ["record_id"])
    op.create_table(
        "sync_assignment",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("installation_id", sa.String(36), nullable=False),
        sa.Column("territory_id", sa.String(36), nullable=True),
        sa.Column("unit_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sync_assignment"),
    )
    op.create_index("ix_sync_assignment_installation_id", "sync_assignment", ["installation_id"])
