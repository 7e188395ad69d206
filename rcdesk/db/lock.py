"""One GUI process per database file: a lock file next to it, held by an OS lock.

The operating system's lock on an open file (`fcntl.flock`, `msvcrt.locking` on Windows) is
the truth: it disappears when its process dies, however it dies, so a stale lock is taken
over by simply locking again. The file's text (pid, program, host, user, start time) only
tells the next program who holds it. The file is never deleted: deleting a lock file that
someone else is opening lets two processes each lock a different file.

The command line does not take this lock (read-only commands must work while the GUI is
open); its writes wait on SQLite's own lock and name the holder from this file if it stays busy.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from rcdesk.errors import DatabaseInUse

GUI_PROGRAM = "rcdesk (interfaz gráfica)"
# Windows locks are mandatory: a locked byte cannot even be read by others, so the lock sits
# on one byte far past the text, which every process can still read.
_LOCK_OFFSET = 1 << 20
_TEXT_MAX = 4096


@dataclass(frozen=True)
class LockHolder:
    pid: int
    program: str
    host: str
    user: str
    started: str  # ISO local time

    def describe(self) -> str:
        try:
            since = datetime.fromisoformat(self.started).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            since = self.started
        who = f" por el usuario «{self.user}»" if self.user else ""
        return f"{self.program}, abierto{who} en el equipo «{self.host}» (proceso {self.pid}) desde el {since}"


def lock_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def _user() -> str:
    # getpass.getuser() reads these first; importing getpass (termios…) costs the GUI's start
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(name):
            return os.environ[name]
    try:
        import getpass

        return getpass.getuser()
    except Exception:
        return ""


def _host() -> str:
    # socket.gethostname() without importing socket (≈ 5 ms of the GUI's start) where possible
    if hasattr(os, "uname"):
        return os.uname().nodename
    if os.environ.get("COMPUTERNAME"):
        return os.environ["COMPUTERNAME"]
    import socket

    return socket.gethostname()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _read_holder(path: Path) -> LockHolder | None:
    try:
        with open(path, "rb") as f:
            raw = f.read(_TEXT_MAX)
        data = json.loads(raw.decode("utf-8").strip() or "null")
        return LockHolder(**data) if isinstance(data, dict) else None
    except (OSError, ValueError, TypeError):
        return None


class ProcessLock:
    """Held while a GUI works on one database file; `acquire()` raises `DatabaseInUse` if taken."""

    def __init__(self, db_path: Path, program: str = GUI_PROGRAM) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self.program = program
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> ProcessLock:
        if self._fd is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            raise DatabaseInUse(self._refusal())
        holder = LockHolder(os.getpid(), self.program, _host(), _user(), datetime.now().isoformat(timespec="seconds"))
        text = json.dumps(asdict(holder), ensure_ascii=False).encode("utf-8")
        # Whatever a dead holder left is overwritten: the OS lock says it is gone.
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, text.ljust(len(text) + 1, b"\n"))
        os.ftruncate(fd, len(text) + 1)  # no fsync: the text only names the holder, the OS lock decides
        self._fd = fd
        return self

    def _refusal(self) -> str:
        # The winner of a simultaneous start may not have written its text yet.
        holder = None
        for _ in range(5):
            holder = _read_holder(self.path)
            if holder is not None:
                break
            time.sleep(0.05)
        who = holder.describe() if holder else "otro programa rcdesk"
        return (
            f"La base de datos «{self.db_path}» ya está abierta en {who}. "
            "Cierre esa ventana (o espere a que termine) y vuelva a abrir rcdesk. "
            "Para trabajar a la vez desde la línea de comandos no hace falta cerrarla."
        )

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # no stale text for the next reader
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> ProcessLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder_description(db_path: Path) -> str | None:
    """Who holds the GUI lock on `db_path` now, in Spanish; None when nobody (or a dead process) does."""
    path = lock_path(db_path)
    if not path.exists():
        return None
    holder = _read_holder(path)
    if holder is None:
        return None
    if holder.pid == os.getpid():
        return None  # our own window: the other writer is someone else
    # Stale text from a crashed holder must not be named: probe the OS lock (released at once).
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return holder.describe()
    try:
        if _try_lock(fd):
            _unlock(fd)
            return None
    finally:
        os.close(fd)
    return holder.describe()
