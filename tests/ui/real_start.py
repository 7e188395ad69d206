"""The real GUI entry point (`ui.app.run`) driven from a test, shared by the start-up tests."""

from __future__ import annotations

from pathlib import Path


def run_app(monkeypatch, db_path: Path, during) -> dict:
    """The real entry point on `db_path`; `during(window, seen)` runs in its event loop. Returns
    `seen`: the window under "window", the exit code under "code", and what `during` put there."""
    from PySide6.QtCore import QTimer

    import ui.app

    seen: dict = {}
    create = ui.app.create_window

    def create_window(db, settings=None):
        window = create(db, settings)
        seen["window"] = window
        QTimer.singleShot(0, lambda: during(window, seen))
        return window

    monkeypatch.setattr(ui.app, "create_window", create_window)
    seen["code"] = ui.app.run(["rcdesk-gui", "--db", str(db_path)])
    return seen
