"""Bad packages and attacks: each is refused or quarantined with a Spanish message, and the
headquarters database is exactly as it was (every row of every table compared)."""

from __future__ import annotations

import json
import uuid
import zipfile

import pytest

from rcdesk.sync import package as pkgmod
from rcdesk.sync.keys import KeyRing, load_or_create
from rcdesk.sync.package import SIG_LEN, PackageWriter
from tests.core.sync_world import World, dump, files_of


@pytest.fixture(scope="module")
def joined(tmp_path_factory) -> dict:
    return World.joined_template(tmp_path_factory.mktemp("joined"))


@pytest.fixture
def world(joined, tmp_path):
    """Headquarters and laptop A joined (a copy of the module's: each test changes its own)."""
    w = World.copy_of(joined, tmp_path)
    yield w
    w.close()


def fresh_package(w: World) -> object:
    """A legitimate second package from A with attendance (encrypted names) and evidence."""
    w.add_attendance(w.a, w.ids["event"], 3)
    w.add_evidence(w.a, w.ids["event"])
    return w.send(w.A)


def rebuild(src, dest, ring, *, members=None, manifest=None):
    """Re-pack `src` (optionally changing members / manifest) and sign it with `ring`."""
    with zipfile.ZipFile(src) as z:
        m = json.loads(z.read("manifest.json"))
        data = {n: z.read(n) for n in z.namelist() if n != "manifest.json"}
    if members:
        data = members(data)
    w = PackageWriter(dest, m["kind"])
    w.package_id = m["package_id"]
    for n, b in data.items():
        w.add_bytes(n, b)
    m.pop("members")
    if manifest:
        manifest(m)
    w.finish(m, ring)
    return dest


def refused(w: World, path, *words: str) -> None:
    before = dump(w.hq)
    qdir = w.hq.paths.data / "cuarentena"
    qbefore = files_of(qdir)
    res = w.H.import_packages([path])
    assert len(res.packages) == 1, res.text()
    p = res.packages[0]
    assert p.status == "rechazado", res.text()
    for word in words:
        assert word in p.message + " ".join(p.details), (word, p.message, p.details)
    assert dump(w.hq) == before
    assert files_of(qdir) == qbefore


def test_flipped_byte_anywhere_is_refused(world, tmp_path):
    w = world
    good = fresh_package(w)
    data = good.read_bytes()
    n = len(data)
    positions = sorted(
        {
            0,
            5,
            14,
            30,
            60,
            200,
            n // 5,
            n // 3,
            n // 2,
            2 * n // 3,
            4 * n // 5,
            n - 400,
            n - SIG_LEN - 10,
            n - SIG_LEN - 2,
            n - SIG_LEN + 3,
            n - 60,
            n - 1,
        }
    )
    for pos in positions:
        bad = bytearray(data)
        bad[pos] ^= 0x01
        path = tmp_path / f"flip-{pos}.rcpaq"
        path.write_bytes(bytes(bad))
        refused(w, path)
    res = w.H.import_packages([good])  # the untouched package still goes in
    assert res.packages[0].status == "consolidado", res.text()


def test_truncated_file_is_refused(world, tmp_path):
    w = world
    data = fresh_package(w).read_bytes()
    for cut in (0, 10, len(data) // 2, len(data) - SIG_LEN, len(data) - 1):
        path = tmp_path / f"cut-{cut}.rcpaq"
        path.write_bytes(data[:cut])
        refused(w, path)


def test_unknown_installation_waits_in_quarantine_until_trusted(world, tmp_path):
    from rcdesk.db.database import Database
    from rcdesk.services.sync import SyncService

    w = world
    c = Database.open(tmp_path / "campo_c" / "rcdesk.db", name="Técnico Colta", role="field")
    try:
        C = SyncService(c)
        C.import_packages([w.base_to(c)])
        w.add_attendance(c, w.ids["event"], 2)
        p = w.send(C)
        before = dump(w.hq)
        res = w.H.import_packages([p])
        assert res.packages[0].status == "en cuarentena"
        assert "todavía no es una instalación de confianza" in res.packages[0].message
        assert dump(w.hq) == before
        pending = [r for r in w.H.installations() if r.installation_id == c.installation_id][0]
        assert pending.pending == 1 and not pending.trusted and pending.name == "Técnico Colta"
        row, res = w.H.trust(c.installation_id)
        assert [x.status for x in res.packages] == ["consolidado"]
        assert res.total().inserted == 2
        assert w.H.quarantined() == []
    finally:
        c.close()


def test_revoked_installation_is_refused(world):
    w = world
    w.H.revoke(w.a.installation_id)
    refused(w, fresh_package(w), "revocada")


def test_package_for_another_headquarters_is_refused(world, tmp_path):
    from rcdesk.db.database import Database
    from rcdesk.services.sync import SyncService

    w = world
    hq2 = Database.open(tmp_path / "otra_sede" / "rcdesk.db", name="Sede Quito", role="hq")
    try:
        p = tmp_path / "base2.rcpaq"
        SyncService(hq2).export_base(w.b.installation_id, p)
        w.B.import_packages([p])
        refused(w, w.send(w.B), "otra sede central", "Sede Quito")
    finally:
        hq2.close()


def test_paths_escaping_the_folder_are_refused(world, tmp_path):
    w = world
    ring = load_or_create(w.a)
    good = fresh_package(w)
    for name in ("../../fuera.txt", "/etc/rcdesk.txt", "records/../../fuera.txt", "C:/Windows/x.txt"):
        path = rebuild(good, tmp_path / "ruta.rcpaq", ring, members=lambda d, n=name: d | {n: b"hola"})
        refused(w, path, "ruta peligrosa")
    assert not (tmp_path.parent / "fuera.txt").exists() and not (tmp_path / "fuera.txt").exists()


def test_zip_bomb_and_limits_are_refused(world, tmp_path, monkeypatch):
    w = world
    ring = load_or_create(w.a)
    good = fresh_package(w)
    bomb = rebuild(
        good, tmp_path / "bomba.rcpaq", ring, members=lambda d: d | {"evidence/" + "0" * 64: bytes(30 * 1024 * 1024)}
    )
    assert bomb.stat().st_size < 1024 * 1024
    refused(w, bomb, "bomba ZIP")
    monkeypatch.setattr(pkgmod, "MAX_MEMBERS", 3)
    refused(w, good, "demasiados componentes")
    monkeypatch.setattr(pkgmod, "MAX_MEMBERS", 50_000)
    monkeypatch.setattr(pkgmod, "MAX_TOTAL_UNCOMPRESSED", 1000)
    refused(w, good, "descomprimirse")


def test_newer_format_or_schema_is_refused(world, tmp_path):
    w = world
    ring = load_or_create(w.a)
    good = fresh_package(w)
    refused(
        w,
        rebuild(
            good, tmp_path / "f.rcpaq", ring, manifest=lambda m: m.update(format_version=pkgmod.FORMAT_VERSION + 1)
        ),
        "versión más reciente",
    )
    refused(
        w, rebuild(good, tmp_path / "s.rcpaq", ring, manifest=lambda m: m.update(schema_version=9999)), "más reciente"
    )


def test_evidence_whose_hash_does_not_match_is_refused(world, tmp_path):
    w = world
    ring = load_or_create(w.a)
    good = fresh_package(w)

    def swap(d):
        return {n: (b"%PDF-1.4 acta alterada" if n.startswith("evidence/") else b) for n, b in d.items()}

    refused(w, rebuild(good, tmp_path / "ev.rcpaq", ring, members=swap), "evidencia", "SHA-256")


def test_same_package_twice_changes_nothing(world):
    w = world
    p = fresh_package(w)
    assert w.H.import_packages([p]).packages[0].status == "consolidado"
    refused(w, p, "ya fue consolidado")


def test_out_of_sequence_and_broken_chain_are_refused(world, tmp_path):
    w = world
    from rcdesk.models.reference import Institution

    ring = load_or_create(w.a)
    with w.a.begin() as s:
        s.add(Institution(name="GAD Parroquial de Ilapo", country="EC", kind="GAD_PARROQUIAL"))
    p2 = w.send(w.A)
    with w.a.begin() as s:
        s.add(Institution(name="GAD Parroquial de Valparaíso", country="EC", kind="GAD_PARROQUIAL"))
    p3 = w.send(w.A)
    broken = rebuild(p2, tmp_path / "cadena.rcpaq", ring, manifest=lambda m: m.update(prev_hash="0" * 64))
    refused(w, broken, "cadena")
    # a package claiming acknowledgements headquarters never gave waits for the missing ones
    early = rebuild(p3, tmp_path / "hueco.rcpaq", ring, manifest=lambda m: m.update(acked_seq=2))
    before = dump(w.hq)
    res = w.H.import_packages([early])
    assert res.packages[0].status == "en cuarentena" and "Faltan los paquetes" in res.packages[0].message
    assert dump(w.hq) == before
    # p3 carries p2's records too: accepted with a gap warning; then p2 is out of order
    res = w.H.import_packages([p3])
    assert res.packages[0].status == "consolidado" and res.packages[0].warnings
    refused(w, p2, "fuera de orden")


def test_dangling_reference_and_invalid_values_are_refused(world, tmp_path):
    w = world
    ring = load_or_create(w.a)
    good = fresh_package(w)
    with zipfile.ZipFile(good) as z:
        cols = json.loads(z.read("manifest.json"))["tables"]["attendance"]["columns"]
    ev_i, sq_i = cols.index("event_id"), cols.index("seq_no")

    def edit(i, value):
        def f(d):
            lines = [json.loads(x) for x in d["records/attendance.jsonl"].splitlines() if x]
            lines[1][i] = value
            return d | {"records/attendance.jsonl": "\n".join(json.dumps(x) for x in lines).encode() + b"\n"}

        return f

    refused(
        w,
        rebuild(good, tmp_path / "ref.rcpaq", ring, members=edit(ev_i, str(uuid.uuid4()))),
        "no existe",
        "asistencia, fila 2",
        "event_id",
    )
    refused(
        w,
        rebuild(good, tmp_path / "val.rcpaq", ring, members=edit(sq_i, None)),
        "asistencia, fila 2",
        "seq_no",
        "obligatorio",
    )
    refused(w, rebuild(good, tmp_path / "tipo.rcpaq", ring, members=edit(sq_i, "tres")), "seq_no", "número entero")


def test_other_key_claiming_a_trusted_installation_is_refused(world, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    w = world
    fake = KeyRing(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    spoof = rebuild(
        fresh_package(w),
        tmp_path / "falso.rcpaq",
        fake,
        manifest=lambda m: m["installation"].update(sign_public=fake.sign_public),
    )
    refused(w, spoof, "suplantación")


def test_field_package_on_a_field_installation_is_refused(world):
    w = world
    p = fresh_package(w)
    before = dump(w.b)
    res = w.B.import_packages([p])
    assert res.packages[0].status == "rechazado" and "sede central" in res.packages[0].message
    assert dump(w.b) == before
