"""The one way a report or export file reaches the disk.

The file is written under a hidden temporary name in the target folder and moved over the target
only when complete (`os.replace` is atomic within one folder): a renderer that fails, a Cancelar
or a power cut leaves the previous file as it was, never half a file. The temporary name is unique
per write, so two exports to the same name cannot write into each other. Writers (reportlab,
openpyxl) create the temporary file themselves, so it gets the user's usual permissions.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from rcdesk.errors import UserError

# on Windows, replacing a file another program holds open (Excel, a PDF viewer) is refused with
# PermissionError; a read-only folder gives the same error on any system
LOCKED = (
    "No se puede escribir «{name}»: el archivo está abierto en otro programa (Excel, un visor de PDF…) o la "
    "carpeta no permite escribir. Ciérrelo e intente de nuevo."
)


def write_file(path: Path | str, write: Callable[[Path], object]) -> Path:
    """Run `write(tmp)` (which creates and fills the file `tmp`) and move the result over `path`."""
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _user_error(path, exc) from exc
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        write(tmp)
        _flush(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _user_error(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_bytes(path: Path | str, data: bytes) -> Path:
    return write_file(path, lambda tmp: tmp.write_bytes(data))


def write_text(path: Path | str, text: str) -> Path:
    return write_file(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save_workbook(wb, path: Path | str) -> Path:
    """An openpyxl workbook (normal or write-only)."""
    return write_file(path, lambda tmp: wb.save(tmp))


def _flush(tmp: Path) -> None:
    # the data must be on disk before the rename, or a power cut could leave an empty target
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some network and FAT drives refuse fsync on a read-only handle
        pass
    finally:
        os.close(fd)


# the system's own texts are English: the common cases are said in Spanish, the rest by number
REASONS = {
    errno.ENOSPC: "el disco está lleno",
    errno.EROFS: "la unidad es de solo lectura",
    errno.ENOTDIR: "«{parent}» no es una carpeta",
    errno.EEXIST: "«{parent}» no es una carpeta",
    errno.ENAMETOOLONG: "el nombre o la ruta es demasiado largo",
    errno.EISDIR: "ya existe una carpeta con ese nombre",
    errno.ENOENT: "la carpeta no está disponible",
}


def _user_error(path: Path, exc: OSError) -> UserError:
    if isinstance(exc, PermissionError):
        return UserError(LOCKED.format(name=path.name))
    reason = REASONS.get(exc.errno, f"error del sistema {exc.errno}") if exc.errno else "error del sistema"
    return UserError(f"No se puede escribir «{path}»: {reason.format(parent=_first_file(path.parent))}.")


def _first_file(folder: Path) -> str:
    # the part of the path that is a file where a folder was expected
    for p in reversed([folder, *folder.parents]):
        if p.exists() and not p.is_dir():
            return p.name
    return folder.name
