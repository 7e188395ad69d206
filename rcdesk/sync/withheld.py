"""Personal columns headquarters left out of a laptop's base packages.

The laptop remembers them so its field packages can say so: at headquarters a NULL in a
withheld column means "not known on the laptop", never "erase it" (see `Applier`).
"""

from __future__ import annotations

import json

from sqlalchemy import select

from rcdesk.db.portable import upsert_insert
from rcdesk.models.core import Setting
from rcdesk.sync.tables import personal_columns
from rcdesk.sync.verify import TableRows

WITHHELD_KEY = "sync.withheld"


def withheld_columns(conn) -> dict[str, list[str]]:
    """Per table, the personal columns headquarters left out of this laptop's base packages."""
    st = Setting.__table__
    raw = conn.execute(select(st.c.value).where(st.c.key == WITHHELD_KEY)).scalar()
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def remember_withheld(conn, tables: list[TableRows]) -> None:
    data = withheld_columns(conn)
    for tr in tables:
        missing = [c for c in personal_columns(tr.table) if c not in tr.columns]
        if missing:
            data[tr.name] = sorted(set(data.get(tr.name, [])) | set(missing))
    st = Setting.__table__
    stmt = upsert_insert(conn, st).values(key=WITHHELD_KEY, value=json.dumps(data))
    conn.execute(stmt.on_conflict_do_update(index_elements=[st.c.key], set_={"value": stmt.excluded.value}))
