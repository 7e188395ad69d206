"""The one way rcdesk opens a raw connection to an SQLite file: stdlib `sqlite3` for a plain file,
`sqlcipher3` (SQLCipher, same DB-API) keyed with the database's raw key for an encrypted one.

The key is the "base-de-datos" subkey of the data key unlocked in this process
(`rcdesk.security.unlocked`); `PRAGMA key` is the first statement on every connection, so nothing
is read from the file before it is keyed. A file that is encrypted and whose key is unknown raises
`DatabaseLocked` (Spanish, exit 2 on the command line). A file that does not exist yet (or is empty)
while a key is remembered for its path is created encrypted: that is how a new encrypted database is
made (`rcdesk.security.setup.create_encrypted`). A plain file next to a key file is a conversion that
never finished (`rcdesk.security.convert`): it is opened plain.

sqlcipher3 is imported only when an encrypted file is opened, so a plain database's start-up does
not pay for it; the errors of both drivers are recognised through `errors()` (a sqlcipher3 error can
only exist once its module was imported).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any, cast

from rcdesk.errors import StorageError

KEY_PURPOSE = "base-de-datos"
_CIPHER_MODULE = "sqlcipher3.dbapi2"
_NOTADB = 26
_SQLITE_MAGIC = b"SQLite format 3\x00"
CACHE_KIB = 32 * 1024  # page cache of an encrypted connection (see apply_key)


class WrongDatabaseKey(StorageError):
    """The key file opens but its key does not decrypt the database (another database's key file)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"La llave de «{path.name}» no corresponde a esa base de datos (el archivo «.llave» es de otra "
            "base, o la base está dañada). No se ha modificado nada. Restaure el archivo «.llave» correcto "
            "desde una copia de seguridad o pida a la sede central que recupere la base de datos."
        )
        self.path = path


def cipher_module() -> Any:
    """sqlcipher3's DB-API module (imported on first use)."""
    import sqlcipher3.dbapi2 as mod  # type: ignore[import-not-found, unused-ignore]

    return mod


def errors(name: str = "Error") -> tuple[type[BaseException], ...]:
    """The exception class `name` (Error, OperationalError, DatabaseError…) of both drivers, for
    `except driver.errors("OperationalError"):` and isinstance checks."""
    out: tuple[type[BaseException], ...] = (getattr(sqlite3, name),)
    mod = sys.modules.get(_CIPHER_MODULE)
    if mod is not None:
        out += (getattr(mod, name),)
    return out


def is_connection(conn: object) -> bool:
    """A raw SQLite connection of either driver."""
    if isinstance(conn, sqlite3.Connection):
        return True
    mod = sys.modules.get(_CIPHER_MODULE)
    return mod is not None and isinstance(conn, mod.Connection)


def raw_key(data_key: bytes) -> str:
    """The SQLCipher raw key (64 hex digits) of a database's data key."""
    from rcdesk.security import vault

    return vault.subkey(data_key, KEY_PURPOSE).hex()


def is_encrypted(path: Path) -> bool:
    """An SQLCipher file: not empty, no "SQLite format 3" header, and either its key file is there or
    its size is whole 4 KiB pages (the page size rcdesk creates them with), so a text or other file given
    as a database is still reported as "not a database" rather than as locked."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
            size = os.fstat(fh.fileno()).st_size
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return False
    if not head or head == _SQLITE_MAGIC:
        return False
    return size % 4096 == 0 or path.with_name(path.name + ".llave").exists()


def _is_new(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True


def data_key_for(path: Path) -> bytes | None:
    """The data key the file at `path` is (or will be created) encrypted with; None for a plain file.
    `DatabaseLocked` for an encrypted file whose key was not unlocked in this process."""
    from rcdesk.security import unlocked  # not vault: a plain database's start-up skips `cryptography`

    path = Path(path)
    if is_encrypted(path):
        key = unlocked.key_for(path)
        if key is None:
            raise unlocked.DatabaseLocked(path)
        return key
    if _is_new(path):
        return unlocked.key_for(path)
    return None


def uses_cipher(path: Path) -> bool:
    """The file at `path` is opened with SQLCipher (encrypted, or to be created encrypted)."""
    return data_key_for(path) is not None


def connect(path: Path, *, read_only: bool = False, data_key: bytes | None = None, **kw: Any) -> sqlite3.Connection:
    """A raw connection to the SQLite file `path` (`read_only`: URI mode=ro), keyed when the file is
    encrypted. `data_key` forces the key (a backup being checked, a conversion's new file); otherwise
    it comes from `data_key_for`. Typed as sqlite3's connection: sqlcipher3's has the same API."""
    path = Path(path)
    key = data_key if data_key is not None else data_key_for(path)
    target = f"{path.absolute().as_uri()}?mode=ro" if read_only else str(path)
    if read_only:
        kw["uri"] = True
    if key is None:
        return sqlite3.connect(target, **kw)
    conn = cipher_module().connect(target, **kw)
    try:
        apply_key(conn, raw_key(key), path)
    except BaseException:
        conn.close()
        raise
    return cast(sqlite3.Connection, conn)


def apply_key(conn: Any, hex_key: str, path: Path, *, check: bool = True) -> None:
    """Key a fresh sqlcipher3 connection (first statements) and, with `check`, prove the key opens
    the file (`WrongDatabaseKey` otherwise). SQLCipher's own error log is silenced: a wrong key is
    reported in Spanish here, not as English lines on stderr."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{hex_key}'\"")
    if check:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except cipher_module().DatabaseError as exc:
            if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == _NOTADB or "not a database" in str(exc):
                raise WrongDatabaseKey(path) from exc
            raise
    # A page read from the OS cache costs a decryption and an HMAC check here, not just a copy: a
    # larger page cache (grown only as used) keeps a consolidation's index pages decrypted. Measured
    # on 110,000 consolidated rows (63 MB file): CPU 10.8 s with 2 MiB, 9.3 s with 8 MiB (SQLCipher's
    # default), 8.5 s with 32 MiB, no better with 64-256 MiB; 6.3-6.8 s on the plain file.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    # What is left of a consolidation's extra CPU is the cipher itself, all of it in COMMIT (perf and
    # sqlite3_db_status, 330,000 rows, 2026-12-02): commits took CPU 7.9 s encrypted, 2.5 s plain, for
    # 471,000 pages written to the WAL (one transaction per package, ~2,400 table and index pages
    # dirtied each), ~11.6 µs a page to encrypt (AES-256-CBC) and sign (HMAC-SHA512); OpenSSL's own
    # overhead is under 1% of the samples, and reads hit the cache (15,000 misses). Hence no other
    # setting here: cipher_memory_security is already OFF by default in SQLCipher 4.12, temporary
    # tables already live in memory (built with TEMP_STORE=2), a checkpoint copies frames already
    # encrypted, the key is raw (no KDF per connection), and the default 4 KiB page is the fastest
    # (CPU 16.2 s; 2 KiB 16.6 s, 8 KiB 18.0 s: each dirtied index leaf costs its whole page).


def export_encrypted(src: Path, dest: Path, data_key: bytes) -> None:
    """Write the plain database `src` as a new encrypted file `dest` (sqlcipher_export keeps tables,
    indexes, triggers and FTS tables; the schema version is copied by hand). `dest` must not exist."""
    mod = cipher_module()
    conn = mod.connect(str(src), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS enc KEY ?", (str(dest), f"x'{raw_key(data_key)}'"))
        # one transaction: in autocommit every table's copy commits (and syncs) on its own, 4.5 s instead
        # of 0.12 s for the demo database; the caller syncs the finished file before swapping it in
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT sqlcipher_export('enc')")
            conn.execute(f"PRAGMA enc.user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("DETACH DATABASE enc")
    finally:
        conn.close()
