"""A dated history of every commitment's status (`commitment_status_change`), so that a report as
of a cut reads the status in force that day instead of today's.

The history is backfilled from what the database already holds, so existing reports keep their
answers: a commitment never followed up gets its current status dated by its row's `updated_at`
(reports before that date fall back to the earliest known status: the same answer as before);
one with follow-ups gets the statuses its follow-ups implied, dated by their cut dates and
starting from «pendiente» (or from «incumplido» / «no aplica», which only a person sets and the
reports before this revision already took as standing), then its current status if that differs.

Portable SQL only (Core constructs and Alembic ops, the same on SQLite and PostgreSQL); on
PostgreSQL the new foreign key is DEFERRABLE INITIALLY IMMEDIATE like every other since 0011.

Revision ID: 0012
Revises: 0011
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from rcdesk.db.migration_helpers import record_columns, record_indexes

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_TABLE = "commitment_status_change"
_HAND_ONLY = ("INCUMPLIDO", "NO_APLICA")


def _implied(pct: float, base: str) -> str:
    """The status a follow-up's percentage implied (the rule of rcdesk.events.rules as of 0012)."""
    if base in _HAND_ONLY and pct < 100:
        return base
    if pct >= 100:
        return "CUMPLIDO"
    if pct > 0:
        return "EN_CURSO"
    return "PENDIENTE"


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def _history(status: str, created, updated, followups: list) -> list[tuple[str, object]]:
    """[(status, effective date)] for one commitment, oldest first."""
    out: list[tuple[str, object]] = []
    if followups:
        base = status if status in _HAND_ONLY else "PENDIENTE"
        out.append((base, min(_day(created), followups[0][0])))
        for cut, pct in followups:
            implied = _implied(float(pct or 0), base)
            if implied != out[-1][0]:
                out.append((implied, max(cut, out[-1][1])))
    if not out or out[-1][0] != status:
        day = _day(updated)
        out.append((status, max(day, out[-1][1]) if out else day))
    return out


def upgrade() -> None:
    bind = op.get_bind()
    key = sa.ForeignKey("commitment.id", name=f"fk_{_TABLE}_commitment_id_commitment")
    if bind.dialect.name != "sqlite":
        key = sa.ForeignKey(
            "commitment.id",
            name=f"fk_{_TABLE}_commitment_id_commitment",
            deferrable=True,
            initially="IMMEDIATE",
        )
    history = op.create_table(
        _TABLE,
        *record_columns(),
        sa.Column("commitment_id", sa.String(36), key, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("cause", sa.String(12), nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{_TABLE}"),
    )
    record_indexes(op, _TABLE)
    op.create_index(f"ix_{_TABLE}_commitment_id", _TABLE, ["commitment_id"])

    commitment = sa.table(
        "commitment",
        sa.column("id", sa.String),
        sa.column("status", sa.String),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
    )
    followup = sa.table(
        "commitment_followup",
        sa.column("commitment_id", sa.String),
        sa.column("cut_date", sa.Date),
        sa.column("progress_pct", sa.Float),
        sa.column("created_at", sa.DateTime),
        sa.column("deleted", sa.Boolean),
    )
    installation = sa.table(
        "installation", sa.column("id", sa.String), sa.column("is_self", sa.Boolean), sa.column("next_seq", sa.Integer)
    )
    items = bind.execute(
        sa.select(commitment.c.id, commitment.c.status, commitment.c.created_at, commitment.c.updated_at)
    ).all()
    if not items:
        return
    fus: dict[str, list] = {}
    for cid, cut, pct in bind.execute(
        sa.select(followup.c.commitment_id, followup.c.cut_date, followup.c.progress_pct)
        .where(followup.c.deleted == sa.false())
        .order_by(followup.c.commitment_id, followup.c.cut_date, followup.c.created_at)
    ):
        fus.setdefault(str(cid), []).append((cut, pct))
    changes = [
        (str(cid), status, day)
        for cid, now, created, updated in items
        for status, day in _history(str(now), created, updated, fus.get(str(cid), []))
    ]
    me = bind.execute(
        sa.select(installation.c.id, installation.c.next_seq).where(installation.c.is_self == sa.true())
    ).first()
    seq = int(me[1]) if me else 1
    if me:
        bind.execute(
            installation.update()
            .where(installation.c.id == me[0])
            .values(next_seq=installation.c.next_seq + len(changes))
        )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        history,
        [
            {
                "id": str(uuid.uuid4()),
                "created_at": now,
                "updated_at": now,
                "modified_by": me[0] if me else None,
                "version": 1,
                "deleted": False,
                "change_seq": seq + i,
                "commitment_id": cid,
                "status": status,
                "effective_on": day,
                "cause": "HISTORIAL",
                "changed_by": None,
            }
            for i, (cid, status, day) in enumerate(changes)
        ],
    )


def downgrade() -> None:
    op.drop_table(_TABLE)
