"""The data keys of the encrypted databases unlocked in this process (memory only, never on disk).

The engine factory and every raw connection ask `key_for(path)`; the GUI's unlock dialog and the
command line's prompt `remember` the key after `vault.unlock`. Paths are resolved, so the same file
named two ways has one entry.
"""

from __future__ import annotations

import threading
from pathlib import Path

from rcdesk.errors import UserError

_keys: dict[str, bytes] = {}
_lock = threading.Lock()


class DatabaseLocked(UserError):
    """An encrypted database whose key this process does not know."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(
            f"La base de datos «{db_path}» está cifrada. Escriba su contraseña para abrirla "
            "(en la línea de comandos: cuando se le pida, o en la variable RCDESK_PASSPHRASE)."
        )
        self.db_path = db_path


def _name(db_path: Path) -> str:
    return str(Path(db_path).resolve())


def remember(db_path: Path, data_key: bytes) -> None:
    if len(data_key) != 32:
        raise ValueError("data key must be 32 bytes")
    with _lock:
        _keys[_name(db_path)] = bytes(data_key)


def key_for(db_path: Path) -> bytes | None:
    """The data key of `db_path` if it was unlocked in this process."""
    with _lock:
        return _keys.get(_name(db_path))


def remembered() -> list[bytes]:
    """Every data key unlocked in this process (to find which one opens a backup copy)."""
    with _lock:
        return list(dict.fromkeys(_keys.values()))


def forget(db_path: Path) -> None:
    with _lock:
        _keys.pop(_name(db_path), None)


def forget_all() -> None:
    with _lock:
        _keys.clear()
