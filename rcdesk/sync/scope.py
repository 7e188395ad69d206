"""What a technician's base package carries: the territories and units assigned to them.

Headquarters assigns territories (a canton, a parish, a whole province) and/or units to a
field installation (`sync_assignment`). Unless "everything" is asked for, the base package
is narrowed to that scope:

- scope territories = the assigned territories and every territory below them (a canton
  brings its parishes), plus the territories where the assigned units sit;
- scope units = the assigned units and every unit located in an assigned territory;
- root tables (`SCOPE_ROOTS`, capabilities may register more) keep only rows in scope:
  POAs of scope units, events and field visits in scope territories, oficios addressed to
  scope units;
- a row pointing to a table that was narrowed keeps only when its parent came along (or
  the reference is empty), so the children of a POA or an event follow their parent and
  nothing arrives on the laptop pointing to something it does not have;
- units (`TRIMMED_TABLES`) are cut down to the scope units plus the units that the rows
  sent refer to (a plan activity's responsible unit elsewhere still arrives, by name);
- evidence records (an `owner_id` and a file hash) follow their owner.

Reference data that every technician needs whole (territories, institutions, plans,
holiday calendars, catalogs) is not narrowed. Without assignments everything is sent.
In every case, rows that point to a table left out of base packages (rows about people,
such as the team of a field visit) stay behind with it, and so does the evidence of
records that are not sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import select

from rcdesk.sync.tables import EVIDENCE_HASH_COLUMN, fk_columns, raw_table

TERRITORY, UNIT = "territory", "unit"
# table -> (what its rows are located by, column)
SCOPE_ROOTS: dict[str, tuple[str, str]] = {
    "poa": (UNIT, "unit_id"),
    "document_request": (UNIT, "addressee_unit_id"),
    "event": (TERRITORY, "territory_id"),
    "field_visit": (TERRITORY, "territory_id"),
}
TRIMMED_TABLES = ("org_unit",)


def register_scope_root(table_name: str, by: str, column: str) -> None:
    """Let a capability narrow one of its tables to the technician's territories or units."""
    if by not in (TERRITORY, UNIT):
        raise ValueError(by)
    SCOPE_ROOTS[table_name] = (by, column)


def is_evidence_table(table: sa.Table) -> bool:
    names = {c.name for c in table.columns}
    return EVIDENCE_HASH_COLUMN in names and "owner_id" in names


@dataclass
class Scope:
    territories: set[str] | None  # None: everything (no assignment filter)
    units: set[str] | None
    narrowed: dict[str, set[str]] = field(default_factory=dict)  # table -> ids kept, for narrowed tables
    sent: set[str] = field(default_factory=set)  # every id kept so far
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def everything(self) -> bool:
        return self.territories is None

    def keep(self, table: sa.Table, cols: list[str], rows: list) -> list:
        """The rows of `table` (values in `cols` order, maybe more after) that belong in scope."""
        kept = rows
        narrowed = False
        root = SCOPE_ROOTS.get(table.name)
        allowed = None if root is None else self.territories if root[0] == TERRITORY else self.units
        if root is not None and root[1] in cols and allowed is not None:  # None: everything
            i = cols.index(root[1])
            kept = [r for r in kept if r[i] in allowed]
            narrowed = True
        for col, ref in fk_columns(table):
            if ref in self.narrowed and ref != table.name and col in cols:
                i, ok = cols.index(col), self.narrowed[ref]
                kept = [r for r in kept if r[i] is None or r[i] in ok]
                narrowed = True
        if is_evidence_table(table):
            i = cols.index("owner_id")
            kept = [r for r in kept if r[i] in self.sent]
        id_i = cols.index("id")
        ids = {r[id_i] for r in kept}
        if narrowed:
            self.narrowed[table.name] = ids
        self.sent |= ids
        if len(kept) != len(rows):
            self.left_out[table.name] = len(rows) - len(kept)
        return kept

    def trim(self, collected: list[tuple[sa.Table, list[str], list]]) -> list[tuple[sa.Table, list[str], list]]:
        """Cut `TRIMMED_TABLES` to the scope units plus whatever the other rows refer to."""
        if self.units is None:  # everything
            return collected
        out = []
        for table, cols, rows in collected:
            if table.name in TRIMMED_TABLES:
                wanted = set(self.units)
                for other, ocols, orows in collected:
                    for col, ref in fk_columns(other):
                        if ref == table.name and col in ocols:
                            i = ocols.index(col)
                            wanted.update(r[i] for r in orows if r[i] is not None)
                id_i = cols.index("id")
                kept = [r for r in rows if r[id_i] in wanted]
                if len(kept) != len(rows):
                    self.left_out[table.name] = self.left_out.get(table.name, 0) + len(rows) - len(kept)
                rows = kept
            out.append((table, cols, rows))
        return out


def build_scope(conn, assignments: list[dict], excluded: set[str], *, everything: bool = False) -> Scope:
    """The scope of a technician's assignments (everything when asked or when there are
    none). `excluded` are the tables that never go in base packages (rows about people):
    rows pointing to them stay behind too, whatever the scope."""
    territories = {a["territory_id"] for a in assignments if a.get("territory_id")}
    units = {a["unit_id"] for a in assignments if a.get("unit_id")}
    if everything or (not territories and not units):
        return Scope(None, None, narrowed={t: set() for t in excluded})
    ou, tt = raw_table("org_unit"), raw_table("territory")
    children: dict[str, list[str]] = {}
    for tid, parent in conn.execute(select(tt.c.id, tt.c.parent_id).where(tt.c.parent_id.is_not(None))):
        children.setdefault(parent, []).append(tid)

    def below(roots: set[str]) -> set[str]:
        out, todo = set(roots), list(roots)
        while todo:
            for c in children.get(todo.pop(), []):
                if c not in out:
                    out.add(c)
                    todo.append(c)
        return out

    territories = below(territories)
    if territories:
        units |= set(conn.execute(select(ou.c.id).where(ou.c.territory_id.in_(sorted(territories)))).scalars())
    if units:  # events and visits where an assigned unit sits come along too
        territories |= below(
            {t for t in conn.execute(select(ou.c.territory_id).where(ou.c.id.in_(sorted(units)))).scalars() if t}
        )
    return Scope(territories, units, narrowed={t: set() for t in excluded})
