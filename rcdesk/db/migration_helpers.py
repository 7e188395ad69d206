"""Column sets shared by migrations. Frozen: never change what an existing revision produced."""

from __future__ import annotations

import sqlalchemy as sa


def record_columns() -> list[sa.Column]:
    """The Record mixin's columns as of revision 0001 (id, timestamps, provenance, tombstone)."""
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("modified_by", sa.String(36), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("change_seq", sa.Integer, nullable=False),
    ]


def record_indexes(op, table: str) -> None:
    op.create_index(f"ix_{table}_change_seq", table, ["change_seq"])
