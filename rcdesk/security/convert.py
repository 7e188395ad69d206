"""An existing plain database converted to an encrypted one (the upgrade's "migration", issue 16).

Order, so that a crash at any point leaves a database that opens:

1. the key file is written (atomically) and a marker `<db>.cifrando` says a conversion is under
   way. A plain database next to a key file is "not yet converted": it opens plain, and the
   conversion is offered (and done) again;
2. the WAL is checkpointed into the file, the database is exported with `sqlcipher_export` into
   `<db>.cifrado.tmp`, flushed, checked to open with the key, and renamed over the database
   (atomic); the plain bytes are blanked (best effort) and the plain -wal/-shm removed;
3. every plain backup in the backups folder is replaced by its encrypted form (plus a copy of the
   key file), then an encrypted backup of the converted database is taken;
4. the evidence files are encrypted (`rcdesk.security.files.encrypt_evidence_folder`), then the
   marker is removed.

Steps 3-4 are idempotent: after a crash there the database is already encrypted, and the marker
makes the next unlock finish them (`finish_pending`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from rcdesk.errors import UserError
from rcdesk.jobs import ProgressFn, no_progress
from rcdesk.paths import AppPaths
from rcdesk.security import unlocked, vault

log = logging.getLogger(__name__)

PENDING_SUFFIX = ".cifrando"
_TMP_SUFFIX = ".cifrado.tmp"
_BLOCK = 1024 * 1024

EvidenceHook = Callable[[Any, bytes, ProgressFn], Any]


def paths_of(db_path: Path) -> AppPaths:
    """The companion folders of `db_path`: the default installation's, or `<name>-archivos/`."""
    default = AppPaths.default()
    if not default.is_server and default.database.resolve() == Path(db_path).resolve():
        return default
    return AppPaths.for_database(db_path)


def pending_marker(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + PENDING_SUFFIX)


def is_pending(db_path: Path) -> bool:
    """A conversion started and its last steps (backups, evidence) are not known to be done."""
    return pending_marker(Path(db_path)).exists()


def encrypt_database(
    db_path: Path,
    passphrase: str,
    progress: ProgressFn | None = None,
    *,
    evidence: EvidenceHook | None = None,
    paths: AppPaths | None = None,
) -> bytes:
    """Convert the plain database at `db_path` (every connection to it closed) to an encrypted one
    protected by `passphrase`; returns its data key, also remembered in this process. An already
    encrypted database whose conversion was interrupted is finished (with its passphrase)."""
    db_path = Path(db_path)
    progress = progress or no_progress
    paths = paths or paths_of(db_path)
    if not db_path.is_file():
        raise UserError(f"No existe la base de datos «{db_path}».")
    if vault.is_encrypted(db_path):
        data_key = vault.unlock(db_path, passphrase)
        if not is_pending(db_path):
            raise UserError(f"La base de datos «{db_path}» ya está cifrada.")
    else:
        data_key = _key_for_conversion(db_path, passphrase)
        _write_marker(db_path)
        progress(0, 4, "Cifrando la base de datos…")
        _encrypt_file(db_path, data_key)
    unlocked.remember(db_path, data_key)
    finish_pending(db_path, data_key, progress, evidence=evidence, paths=paths)
    return data_key


def _key_for_conversion(db_path: Path, passphrase: str) -> bytes:
    """The key of an earlier, interrupted conversion if `passphrase` opens it (nothing was encrypted
    with another key yet: the database is still plain), else a new key file."""
    if vault.key_file(db_path).exists():
        try:
            return vault.unlock(db_path, passphrase)
        except UserError:
            pass  # another passphrase, or a damaged file: the database is plain, nothing depends on it
    return vault.create(db_path, passphrase, installation_id=_installation_id(db_path))


def _installation_id(db_path: Path) -> str | None:
    """This installation's id, recorded in the key file: headquarters finds the sealed key by it when
    the key file itself is lost (rcdesk recover)."""
    import sqlite3

    try:
        with closing(sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT id FROM installation WHERE is_self = 1").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _write_marker(db_path: Path) -> None:
    marker = pending_marker(db_path)
    with open(marker, "wb") as fh:
        fh.write(b"conversion a base cifrada en curso\n")
        fh.flush()
        os.fsync(fh.fileno())
    vault.fsync_dir(marker.parent)


def finish_pending(
    db_path: Path,
    data_key: bytes,
    progress: ProgressFn | None = None,
    *,
    evidence: EvidenceHook | None = None,
    paths: AppPaths | None = None,
) -> bool:
    """Steps 3-4 of the conversion when its marker is present (after a crash, or right after step 2);
    True if there was something to finish. Called after every unlock."""
    db_path = Path(db_path)
    if not is_pending(db_path) or not vault.is_encrypted(db_path):
        return False
    progress = progress or no_progress
    paths = paths or paths_of(db_path)
    _blank_and_remove(db_path.with_name(db_path.name + _TMP_SUFFIX))
    progress(1, 4, "Cifrando las copias de seguridad…")
    encrypt_backups(paths.backups, db_path, data_key)
    from rcdesk.db.backup import backup_database

    backup_database(db_path, paths.backups)  # the encrypted copy of the converted database
    progress(2, 4, "Cifrando los archivos de evidencia…")
    hook = evidence or _evidence_hook()
    if hook is not None:
        hook(paths, data_key, progress)
    pending_marker(db_path).unlink(missing_ok=True)
    vault.fsync_dir(db_path.parent)
    progress(4, 4, "Base de datos cifrada.")
    log.info("database converted to an encrypted one")
    return True


def _evidence_hook() -> EvidenceHook | None:
    """E-files' `encrypt_evidence_folder(paths, data_key, progress)`, when it is installed."""
    try:
        from rcdesk.security.files import encrypt_evidence_folder
    except ImportError:
        return None
    return encrypt_evidence_folder


def _checkpoint(db_path: Path) -> None:
    """Move the WAL into the file, so the export sees everything and the -wal left is empty."""
    import sqlite3

    with closing(sqlite3.connect(str(db_path), timeout=10)) as conn:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise UserError(
                f"La base de datos «{db_path}» está en uso por otro programa: ciérrelo y vuelva a intentarlo. "
                "No se ha cambiado nada."
            )


def _encrypt_file(db_path: Path, data_key: bytes) -> None:
    """Step 2: the database file replaced by its encrypted export (atomic rename)."""
    from rcdesk.db import driver

    _checkpoint(db_path)
    tmp = db_path.with_name(db_path.name + _TMP_SUFFIX)
    _blank_and_remove(tmp)  # an earlier attempt's export
    driver.export_encrypted(db_path, tmp, data_key)
    _verify_copy(db_path, tmp, data_key)
    with open(tmp, "rb+") as fh:  # on disk before it replaces the only other copy of the data
        os.fsync(fh.fileno())
    _replace_blanking(tmp, db_path)
    for side in ("-wal", "-shm", "-journal"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)


def _verify_copy(plain: Path, encrypted: Path, data_key: bytes) -> None:
    """The encrypted export opens with the key and holds as many rows per table as the original."""
    import sqlite3

    from rcdesk.db import driver

    with open(encrypted, "rb+") as fh:
        os.fsync(fh.fileno())
    with closing(sqlite3.connect(str(plain))) as a, closing(driver.connect(encrypted, data_key=data_key)) as b:
        tables = [
            r[0]
            for r in a.execute("SELECT name FROM sqlite_master WHERE type='table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
        ]
        for name in tables:
            q = f'SELECT count(*) FROM "{name}"'
            if a.execute(q).fetchone() != b.execute(q).fetchone():
                raise UserError(
                    f"La copia cifrada de la base de datos no coincide (tabla {name}); no se ha cambiado nada."
                )
        if b.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise UserError("La copia cifrada de la base de datos está dañada; no se ha cambiado nada.")


def _replace_blanking(tmp: Path, target: Path) -> None:
    """os.replace(tmp, target), then overwrite the plain bytes target had with zeros (best effort:
    POSIX keeps the old inode readable through an open handle; elsewhere it is just unlinked)."""
    if os.name != "posix" or not target.exists():
        os.replace(tmp, target)
        vault.fsync_dir(target.parent)
        return
    with open(target, "r+b") as old:
        os.replace(tmp, target)
        vault.fsync_dir(target.parent)
        _zero_fill(old)


def _zero_fill(fh: Any) -> None:
    size = os.fstat(fh.fileno()).st_size
    fh.seek(0)
    block = b"\0" * _BLOCK
    left = size
    while left > 0:
        n = min(left, _BLOCK)
        fh.write(block[:n])
        left -= n
    fh.flush()
    os.fsync(fh.fileno())


def _blank_and_remove(path: Path) -> None:
    try:
        with open(path, "r+b") as fh:
            _zero_fill(fh)
    except FileNotFoundError:
        return
    except OSError:
        pass
    path.unlink(missing_ok=True)


def encrypt_backups(backups_dir: Path, db_path: Path, data_key: bytes) -> int:
    """Replace each plain backup copy in `backups_dir` by its encrypted form (same key as the
    database, with a copy of its key file); returns how many were converted. Idempotent."""
    from rcdesk.db import driver
    from rcdesk.db.backup import copy_key_file

    if not backups_dir.is_dir():
        return 0
    done = 0
    for copy in sorted(backups_dir.glob("rcdesk-*.db")):
        for side in ("-wal", "-shm", "-journal"):
            _blank_and_remove(copy.with_name(copy.name + side))
        if driver.is_encrypted(copy) or not copy.stat().st_size:
            if not vault.key_file(copy).exists() and driver.is_encrypted(copy):
                copy_key_file(db_path, copy)
            continue
        tmp = copy.with_name(copy.name + _TMP_SUFFIX)
        _blank_and_remove(tmp)
        try:
            driver.export_encrypted(copy, tmp, data_key)
        except driver.errors() as exc:  # a damaged copy: better gone than readable
            log.warning("backup copy %s could not be encrypted (%s); removed", copy.name, type(exc).__name__)
            _blank_and_remove(tmp)
            _blank_and_remove(copy)
            continue
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        copy_key_file(db_path, copy)
        _replace_blanking(tmp, copy)
        done += 1
    for stale in backups_dir.glob("*" + _TMP_SUFFIX):
        _blank_and_remove(stale)
    return done
