"""The live-people counter on PostgreSQL no longer makes writers of `person` wait for each other;
nothing on SQLite, where one writer at a time keeps revision 0008's triggers free.

Revision 0010's statement triggers added each statement's change to the one `person_count` row,
whose lock is then held until the transaction commits: two consolidations bringing people, or an
operator saving a person while a consolidation runs, waited for each other's commit (and failed
after the lock timeout). Now a statement's change is folded into that row only when the row is
free (`FOR UPDATE SKIP LOCKED`), together with the changes other transactions left pending; when
another open transaction holds the row, the change is written as a row of its own in
`person_count_delta` (plain inserts never wait). The number of live people is
`live + sum(delta)`, read in one statement so that both parts come from the same snapshot.
Whoever next holds the row folds the pending changes in, so the table stays a few rows long.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_ADD = (
    "CREATE FUNCTION rcdesk_person_count_add(d bigint) RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
    "IF d = 0 THEN RETURN; END IF; "
    "PERFORM 1 FROM person_count WHERE id = 1 FOR UPDATE SKIP LOCKED; "
    "IF FOUND THEN "
    "WITH gone AS (DELETE FROM person_count_delta RETURNING delta) "
    "UPDATE person_count SET live = live + d + COALESCE((SELECT sum(delta) FROM gone), 0) WHERE id = 1; "
    "ELSE INSERT INTO person_count_delta (delta) VALUES (d); END IF; "
    "END $$"
)

# the bodies of revision 0010's trigger functions, given one change each (the triggers stay)
_INS = "(SELECT count(*) FROM new_rows WHERE NOT deleted)"
_DEL = "-(SELECT count(*) FROM old_rows WHERE NOT deleted)"
_UPD = (
    "(SELECT count(*) FILTER (WHERE o.deleted AND NOT n.deleted) "
    "- count(*) FILTER (WHERE n.deleted AND NOT o.deleted) FROM new_rows n JOIN old_rows o ON o.id = n.id)"
)


def _body(change: str, new: bool) -> str:
    if new:
        return f"PERFORM rcdesk_person_count_add({change}); RETURN NULL;"
    return f"UPDATE person_count SET live = live + {change} WHERE id = 1; RETURN NULL;"


def _functions(new: bool) -> list[str]:
    return [
        f"CREATE OR REPLACE FUNCTION rcdesk_person_count_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_body(change, new)} END $$"
        for name, change in (("ins", _INS), ("del", _DEL), ("upd", _UPD))
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        "CREATE TABLE person_count_delta (id bigint GENERATED ALWAYS AS IDENTITY, delta bigint NOT NULL, "
        "CONSTRAINT pk_person_count_delta PRIMARY KEY (id))"
    )
    op.execute(_ADD)
    for sql in _functions(new=True):
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for sql in _functions(new=False):
        op.execute(sql)
    op.execute("UPDATE person_count SET live = live + COALESCE((SELECT sum(delta) FROM person_count_delta), 0)")
    op.execute("DROP FUNCTION IF EXISTS rcdesk_person_count_add(bigint)")
    op.execute("DROP TABLE IF EXISTS person_count_delta")
