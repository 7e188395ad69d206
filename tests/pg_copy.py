"""Copy an SQLite rcdesk database into a PostgreSQL one of the same schema (tests only).

The headquarters tests compare what every command answers on both engines over the *same* data:
the session's demo is built once on SQLite and copied here, row for row, through the models'
column types (dates, flags, JSON and decimals become the server's own types, as the application
would have written them). The target's rows are replaced; its schema (migrated to head) is kept.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Integer, create_engine, insert, select, text
from sqlalchemy.engine import URL

from rcdesk.db.base import Base


def copy_sqlite_to_server(source: Path, url: str, *, batch: int = 2000) -> dict[str, int]:
    """Every model table's rows from the SQLite file `source` into the server database `url`
    (keys checked at commit, serial counters moved past the copied ids); rows per table."""
    import rcdesk.models  # noqa: F401  # registers every table on Base.metadata

    src = create_engine(URL.create("sqlite", database=str(source)))
    dst = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    tables = list(Base.metadata.sorted_tables)
    counts: dict[str, int] = {}
    try:
        with src.connect() as s, dst.begin() as d:
            d.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
            d.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " CASCADE")
            for t in tables:
                n = 0
                rows = s.execute(select(t)).mappings()
                while chunk := rows.fetchmany(batch):
                    d.execute(insert(t), [dict(r) for r in chunk])
                    n += len(chunk)
                counts[t.name] = n
                pk = list(t.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer) and n:
                    seq = d.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": t.name, "c": pk[0].name})
                    name = seq.scalar()
                    if name:
                        d.execute(text(f'SELECT setval(:s, (SELECT max("{pk[0].name}") FROM "{t.name}"))'), {"s": name})
            d.exec_driver_sql("UPDATE person_count SET live = (SELECT count(*) FROM person WHERE deleted = FALSE)")
            d.exec_driver_sql("DELETE FROM person_count_delta")  # the copy's own inserts, now in `live`
    finally:
        src.dispose()
        dst.dispose()
    return counts
