"""The consolidated workbook and PDF for headquarters: what they show, read generically from
every record table.

- Every exchanged table with live rows gets a sheet of its non-personal columns, with the
  provenance of each row (installation that last wrote it, package it arrived in).
- Tables whose rows are people (a personal column holding a name or an ID number: attendance
  lists, registries of people, invitation lists) are never listed row by row: only anonymous
  counts per parent record (e.g. per event). Columns pointing to such tables are dropped too.
- Plans and activities get a summary sheet with the latest reported progress and its
  traffic light when follow-up data exists.

Plain data only: `read_summary()` gathers everything the PDF shows (a few hundred lines at most);
`open_workbook()` gives the workbook's sheets, whose rows stream from one read connection so a
sheet of a million records is written with flat memory. The renderers are
`rcdesk/reports/consolidated_pdf.py` and `consolidated_xlsx.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy import func, select

from rcdesk.compliance import EC_POA, GREY, LIGHT_ORDER, Compliance, Light, ThresholdProfile, aggregate, from_percent
from rcdesk.db.database import Database
from rcdesk.ids import utcnow
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.sync.column_labels import header
from rcdesk.sync.provenance import ProvenanceIndex
from rcdesk.sync.tables import exchange_tables, label, personal_columns, raw_table

PERSON_COLUMNS = {"full_name", "id_number", "name", "nombre", "cedula"}
ROW_CHUNK = 5000
HIDDEN_COLUMNS = {"change_seq", "deleted", "modified_by"}
# how wide a column is drawn: identifiers and hashes are recognised by their first characters
ColumnKind = Literal["key", "date", "number", "short", "text"]
Convert = Callable[[object], object]
T = TypeVar("T")


# -- plain data -------------------------------------------------------------------------------
class Stream(Iterable[T]):
    """Rows read when iterated, from the read connection `open_workbook()` holds open."""

    def __init__(self, read: Callable[[], Iterator[T]]) -> None:
        self._read = read

    def __iter__(self) -> Iterator[T]:
        return self._read()


@dataclass(frozen=True)
class InstallationLine:
    name: str
    role_label: str  # «Sede central» / «Campo»
    packages: int  # field packages consolidated from it
    records: int  # live records it was the last to write


@dataclass(frozen=True)
class RecordKind:
    """One exchanged table and how many live records it holds."""

    table: str
    label: str  # «actividades»
    count: int
    count_only: bool  # its rows are people: only anonymous counts per parent record

    @property
    def title(self) -> str:  # «Actividades»
        return cap(self.label)


@dataclass(frozen=True)
class GroupCount:
    group_id: str | None
    group: str  # the parent's title or name, "" when it has none
    count: int


@dataclass(frozen=True)
class PeopleCounts:
    kind: RecordKind
    group_label: str  # what the rows are counted by («eventos»), "" for one total
    groups: list[GroupCount]


@dataclass(frozen=True)
class RecordSheet:
    kind: RecordKind
    headers: list[str]  # the shown columns, then «Registrado por» and «Paquete»
    column_kinds: list[ColumnKind]  # of the shown columns
    rows: Stream[list[object]]  # cell values, then the installation and the package


class ActivityLine(NamedTuple):
    """An activity of a live plan with its latest reported progress (a tuple: there are many)."""

    plan: str
    year: int
    number: str
    description: str
    responsible: str | None
    indicator: str | None
    compliance: Compliance | None  # None: nothing reported
    period: str  # «cuatrimestre 2», "" when nothing reported
    light: Light | None
    installation: str
    package: str


@dataclass(frozen=True)
class ConsolidatedWorkbook:
    installation: str  # «Sede Riobamba (id)»
    generated: datetime
    installations: list[InstallationLine]
    kinds: list[RecordKind]  # every exchanged table, by title
    activities: Stream[ActivityLine] | None  # None when there is no live activity
    sheets: list[RecordSheet | PeopleCounts]  # tables with live records, by title


@dataclass(frozen=True)
class PlanLine:
    name: str  # «Cronograma 2026 (2026)»
    activities: int
    reported: int
    average: Compliance | None  # of the reported ones


@dataclass(frozen=True)
class PackageLine:
    installation: str
    seq: int
    file_name: str
    processed_at: datetime
    records: int | None  # None when its counts cannot be read


@dataclass(frozen=True)
class ConsolidatedSummary:
    installation: str
    generated: datetime
    installations: list[InstallationLine]
    kinds: list[RecordKind]  # every exchanged table
    by_light: dict[str, int]  # activities per traffic-light colour (grey: nothing reported)
    plans: list[PlanLine]
    people: list[PeopleCounts]
    packages: list[PackageLine]


# -- which tables and columns -----------------------------------------------------------------
def is_person_table(table: sa.Table) -> bool:
    return bool(set(personal_columns(table)) & PERSON_COLUMNS)


def person_tables() -> set[str]:
    return {t.name for t in exchange_tables() if is_person_table(t)}


def cap(text: str) -> str:
    """A label with its first letter in upper case ("actividades del POA" -> "Actividades del POA")."""
    return text[:1].upper() + text[1:]


def _group_column(table: sa.Table, people: set[str]) -> str | None:
    """The parent a people table is counted by: its first required link to a non-people table."""
    fks = [fk.parent.name for fk in table.foreign_keys if fk.column.table.name not in people]
    return next((c for c in fks if not table.c[c].nullable), fks[0] if fks else None)


def _shown_columns(table: sa.Table, people: set[str]) -> list[str]:
    hidden = set(personal_columns(table)) | HIDDEN_COLUMNS
    hidden |= {fk.parent.name for fk in table.foreign_keys if fk.column.table.name in people}
    return [c.name for c in table.columns if c.name not in hidden]


def _from_iso(parse: Callable[[str], object]) -> Convert:
    def convert(v: object) -> object:
        try:
            return parse(v) if isinstance(v, str) else v
        except ValueError:
            return v

    return convert


def _converter(col: sa.Column) -> Convert | None:
    """Stored value -> cell value (dates are stored as ISO text by the raw reads)."""
    t = col.type
    if isinstance(t, sa.DateTime):
        return _from_iso(datetime.fromisoformat)
    if isinstance(t, sa.Date):
        return _from_iso(date.fromisoformat)
    if isinstance(t, sa.Boolean):
        return lambda v: None if v is None else ("Sí" if v else "No")
    if isinstance(t, sa.LargeBinary):
        return _byte_size
    return None


def _byte_size(v: object) -> object:
    return f"({len(v)} bytes)" if isinstance(v, (bytes, bytearray, memoryview)) else v


def _column_kind(col: sa.Column) -> ColumnKind:
    t = col.type
    if col.name in ("id", "sha256") or col.name.endswith("_id"):
        return "key"
    if isinstance(t, (sa.DateTime, sa.Date)):
        return "date"
    if isinstance(t, (sa.Integer, sa.Float, sa.Numeric, sa.Boolean)):
        return "number"
    if isinstance(t, sa.String) and (t.length or 100) <= 40:
        return "short"
    return "text"


# -- reads ------------------------------------------------------------------------------------
def live_count(conn: sa.Connection, table_name: str) -> int:
    rt = raw_table(table_name)
    return int(conn.execute(select(func.count()).select_from(rt).where(rt.c.deleted == 0)).scalar() or 0)


def _kinds(conn: sa.Connection, people: set[str]) -> list[RecordKind]:
    return [RecordKind(t.name, label(t.name), live_count(conn, t.name), t.name in people) for t in exchange_tables()]


def _record_rows(conn: sa.Connection, table: sa.Table, columns: list[str], prov: ProvenanceIndex) -> Iterator[list]:
    """Live rows of a table, oldest id first: shown values ready for a cell, then provenance."""
    rt = raw_table(table.name)
    stmt = (
        select(*[rt.c[c] for c in columns], rt.c.modified_by, rt.c.change_seq)
        .where(rt.c.deleted == 0)
        .order_by(rt.c.id)
    )
    convs = [(i, f) for i, c in enumerate(columns) if (f := _converter(table.c[c])) is not None]
    ncols = len(columns)
    result = conn.execution_options(stream_results=True, yield_per=ROW_CHUNK).execute(stmt)
    for part in result.partitions(ROW_CHUNK):
        for row in part:
            values = list(row[:ncols])
            for i, f in convs:
                values[i] = f(values[i])
            values.append(prov.installation(row[ncols]))
            values.append(prov.package(row[ncols + 1]))
            yield values


def _record_sheet(
    conn: sa.Connection, table: sa.Table, kind: RecordKind, columns: list[str], prov: ProvenanceIndex
) -> RecordSheet:
    return RecordSheet(
        kind,
        [header(c) for c in columns] + ["Registrado por", "Paquete"],
        [_column_kind(table.c[c]) for c in columns],
        Stream(lambda: _record_rows(conn, table, columns, prov)),
    )


def _people_counts(conn: sa.Connection, table: sa.Table, kind: RecordKind, people: set[str]) -> PeopleCounts:
    """Live rows of a people table counted per parent record (with the parent's title)."""
    rt = raw_table(table.name)
    column = _group_column(table, people)
    if column is None:
        n = conn.execute(select(func.count()).select_from(rt).where(rt.c.deleted == 0)).scalar()
        return PeopleCounts(kind, "", [GroupCount(None, "Total", int(n or 0))])
    g = rt.c[column]
    # «(sin dato)» first on both engines (SQLite sorts NULL first, PostgreSQL last)
    rows = conn.execute(select(g, func.count()).where(rt.c.deleted == 0).group_by(g).order_by(g.nulls_first())).all()
    ref = next(fk.column.table for fk in table.foreign_keys if fk.parent.name == column)
    labels: dict[str, str] = {}
    lcol = next((c for c in ("title", "name", "description", "code") if c in ref.c), None)
    if lcol is not None:
        pr = raw_table(ref.name)
        ids = [r[0] for r in rows if r[0] is not None]
        for k in range(0, len(ids), 900):
            chunk = select(pr.c.id, pr.c[lcol]).where(pr.c.id.in_(ids[k : k + 900]))
            labels.update({r[0]: r[1] for r in conn.execute(chunk)})
    return PeopleCounts(kind, label(ref.name), [GroupCount(r[0], labels.get(r[0], ""), int(r[1])) for r in rows])


def plan_profiles(db: Database) -> dict[str, ThresholdProfile]:
    """Traffic-light profile of every plan (its own choice or its country's default).
    Call it before opening the connection the report reads with (it opens its own)."""
    from rcdesk.errors import NotFound
    from rcdesk.services.thresholds import ThresholdService

    pl, inst = raw_table("plan"), raw_table("institution")
    with db.connect(write=False) as conn:
        plans = conn.execute(
            select(pl.c.id, inst.c.country).select_from(pl.outerjoin(inst, inst.c.id == pl.c.institution_id))
        ).all()
    svc = ThresholdService(db)
    out: dict[str, ThresholdProfile] = {}
    by_country: dict[str, ThresholdProfile] = {}
    for pid, country in ((r[0], r[1]) for r in plans):
        code = svc.plan_profile_code(pid)
        if code is not None:
            try:
                out[pid] = svc.profile(code)
                continue
            except NotFound:  # a profile deleted after the plan chose it: the country's default
                pass
        c = country or "EC"
        if c not in by_country:
            by_country[c] = svc.profile_for_country(c)
        out[pid] = by_country[c]
    return out


def _latest_reports() -> sa.Subquery:
    """The latest live progress report of each activity (highest period, then latest date)."""
    pr = raw_table("progress_report")
    order = (pr.c.period_no.desc(), pr.c.reported_on.desc())
    ranked = (
        select(
            pr.c.activity_id,
            pr.c.percent,
            pr.c.period_kind,
            pr.c.period_no,
            func.row_number().over(partition_by=pr.c.activity_id, order_by=order).label("rn"),
        )
        .where(pr.c.deleted == 0)
        .subquery()
    )
    return (
        select(ranked.c.activity_id, ranked.c.percent, ranked.c.period_kind, ranked.c.period_no)
        .where(ranked.c.rn == 1)
        .subquery()
    )


def _activity_rows(conn: sa.Connection) -> Iterator[sa.Row]:
    """(plan title, year, number, description, responsible, indicator, latest percent,
    period kind, period no, activity modified_by, change_seq, plan id) for live activities of live plans."""
    pa, pl = raw_table("plan_activity"), raw_table("plan")
    latest = _latest_reports() if "progress_report" in {t.name for t in exchange_tables()} else None
    cols: list[sa.ColumnElement[Any]] = [
        pl.c.title,
        pl.c.year,
        pa.c.number,
        pa.c.description,
        pa.c.responsible,
        pa.c.indicator,
    ]
    j = pa.join(pl, pl.c.id == pa.c.plan_id)
    if latest is not None:
        cols += [latest.c.percent, latest.c.period_kind, latest.c.period_no]
        j = j.outerjoin(latest, latest.c.activity_id == pa.c.id)
    else:
        cols += [sa.null(), sa.null(), sa.null()]
    cols += [pa.c.modified_by, pa.c.change_seq, pl.c.id]
    stmt = (
        select(*cols)
        .select_from(j)
        .where(pa.c.deleted == 0, pl.c.deleted == 0)
        .order_by(pl.c.year, pl.c.title, pa.c.position)
    )
    result = conn.execution_options(stream_results=True, yield_per=ROW_CHUNK).execute(stmt)
    for part in result.partitions(ROW_CHUNK):
        yield from part


def _activities(
    conn: sa.Connection, profiles: dict[str, ThresholdProfile], prov: ProvenanceIndex
) -> Iterator[ActivityLine]:
    for r in _activity_rows(conn):
        c = from_percent(r[6]) if r[6] is not None else None
        light = profiles.get(r[11], EC_POA).classify(c) if c is not None else None
        period = f"{r[7]} {r[8]}" if r[7] else ""
        yield ActivityLine(
            r[0], r[1], r[2], r[3], r[4], r[5], c, period, light, prov.installation(r[9]), prov.package(r[10])
        )


def _installations(conn: sa.Connection) -> list[InstallationLine]:
    from rcdesk.models.core import Installation
    from rcdesk.models.sync import SyncPackage

    insts = conn.execute(
        select(Installation.id, Installation.name, Installation.role).order_by(
            Installation.is_self.desc(), Installation.name, Installation.id
        )
    ).all()
    npk = dict(
        conn.execute(
            select(SyncPackage.installation_id, func.count())
            .where(SyncPackage.direction == "in", SyncPackage.kind == "field")
            .group_by(SyncPackage.installation_id)
        ).all()
    )
    recs: dict[str, int] = {}
    for t in exchange_tables():
        rt = raw_table(t.name)
        for r in conn.execute(
            select(rt.c.modified_by, func.count()).where(rt.c.deleted == 0).group_by(rt.c.modified_by)
        ):
            recs[r[0]] = recs.get(r[0], 0) + int(r[1])
    return [
        InstallationLine(name, "Sede central" if role == "hq" else "Campo", int(npk.get(iid, 0)), recs.get(iid, 0))
        for iid, name, role in insts
    ]


def _package_records(counts: str) -> int | None:
    """Records a consolidated package brought, from its stored per-table counts."""
    try:
        return sum(
            sum(v.get(k, 0) for k in ("inserted", "updated", "unchanged", "conflicts"))
            for v in json.loads(counts).values()
            if isinstance(v, dict)
        )
    except (ValueError, AttributeError):
        return None


def _packages(conn: sa.Connection, prov: ProvenanceIndex) -> list[PackageLine]:
    from rcdesk.models.sync import SyncPackage

    pk = SyncPackage
    rows = conn.execute(
        select(pk.installation_id, pk.seq, pk.file_name, pk.processed_at, pk.counts)
        .where(pk.direction == "in", pk.kind == "field")
        .order_by(pk.processed_at)
    ).all()
    return [PackageLine(prov.installation(iid), seq, f, at, _package_records(n)) for iid, seq, f, at, n in rows]


# -- the two reports --------------------------------------------------------------------------
def read_summary(db: Database, *, cancel: CancelToken = NEVER_CANCELLED) -> ConsolidatedSummary:
    """Everything the consolidated PDF shows."""
    generated = utcnow()
    profiles = plan_profiles(db)
    people = person_tables()
    with db.connect(write=False) as conn:  # a report only reads: never wait for or block a writer
        prov = ProvenanceIndex(conn)
        installations = _installations(conn)
        kinds = _kinds(conn, people)
        cancel.check()
        by_light = {k: 0 for k in LIGHT_ORDER}
        plans: dict[str, list[Compliance | None]] = {}
        for a in _activities(conn, profiles, prov):
            color = a.light.color if a.light is not None else GREY
            by_light[color] = by_light.get(color, 0) + 1
            plans.setdefault(f"{a.plan} ({a.year})", []).append(a.compliance)
        cancel.check()
        tables = {t.name: t for t in exchange_tables()}
        counts = [_people_counts(conn, tables[k.table], k, people) for k in kinds if k.count_only]
        packages = _packages(conn, prov)
    return ConsolidatedSummary(
        db.installation_name,
        generated,
        installations,
        kinds,
        by_light,
        [_plan_line(name, values) for name, values in plans.items()],
        counts,
        packages,
    )


def _plan_line(name: str, values: list[Compliance | None]) -> PlanLine:
    reported = [v for v in values if v is not None]
    return PlanLine(name, len(values), len(reported), aggregate(reported) if reported else None)


@contextmanager
def open_workbook(db: Database) -> Iterator[ConsolidatedWorkbook]:
    """The consolidated workbook's sheets; their rows can be read until the block ends."""
    generated = utcnow()
    profiles = plan_profiles(db)
    people = person_tables()
    with db.connect(write=False) as conn:  # a report only reads: never wait for or block a writer
        prov = ProvenanceIndex(conn)
        tables = {t.name: t for t in exchange_tables()}
        kinds = sorted(_kinds(conn, people), key=lambda k: k.title.lower())
        sheets: list[RecordSheet | PeopleCounts] = []
        for k in kinds:
            t = tables[k.table]
            if not k.count:
                continue
            if k.count_only:
                sheets.append(_people_counts(conn, t, k, people))
                continue
            cols = _shown_columns(t, people)
            sheets.append(_record_sheet(conn, t, k, cols, prov))
        has_activities = any(k.table == "plan_activity" and k.count for k in kinds)
        yield ConsolidatedWorkbook(
            f"{db.installation_name} ({db.installation_id})",
            generated,
            _installations(conn),
            kinds,
            Stream(lambda: _activities(conn, profiles, prov)) if has_activities else None,
            sheets,
        )


# -- writing them -----------------------------------------------------------------------------
def export_xlsx(
    db: Database, out: Path, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> dict:
    """The consolidated workbook; returns what the command line prints."""
    from rcdesk.reports.consolidated_xlsx import write_consolidated_xlsx

    with open_workbook(db) as data:
        return write_consolidated_xlsx(data, out, progress=progress, cancel=cancel)


def export_pdf(
    db: Database, out: Path, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED
) -> dict:
    """The consolidated PDF report; returns what the command line prints."""
    from rcdesk.reports.consolidated_pdf import write_consolidated_pdf

    progress(0, 5, "Reuniendo datos")
    data = read_summary(db, cancel=cancel)
    return write_consolidated_pdf(data, out, progress=progress, cancel=cancel)
