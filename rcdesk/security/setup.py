"""Making and opening encrypted databases: what the command line and the GUI call.

- `create_encrypted`: a NEW database, encrypted from its first byte (key file first, the key
  remembered, then `Database.open` creates the file through SQLCipher; see rcdesk/db/driver.py).
- `unlock`: the passphrase → the data key remembered for this process, and a conversion that a
  crash interrupted finished (`convert.finish_pending`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rcdesk.errors import UserError
from rcdesk.jobs import ProgressFn
from rcdesk.security import unlocked, vault

if TYPE_CHECKING:
    from rcdesk.db.database import Database
    from rcdesk.paths import AppPaths

ENV_PASSPHRASE = "RCDESK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "RCDESK_NEW_PASSPHRASE"


def prepare_new(db_path: Path, passphrase: str) -> bytes:
    """Write the key file of a database about to be created and remember its key: the next
    `Database.open(db_path)` creates it encrypted. Refused when a database is already there."""
    db_path = Path(db_path)
    if db_path.exists() and db_path.stat().st_size:
        raise UserError(f"Ya existe una base de datos en «{db_path}»; no se ha cambiado nada.")
    why = vault.check_passphrase_strength(passphrase)
    if why is not None:
        raise UserError(why)
    db_path.parent.mkdir(parents=True, exist_ok=True)  # a first start: the data folder may not exist yet
    data_key = vault.create(db_path, passphrase)
    unlocked.remember(db_path, data_key)
    return data_key


def create_encrypted(
    db_path: Path,
    passphrase: str,
    *,
    paths: AppPaths | None = None,
    name: str | None = None,
    role: str | None = None,
) -> Database:
    """A new encrypted database at `db_path` (its installation id recorded in the key file)."""
    from rcdesk.db.database import Database

    db_path = Path(db_path)
    prepare_new(db_path, passphrase)
    try:
        db = Database.open(db_path, paths=paths, name=name, role=role)
    except BaseException:
        unlocked.forget(db_path)
        if not (db_path.exists() and db_path.stat().st_size):
            vault.key_file(db_path).unlink(missing_ok=True)  # nothing was created with that key
        raise
    if db.installation_id:
        vault.set_installation(db_path, db.installation_id)
    return db


def unlock(
    db_path: Path, passphrase: str, progress: ProgressFn | None = None, *, paths: AppPaths | None = None
) -> bytes:
    """Unlock the encrypted database at `db_path` for this process; `WrongPassphrase` otherwise.
    Finishes an interrupted conversion (its backups and evidence) before returning."""
    from rcdesk.security import convert

    db_path = Path(db_path)
    data_key = vault.unlock(db_path, passphrase)
    unlocked.remember(db_path, data_key)
    convert.finish_pending(db_path, data_key, progress, paths=paths)
    return data_key


def needs_unlock(db_path: Path) -> bool:
    """The file is encrypted and its key is not known in this process yet."""
    return vault.is_encrypted(Path(db_path)) and unlocked.key_for(Path(db_path)) is None
