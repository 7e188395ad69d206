"""PostgreSQL takes change numbers from a sequence, so writers no longer queue behind each other;
nothing on SQLite.

Every Record write takes its local change numbers (`change_seq`) from a counter. On SQLite the
counter is this installation's `installation.next_seq`, bumped inside the write transaction,
which is free there: one writer at a time anyway. On a server, that row's lock was held until the
transaction committed, so every operator writing Records waited for every other one (a
consolidation of a large package held all the others, and a conflict decision, for its whole
length, and failed them after the lock timeout). Here the numbers come from a sequence instead,
outside any transaction: `rcdesk_take_seq(n)` reserves `n` consecutive numbers and returns the
first, holding an advisory lock only while it moves the sequence (a package's records keep one
contiguous range, which provenance relies on). Numbers taken by a transaction that rolls back
are simply never used. The sequence starts where the counter stood.

Revision ID: 0013
Revises: 0012
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# any fixed number: the lock only serializes the two calls of rcdesk_take_seq on the sequence
_LOCK = 7_302_013


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return
    bind.exec_driver_sql("CREATE SEQUENCE IF NOT EXISTS rcdesk_change_seq AS bigint MINVALUE 1")
    bind.exec_driver_sql(
        "SELECT setval('rcdesk_change_seq', "
        "COALESCE((SELECT max(next_seq) FROM installation WHERE is_self = TRUE), 1), false)"
    )
    bind.exec_driver_sql(
        f"""
        CREATE OR REPLACE FUNCTION rcdesk_take_seq(n integer) RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
            first bigint;
        BEGIN
            PERFORM pg_advisory_lock({_LOCK});
            BEGIN
                first := nextval('rcdesk_change_seq');
                IF n > 1 THEN
                    PERFORM setval('rcdesk_change_seq', first + n - 1);
                END IF;
            EXCEPTION WHEN OTHERS THEN
                PERFORM pg_advisory_unlock({_LOCK});
                RAISE;
            END;
            PERFORM pg_advisory_unlock({_LOCK});
            RETURN first;
        END $$
        """
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return
    bind.exec_driver_sql(
        "UPDATE installation SET next_seq = GREATEST(next_seq, "
        "(SELECT last_value + 1 FROM rcdesk_change_seq)) WHERE is_self = TRUE"
    )
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS rcdesk_take_seq(integer)")
    bind.exec_driver_sql("DROP SEQUENCE IF EXISTS rcdesk_change_seq")
