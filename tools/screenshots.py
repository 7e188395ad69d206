"""A screenshot of every page and of the shell's dialogs at 1366×768, for the guide and for review.

    python tools/screenshots.py CARPETA [--db BASE.db] [--size 1280x720] [--font-scale 1.12]
    python tools/screenshots.py --guide

Without --db the example data is loaded into a throw-away database. Runs offscreen (no display
needed) on a 1366×768 screen unless QT_QPA_PLATFORM says otherwise (e.g. xcb under Xvfb).
The review images are not committed: run the script again when a page changes.

`--size` and `--font-scale` check smaller screens and wider fonts: Windows' Segoe UI 9 pt sets
wider than DejaVu Sans, so `--font-scale 1.12` shows what a Windows user sees.

`--guide` writes the small pictures the user guide shows (resources/guide/captura-*.png, named in
the chapters): the main pages at 1366×768, scaled to GUIDE_WIDTH and reduced to 256 colours so the
installer stays within its size budget (GUIDE_BUDGET for all of them). Commit those after a change.
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


GUIDE = ROOT / "resources" / "guide"
GUIDE_WIDTH = 720  # fits the guide window's text column without scrolling sideways
GUIDE_BUDGET = 1_500_000  # bytes for every guide picture together (installer size budget)
# the pages the guide shows, each named in its chapter as captura-<key>.png
GUIDE_PAGES = ("dashboard", "plans", "followup", "poa", "poa_cantons", "events", "commitments", "sync", "reference")


def _settle(app, window) -> None:
    for _ in range(3):
        app.processEvents()
        window.ctx.runner.wait()
    app.processEvents()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="screenshots", description="capturas de cada página a 1366×768")
    p.add_argument("folder", type=Path, nargs="?", help="carpeta donde guardar las imágenes PNG")
    p.add_argument("--db", type=Path, help="base de datos a mostrar (por omisión, los datos de ejemplo)")
    p.add_argument("--size", default="1366x768", help="tamaño de la ventana, ANCHOxALTO (por omisión 1366x768)")
    p.add_argument("--font-scale", type=float, default=1.0, help="agrandar la letra (1.12 ≈ Segoe UI de Windows)")
    p.add_argument("--guide", action="store_true", help="escribir las capturas de la guía en resources/guide")
    args = p.parse_args(argv)
    if args.folder is None and not args.guide:
        p.error("indique la CARPETA de las capturas o --guide")
    width, height = (int(x) for x in args.size.lower().split("x"))
    if "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={ROOT / 'tests' / 'offscreen_screen.json'}"
    os.environ["RCDESK_EXPORT_DIR"] = tempfile.mkdtemp(prefix="rcdesk-capturas-")
    if args.folder is not None:
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
    if args.font_scale != 1.0:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * args.font_scale)
        app.setFont(font)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "ui.ini"), QSettings.Format.IniFormat)
    window = create_window(Database.open(db_path), settings=settings)
    window.resize(width, height)
    window.show()
    _settle(app, window)
    if args.guide:
        written = guide_pictures(app, window)
        total = sum(path.stat().st_size for path in written)
        print(f"{len(written)} capturas de la guía, {total / 1e6:.2f} MB en {GUIDE}")
        if total > GUIDE_BUDGET:
            print(f"superan el presupuesto de {GUIDE_BUDGET / 1e6:.1f} MB", file=sys.stderr)
            return 1
        if args.folder is None:
            window.close()
            return 0
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


def guide_pictures(app, window) -> list[Path]:
    """The guide's pictures of GUIDE_PAGES: scaled down and reduced to a palette (a fifth of the bytes)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    written = []
    for key in GUIDE_PAGES:
        window.show_page(key)
        _settle(app, window)
        window.statusBar().clearMessage()  # a throw-away database's path is nothing to show in the guide
        image = window.grab().toImage()
        image = image.scaledToWidth(GUIDE_WIDTH, Qt.TransformationMode.SmoothTransformation)
        image = image.convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither)
        out = GUIDE / f"captura-{key}.png"
        image.save(str(out), "PNG", 0)  # quality 0: strongest compression
        written.append(out)
    return written


if __name__ == "__main__":
    sys.exit(main())
