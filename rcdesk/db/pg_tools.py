"""Where PostgreSQL's client programs (pg_dump) are on this computer.

The program search path first; then the folders where PostgreSQL's packages and installers put
them without adding them to that path: Debian/Ubuntu's `/usr/lib/postgresql/<version>/bin`,
Red Hat's `/usr/pgsql-<version>/bin`, the Windows installer's `PostgreSQL\\<version>\\bin` and
macOS's Postgres.app and Homebrew. The newest version wins: pg_dump refuses to copy a server
newer than itself, and a newer pg_dump copies older servers.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
from collections.abc import Iterable

VERSIONED = (
    "/usr/lib/postgresql/*/bin/{name}",
    "/usr/pgsql-*/bin/{name}",
    "{program_files}/PostgreSQL/*/bin/{name}.exe",
    "/Applications/Postgres.app/Contents/Versions/*/bin/{name}",
    "/opt/homebrew/opt/postgresql@*/bin/{name}",
    "/usr/local/opt/postgresql@*/bin/{name}",
)
_VERSION = re.compile(r"(?:postgresql[/@]|pgsql-|PostgreSQL[/\\]|Versions[/\\])(\d+)(?:\.(\d+))?", re.IGNORECASE)


def _version(path: str) -> tuple[int, int]:
    m = _VERSION.search(path.replace("\\", "/"))
    return (int(m.group(1)), int(m.group(2) or 0)) if m else (0, 0)


def find_program(name: str, patterns: Iterable[str] = VERSIONED) -> str | None:
    """The path of PostgreSQL's client program `name` (e.g. "pg_dump"), None when not installed."""
    on_path = shutil.which(name)
    if on_path:
        return on_path
    program_files = os.environ.get("ProgramFiles", r"C:\Program Files").replace("\\", "/")
    found = [
        p
        for pattern in patterns
        for p in glob.glob(pattern.format(name=name, program_files=program_files))
        if os.path.isfile(p) and os.access(p, os.X_OK)
    ]
    return max(found, key=_version) if found else None
