"""The same Alembic history builds PostgreSQL: every table, column, index and foreign key of an
SQLite database exists on the server too (FTS5's own tables aside), and the frozen revisions'
SQLite-only statements are translated or skipped there, nothing else."""

from __future__ import annotations

from sqlalchemy import inspect

from rcdesk.db.database import Database
from rcdesk.db.migration_ops import translate

FTS5_OWN = {"person_fts", "person_fts_data", "person_fts_idx", "person_fts_docsize", "person_fts_config"}
# revision 0015: the people counter's pending changes, so that writers on a server never wait for each
# other's commit on one counter row; SQLite has one writer at a time and keeps its triggers
SERVER_OWN = {"person_count_delta"}


def _shape(engine) -> dict:
    insp = inspect(engine)
    out = {}
    for t in insp.get_table_names():
        if t in FTS5_OWN:
            continue
        out[t] = (
            sorted((c["name"], bool(c["nullable"])) for c in insp.get_columns(t)),
            # PostgreSQL lists a unique constraint's own index too; revision 0010's index is its search
            sorted(
                i["name"]
                for i in insp.get_indexes(t)
                if not i["name"].startswith("ix_person_words") and "duplicates_constraint" not in i
            ),
            sorted((tuple(f["constrained_columns"]), f["referred_table"]) for f in insp.get_foreign_keys(t)),
        )
    return out


def test_server_schema_matches_sqlite(db, pg_url):
    server = Database.open(pg_url, name="Sede", role="hq")
    try:
        on_server, on_file = _shape(server.engine), _shape(db.engine)
        assert set(on_server) - set(on_file) == SERVER_OWN
        assert {t: v for t, v in on_server.items() if t not in SERVER_OWN} == on_file
    finally:
        server.close()


def test_only_known_sqlite_statements_are_translated():
    assert translate("CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN INSERT INTO x VALUES (1); END") is None
    assert translate("DROP TABLE IF EXISTS person_fts") is None
    assert "deleted = FALSE" in str(
        translate("INSERT INTO person_count (id, live) SELECT 1, count(*) FROM person WHERE deleted = 0")
    )
    # PostgreSQL's own triggers (revision 0010) and any statement not listed run as written
    pg = "CREATE TRIGGER person_count_ai AFTER INSERT ON person REFERENCING NEW TABLE AS n FOR EACH STATEMENT"
    assert translate(pg) == pg
    assert translate("CREATE VIRTUAL TABLE other USING fts5(x)") == "CREATE VIRTUAL TABLE other USING fts5(x)"
