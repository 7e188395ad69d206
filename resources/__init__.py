"""Files shipped with the application (icons), found next to this module."""

from pathlib import Path

ICONS = Path(__file__).with_name("icons")
