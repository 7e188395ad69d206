"""Read-only queries for plans, in plain SQL over `db.read()`.

These feed the first screen (plan selector, plan view), so they must not load SQLAlchemy;
see rcdesk/db/database.py. Column names follow rcdesk/models/plans.py.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from rcdesk.errors import NotFound
from rcdesk.plans.summary import PlanSummary

if TYPE_CHECKING:
    from rcdesk.plans.rows import ActivityRow, GroupRow

# The plan selector on the first screen needs only `list_plans`: the other row classes
# (rcdesk/plans/rows.py, dataclass-heavy) are imported where they are used.

_PLANS_SQL = """
SELECT p.id, i.name, p.institution_id, p.year, p.layout, p.title,
       (SELECT count(*) FROM plan_activity a WHERE a.plan_id = p.id AND a.deleted = FALSE),
       (SELECT count(*) FROM plan_group g WHERE g.plan_id = p.id AND g.deleted = FALSE),
       p.source_name
FROM plan p JOIN institution i ON i.id = p.institution_id
WHERE p.deleted = FALSE {extra}
ORDER BY p.year DESC, i.name, p.title
"""

_ACTIVITY_COLUMNS = (
    "id, plan_id, group_id, position, number, description, responsible, meta, recursos, indicator, "
    "stages, cuatrimestres, start_date, end_date, scheduled_text, extra, version"
)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _json(text: str | None, default):
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def list_plans(db, plan_id: str | None = None) -> list[PlanSummary]:
    extra, params = ("AND p.id = ?", (plan_id,)) if plan_id else ("", ())
    with db.read() as c:
        return [PlanSummary(*row) for row in c.execute(_PLANS_SQL.format(extra=extra), params)]


def summary(db, plan_id: str) -> PlanSummary:
    rows = list_plans(db, plan_id)
    if not rows:
        raise NotFound(f"No existe el plan «{plan_id}».")
    return rows[0]


def resolve_plan_id(db, text: str) -> str:
    """A full plan id, or an unambiguous prefix of at least 6 characters."""
    text = text.strip()
    with db.read() as c:
        if c.execute("SELECT 1 FROM plan WHERE id = ? AND deleted = FALSE", (text,)).fetchone():
            return text
        if len(text) >= 6:
            ids = [
                r[0]
                for r in c.execute(
                    "SELECT id FROM plan WHERE id LIKE ? AND deleted = FALSE", (text.replace("%", "") + "%",)
                )
            ]
            if len(ids) == 1:
                return ids[0]
    raise NotFound(f"No existe el plan «{text}».")


def groups(db, plan_id: str) -> list[GroupRow]:
    from rcdesk.plans.rows import GroupRow

    with db.read() as c:
        return [
            GroupRow(*row)
            for row in c.execute(
                "SELECT id, parent_id, kind, code, name, position FROM plan_group "
                "WHERE plan_id = ? AND deleted = FALSE ORDER BY position",
                (plan_id,),
            )
        ]


def _activity(row: tuple, labels: dict[str, str]) -> ActivityRow:
    from rcdesk.plans.rows import ActivityRow

    (
        aid,
        plan_id,
        group_id,
        position,
        number,
        description,
        responsible,
        meta,
        recursos,
        indicator,
        stages,
        cuatrimestres,
        start,
        end,
        scheduled,
        extra,
        version,
    ) = row
    return ActivityRow(
        aid,
        plan_id,
        group_id,
        labels.get(group_id, "") if group_id else "",
        position,
        number,
        description,
        responsible,
        meta,
        recursos,
        indicator,
        tuple(_json(stages, [])),
        tuple(int(q) for q in _json(cuatrimestres, [])),
        _date(start),
        _date(end),
        scheduled,
        dict(_json(extra, {})),
        version,
    )


def activities(db, plan_id: str) -> list[ActivityRow]:
    labels = {g.group_id: g.label for g in groups(db, plan_id)}
    with db.read() as c:
        return [
            _activity(row, labels)
            for row in c.execute(
                f"SELECT {_ACTIVITY_COLUMNS} FROM plan_activity WHERE plan_id = ? AND deleted = FALSE ORDER BY position",
                (plan_id,),
            )
        ]


def activity(db, activity_id: str) -> ActivityRow:
    with db.read() as c:
        row = c.execute(
            f"SELECT {_ACTIVITY_COLUMNS} FROM plan_activity WHERE id = ? AND deleted = FALSE", (activity_id,)
        ).fetchone()
    if row is None:
        raise NotFound(f"No existe la actividad «{activity_id}».")
    labels = {g.group_id: g.label for g in groups(db, row[1])}
    return _activity(row, labels)


def group_path(db, plan_id: str) -> dict[str, str]:
    """group id -> "FASE 0 – … › EQUIPO" path, for tables and reports."""
    by_id = {g.group_id: g for g in groups(db, plan_id)}
    out: dict[str, str] = {}
    for gid, g in by_id.items():
        parts: list[str] = []
        cur: GroupRow | None = g
        while cur is not None:
            parts.append(cur.label)
            cur = by_id.get(cur.parent_id) if cur.parent_id else None
        out[gid] = " › ".join(reversed(parts))
    return out


def linked_units(db, activity_id: str) -> list[str]:
    with db.read() as c:
        return [
            r[0]
            for r in c.execute(
                "SELECT unit_id FROM activity_unit WHERE activity_id = ? AND deleted = FALSE", (activity_id,)
            )
        ]


def header_lines(db, plan_id: str) -> list[str]:
    with db.read() as c:
        row = c.execute("SELECT header_lines FROM plan WHERE id = ?", (plan_id,)).fetchone()
    return list(_json(row[0], [])) if row else []
