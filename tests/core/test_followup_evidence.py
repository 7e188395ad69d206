"""Evidence store: de-duplication by content, limits, links, tombstones, integrity."""

from pathlib import Path

import pytest

from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.services.evidence import EvidenceService


@pytest.fixture
def ev(db):
    return EvidenceService(db)


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _blobs(store: Path) -> list[Path]:
    return [p for p in store.rglob("*") if p.is_file()]


def test_same_file_attached_twice_is_stored_once(ev, tmp_path):
    a = _file(tmp_path, "acta.pdf", b"%PDF-1.4 acta de la audiencia")
    b = _file(tmp_path, "copia del acta.pdf", b"%PDF-1.4 acta de la audiencia")
    r1 = ev.add_file(a, "progress_report", "R1", title="Acta")
    r2 = ev.add_file(b, "progress_report", "R2")
    assert r1.sha256 == r2.sha256 and r1.evidence_id != r2.evidence_id
    assert len(_blobs(ev.store)) == 1
    assert ev.file_path(r1.evidence_id) == ev.file_path(r2.evidence_id)
    assert ev.file_path(r1.evidence_id).suffix == ".pdf"  # the system viewer can open it
    assert ev.file_path(r1.evidence_id).read_bytes() == a.read_bytes()
    assert r1.filename == "acta.pdf" and r1.mime == "application/pdf" and r1.size == a.stat().st_size
    assert [e.label for e in ev.list_for("progress_report", "R1")] == ["Acta"]


def test_size_limit_has_clear_message_and_stores_nothing(ev, tmp_path):
    ev.set_max_mb(1)
    big = _file(tmp_path, "fotos.zip", b"x" * (1024 * 1024 + 10))
    with pytest.raises(UserError, match="máximo permitido"):
        ev.add_file(big, "progress_report", "R1")
    assert ev.list_for("progress_report", "R1") == []
    assert not ev.store.exists() or _blobs(ev.store) == []


def test_missing_blocked_and_empty_files_are_refused(ev, tmp_path):
    with pytest.raises(UserError, match="no existe"):
        ev.add_file(tmp_path / "no-hay.pdf", "progress_report", "R1")
    with pytest.raises(UserError, match="programas"):
        ev.add_file(_file(tmp_path, "virus.exe", b"MZ"), "progress_report", "R1")
    with pytest.raises(UserError, match="vacío"):
        ev.add_file(_file(tmp_path, "vacio.pdf", b""), "progress_report", "R1")


def test_links_must_be_http(ev):
    row = ev.add_link(" https://www.riobamba.gob.ec/rdc/informe.pdf ", "event", "E1", title="Informe")
    assert row.kind == "LINK" and row.url == "https://www.riobamba.gob.ec/rdc/informe.pdf"
    for bad in ("ftp://x.org/a", "www.entidad.gov.co", "javascript:alert(1)", "https://"):
        with pytest.raises(UserError, match="http"):
            ev.add_link(bad, "event", "E1")
    with pytest.raises(UserError, match="enlace"):
        ev.file_path(row.evidence_id)


def test_remove_is_a_tombstone_and_keeps_the_file(ev, tmp_path):
    r = ev.add_file(_file(tmp_path, "foto.jpg", b"\xff\xd8jpeg"), "progress_report", "R1")
    blob = ev.file_path(r.evidence_id)
    ev.remove(r.evidence_id)
    assert ev.list_for("progress_report", "R1") == []
    assert blob.exists()


def test_verify_detects_a_changed_file(ev, tmp_path):
    r = ev.add_file(_file(tmp_path, "informe.docx", b"PK contenido"), "progress_report", "R1")
    assert ev.verify(r.evidence_id)
    ev.file_path(r.evidence_id).write_bytes(b"alterado")
    assert not ev.verify(r.evidence_id)


def test_in_memory_database_needs_an_explicit_store(tmp_path):
    mem = Database.open()
    try:
        with pytest.raises(UserError, match="carpeta"):
            EvidenceService(mem).add_file(_file(tmp_path, "a.pdf", b"%PDF"), "x", "1")
        row = EvidenceService(mem, store=tmp_path / "store").add_file(tmp_path / "a.pdf", "x", "1")
        assert (tmp_path / "store").exists() and row.size == 4
    finally:
        mem.close()
