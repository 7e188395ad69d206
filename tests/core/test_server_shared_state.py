"""What one operator of a server headquarters stores, every other operator's desktop has (issue 11,
item 4): evidence files and headquarters' keys live in the shared database, not only in the folder
of the desktop that made them."""

from __future__ import annotations

import hashlib

from rcdesk.db.database import Database
from rcdesk.services.evidence import EvidenceService
from rcdesk.sync.keys import load_or_create


def _desktop(monkeypatch, tmp_path, name: str, url: str) -> Database:
    """The server database opened at a desktop of its own (its own user data folder)."""
    monkeypatch.setattr("rcdesk.paths._user_data", lambda: tmp_path / name)
    return Database.open(url)


def test_a_file_attached_at_one_desktop_opens_at_another(pg_url, tmp_path, monkeypatch):
    acta = tmp_path / "acta firmada.pdf"
    acta.write_bytes(b"%PDF-1.4 acta de la asamblea\n" * 100)
    ana = _desktop(monkeypatch, tmp_path, "escritorio-ana", pg_url)
    luis = _desktop(monkeypatch, tmp_path, "escritorio-luis", pg_url)
    try:
        assert ana.paths.evidence != luis.paths.evidence
        row = EvidenceService(ana).add_file(acta, "progress_report", "informe-1")
        got = EvidenceService(luis).file_path(row.evidence_id)
        assert got.read_bytes() == acta.read_bytes()
        assert got.is_relative_to(luis.paths.evidence)  # fetched into Luis's own store
        assert EvidenceService(luis).verify(row.evidence_id)
        # stored once however many times it is attached
        EvidenceService(luis).add_file(acta, "progress_report", "informe-2")
        with luis.connect(write=False) as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM evidence_blob").scalar() == 1
            sha = conn.exec_driver_sql("SELECT sha256 FROM evidence_blob").scalar()
        assert sha == hashlib.sha256(acta.read_bytes()).hexdigest()
    finally:
        ana.close()
        luis.close()


def test_every_desktop_uses_the_keys_in_the_database_never_a_stale_file(pg_url, tmp_path, monkeypatch):
    ana = _desktop(monkeypatch, tmp_path, "escritorio-ana", pg_url)
    try:
        ring = load_or_create(ana)
        assert not ana.paths.keys.exists() or not any(ana.paths.keys.iterdir())  # no desktop copy
    finally:
        ana.close()
    # another desktop holds key files from some other installation: they must not take over
    other = Database.open(tmp_path / "otra" / "rcdesk.db")
    load_or_create(other)
    luis = _desktop(monkeypatch, tmp_path, "escritorio-luis", pg_url)
    try:
        luis.paths.keys.mkdir(parents=True, exist_ok=True)
        for f in other.paths.keys.iterdir():
            (luis.paths.keys / f.name).write_bytes(f.read_bytes())
        theirs = load_or_create(luis)
        assert (theirs.sign_public, theirs.enc_public) == (ring.sign_public, ring.enc_public)
    finally:
        luis.close()
        other.close()
