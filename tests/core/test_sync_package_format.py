"""Package format 2: personal data deflated and sealed in chunks, format-1 packages still read.

Chunks and row batches are made tiny here (`PackageWriter.chunk`, `field_package._BATCH`) so a
few attendees already fill many of them: the framing, the counter, the final flag and the
batch edges are exercised as at real size."""

from __future__ import annotations

import json
import zipfile

import pytest

from rcdesk.models.events import Attendance
from rcdesk.sync import package as pkgmod
from rcdesk.sync.keys import Opener, Sealer, load_or_create
from rcdesk.sync.sealed import SCHEME
from tests.core.sync_world import World
from tests.core.test_sync_attacks import rebuild, refused

MEMBER = "personal/attendance.jsonl.enc"
CHUNK = 64
PEOPLE = [
    ("María Quishpe Guamán", "0602345678", "0987654321", "maria@correo.ec"),
    ("José Ñaupari Yépez", "0601234567", None, None),
    ("Ángel Sagñay Tixi", None, "0991112223", None),
] + [(f"Asistente {i} Paucar", f"06{i:08d}", f"09{i:08d}", None) for i in range(60)]


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.setattr(pkgmod.PackageWriter, "chunk", CHUNK)
    monkeypatch.setattr("rcdesk.sync.field_package._BATCH", 7)  # rows stream in batches: cross their edges too
    w = World(tmp_path)
    w.ids = w.seed_hq()
    w.join(w.a, w.A)
    yield w
    w.close()


def attend(w: World) -> list[str]:
    ids = []
    with w.a.begin() as s:
        for n, (name, ced, phone, email) in enumerate(PEOPLE, 1):
            a = Attendance(
                event_id=w.ids["event"],
                seq_no=n,
                full_name=name,
                id_number=ced,
                phone=phone,
                email=email,
                organization="Junta parroquial",
                search_text=f"{name} {ced}".lower(),
            )
            s.add(a)
            s.flush()
            ids.append(a.id)
    return ids


def people_at(db, ids: list[str]) -> list[tuple]:
    with db.engine.connect() as c:
        rows = {
            r[0]: tuple(r[1:])
            for r in c.exec_driver_sql("SELECT id, full_name, id_number, phone, email, search_text FROM attendance")
        }
    return [rows.get(i) for i in ids]


def personal_plaintext(w: World, path) -> tuple[dict, bytes]:
    """The manifest and the decrypted personal member, read the way headquarters reads it."""
    with pkgmod.open_package(path) as pkg:
        enc = pkg.manifest["encryption"]
        opener = Opener(load_or_create(w.hq).enc_key, enc["ephemeral_public"])
        aad = MEMBER.encode() + b"|" + pkg.manifest["package_id"].encode()
        plain = b"".join(opener.open_stream(pkg.checked(MEMBER), aad, chunk=enc["chunk"], limit=10**6, what="x"))
        return pkg.manifest, plain


def test_personal_data_travel_compressed_in_sealed_chunks_and_arrive_intact(world):
    w = world
    ids = attend(w)
    path = w.send(w.A)
    with zipfile.ZipFile(path) as z:
        readable = z.read("records/attendance.jsonl") + z.read(MEMBER)
    for person in PEOPLE[:3]:
        assert not [v for v in person if v and v.encode() in readable]
    manifest, plain = personal_plaintext(w, path)
    assert "María Quishpe Guamán" in plain.decode()
    assert manifest["format_version"] == 2
    assert manifest["encryption"]["scheme"] == SCHEME and manifest["encryption"]["chunk"] == CHUNK
    with zipfile.ZipFile(path) as z:
        sealed = z.getinfo(MEMBER).file_size
    assert sealed < len(plain) * 0.6  # deflated before sealing: the attendees' lines repeat a lot
    assert (sealed - 8) // (CHUNK + 16) > 10  # many chunks, each carrying its tag
    res = w.H.import_packages([path])
    assert res.packages[0].status == "consolidado", res.text()
    assert people_at(w.hq, ids) == people_at(w.a, ids)
    assert people_at(w.hq, ids[:1]) == [
        ("María Quishpe Guamán", "0602345678", "0987654321", "maria@correo.ec", "maría quishpe guamán 0602345678")
    ]


def test_a_format_1_package_still_consolidates(world, tmp_path):
    """A laptop that has not upgraded sends its personal member sealed whole, uncompressed."""
    w = world
    ids = attend(w)
    new = w.send(w.A)
    manifest, plain = personal_plaintext(w, new)
    sealer = Sealer(load_or_create(w.hq).enc_public)
    aad = MEMBER.encode() + b"|" + manifest["package_id"].encode()

    def old_members(d: dict) -> dict:
        return d | {MEMBER: sealer.seal(plain, aad)}

    def old_manifest(m: dict) -> None:
        m["format_version"] = 1
        m["encryption"] = {
            "scheme": "X25519-HKDF-SHA256/AES-256-GCM",
            "recipient": w.hq.installation_id,
            "ephemeral_public": sealer.ephemeral_public,
        }

    old = rebuild(new, tmp_path / "formato1.rcpaq", load_or_create(w.a), members=old_members, manifest=old_manifest)
    with zipfile.ZipFile(old) as z:
        m = json.loads(z.read("manifest.json"))
        assert m["format_version"] == 1 and len(z.read(MEMBER)) == len(plain) + 12 + 16
    res = w.H.import_packages([old])
    assert res.packages[0].status == "consolidado", res.text()
    assert people_at(w.hq, ids) == people_at(w.a, ids)


def _chunks(blob: bytes) -> tuple[bytes, list[bytes]]:
    size = CHUNK + 16
    return blob[:8], [blob[k : k + size] for k in range(8, len(blob), size)]


def _altered(w: World, new, dest, change) -> object:
    """`new` with its personal member changed by `change(prefix, chunks)`, re-signed by the laptop
    itself (so the manifest's hash and the signature hold: only the sealing can tell)."""

    def members(d: dict) -> dict:
        prefix, chunks = _chunks(d[MEMBER])
        return d | {MEMBER: change(prefix, chunks)}

    return rebuild(new, dest, load_or_create(w.a), members=members)


def test_an_altered_reordered_or_cut_chunk_is_refused(world, tmp_path):
    w = world
    attend(w)
    new = w.send(w.A)

    def flip(prefix: bytes, chunks: list[bytes]) -> bytes:
        mid = bytearray(chunks[len(chunks) // 2])
        mid[5] ^= 0x01
        return prefix + b"".join(chunks[: len(chunks) // 2]) + bytes(mid) + b"".join(chunks[len(chunks) // 2 + 1 :])

    def swap(prefix: bytes, chunks: list[bytes]) -> bytes:
        return prefix + chunks[1] + chunks[0] + b"".join(chunks[2:])

    def cut(prefix: bytes, chunks: list[bytes]) -> bytes:  # ends on a whole chunk, not sealed as the last
        return prefix + b"".join(chunks[:-2])

    def drop(prefix: bytes, chunks: list[bytes]) -> bytes:
        return prefix + chunks[0] + b"".join(chunks[2:])

    def other_prefix(prefix: bytes, chunks: list[bytes]) -> bytes:
        return bytes([prefix[0] ^ 0x80]) + prefix[1:] + b"".join(chunks)

    def torn(prefix: bytes, chunks: list[bytes]) -> bytes:  # a final chunk too short to hold its tag
        return prefix + b"".join(chunks[:-1]) + chunks[-1][:7]

    for change in (flip, swap, cut, drop, other_prefix, torn):
        bad = _altered(w, new, tmp_path / f"{change.__name__}.rcpaq", change)
        refused(w, bad, "datos personales")
    res = w.H.import_packages([new])  # the untouched package still goes in
    assert res.packages[0].status == "consolidado", res.text()


def test_a_chunk_moved_from_another_member_is_refused(world, tmp_path):
    """Both members are sealed under the same package key: only the member name in the
    associated data tells a grafted chunk apart."""
    from rcdesk.models.events import EventInvitation

    w = world
    attend(w)
    with w.a.begin() as s:
        for i in range(40):
            s.add(EventInvitation(event_id=w.ids["event"], name=f"Dirigente {i} Lema", contact=f"09{i:08d}"))
    new = w.send(w.A)
    with zipfile.ZipFile(new) as z:
        other_prefix, other = _chunks(z.read("personal/event_invitation.jsonl.enc"))

    def graft(prefix: bytes, chunks: list[bytes]) -> bytes:
        return other_prefix + other[0] + b"".join(chunks[1:])

    refused(w, _altered(w, new, tmp_path / "injerto.rcpaq", graft), "datos personales")
