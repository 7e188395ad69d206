"""Alembic environment: always run on the connection rcdesk hands over (see migrate.py).

The revision files are frozen and were written for SQLite; on another engine (PostgreSQL at
headquarters) `migration_ops` translates or skips their few SQLite-only statements.
"""

from alembic import context

config = context.config
connection = config.attributes["connection"]
sqlite = connection.dialect.name == "sqlite"


def _stamp_user_version(ctx, step, heads, run_args):
    # SQLite only: start-up reads the schema number from this pragma without importing Alembic
    rev = step.up_revision_id if step.is_upgrade else step.down_revision_ids[0] if step.down_revision_ids else "0"
    ctx.connection.exec_driver_sql(f"PRAGMA user_version = {int(rev or 0)}")


context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=True,
    transaction_per_migration=True,
    on_version_apply=_stamp_user_version if sqlite else None,
)
if not sqlite:
    from rcdesk.db import migration_ops

    migration_ops.install(context.get_context())
with context.begin_transaction():
    context.run_migrations()
