"""Screenshot sections of the main window, to look at the GUI as a user would.

QT_QPA_PLATFORM=offscreen python tools/screenshot.py --db demo.db --out /tmp/shots plans reference
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", default="/tmp/shots")
    ap.add_argument("--size", default="1366x768")
    ap.add_argument("pages", nargs="*", help="page keys (default: all)")
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    from rcdesk.db.database import Database
    from ui.app import _install_spanish_qt, create_window

    _install_spanish_qt(app)
    w = create_window(Database.open(args.db))
    width, height = (int(x) for x in args.size.split("x"))
    w.resize(width, height)
    w.show()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    keys = args.pages or [s.key for s in w.specs]
    for key in keys:
        w.show_page(key)
        for _ in range(20):
            app.processEvents()
        w.ctx.runner.wait(20000)
        for _ in range(20):
            app.processEvents()
        path = out / f"{key}.png"
        w.grab().save(str(path))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
