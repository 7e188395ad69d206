"""Where the files the user saves and opens go: one export folder, names that never collide.

Every save dialog starts in the folder last used for that kind of file, or in the export
folder («Documentos/rcdesk», changeable); default names carry what the file is about and its
date («acta-deliberacion-guamote-2026-05-20.pdf») so a second event's acta does not land on
the first's; nothing is overwritten without the user saying so; after saving, the page's
banner offers «Abrir» and «Abrir carpeta».
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

ENV_EXPORTS = "RCDESK_EXPORT_DIR"  # portable installs (and tests) keep exports beside them
KEY_EXPORTS = "files/export_folder"
KEY_LAST = "files/last/{kind}"


def default_export_folder() -> Path:
    env = os.environ.get(ENV_EXPORTS)
    if env:
        return Path(env)
    from PySide6.QtCore import QStandardPaths

    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / "rcdesk"


def export_folder(settings) -> Path:
    chosen = settings.value(KEY_EXPORTS, "", str) if settings is not None else ""
    return Path(chosen) if chosen else default_export_folder()


def set_export_folder(settings, folder: Path | str) -> None:
    settings.setValue(KEY_EXPORTS, str(folder))


def start_folder(settings, kind: str) -> Path:
    """The folder last used for `kind` if it still exists, else the export folder (created)."""
    last = settings.value(KEY_LAST.format(kind=kind), "", str) if settings is not None else ""
    if last and Path(last).is_dir():
        return Path(last)
    folder = export_folder(settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a removed USB stick or a read-only share: the dialog lets the user choose
        return Path.home()
    return folder


def remember_folder(settings, kind: str, path: Path) -> None:
    if settings is not None:
        settings.setValue(KEY_LAST.format(kind=kind), str(path.parent if path.suffix else path))


def slug(text: str, limit: int = 40) -> str:
    """`text` as a file-name word: no accents, lower case, words joined by dashes."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", plain)
    out = "-".join(words)
    return out[:limit].rstrip("-")


def default_name(*parts: str | None, on: date | None = None, suffix: str) -> str:
    """«acta-deliberacion-guamote-2026-05-20.pdf» from ("Acta deliberación", "Guamote")."""
    words = [slug(p) for p in parts if p]
    stamp = (on or date.today()).isoformat()
    stem = "-".join(w for w in words if w) or "rcdesk"
    return f"{stem}-{stamp}.{suffix.lstrip('.')}"


def with_suffix(path: Path, suffix: str) -> Path:
    suffix = "." + suffix.lstrip(".")
    return path if path.suffix.lower() == suffix.lower() else path.with_name(path.name + suffix)


def confirm_overwrite(parent: QWidget | None, path: Path) -> bool:
    answer = QMessageBox.question(
        parent,
        "El archivo ya existe",
        f"Ya existe «{path.name}» en\n{path.parent}\n\n¿Desea reemplazarlo?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_save_path(
    parent: QWidget | None, settings, *, kind: str, title: str, name: str, filters: str, suffix: str | None = None
) -> Path | None:
    """Ask where to save; None if the user gave up.

    `suffix` is added when the user typed a name without it; the dialog confirmed the name it
    saw, so a file that exists under the completed name is confirmed here.
    """
    start = start_folder(settings, kind) / name
    path, chosen = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    if not path:
        return None
    out = Path(path)
    accepted = {f".{e.lower()}" for e in re.findall(r"\*\.(\w+)", filters)}
    if suffix is None and out.suffix.lower() not in accepted:
        match = re.search(r"\*\.(\w+)", chosen or filters)
        suffix = match.group(1) if match else ""
    if suffix:
        completed = with_suffix(out, suffix)
        if completed != out and completed.exists() and not confirm_overwrite(parent, completed):
            return None
        out = completed
    remember_folder(settings, kind, out)
    return out


def ask_open_paths(
    parent: QWidget | None, settings, *, kind: str, title: str, filters: str, many: bool = False
) -> list[Path]:
    start = str(start_folder(settings, kind))
    if many:
        paths, _ = QFileDialog.getOpenFileNames(parent, title, start, filters)
    else:
        path, _ = QFileDialog.getOpenFileName(parent, title, start, filters)
        paths = [path] if path else []
    chosen = [Path(p) for p in paths if p]
    if chosen:
        remember_folder(settings, kind, chosen[0])
    return chosen


def ask_folder(parent: QWidget | None, settings, *, kind: str, title: str) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, title, str(start_folder(settings, kind)))
    if not folder:
        return None
    settings.setValue(KEY_LAST.format(kind=kind), folder)
    return Path(folder)


def open_path(path: Path) -> bool:
    """Open a file or folder with the program the system uses for it."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def announce_saved(page: QWidget, path: Path, what: str = "Archivo guardado") -> None:
    """A success banner on `page` naming the file, with «Abrir» and «Abrir carpeta»."""
    from .widgets.banner import banner_for

    path = Path(path)
    banner_for(page).success(
        f"{what}: {path.name} (en {path.parent})",
        [("Abrir", lambda: open_path(path)), ("Abrir carpeta", lambda: open_path(path.parent))],
    )
