"""Fixtures of the GUI tests (the shared ones are in tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def quiet_start(monkeypatch):
    """ui.app.run without the process-wide log file and crash hook (they outlive the test)."""
    import rcdesk.logsetup
    import ui.crash

    monkeypatch.setattr(ui.crash, "install_crash_handler", lambda *_a: None)
    monkeypatch.setattr(rcdesk.logsetup, "setup_logging", lambda *_a: None)
