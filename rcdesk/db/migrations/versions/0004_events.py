"""Tables of the events capability (events, people, attendance, consent, tallies, questions,
contributions, commitments, surveys, actas) and the FTS5 name index of the people directory.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from rcdesk.db.migration_helpers import record_columns, record_indexes

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _fk(col: str, table: str, ref: str, nullable: bool = True) -> sa.Column:
    return sa.Column(col, sa.String(36), sa.ForeignKey(f"{ref}.id", name=f"fk_{table}_{col}_{ref}"),
                     nullable=nullable)


def _table(name: str, *cols, indexes: tuple[str, ...] = ()) -> None:
    op.create_table(name, *record_columns(), *cols, sa.PrimaryKeyConstraint("id", name=f"pk_{name}"))
    record_indexes(op, name)
    for col in indexes:
        op.create_index(f"ix_{name}_{col}", name, [col])


def upgrade() -> None:
    _table(
        "event",
        _fk("institution_id", "event", "institution"),
        _fk("plan_id", "event", "plan"),
        sa.Column("event_type", sa.String(30), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("event_date", sa.Date, nullable=False),
        sa.Column("start_time", sa.String(5), nullable=True),
        sa.Column("end_time", sa.String(5), nullable=True),
        sa.Column("modality", sa.String(10), nullable=False),
        sa.Column("stream_url", sa.String(500), nullable=True),
        sa.Column("venue", sa.Text, nullable=True),
        _fk("territory_id", "event", "territory"),
        sa.Column("period_label", sa.String(100), nullable=True),
        sa.Column("agenda", sa.Text, nullable=True),
        sa.Column("moderator", sa.String(200), nullable=True),
        sa.Column("secretary", sa.String(200), nullable=True),
        sa.Column("authority", sa.String(200), nullable=True),
        sa.Column("status", sa.String(15), nullable=False),
        sa.Column("activity_ids", sa.JSON, nullable=False),
        sa.Column("stakeholder_groups", sa.JSON, nullable=False),
        sa.Column("checklist", sa.JSON, nullable=False),
        sa.Column("conclusions", sa.Text, nullable=True),
        indexes=("institution_id", "plan_id", "event_date"),
    )
    _table(
        "event_invitation",
        _fk("event_id", "event_invitation", "event", nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organization", sa.String(300), nullable=True),
        sa.Column("stakeholder_group", sa.String(200), nullable=True),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        indexes=("event_id",),
    )
    _table(
        "person",
        sa.Column("id_type", sa.String(12), nullable=True),
        sa.Column("id_number", sa.String(20), nullable=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("organization", sa.String(300), nullable=True),
        sa.Column("role", sa.String(15), nullable=True),
        _fk("territory_id", "person", "territory"),
        sa.Column("territory_text", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("is_minor", sa.Boolean, nullable=False),
        indexes=("id_number",),
    )
    _table(
        "consent_record",
        _fk("person_id", "consent_record", "person"),
        _fk("event_id", "consent_record", "event"),
        sa.Column("form", sa.String(15), nullable=False),
        sa.Column("notice_version", sa.String(20), nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("channel", sa.String(15), nullable=False),
        sa.Column("given_at", sa.DateTime, nullable=False),
        sa.Column("guardian_name", sa.String(200), nullable=True),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
        indexes=("person_id", "event_id"),
    )
    _table(
        "attendance",
        _fk("event_id", "attendance", "event", nullable=False),
        _fk("person_id", "attendance", "person"),
        _fk("consent_id", "attendance", "consent_record"),
        sa.Column("seq_no", sa.Integer, nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("id_type", sa.String(12), nullable=True),
        sa.Column("id_number", sa.String(20), nullable=True),
        sa.Column("id_status", sa.String(10), nullable=False),
        sa.Column("id_message", sa.String(300), nullable=True),
        sa.Column("organization", sa.String(300), nullable=True),
        sa.Column("role", sa.String(15), nullable=False),
        _fk("territory_id", "attendance", "territory"),
        sa.Column("territory_text", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("is_minor", sa.Boolean, nullable=False),
        sa.Column("signed_on_paper", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("gender", sa.String(20), nullable=True),
        sa.Column("ethnicity", sa.String(30), nullable=True),
        indexes=("event_id", "person_id"),
    )
    _table(
        "attendance_tally",
        _fk("event_id", "attendance_tally", "event", nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        indexes=("event_id",),
    )
    _table(
        "citizen_question",
        _fk("event_id", "citizen_question", "event"),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("asker_name", sa.String(200), nullable=False),
        sa.Column("asker_id", sa.String(20), nullable=True),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("organization", sa.String(300), nullable=True),
        sa.Column("topic", sa.String(200), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("related_to_report", sa.Boolean, nullable=False),
        _fk("assigned_unit_id", "citizen_question", "org_unit"),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("answered_on", sa.Date, nullable=True),
        sa.Column("answer", sa.Text, nullable=True),
        sa.Column("answer_channel", sa.String(12), nullable=True),
        sa.Column("published_url", sa.String(500), nullable=True),
        indexes=("event_id", "due_date"),
    )
    _table(
        "contribution",
        _fk("event_id", "contribution", "event", nullable=False),
        sa.Column("mesa", sa.String(200), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
        indexes=("event_id",),
    )
    _table(
        "commitment",
        _fk("event_id", "commitment", "event"),
        _fk("contribution_id", "commitment", "contribution"),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        _fk("responsible_unit_id", "commitment", "org_unit"),
        sa.Column("responsible_text", sa.String(300), nullable=True),
        sa.Column("responsible_person", sa.String(200), nullable=True),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("deliverable", sa.Text, nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("progress_pct", sa.Float, nullable=False),
        sa.Column("results", sa.Text, nullable=True),
        sa.Column("last_followup_on", sa.Date, nullable=True),
        indexes=("event_id", "contribution_id", "due_date"),
    )
    _table(
        "commitment_followup",
        _fk("commitment_id", "commitment_followup", "commitment", nullable=False),
        sa.Column("cut_date", sa.Date, nullable=False),
        sa.Column("progress_pct", sa.Float, nullable=False),
        sa.Column("narrative", sa.Text, nullable=True),
        sa.Column("reviewer", sa.String(200), nullable=True),
        indexes=("commitment_id",),
    )
    _table(
        "survey_question",
        _fk("event_id", "survey_question", "event", nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        indexes=("event_id",),
    )
    _table(
        "survey_response",
        _fk("event_id", "survey_response", "event", nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        indexes=("event_id",),
    )
    _table(
        "acta",
        _fk("event_id", "acta", "event", nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("number", sa.String(30), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        indexes=("event_id", "sha256"),
    )

    # Name search of the people directory: FTS5 external-content index over `person`
    # ("garcia" finds "García"); triggers keep it in step, including Core bulk inserts.
    # Not an ORM table; `rcdesk.services.attendance.PEOPLE_FTS_OBJECTS` lists these names.
    op.execute(
        "CREATE VIRTUAL TABLE person_fts USING fts5(full_name, id_number, organization, "
        "content='person', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN "
        "INSERT INTO person_fts(rowid, full_name, id_number, organization) "
        "VALUES (new.rowid, new.full_name, new.id_number, new.organization); END"
    )
    op.execute(
        "CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN "
        "INSERT INTO person_fts(person_fts, rowid, full_name, id_number, organization) "
        "VALUES ('delete', old.rowid, old.full_name, old.id_number, old.organization); END"
    )
    op.execute(
        "CREATE TRIGGER person_fts_au AFTER UPDATE OF full_name, id_number, organization ON person BEGIN "
        "INSERT INTO person_fts(person_fts, rowid, full_name, id_number, organization) "
        "VALUES ('delete', old.rowid, old.full_name, old.id_number, old.organization); "
        "INSERT INTO person_fts(rowid, full_name, id_number, organization) "
        "VALUES (new.rowid, new.full_name, new.id_number, new.organization); END"
    )
