"""The PostgreSQL test clusters clean up after test processes that died (a worker killed by a timeout): otherwise
every interrupted run leaves a postgres running and its data folder in the temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests import pg_server


def test_clusters_of_dead_test_processes_are_swept_and_live_ones_kept():
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    tmp = Path(tempfile.gettempdir())
    orphan = Path(tempfile.mkdtemp(prefix="rcdesk-pg-", dir=tmp))
    (orphan / pg_server.OWNER).write_text(dead.stdout.strip())
    (orphan / "data").mkdir()
    live = Path(tempfile.mkdtemp(prefix="rcdesk-pg-", dir=tmp))
    (live / pg_server.OWNER).write_text(str(os.getpid()))
    try:
        swept = pg_server.sweep_orphans()
        assert orphan in swept and not orphan.exists()
        assert live.exists() and live not in swept
    finally:
        for d in (orphan, live):
            shutil.rmtree(d, ignore_errors=True)
