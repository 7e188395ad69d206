"""Foreign keys checked at commit when asked, on PostgreSQL as on SQLite; nothing on SQLite.

Importing a package writes its records table by table, and a record may refer to one written
later in the same transaction (a group's parent, an activity moved to a new group). SQLite defers
the checks to the commit with `PRAGMA defer_foreign_keys`; PostgreSQL does it with
`SET CONSTRAINTS ALL DEFERRED`, which only reaches constraints declared DEFERRABLE. Here every
foreign key becomes DEFERRABLE INITIALLY IMMEDIATE: checked per statement as before unless a
transaction asks otherwise (`rcdesk.db.portable.defer_foreign_keys`).

Revision ID: 0011
Revises: 0010
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_FOREIGN_KEYS = (
    "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c "
    "JOIN pg_namespace n ON n.oid = c.connamespace "
    "WHERE c.contype = 'f' AND n.nspname = current_schema()"
)


def _set(clause: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return
    for table, name in bind.exec_driver_sql(_FOREIGN_KEYS).fetchall():
        bind.exec_driver_sql(f'ALTER TABLE {table} ALTER CONSTRAINT "{name}" {clause}')


def upgrade() -> None:
    _set("DEFERRABLE INITIALLY IMMEDIATE")


def downgrade() -> None:
    _set("NOT DEFERRABLE")
