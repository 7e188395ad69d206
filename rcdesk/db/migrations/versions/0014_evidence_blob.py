"""Evidence files in the database, for a headquarters on a server: table `evidence_blob`.

An SQLite installation keeps its evidence files in its own folder (the content store next to the
database file), and this table stays empty there. A server database is shared by operators at
several desktops, and a file one of them attached, or that a consolidated package brought, must
open at every other: there each stored file is also kept here, once per SHA-256 (the store's own
key), and a desktop that lacks it fetches it into its local store on first use
(`rcdesk/db/shared_blobs.py`). Not a Record: the `evidence` rows that name the files travel in
packages; the bytes travel as package members, as before.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_blob",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_evidence_blob")),
    )


def downgrade() -> None:
    op.drop_table("evidence_blob")
