"""Stamp Records and write the audit log on every ORM flush.

Services never set `version`, `updated_at`, `modified_by` or `change_seq` themselves:
this listener does, for every inserted or modified Record, and writes one audit row per
change. Hard deletes of Records are refused (deletions are tombstones, so that they can
travel to headquarters and never resurrect). Bulk paths that use Core inserts call
`allocate_seq()` and `record_values()` instead.

`session.info["stamp"]` selects the mode: "local" (default) stamps as a change made here;
"preserve" keeps version/updated_at/modified_by as given (records received from another
installation) but still assigns a local change sequence number.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session

from rcdesk.db.base import Record
from rcdesk.ids import new_id, utcnow


class HardDeleteError(RuntimeError):
    pass


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def allocate_seq(conn_or_session, count: int) -> int:
    """Reserve `count` consecutive change sequence numbers; returns the first one.

    SQLite bumps this installation's counter row inside the write transaction (one writer at a
    time anyway). A server takes them from a sequence outside any transaction (revision 0013), so
    operators writing at once never wait for each other's commit here."""
    if count <= 0:
        return 0
    bind = conn_or_session.get_bind() if isinstance(conn_or_session, Session) else conn_or_session
    if bind.dialect.name != "sqlite":
        return int(conn_or_session.execute(text("SELECT rcdesk_take_seq(:n)"), {"n": count}).scalar_one())
    row = conn_or_session.execute(
        text("UPDATE installation SET next_seq = next_seq + :n WHERE is_self = TRUE RETURNING next_seq"),
        {"n": count},
    ).first()
    if row is None:  # database without its own installation yet (during `init`)
        return 1
    return int(row[0]) - count


def record_values(installation_id: str | None, seq: int, *, now: datetime | None = None) -> dict:
    """Column values a new Record row gets when written with Core (bulk paths)."""
    now = now or utcnow()
    return {
        "id": new_id(),
        "created_at": now,
        "updated_at": now,
        "modified_by": installation_id,
        "version": 1,
        "deleted": False,
        "change_seq": seq,
    }


_SKIP_AUDIT = {"updated_at", "version", "change_seq", "modified_by", "created_at"}


def _before_flush(session: Session, _ctx, _instances) -> None:
    if session.info.get("stamp") == "off":
        return
    preserve = session.info.get("stamp") == "preserve"
    installation_id = session.info.get("installation_id")
    user = session.info.get("user", "")
    new = [o for o in session.new if isinstance(o, Record)]
    dirty = [o for o in session.dirty if isinstance(o, Record) and session.is_modified(o, include_collections=False)]
    for o in session.deleted:
        if isinstance(o, Record):
            raise HardDeleteError(
                f"{type(o).__name__} must be deleted with a tombstone (deleted=True), not session.delete()"
            )
    if not new and not dirty:
        return
    seq = allocate_seq(session, len(new) + len(dirty))
    now = utcnow()
    audit_rows = []
    from rcdesk.models.core import AuditLog

    for o in new:
        if o.id is None:
            o.id = new_id()
        if not preserve or o.created_at is None:
            o.created_at = o.created_at or now
            o.updated_at = now if not preserve else (o.updated_at or now)
            o.modified_by = installation_id if not preserve else (o.modified_by or installation_id)
            o.version = 1 if not preserve else (o.version or 1)
        if o.deleted is None:
            o.deleted = False
        o.change_seq = seq
        seq += 1
        if not session.info.get("no_audit"):
            audit_rows.append(
                AuditLog(
                    at=now,
                    installation_id=installation_id,
                    user=user,
                    table_name=o.__tablename__,
                    record_id=o.id,
                    action="import" if preserve else "insert",
                    changes=None,
                )
            )
    for o in dirty:
        changes = {}
        state = inspect(o)
        for attr in state.mapper.column_attrs:
            key = attr.key
            if key in _SKIP_AUDIT:
                continue
            hist = state.attrs[key].history
            if hist.has_changes():
                before = hist.deleted[0] if hist.deleted else None
                after = hist.added[0] if hist.added else None
                if before != after:
                    changes[key] = [_jsonable(before), _jsonable(after)]
        if not changes and not preserve:
            continue
        if not preserve:
            o.version = (o.version or 0) + 1
            o.updated_at = now
            o.modified_by = installation_id
        o.change_seq = seq
        seq += 1
        if "deleted" in changes:
            action = "delete" if o.deleted else "restore"
        else:
            action = "import" if preserve else "update"
        if not session.info.get("no_audit"):
            audit_rows.append(
                AuditLog(
                    at=now,
                    installation_id=installation_id,
                    user=user,
                    table_name=o.__tablename__,
                    record_id=o.id,
                    action=action,
                    changes=json.dumps(changes, ensure_ascii=False),
                )
            )
    for row in audit_rows:
        session.add(row)


def install(session_class: type[Session]) -> None:
    event.listen(session_class, "before_flush", _before_flush)
