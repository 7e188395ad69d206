"""People search and the live-people counter on PostgreSQL (headquarters on a server); nothing
on SQLite, where revisions 0004 and 0008 built them with FTS5 and triggers.

FTS5's `unicode61 remove_diacritics 2` tokenizer answers a search when every typed word is the
start of a word of the name, ID number or organization, accents and case aside. PostgreSQL gets
the same answers from `rcdesk_person_words()`: the three columns unaccented, lower-cased and cut
into words at anything that is not a letter or digit, as " word word … " (a space each side), so
that «typed word starts a word» is `LIKE '% typed%'`; a trigram GIN index (pg_trgm) on it lets
each keystroke read only candidate rows. `unaccent` is STABLE (its dictionary could change), so
an IMMUTABLE wrapper names the dictionary explicitly for the index. Both extensions are trusted
(PostgreSQL 13+): a database owner may create them without superuser rights.

`person_count.live` is kept by statement-level triggers with transition tables: a consolidation
inserting 100 000 people updates the counter once, not 100 000 times.

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_UP = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE FUNCTION rcdesk_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "CREATE FUNCTION rcdesk_person_words(text, text, text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS $$ SELECT ' ' || btrim(regexp_replace(lower(rcdesk_unaccent(concat_ws(' ', $1, $2, $3))), "
    "'[\\W_]+', ' ', 'g')) || ' ' $$",
    "CREATE INDEX ix_person_words_trgm ON person "
    "USING gin (rcdesk_person_words(full_name, id_number, organization) gin_trgm_ops)",
    "CREATE FUNCTION rcdesk_person_count_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE person_count SET live = live + (SELECT count(*) FROM new_rows WHERE NOT deleted) WHERE id = 1; "
    "RETURN NULL; END $$",
    "CREATE FUNCTION rcdesk_person_count_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE person_count SET live = live - (SELECT count(*) FROM old_rows WHERE NOT deleted) WHERE id = 1; "
    "RETURN NULL; END $$",
    "CREATE FUNCTION rcdesk_person_count_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE person_count SET live = live + (SELECT count(*) FILTER (WHERE o.deleted AND NOT n.deleted) "
    "- count(*) FILTER (WHERE n.deleted AND NOT o.deleted) FROM new_rows n JOIN old_rows o ON o.id = n.id) "
    "WHERE id = 1; RETURN NULL; END $$",
    "CREATE TRIGGER person_count_ai AFTER INSERT ON person REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION rcdesk_person_count_ins()",
    "CREATE TRIGGER person_count_ad AFTER DELETE ON person REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION rcdesk_person_count_del()",
    "CREATE TRIGGER person_count_au AFTER UPDATE ON person REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION rcdesk_person_count_upd()",
    "UPDATE person_count SET live = (SELECT count(*) FROM person WHERE NOT deleted) WHERE id = 1",
)

_DOWN = (
    "DROP TRIGGER IF EXISTS person_count_au ON person",
    "DROP TRIGGER IF EXISTS person_count_ad ON person",
    "DROP TRIGGER IF EXISTS person_count_ai ON person",
    "DROP FUNCTION IF EXISTS rcdesk_person_count_upd()",
    "DROP FUNCTION IF EXISTS rcdesk_person_count_del()",
    "DROP FUNCTION IF EXISTS rcdesk_person_count_ins()",
    "DROP INDEX IF EXISTS ix_person_words_trgm",
    "DROP FUNCTION IF EXISTS rcdesk_person_words(text, text, text)",
    "DROP FUNCTION IF EXISTS rcdesk_unaccent(text)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for sql in _UP:
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for sql in _DOWN:
        op.execute(sql)
