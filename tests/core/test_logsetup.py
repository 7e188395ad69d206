"""The log file rotates like logging.handlers.RotatingFileHandler (the GUI's start avoids importing it)."""

import logging
import subprocess
import sys

from rcdesk.logsetup import RotatingLog


def test_log_rotates_at_its_size_and_keeps_five_old_files(tmp_path):
    handler = RotatingLog(tmp_path / "rcdesk.log", max_bytes=1000, backups=5)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("rcdesk.test_logsetup")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for i in range(400):
            logger.warning("línea %03d de un registro que crece", i)
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["rcdesk.log", "rcdesk.log.1", "rcdesk.log.2", "rcdesk.log.3", "rcdesk.log.4", "rcdesk.log.5"]
    assert all((tmp_path / f).stat().st_size < 1000 for f in files)
    assert "línea 399" in (tmp_path / "rcdesk.log").read_text(encoding="utf-8")
    newest_old = (tmp_path / "rcdesk.log.1").read_text(encoding="utf-8").splitlines()
    current = (tmp_path / "rcdesk.log").read_text(encoding="utf-8").splitlines()
    assert int(newest_old[-1].split()[1]) + 1 == int(current[0].split()[1])  # nothing lost at the seam


def test_setting_up_the_log_does_not_import_logging_handlers(tmp_path):
    code = (
        "import sys\nfrom pathlib import Path\nfrom rcdesk.logsetup import setup_logging\n"
        f"setup_logging(Path({str(tmp_path)!r}))\n"
        "import logging; logging.getLogger('x').warning('hola')\n"
        "assert 'logging.handlers' not in sys.modules and 'socket' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "hola" in (tmp_path / "rcdesk.log").read_text(encoding="utf-8")
