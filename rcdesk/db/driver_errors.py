"""Spanish words for what the SQLite driver says in English.

sqlite3 and SQLAlchemy report a locked, read-only, full or foreign file as «database is
locked», «file is not a database»…; a user can act on each of these, so they get a Spanish
message naming the file instead. Errors that mean a bug in rcdesk get None here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import cast

# primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _AUTH, _NOTADB = (
    3,
    5,
    6,
    8,
    10,
    11,
    13,
    14,
    23,
    26,
)


def driver_error(exc: BaseException) -> sqlite3.Error | None:
    """The sqlite3 or sqlcipher3 error behind `exc` (SQLAlchemy keeps it in `.orig`, others chain it);
    typed as sqlite3's: both carry the same `sqlite_errorcode` and messages."""
    from rcdesk.db.driver import errors

    kinds = errors()
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, kinds):
            return cast(sqlite3.Error, cur)
        orig = getattr(cur, "orig", None)
        if isinstance(orig, kinds):
            return cast(sqlite3.Error, orig)
        cur = cur.__cause__ or cur.__context__
    return None


def _server_error(exc: BaseException) -> BaseException | None:
    """The psycopg error behind `exc`, if any (found by module, so psycopg is never imported here)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        for candidate in (cur, getattr(cur, "orig", None)):
            if isinstance(candidate, BaseException) and type(candidate).__module__.startswith("psycopg"):
                return candidate
        cur = cur.__cause__ or cur.__context__
    return None


def server_message(exc: BaseException, where: str = "") -> str | None:
    """Spanish message for a PostgreSQL server the user (or IT) can fix; None for a bug."""
    err = _server_error(exc)
    if err is None:
        return None
    state = getattr(err, "sqlstate", None) or ""
    text = str(err).lower()
    at = f" «{where}»" if where else ""
    if state in ("28P01", "28000") or "password authentication failed" in text or "no password supplied" in text:
        return f"El servidor de base de datos{at} rechazó el usuario o la contraseña. Revise los datos de conexión."
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return (
            f"No existe esa base de datos en el servidor{at}: pida al área de sistemas que la cree "
            "(CREATE DATABASE) y vuelva a intentarlo."
        )
    if state == "42501" or "permission denied" in text:
        return f"El usuario no tiene permiso para esta operación en el servidor{at}. No se guardó nada."
    if state.startswith("08") or "connection" in text or "could not" in text or "timeout" in text:
        return (
            f"No se puede conectar con el servidor de base de datos{at}: compruebe la dirección, el puerto, "
            "que el servidor esté encendido y la red. No se guardó nada."
        )
    if state == "53100":
        return f"El disco del servidor de base de datos{at} está lleno. No se guardó nada."
    return None


def storage_message(exc: BaseException, path: Path | str | None = None) -> str | None:
    """Spanish message for a storage problem the user can fix, or None when `exc` is not one."""
    err = driver_error(exc)
    if err is None:
        return server_message(exc, str(path or ""))
    code = (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(err).lower()
    where = f" «{path}»" if path else ""
    if code == _NOTADB or "file is not a database" in text:
        return f"El archivo{where} no es una base de datos de rcdesk (o está dañado); no se ha modificado."
    if code == _CORRUPT or "malformed" in text:
        return (
            f"La base de datos{where} está dañada. Restaure la última copia de seguridad "
            "(carpeta «backups» junto a la base de datos)."
        )
    if code in (_BUSY, _LOCKED) or "locked" in text:
        return (
            f"La base de datos{where} está ocupada por otro programa (otra ventana de rcdesk o la línea de "
            "comandos). Espere a que termine e inténtelo de nuevo; no se guardó nada."
        )
    if code == _READONLY or "readonly" in text or "read-only" in text:
        return (
            f"La base de datos{where} es de solo lectura: compruebe los permisos del archivo y de su "
            "carpeta. No se guardó nada."
        )
    if code == _FULL or "disk is full" in text:
        return "El disco está lleno: libere espacio e inténtelo de nuevo. No se guardó nada."
    if code in (_CANTOPEN, _PERM, _AUTH) or "unable to open" in text:
        return (
            f"No se puede abrir la base de datos{where}: compruebe que la carpeta existe, que es un archivo "
            "y que tiene permiso para usarlo."
        )
    if code == _IOERR or "disk i/o" in text:
        return (
            f"Error de lectura o escritura en el disco al usar la base de datos{where}. Compruebe el disco "
            "(o la memoria USB) e inténtelo de nuevo."
        )
    return None
