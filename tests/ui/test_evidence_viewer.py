"""Opening an evidence file of an encrypted database (issue 16): the system viewer gets a decrypted
copy in a private folder that goes away at exit; a damaged file is a Spanish warning, not a crash."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from rcdesk.security import files, setup, unlocked
from rcdesk.services.evidence import EvidenceService

CONTENT = b"%PDF-1.4 acta de la asamblea, firmas de los asistentes"


@pytest.fixture
def enc_ctx(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    db = setup.create_encrypted(tmp_path / "campo.db", "río Napo 2026")
    yield UiContext(
        db=db, runner=SyncTaskRunner(), settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    )
    files.remove_own_view()
    db.close()
    unlocked.forget_all()


@pytest.fixture
def seen(monkeypatch):
    out: dict[str, list] = {"opened": [], "warnings": []}
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: out["opened"].append(url.toLocalFile()) or True)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: out["warnings"].append(text))
    return out


def _attach(ctx, tmp_path):
    src = tmp_path / "acta asamblea.pdf"
    src.write_bytes(CONTENT)
    svc = EvidenceService(ctx.db)
    return svc, svc.add_file(src, "event", "E1")


def test_the_viewer_gets_a_decrypted_copy_removed_at_exit(enc_ctx, tmp_path, seen):
    from pathlib import Path

    from ui.dialogs.followup_review import open_evidence

    svc, row = _attach(enc_ctx, tmp_path)
    assert open_evidence(enc_ctx, row) and seen["warnings"] == []
    opened = Path(seen["opened"][0])
    assert opened.read_bytes() == CONTENT and opened.name == "acta asamblea.pdf"
    assert enc_ctx.db.paths.data / files.VIEW_FOLDER in opened.parents
    assert files.is_encrypted(svc.file_path(row.evidence_id))  # the stored file stays encrypted
    files.remove_own_view()
    assert not opened.exists()


def test_a_damaged_file_is_a_spanish_warning_and_nothing_opens(enc_ctx, tmp_path, seen):
    from ui.dialogs.followup_review import open_evidence

    svc, row = _attach(enc_ctx, tmp_path)
    blob = svc.file_path(row.evidence_id)
    blob.write_bytes(blob.read_bytes()[:-3])
    assert not open_evidence(enc_ctx, row)
    assert seen["opened"] == [] and len(seen["warnings"]) == 1
    assert "«acta asamblea.pdf» está dañado" in seen["warnings"][0]
