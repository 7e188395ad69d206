"""Consistent copies of the database (SQLite online backup API, safe with WAL).

Automatic and manual backups rotate (the newest `KEEP` are kept); the copy taken before a
schema upgrade is kept apart so it survives rotation. The daily automatic copy runs on its own
thread with its own connections (`DailyBackup`), so the window never waits for it.

A server database (PostgreSQL) is copied with `pg_dump` (custom format, `*.dump` in the same
folder) when that program is installed; otherwise a copy asked for gets a Spanish message saying
backups are the server's job, and the copy before an upgrade is skipped with a warning in the log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from rcdesk.errors import StorageError, UserError

log = logging.getLogger(__name__)

KEEP = 10
DAILY_EVERY = timedelta(hours=24)
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
    """A consistent copy of `src` at `dest`. An encrypted database's copy is encrypted with the same
    key (SQLCipher's backup API copies the encrypted pages) and gets a copy of the key file
    (`<dest>.llave`), so it opens with the passphrase the key file had at the time of the copy."""
    from rcdesk.db import driver

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".parcial")
    tmp.unlink(missing_ok=True)  # a partial copy left by a crash, maybe in another format
    key = driver.data_key_for(src)
    with closing(driver.connect(src, data_key=key)) as s, closing(driver.connect(tmp, data_key=key)) as d:
        s.backup(d)
    if key is not None:
        copy_key_file(src, dest)
    tmp.replace(dest)
    return dest


def copy_key_file(src_db: Path, dest_db: Path) -> None:
    """Copy the key file of `src_db` to that of `dest_db` (atomically, then durable)."""
    import os
    import shutil

    from rcdesk.security import vault

    src, dest = vault.key_file(src_db), vault.key_file(dest_db)
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(src, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    vault.fsync_dir(dest.parent)


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


SERVER_BACKUP_MISSING = (
    "Esta base de datos está en un servidor PostgreSQL y este equipo no tiene «pg_dump»: las copias de "
    "seguridad las hace el servidor (pida al área de sistemas que confirme su copia diaria), o instale las "
    "herramientas cliente de PostgreSQL para que rcdesk pueda hacerlas."
)


def pg_dump_program() -> str | None:
    """pg_dump on the program path or in PostgreSQL's own versioned folders (`rcdesk.db.pg_tools`)."""
    from rcdesk.db.pg_tools import find_program

    return find_program("pg_dump")


def backup_server(paths, *, pre_upgrade_from: int | None = None) -> Path | None:
    """A `pg_dump` copy of the server database in `paths.backups` (see the module docstring)."""
    import os
    import subprocess

    from sqlalchemy.engine import make_url

    program = pg_dump_program()
    if program is None:
        if pre_upgrade_from is None:
            raise UserError(SERVER_BACKUP_MISSING)
        log.warning("no pg_dump on this machine: schema upgrade of %s without a copy", paths.display)
        return None
    url = make_url(paths.url)
    name = (
        f"{PRE_UPGRADE_PREFIX}v{pre_upgrade_from}-{_stamp()}" if pre_upgrade_from is not None else f"{PREFIX}{_stamp()}"
    )
    dest = paths.backups / f"{name}.dump"
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".parcial")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # never on the command line, where other users could read it
    args = [program, "--format=custom", "--no-owner", "-f", str(tmp), "-d", str(url.database or "")]
    if url.host:
        args += ["-h", url.host]
    if url.port:
        args += ["-p", str(url.port)]
    if url.username:
        args += ["-U", url.username]
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        log.error("pg_dump failed: %s", done.stderr.strip())
        if "version mismatch" in done.stderr:  # pg_dump never copies a server newer than itself
            raise StorageError(
                f"El programa pg_dump de este equipo ({program}) es de una versión de PostgreSQL anterior a la "
                f"del servidor {paths.display}: instale las herramientas cliente de la versión del servidor (o "
                "una más reciente) para que rcdesk pueda hacer la copia."
            )
        raise StorageError(
            f"No se pudo copiar la base de datos del servidor {paths.display} con pg_dump "
            f"(código {done.returncode}); los detalles quedaron en el registro."
        )
    tmp.replace(dest)
    log.info("server backup written to %s", dest)
    if pre_upgrade_from is None:
        rotate(paths.backups)
    return dest


def rotate(backups_dir: Path, keep: int = KEEP) -> None:
    for suffix in (".db", ".dump"):
        _rotate(sorted(backups_dir.glob(f"{PREFIX}*{suffix}")), keep)


def _rotate(files: list[Path], keep: int) -> None:
    for old in files[:-keep] if keep else files:
        old.unlink(missing_ok=True)
        old.with_name(old.name + ".llave").unlink(missing_ok=True)  # an encrypted copy's key file


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    out: list[BackupInfo] = []
    if not backups_dir.exists():
        return out
    for p in [*backups_dir.glob("rcdesk-*.db"), *backups_dir.glob("rcdesk-*.dump")]:
        st = p.stat()
        kind = "antes de actualizar" if p.name.startswith(PRE_UPGRADE_PREFIX) else "copia"
        out.append(BackupInfo(p, datetime.fromtimestamp(st.st_mtime), st.st_size, kind))
    return sorted(out, key=lambda b: b.created, reverse=True)


def backup_due(backups_dir: Path, every: timedelta = DAILY_EVERY, now: datetime | None = None) -> bool:
    """No automatic or manual copy within `every` (the copies taken before upgrades do not count)."""
    latest = [b for b in list_backups(backups_dir) if b.kind == "copia"]
    return not latest or (now or datetime.now()) - latest[0].created >= every


class DailyBackup:
    """The automatic copy (at most one per `every`), taken on its own thread.

    A power cut must not cost more than a day of work, but copying a large database takes
    seconds: the GUI starts this once its window is on screen and goes on working. SQLite's
    online backup reads a consistent snapshot through its own connection (the worker may write
    meanwhile, WAL keeps readers and the writer apart) and releases the GIL while it copies.
    `on_done(path or None, error or None)` is called on the copying thread; a failure is logged
    and reported there, never raised.
    """

    def __init__(
        self,
        db_path: Path,
        backups_dir: Path,
        *,
        every: timedelta = DAILY_EVERY,
        on_done: Callable[[Path | None, BaseException | None], None] | None = None,
    ) -> None:
        self.db_path, self.backups_dir, self.every, self.on_done = Path(db_path), Path(backups_dir), every, on_done
        self.result: Path | None = None
        self.error: BaseException | None = None
        self.finished = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="copia-diaria")
                self._thread.start()

    def _run(self) -> None:
        try:
            if self.db_path.exists() and backup_due(self.backups_dir, self.every):
                self.result = backup_database(self.db_path, self.backups_dir)
        except Exception as exc:
            log.exception("automatic backup of %s failed", self.db_path)
            self.error = exc
        finally:
            self.finished.set()
        if self.on_done is not None:
            try:
                self.on_done(self.result, self.error)
            except Exception:
                log.exception("reporting the automatic backup failed")

    def finish(self, timeout: float | None = None) -> bool:
        """Take the copy now if it never started (the window was closed first) and wait for it."""
        self.start()
        assert self._thread is not None
        self._thread.join(timeout)
        return self.finished.is_set()


def check_backup_file(path: Path, supported: int, data_key: bytes | None = None) -> int:
    """Validate a file offered for restore; returns its schema version. An encrypted copy is read
    with `data_key` or with a key unlocked in this process (the database it was copied from)."""
    from rcdesk.db import driver

    if not path.is_file():
        raise UserError(f"No existe el archivo de copia «{path}».")
    key = None
    if driver.is_encrypted(path):
        key = backup_key(path, data_key)
    elif not _has_sqlite_header(path):
        raise UserError(f"«{path.name}» no es una copia de seguridad de rcdesk (no es una base SQLite).")
    try:
        with closing(driver.connect(path, read_only=True, data_key=key)) as c:
            version = c.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            ok = c.execute("PRAGMA quick_check").fetchone()[0]
    except driver.errors("DatabaseError") as exc:
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


def _has_sqlite_header(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def backup_key(path: Path, data_key: bytes | None = None) -> bytes:
    """The data key that opens the encrypted copy `path`: `data_key`, else one unlocked in this process."""
    from rcdesk.db import driver
    from rcdesk.security import unlocked

    candidates = [data_key] if data_key is not None else unlocked.remembered()
    for key in candidates:
        try:
            with closing(driver.connect(path, read_only=True, data_key=key)):
                return key
        except driver.WrongDatabaseKey:
            continue
        except driver.errors() as exc:
            raise UserError(f"«{path.name}» está dañado y no se puede restaurar ({exc}).") from exc
    raise UserError(
        f"«{path.name}» no es una copia de seguridad de rcdesk, o está cifrada con la llave de otra base de "
        "datos: abra primero la base de datos de la que se copió (con su contraseña) y restáurela desde ella."
    )


def restore_database(backup: Path, db_path: Path, backups_dir: Path, supported: int) -> Path | None:
    """Replace the database with `backup`; the current one is saved first. Returns that safety copy.

    An encrypted database stays encrypted: a plain copy is encrypted on the way in. An encrypted
    copy is not restored over a plain database (that would need its key file and passphrase).
    The caller must have closed every connection to `db_path`.
    """
    from rcdesk.db import driver

    db_key = driver.data_key_for(db_path)
    encrypted_copy = driver.is_encrypted(backup)
    if encrypted_copy and db_key is None and db_path.exists() and db_path.stat().st_size:
        raise UserError(
            f"«{backup.name}» es una copia cifrada y la base de datos actual no lo está: no se puede "
            "restaurar sobre ella. Nada ha cambiado."
        )
    check_backup_file(backup, supported, db_key if encrypted_copy else None)
    if encrypted_copy and db_key is None:  # no database there yet: it comes back encrypted, with the copy's key file
        from rcdesk.security import unlocked, vault

        db_key = backup_key(backup)
        if not vault.key_file(db_path).exists():
            copy_key_file(backup, db_path)
        unlocked.remember(db_path, db_key)
    safety = None
    if db_path.exists():
        safety = backup_database(db_path, backups_dir)
    if db_key is not None and not encrypted_copy:
        _restore_plain_into_encrypted(backup, db_path, db_key)
    else:
        with (
            closing(driver.connect(backup, data_key=db_key)) as s,
            closing(driver.connect(db_path, data_key=db_key)) as d,
        ):
            s.backup(d)
    log.info("database restored from %s (safety copy %s)", backup, safety)
    return safety


def _restore_plain_into_encrypted(backup: Path, db_path: Path, db_key: bytes) -> None:
    from rcdesk.db import driver

    tmp = db_path.with_name(db_path.name + ".restaurando")
    tmp.unlink(missing_ok=True)
    try:
        driver.export_encrypted(backup, tmp, db_key)
        with closing(driver.connect(tmp, data_key=db_key)) as s, closing(driver.connect(db_path, data_key=db_key)) as d:
            s.backup(d)
    finally:
        tmp.unlink(missing_ok=True)
