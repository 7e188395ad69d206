"""Qt's offscreen platform on the users' 1366×768 screen, for the tests and the start-up benchmarks."""

from __future__ import annotations

import os
from pathlib import Path

# Users have 1366×768 laptops; Qt's offscreen screen is 800×800 unless told otherwise.
USER_SCREEN = (1366, 768)
CONFIG = Path(__file__).resolve().parent / "offscreen_screen.json"


def user_screen_platform() -> str:
    """The QT_QPA_PLATFORM value for the offscreen platform with tests/offscreen_screen.json."""
    path = str(CONFIG)
    if ":" in path or "," in path:  # Qt splits platform options on these (a Windows drive letter)
        try:
            path = os.path.relpath(CONFIG)
        except ValueError:  # another drive: keep the default screen rather than break Qt
            return "offscreen"
    return f"offscreen:configfile={path}" if ":" not in path and "," not in path else "offscreen"
