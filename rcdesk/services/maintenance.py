"""Housekeeping that other flows call at well-defined moments (no Qt, no user interaction)."""

from __future__ import annotations

from rcdesk.db.database import Database


def after_restore(db: Database) -> dict:
    """Bring derived structures up to date after a backup was restored onto `db`.

    The people directory's FTS5 index (`person_fts`) is rebuilt from `person`: a restored copy
    (VACUUMed, or written by an older build) may carry a stale index, and a stale index makes
    the directory search miss or show wrong people. Safe on a database without people.
    Returns what was done, e.g. {"people_reindexed": 12}.
    """
    from sqlalchemy import func, select

    from rcdesk.models.events import Person
    from rcdesk.services.attendance import AttendanceService

    AttendanceService(db).reindex_people()
    with db.session() as s:
        n = int(s.scalar(select(func.count()).select_from(Person)) or 0)
    return {"people_reindexed": n}


__all__ = ["after_restore"]
