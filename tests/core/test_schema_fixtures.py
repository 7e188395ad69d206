"""Databases written by earlier versions of rcdesk open in this one with every row intact.

The fixtures in tests/fixtures/schemas were written by the commits that shipped each schema
(tools/make_schema_fixture.py redoes them); 0005-early and 0005-nosync are stamped 5 by commits
made before revisions 0004/0005 were edited, so they lack tables and columns their stamp promises.
"""

from __future__ import annotations

import hashlib
import lzma
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from rcdesk.db import migrate, schema_repair
from rcdesk.db.database import Database
from rcdesk.db.engine import make_engine
from rcdesk.errors import DatabaseBusy

FIXTURES = Path(__file__).parents[1] / "fixtures" / "schemas"
VERSIONS = Path(migrate.MIGRATIONS_DIR) / "versions"
ALL = sorted(p.name.removeprefix("rcdesk-").removesuffix(".db.xz") for p in FIXTURES.glob("rcdesk-*.db.xz"))

# name -> (stamp, plans, an institution, events, attendance rows, progress reports, POA metas)
KNOWN = {
    "0001": (1, 5, "Gobernación de Chimborazo", None, None, None, None),
    "0002": (2, 7, "Gobernación de Chimborazo", None, None, 578, None),
    "0003": (3, 7, "Gobernación de Chimborazo", None, None, 578, 213),
    "0004": (4, 7, "Gobernación de Chimborazo", 2, 202, 578, 213),
    "0005": (5, 7, "Gobernación de Chimborazo", 2, 202, 578, 213),
    "0005-early": (5, 5, "Municipio de Itagüí", 0, 0, 0, 0),
    "0005-nosync": (5, 0, "GAD Municipal de Guamote", 0, 0, 0, 0),
    "0006": (6, 7, "Gobernación de Chimborazo", 2, 202, 578, 213),
    "0009": (9, 7, "Gobernación de Chimborazo", 2, 202, 578, 213),
    "0014": (14, 7, "Gobernación de Chimborazo", 2, 202, 578, 213),
    "0017": (17, 7, "Gobernación de Chimborazo", 2, 202, 578, 213),
}


def _unpack(name: str, dest: Path) -> Path:
    dest.write_bytes(lzma.decompress((FIXTURES / f"rcdesk-{name}.db.xz").read_bytes()))
    return dest


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as c:
        return c.execute("PRAGMA user_version").fetchone()[0]


def _counts(path: Path) -> dict[str, int]:
    """Rows per table, FTS shadow tables and Alembic's bookkeeping aside."""
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'person_fts%' AND name != 'alembic_version'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def _shape(path: Path) -> dict[str, object]:
    """Every table's columns (name, type, not null, primary key) and every index and trigger by name."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, object] = {}
        for kind, name in conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"):
            if kind == "table":
                out[name] = sorted((r[1], r[2], r[3], r[5]) for r in conn.execute(f'PRAGMA table_info("{name}")'))
            else:
                out[name] = kind
        return out
    finally:
        conn.close()


def test_every_fixture_has_its_expectations():
    assert ALL == sorted(KNOWN)
    for name in ALL:
        assert (FIXTURES / f"rcdesk-{name}.db.xz").stat().st_size < 400_000, name


@pytest.fixture(scope="module")
def fresh_shape(tmp_path_factory) -> dict[str, object]:
    fresh = tmp_path_factory.mktemp("fresh") / "fresh.db"
    Database.open(fresh).close()
    return _shape(fresh)


@pytest.mark.parametrize("name", ALL)
def test_upgrade_keeps_every_row_a_backup_and_ends_with_a_fresh_schema(tmp_path, name, fresh_shape):
    stamp, plans, institution, events, attendance, reports, metas = KNOWN[name]
    path = _unpack(name, tmp_path / "rcdesk.db")
    assert _user_version(path) == stamp
    before = _counts(path)

    db = Database.open(path)
    try:
        from rcdesk.services.reference import ReferenceService

        assert institution in [i.name for i in ReferenceService(db).institutions()]
        if attendance:
            # the people directory and the attendance filter still find people by name
            from rcdesk.services.attendance import AttendanceService

            att = AttendanceService(db)
            assert att.search_people("veronica garcia")
            with sqlite3.connect(path) as c:
                event_id = c.execute(
                    "SELECT event_id FROM attendance GROUP BY event_id ORDER BY count(*) DESC"
                ).fetchone()[0]
            assert att.attendance_count(event_id, "Verónica García") >= 1
    finally:
        db.close()

    assert _user_version(path) == migrate.head_version()
    after = _counts(path)
    assert {t: after[t] for t in before} == before
    assert after["plan"] == plans
    for table, expected in (
        ("event", events),
        ("attendance", attendance),
        ("progress_report", reports),
        ("poa_meta", metas),
    ):
        if expected is not None:
            assert after[table] == expected, table

    backups = list((tmp_path / "rcdesk-archivos" / "copias").glob(f"rcdesk-antes-de-actualizar-v{stamp}-*.db"))
    if stamp == migrate.head_version():  # the newest released schema until a revision follows it: nothing to upgrade
        assert backups == []
    else:
        assert len(backups) == 1
        assert _user_version(backups[0]) == stamp  # a copy of the file before any write
        assert _counts(backups[0]) == before

    assert _shape(path) == fresh_shape

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import rcdesk.models  # noqa: F401
    from rcdesk.db.base import Base

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:

            def include(obj, name, type_, reflected, compare_to):
                # the FTS5 index and its shadow tables are raw SQL, not models
                return not (type_ == "table" and name.startswith("person_fts"))

            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include})
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", ["0005-early", "0005-nosync"])
def test_repair_adds_what_the_stamp_promises_once(tmp_path, name):
    path = _unpack(name, tmp_path / "old.db")
    with sqlite3.connect(path) as c:
        lacking = schema_repair.missing_parts(5, c)
    assert "attendance.search_text" in lacking
    assert ("sync_record" in lacking) == (name == "0005-nosync")

    engine = make_engine(path)
    try:
        assert sorted(schema_repair.repair(engine, 5)) == sorted(lacking)
        assert schema_repair.repair(engine, 5) == []  # a second run finds nothing to do
    finally:
        engine.dispose()
    with sqlite3.connect(path) as c:
        assert schema_repair.missing_parts(5, c) == []
        assert c.execute("PRAGMA user_version").fetchone()[0] == 5  # repair is not an upgrade
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []


def test_repaired_attendance_rows_are_found_by_search(tmp_path):
    """Rows that predate attendance.search_text get the key the attendance service would build."""
    path = _unpack("0005", tmp_path / "old.db")
    with sqlite3.connect(path) as c:
        c.execute("DROP INDEX IF EXISTS ix_attendance_search_text")
        c.execute("ALTER TABLE attendance DROP COLUMN search_text")
        rows = c.execute("SELECT count(*) FROM attendance").fetchone()[0]
    engine = make_engine(path)
    try:
        assert "attendance.search_text" in schema_repair.repair(engine, 5)
    finally:
        engine.dispose()

    from rcdesk.services.attendance import _search_text

    with sqlite3.connect(path) as c:
        got = c.execute(
            "SELECT full_name, id_number, organization, territory_text, search_text FROM attendance"
        ).fetchall()
    assert len(got) == rows > 0
    assert all(st == _search_text(n, i, o, t) for n, i, o, t, st in got)


def test_a_busy_database_is_reported_as_busy_not_as_unreadable(monkeypatch, tmp_path):
    def busy(engine):
        raise DatabaseBusy("La base de datos está ocupada por otro programa.")

    monkeypatch.setattr(migrate, "current_version", busy)
    engine = make_engine(tmp_path / "x.db")
    try:
        with pytest.raises(DatabaseBusy, match="ocupada"):
            migrate.upgrade(engine)
    finally:
        engine.dispose()


def _listed() -> dict[str, str]:
    lines = (FIXTURES / "revisions.sha256").read_text(encoding="utf-8").splitlines()
    return {name.strip(): digest for digest, name in (ln.split(maxsplit=1) for ln in lines if ln.strip())}


def _digest(path: Path) -> str:
    # line endings normalised: a Windows checkout (autocrlf) holds the same revision
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def test_committed_revisions_never_change():
    listed = _listed()
    files = {p.name: p for p in sorted(VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))}
    unlisted = [f"{_digest(p)}  {n}" for n, p in files.items() if n not in listed]
    assert not unlisted, (
        "New revision(s) not in tests/fixtures/schemas/revisions.sha256. Once the revision is final, "
        "add these lines (and a fixture: tools/make_schema_fixture.py):\n" + "\n".join(unlisted)
    )
    changed = [n for n, p in files.items() if _digest(p) != listed[n]]
    assert not changed, (
        f"Committed revision(s) {', '.join(changed)} changed. Databases already stamped with them keep "
        "the old schema: restore the file and put the change in a new revision."
    )
    gone = sorted(set(listed) - set(files))
    assert not gone, f"Revision(s) {', '.join(gone)} were removed; databases stamped with them cannot be upgraded."


def test_revision_numbers_follow_each_other():
    nums = sorted(int(p.name[:4]) for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert nums == list(range(1, len(nums) + 1))
    assert schema_repair.LAST_EDITED_REVISION < nums[-1]
