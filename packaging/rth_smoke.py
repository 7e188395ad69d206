"""PyInstaller run-time hook of both executables: inert unless packaging/smoke.py or the frozen
start-up bench set RCDESK_SMOKE_* variables.

It lives in the shipped bundle on purpose: the smoke test must exercise the very files the
installer ships, and a lazily imported page or Qt module fails only when first used.
  RCDESK_SMOKE_IMPORTS=FILE  import every module named in FILE (one a line) before the program
                             starts; failures go to RCDESK_SMOKE_OUT as JSON
  RCDESK_SMOKE_GUI=ready     (rcdesk-gui) print the moments (time.time()) the window and then
                             the home page's figures were first painted, then quit: what
                             bench/bench_frozen_startup.py times
  RCDESK_SMOKE_GUI=pages     (rcdesk-gui) also open every page and the guide, then quit
"""

import os


def _smoke_imports() -> None:
    import importlib
    import json
    import traceback

    failures = {}
    with open(os.environ["RCDESK_SMOKE_IMPORTS"], encoding="utf-8") as fh:
        names = [line.strip() for line in fh if line.strip()]
    for name in names:
        try:
            importlib.import_module(name)
        except BaseException:
            failures[name] = traceback.format_exc(limit=3)
    out = os.environ.get("RCDESK_SMOKE_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({"imported": len(names) - len(failures), "failures": failures}, fh)


def _smoke_gui(mode: str) -> None:
    import sys

    import ui.app as app_module

    real_create = app_module.create_window
    report: dict = {"pages": [], "errors": []}
    previous_hook = sys.excepthook

    def record(kind, value, tb):
        import traceback

        report["errors"].append("".join(traceback.format_exception(kind, value, tb, limit=6)))
        previous_hook(kind, value, tb)

    def create_window(db, settings=None):
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        window = real_create(db, settings=settings) if settings is not None else real_create(db)
        sys.excepthook = record

        def settle() -> None:
            for _ in range(3):
                QApplication.processEvents()
                window.ctx.runner.wait()
            QApplication.processEvents()

        def go() -> None:
            try:
                settle()
                if mode == "pages":
                    for spec in window.specs:
                        window.show_page(spec.key)
                        settle()
                        report["pages"].append(spec.key)
                    from ui.help import show_guide

                    guide = show_guide(window, "plans")
                    settle()
                    report["guide_chars"] = len(guide.browser.toPlainText())
                    guide.close()
                    # imported lazily by the chart tabs and the print paths
                    import PySide6.QtCharts
                    import PySide6.QtPdf
                    import PySide6.QtPrintSupport  # noqa: F401
            except BaseException:
                import traceback

                report["errors"].append(traceback.format_exc())
            finally:
                out = os.environ.get("RCDESK_SMOKE_OUT")
                if out:
                    import json

                    with open(out, "w", encoding="utf-8") as fh:
                        json.dump(report, fh)
                print("RCDESK_SMOKE_READY", flush=True)
                QApplication.instance().quit()

        QTimer.singleShot(0, go)
        return window

    app_module.create_window = create_window


def _smoke_timing() -> None:
    """Watch the home page's heading (the window when there is no home page): its first paint is
    the window on screen, its first paint with figures the figures on screen; each moment is
    printed once that paint has been flushed, as bench/bench_startup.py's probe does."""
    import time

    import ui.app as app_module

    real_create = app_module.create_window

    def create_window(db, settings=None):
        from PySide6.QtCore import QEvent, QObject, QTimer
        from PySide6.QtWidgets import QApplication

        window = real_create(db, settings=settings) if settings is not None else real_create(db)
        page = window._built.get("dashboard")

        def finish() -> None:
            print("RCDESK_SMOKE_FIGURES", time.time(), flush=True)
            print("RCDESK_SMOKE_READY", flush=True)
            QApplication.instance().quit()

        class Probe(QObject):
            framed = done = False

            def eventFilter(self, obj, event) -> bool:
                if event.type() == QEvent.Type.Paint:
                    if not self.framed:
                        self.framed = True
                        QTimer.singleShot(0, lambda: print("RCDESK_SMOKE_FRAME", time.time(), flush=True))
                    if not self.done and (page is None or page.data is not None):
                        self.done = True
                        QTimer.singleShot(0, finish)
                return False

        window.smoke_probe = Probe(window)
        (page.heading if page is not None else window).installEventFilter(window.smoke_probe)
        return window

    app_module.create_window = create_window


if os.environ.get("RCDESK_SMOKE_IMPORTS"):
    _smoke_imports()
if os.environ.get("RCDESK_SMOKE_GUI") == "ready":
    _smoke_timing()
elif os.environ.get("RCDESK_SMOKE_GUI"):
    _smoke_gui(os.environ["RCDESK_SMOKE_GUI"])
