"""People directory on real-size data: the FTS5 index `person_fts` gets prefix indexes, and a
one-row table counts the live people.

Without a prefix index FTS5 answers «1»* by reading and merging the doclists of every term that
starts with 1 — on a million people, a million ID numbers: 150-200 ms per keystroke, and about
80 ms for a five-letter prefix of a frequent word («comun»), read cold. A prefix index of the
typed length is one stored list read lazily, a page at a time; lengths 1 to 10 cover every
cédula and most words (a longer prefix matches few enough rows to merge quickly), for about
170 bytes per person. The tokenizer and columns are unchanged, so every search answers exactly
as before (tests/core/test_people_search.py compares both indexes).

`person_count.live` is kept by triggers on `person`, because counting a million rows, even from
an index, takes 100-300 ms cold; deleted and anonymised people (tombstones) are not counted.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TRIGGERS = (
    ("CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN "
     "INSERT INTO person_fts(rowid, full_name, id_number, organization) "
     "VALUES (new.rowid, new.full_name, new.id_number, new.organization); END"),
    ("CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN "
     "INSERT INTO person_fts(person_fts, rowid, full_name, id_number, organization) "
     "VALUES ('delete', old.rowid, old.full_name, old.id_number, old.organization); END"),
    ("CREATE TRIGGER person_fts_au AFTER UPDATE OF full_name, id_number, organization ON person BEGIN "
     "INSERT INTO person_fts(person_fts, rowid, full_name, id_number, organization) "
     "VALUES ('delete', old.rowid, old.full_name, old.id_number, old.organization); "
     "INSERT INTO person_fts(rowid, full_name, id_number, organization) "
     "VALUES (new.rowid, new.full_name, new.id_number, new.organization); END"),
)


def _recreate(prefix: str) -> None:
    for name in ("person_fts_ai", "person_fts_ad", "person_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS person_fts")
    op.execute(
        "CREATE VIRTUAL TABLE person_fts USING fts5(full_name, id_number, organization, "
        "content='person', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'"
        f"{prefix})"
    )
    for sql in _TRIGGERS:
        op.execute(sql)
    op.execute("INSERT INTO person_fts(person_fts) VALUES ('rebuild')")


_COUNT_TRIGGERS = (
    ("CREATE TRIGGER person_count_ai AFTER INSERT ON person WHEN NOT new.deleted BEGIN "
     "UPDATE person_count SET live = live + 1 WHERE id = 1; END"),
    ("CREATE TRIGGER person_count_ad AFTER DELETE ON person WHEN NOT old.deleted BEGIN "
     "UPDATE person_count SET live = live - 1 WHERE id = 1; END"),
    ("CREATE TRIGGER person_count_au AFTER UPDATE OF deleted ON person WHEN old.deleted IS NOT new.deleted BEGIN "
     "UPDATE person_count SET live = live + (CASE WHEN new.deleted THEN -1 ELSE 1 END) WHERE id = 1; END"),
)


def upgrade() -> None:
    _recreate(", prefix='1 2 3 4 5 6 7 8 9 10'")
    op.create_table(
        "person_count",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("live", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_person_count"),
    )
    op.execute("INSERT INTO person_count (id, live) SELECT 1, count(*) FROM person WHERE deleted = 0")
    for sql in _COUNT_TRIGGERS:
        op.execute(sql)


def downgrade() -> None:
    for name in ("person_count_ai", "person_count_ad", "person_count_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("person_count")
    _recreate("")
