"""Evidence files of an encrypted database (issue 16): encrypted in the evidence folder, read back as
attached by every reader (viewer, export, hash check, packages), converted with the database, and a
damaged file named in Spanish. A plain database keeps plain files."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest

from rcdesk.db.database import Database
from rcdesk.errors import UserError
from rcdesk.models.events import Attendance
from rcdesk.security import convert, files, setup, unlocked
from rcdesk.services.attendance import AttendanceInput, AttendanceService
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.evidence import EvidenceService
from rcdesk.sync.keys import load_or_create
from tests.core.sync_world import World
from tests.core.test_sync_attacks import rebuild, refused

PASS = "río Napo 2026"
PEOPLE = [
    ("Zenobia Quishpe Tandazo", "1714307103", "0987654321"),
    ("Wilfrido Caiza Amaguaña", "0926687856", "0991234567"),
]
# an acta listing who came: > 2 chunks of 1 MiB, so chunk edges are crossed
ACTA = b"%PDF-1.4\n" + b"".join(f"Asistente: {n}, cedula {c}, telefono {p}\n".encode() for n, c, p in PEOPLE * 20000)


def _secrets() -> list[bytes]:
    out: list[bytes] = []
    for name, cedula, phone in PEOPLE:
        out += [w.encode() for w in name.split()] + [cedula.encode(), phone.encode()]
    return out


def _leaks(data: bytes) -> list[bytes]:
    return [s for s in _secrets() if s in data]


def _folder_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.fixture(autouse=True)
def _forget_keys():
    yield
    files.remove_own_view()
    unlocked.forget_all()


@pytest.fixture
def encrypted(tmp_path):
    db = setup.create_encrypted(tmp_path / "campo.db", PASS)
    yield db
    db.close()


def _attach(db: Database, tmp_path: Path, data: bytes = ACTA, name: str = "acta Zenobia.pdf"):
    src = tmp_path / name
    src.write_bytes(data)
    return EvidenceService(db).add_file(src, "event", "E1", title="Acta")


def test_evidence_is_encrypted_in_the_folder_and_reads_back_identical(encrypted, tmp_path):
    db = encrypted
    svc = EvidenceService(db)
    row = _attach(db, tmp_path)
    again = _attach(db, tmp_path, name="copia.pdf")  # same content: stored once
    blobs = [p for p in db.paths.evidence.rglob("*") if p.is_file()]
    assert len(blobs) == 1 and files.is_encrypted(blobs[0])
    assert _leaks(_folder_bytes(db.paths.evidence)) == [] and b"Asistente" not in blobs[0].read_bytes()
    assert row.sha256 == again.sha256 == hashlib.sha256(ACTA).hexdigest() and row.size == len(ACTA)
    assert svc.read_bytes(row.evidence_id) == ACTA and svc.verify(row.evidence_id)
    out = svc.export_to(row.evidence_id, tmp_path / "exportado" / "acta.pdf")
    assert out.read_bytes() == ACTA
    view = svc.viewable_path(row.evidence_id)  # what the system viewer is given
    assert view.read_bytes() == ACTA and view.name == "acta Zenobia.pdf"
    assert db.paths.data / files.VIEW_FOLDER in view.parents
    files.remove_own_view()  # at exit
    assert not view.exists() and not view.parent.exists()


def test_a_plain_database_keeps_plain_evidence(db, tmp_path):
    row = _attach(db, tmp_path)
    svc = EvidenceService(db)
    blob = svc.file_path(row.evidence_id)
    assert blob.read_bytes() == ACTA and not files.is_encrypted(blob)
    assert svc.viewable_path(row.evidence_id) == blob and svc.read_bytes(row.evidence_id) == ACTA


@pytest.mark.parametrize("damage", ["truncated", "tampered"])
def test_a_damaged_encrypted_file_is_named_in_spanish(encrypted, tmp_path, damage):
    svc = EvidenceService(encrypted)
    row = _attach(encrypted, tmp_path)
    blob = svc.file_path(row.evidence_id)
    data = bytearray(blob.read_bytes())
    if damage == "truncated":
        blob.write_bytes(bytes(data[: files.HEADER_SIZE + files.CHUNK + 16]))  # cut at a chunk edge
    else:
        data[len(data) // 2] ^= 0x01
        blob.write_bytes(bytes(data))
    assert not svc.verify(row.evidence_id)
    for read in (svc.read_bytes, svc.viewable_path):
        with pytest.raises(UserError, match="El archivo cifrado «acta Zenobia.pdf» está dañado"):
            read(row.evidence_id)
    assert not (encrypted.paths.data / files.VIEW_FOLDER).exists() or not [
        p for p in (encrypted.paths.data / files.VIEW_FOLDER).rglob("*.pdf")
    ]  # no half-decrypted copy left for the viewer


def _register(db: Database) -> str:
    event = EventService(db).create(EventInput(title="Asamblea barrial", event_date=date(2026, 5, 20)))
    svc = AttendanceService(db)
    for name, cedula, phone in PEOPLE:
        svc.register(event.event_id, AttendanceInput(full_name=name, id_number=cedula, phone=phone))
    return event.event_id


def test_a_plain_evidence_folder_is_converted_with_the_database_even_after_a_crash(tmp_path, monkeypatch):
    path = tmp_path / "campo.db"
    db = Database.open(path, create=True)
    contents = [ACTA, b"%PDF-1.4 foto de Wilfrido Caiza 0926687856", b"otro archivo de Zenobia"]
    rows = [_attach(db, tmp_path, data, f"e{i}.pdf") for i, data in enumerate(contents)]
    store = db.paths.evidence
    db.close()
    real = files.encrypt_file_in_place
    done = []

    def crash_after_one(p, key, **kw):
        if done:
            raise KeyboardInterrupt("power cut while converting the evidence")
        done.append(p)
        return real(p, key, **kw)

    monkeypatch.setattr(files, "encrypt_file_in_place", crash_after_one)
    with pytest.raises(KeyboardInterrupt):
        convert.encrypt_database(path, PASS)
    monkeypatch.setattr(files, "encrypt_file_in_place", real)
    assert convert.is_pending(path)
    blobs = [p for p in store.rglob("*") if p.is_file()]
    assert sorted(files.is_encrypted(p) for p in blobs) == [False, False, True]  # half converted
    db = Database.open(path)
    try:
        svc = EvidenceService(db)
        assert [svc.read_bytes(r.evidence_id) for r in rows] == contents  # both kinds read back
        assert all(svc.verify(r.evidence_id) for r in rows)
    finally:
        db.close()
    unlocked.forget_all()
    setup.unlock(path, PASS)  # the next start finishes the conversion
    assert not convert.is_pending(path)
    assert all(files.is_encrypted(p) for p in store.rglob("*") if p.is_file())
    assert _leaks(_folder_bytes(store)) == [] and b"Wilfrido" not in _folder_bytes(store)
    db = Database.open(path)
    try:
        svc = EvidenceService(db)
        assert [svc.read_bytes(r.evidence_id) for r in rows] == contents
    finally:
        db.close()


@pytest.fixture
def enc_world(tmp_path):
    (tmp_path / "campo_a").mkdir()
    setup.create_encrypted(tmp_path / "campo_a" / "rcdesk.db", PASS, name="Técnico Guano", role="field").close()
    w = World(tmp_path)  # laptop A opens encrypted (its key is remembered), headquarters plain
    w.ids = w.seed_hq()
    w.join(w.a, w.A)
    yield w
    w.close()


def test_a_package_from_an_encrypted_laptop_seals_its_evidence_and_shows_no_personal_data(enc_world, tmp_path):
    w = enc_world
    with w.a.begin() as s:
        for n, (name, cedula, phone) in enumerate(PEOPLE, 1):
            s.add(
                Attendance(
                    event_id=w.ids["event"],
                    seq_no=n,
                    full_name=name,
                    id_number=cedula,
                    phone=phone,
                    search_text=f"{name} {cedula}".lower(),
                )
            )
    informe = b"%PDF-1.4 lista firmada: " + ACTA[:4000] + os.urandom(1536 * 1024)  # a scan with names on it
    src = tmp_path / "lista.pdf"
    src.write_bytes(informe)
    row = EvidenceService(w.a).add_file(src, "event", w.ids["event"])
    assert files.is_encrypted(EvidenceService(w.a).file_path(row.evidence_id))
    path = w.send(w.A)
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    assert [n for n in members if n.startswith("evidence")] == [f"evidence-sealed/{row.sha256}.pdf"]
    assert json.loads(members["manifest.json"])["format_version"] == 3
    readable = raw + b"".join(members.values())
    assert _leaks(readable) == [] and b"lista firmada" not in readable  # only sealed for headquarters
    res = w.H.import_packages([path])
    assert res.packages[0].status == "consolidado", res.text()
    at_hq = EvidenceService(w.hq)
    hq_row = [r for r in at_hq.list_for("event", w.ids["event"]) if r.sha256 == row.sha256][0]
    assert at_hq.read_bytes(hq_row.evidence_id) == informe and at_hq.verify(hq_row.evidence_id)  # as attached


def test_sealed_evidence_altered_in_a_package_is_refused(enc_world, tmp_path):
    w = enc_world
    src = tmp_path / "foto.jpg"
    src.write_bytes(b"\xff\xd8 foto de la asamblea" + os.urandom(200_000))
    EvidenceService(w.a).add_file(src, "event", w.ids["event"])
    good = w.send(w.A)
    ring = load_or_create(w.a)

    def swap(d):
        return {
            n: (b"%PDF-1.4 acta alterada" + b[22:] if n.startswith("evidence-sealed/") else b) for n, b in d.items()
        }

    refused(w, rebuild(good, tmp_path / "ev.rcpaq", ring, members=swap), "evidencia", "alterado")
    assert EvidenceService(w.hq).list_for("event", w.ids["event"]) == []
