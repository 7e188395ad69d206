"""Consistent copies of the database (SQLite online backup API, safe with WAL).

Automatic and manual backups rotate (the newest `KEEP` are kept); the copy taken before a
schema upgrade is kept apart so it survives rotation.
"""
from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rcdesk.errors import StorageError, UserError

log = logging.getLogger(__name__)

KEEP = 10
PREFIX = "rcdesk-copia-"
PRE_UPGRADE_PREFIX = "rcdesk-antes-de-actualizar-"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int
    kind: str  # "copia" | "antes de actualizar"


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]


def copy_database(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".parcial")
    with closing(sqlite3.connect(str(src))) as s, closing(sqlite3.connect(str(tmp))) as d:
        s.backup(d)
    tmp.replace(dest)
    return dest


def backup_database(db_path: Path, backups_dir: Path, *, pre_upgrade_from: int | None = None) -> Path:
    if pre_upgrade_from is not None:
        dest = backups_dir / f"{PRE_UPGRADE_PREFIX}v{pre_upgrade_from}-{_stamp()}.db"
    else:
        dest = backups_dir / f"{PREFIX}{_stamp()}.db"
    copy_database(db_path, dest)
    log.info("backup written to %s", dest)
    if pre_upgrade_from is None:
        rotate(backups_dir)
    return dest


def rotate(backups_dir: Path, keep: int = KEEP) -> None:
    files = sorted(backups_dir.glob(f"{PREFIX}*.db"))
    for old in files[:-keep] if keep else files:
        old.unlink(missing_ok=True)


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    out: list[BackupInfo] = []
    if not backups_dir.exists():
        return out
    for p in backups_dir.glob("rcdesk-*.db"):
        st = p.stat()
        kind = "antes de actualizar" if p.name.startswith(PRE_UPGRADE_PREFIX) else "copia"
        out.append(BackupInfo(p, datetime.fromtimestamp(st.st_mtime), st.st_size, kind))
    return sorted(out, key=lambda b: b.created, reverse=True)


def check_backup_file(path: Path, supported: int) -> int:
    """Validate a file offered for restore; returns its schema version."""
    if not path.is_file():
        raise UserError(f"No existe el archivo de copia «{path}».")
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise UserError(f"«{path.name}» no es una copia de seguridad de rcdesk (no es una base SQLite).")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as c:
            version = c.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            ok = c.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise UserError(f"«{path.name}» está dañado y no se puede restaurar ({exc}).") from exc
    if ok != "ok":
        raise UserError(f"«{path.name}» está dañado y no se puede restaurar ({ok}).")
    if "installation" not in tables or version < 1:
        raise UserError(f"«{path.name}» no es una copia de seguridad de rcdesk.")
    if version > supported:
        raise StorageError(
            f"«{path.name}» fue creada por una versión más reciente de rcdesk (esquema {version}); "
            "actualice rcdesk antes de restaurarla."
        )
    return version


def restore_database(backup: Path, db_path: Path, backups_dir: Path, supported: int) -> Path | None:
    """Replace the database with `backup`; the current one is saved first. Returns that safety copy.

    The caller must have closed every connection to `db_path`.
    """
    check_backup_file(backup, supported)
    safety = None
    if db_path.exists():
        safety = backup_database(db_path, backups_dir)
    with closing(sqlite3.connect(str(backup))) as s, closing(sqlite3.connect(str(db_path))) as d:
        s.backup(d)
    log.info("database restored from %s (safety copy %s)", backup, safety)
    return safety
