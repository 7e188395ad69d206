"""A pg_dump copy of a server headquarters restores (PostgreSQL only; nothing on SQLite).

`pg_restore` builds indexes with an empty `search_path` (a safety measure of PostgreSQL's own
tools), so an index expression must name every function with its schema. The people-search index
(revision 0010) calls `rcdesk_person_words()`, which called `rcdesk_unaccent()` unqualified: the
restore of every `rcdesk backup` of a server stopped at that index with «function
rcdesk_unaccent(text) does not exist». The function now names it as `public.rcdesk_unaccent`, as
`rcdesk_unaccent` already names `public.unaccent`; its answers are unchanged, so the index stays.

A copy taken before this revision still restores every row but not that index; once such a
restored database is opened, this revision runs on it and builds the missing index again.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_WORDS = (
    "CREATE OR REPLACE FUNCTION rcdesk_person_words(text, text, text) RETURNS text LANGUAGE sql IMMUTABLE "
    "PARALLEL SAFE AS $$ SELECT ' ' || btrim(regexp_replace(lower({unaccent}(concat_ws(' ', $1, $2, $3))), "
    "'[\\W_]+', ' ', 'g')) || ' ' $$"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_WORDS.format(unaccent="public.rcdesk_unaccent"))
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_person_words_trgm ON person "
            "USING gin (rcdesk_person_words(full_name, id_number, organization) gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_WORDS.format(unaccent="rcdesk_unaccent"))
