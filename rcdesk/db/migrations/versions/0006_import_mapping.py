"""Mapped imports and signed actas.

- poa: report date and title-block data of the imported workbook, «otros datos»;
- poa_objective: hierarchy (parent, level, result indicator);
- poa_meta: level (producto / resultado), initial budget (asignación / apropiación inicial), «otros datos»;
- poa_execution: pagos (Colombia);
- acta: SHA-256 of the exact PDF bytes and the issuing installation's Ed25519 signature;
- import_mapping: confirmed column mappings, offered again for workbooks with the same headers.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("poa", sa.Column("report_date", sa.Date, nullable=True))
    op.add_column("poa", sa.Column("extra", sa.JSON, nullable=True))
    op.add_column("poa_objective", sa.Column("parent_id", sa.String(36), nullable=True))
    op.add_column("poa_objective", sa.Column("level", sa.String(20), nullable=False, server_default=""))
    op.add_column("poa_objective", sa.Column("indicator", sa.Text, nullable=False, server_default=""))
    op.create_index("ix_poa_objective_parent_id", "poa_objective", ["parent_id"])
    op.add_column("poa_meta", sa.Column("level", sa.String(20), nullable=False, server_default=""))
    op.add_column("poa_meta", sa.Column("initial_budget", sa.Float, nullable=True))
    op.add_column("poa_meta", sa.Column("extra", sa.JSON, nullable=True))
    op.add_column("poa_execution", sa.Column("pagado", sa.Float, nullable=True))
    op.add_column("acta", sa.Column("pdf_sha256", sa.String(64), nullable=True))
    op.add_column("acta", sa.Column("signature", sa.Text, nullable=True))
    op.add_column("acta", sa.Column("signer_public", sa.String(100), nullable=True))
    op.create_index("ix_acta_pdf_sha256", "acta", ["pdf_sha256"])
    op.create_table(
        "import_mapping",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("mapping", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_import_mapping"),
        sa.UniqueConstraint("kind", "signature", name="uq_import_mapping_kind_signature"),
    )


def downgrade() -> None:
    op.drop_table("import_mapping")
    op.drop_index("ix_acta_pdf_sha256", "acta")
    for col in ("signer_public", "signature", "pdf_sha256"):
        op.drop_column("acta", col)
    op.drop_column("poa_execution", "pagado")
    for col in ("extra", "initial_budget", "level"):
        op.drop_column("poa_meta", col)
    op.drop_index("ix_poa_objective_parent_id", "poa_objective")
    for col in ("indicator", "level", "parent_id"):
        op.drop_column("poa_objective", col)
    op.drop_column("poa", "extra")
    op.drop_column("poa", "report_date")
