"""A screenshot of every page and of the shell's dialogs at 1366×768, for the guide and for review.

    python tools/screenshots.py CARPETA [--db BASE.db]

Without --db the example data is loaded into a throw-away database. Runs offscreen (no display
needed) on a 1366×768 screen unless QT_QPA_PLATFORM says otherwise (e.g. xcb under Xvfb).
The images are not committed: run the script again when a page changes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _settle(app, window) -> None:
    for _ in range(3):
        app.processEvents()
        window.ctx.runner.wait()
    app.processEvents()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="screenshots", description="capturas de cada página a 1366×768")
    p.add_argument("folder", type=Path, help="carpeta donde guardar las imágenes PNG")
    p.add_argument("--db", type=Path, help="base de datos a mostrar (por omisión, los datos de ejemplo)")
    args = p.parse_args(argv)
    if "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={ROOT / 'tests' / 'offscreen_screen.json'}"
    os.environ["RCDESK_EXPORT_DIR"] = tempfile.mkdtemp(prefix="rcdesk-capturas-")
    args.folder.mkdir(parents=True, exist_ok=True)
    db_path = args.db
    if db_path is None:
        from rcdesk.cli import main as cli

        db_path = Path(tempfile.mkdtemp(prefix="rcdesk-capturas-")) / "demo.db"
        if cli(["--db", str(db_path), "--json", "demo"]) != 0:
            print("no se pudieron cargar los datos de ejemplo", file=sys.stderr)
            return 1

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from rcdesk.db.database import Database
    from ui.app import _install_spanish_qt, create_window

    app = QApplication.instance() or QApplication([])
    _install_spanish_qt(app)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "ui.ini"), QSettings.Format.IniFormat)
    window = create_window(Database.open(db_path), settings=settings)
    window.resize(1366, 768)
    window.show()
    _settle(app, window)
    saved = []
    for n, spec in enumerate(window.specs, start=1):
        window.show_page(spec.key)
        _settle(app, window)
        out = args.folder / f"{n:02d}-{spec.key}.png"
        window.grab().save(str(out))
        saved.append(out)

    from ui.first_start import FirstStartWizard
    from ui.help import ShortcutsDialog, show_guide

    extras = [("guia", show_guide(window, "plans")), ("atajos", ShortcutsDialog(window))]
    wizard = FirstStartWizard(window.ctx, window)
    extras.append(("asistente-1", wizard))
    for name, dialog in extras:
        dialog.show()
        _settle(app, window)
        out = args.folder / f"dlg-{name}.png"
        dialog.grab().save(str(out))
        saved.append(out)
    for step in (2, 3, 4):
        wizard.identity.entity.setText("GAD Municipal de Guamote")
        wizard.next()
        _settle(app, window)
        out = args.folder / f"dlg-asistente-{step}.png"
        wizard.grab().save(str(out))
        saved.append(out)
    for _name, dialog in extras:
        dialog.close()
    window.close()
    print(f"{len(saved)} capturas en {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
