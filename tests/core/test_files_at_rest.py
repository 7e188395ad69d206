"""Files encrypted at rest (rcdesk.security.files): chunked AES-GCM that refuses any cut or change,
in-place conversion of a plain evidence folder that a crash cannot leave unreadable."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from rcdesk.errors import UserError
from rcdesk.security import files

KEY = bytes(range(32))
OTHER = bytes(32)


def _sealed(data: bytes, chunk: int = 64) -> bytes:
    out = io.BytesIO()
    files.encrypt_to([data], out, KEY, chunk=chunk)
    return out.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 64 * 5, 64 * 5 + 7])
def test_round_trip_at_every_chunk_boundary(tmp_path, size):
    data = os.urandom(size)
    p = _write(tmp_path, "f.bin", _sealed(data))
    assert files.is_encrypted(p)
    assert files.read_bytes(p, KEY) == data
    assert files.sha256_of(p, KEY) == hashlib.sha256(data).hexdigest()


def test_plain_text_is_not_in_the_encrypted_bytes():
    secret = "Cédula 0912345678 María Quishpe 0991234567".encode()
    sealed = _sealed(secret * 10)
    assert secret not in sealed and b"0912345678" not in sealed and b"Quishpe" not in sealed


def _cases(sealed: bytes, chunk: int) -> dict[str, bytes]:
    block = chunk + 16
    header = files.HEADER_SIZE
    flipped = bytearray(sealed)
    flipped[header + 5] ^= 1
    swapped = sealed[:header] + sealed[header + block : header + 2 * block] + sealed[header : header + block]
    swapped += sealed[header + 2 * block :]
    bad_header = bytearray(sealed)
    bad_header[12] ^= 1  # the chunk size, authenticated with every chunk
    return {
        "cut at a chunk boundary": sealed[: header + 2 * block],
        "cut inside a chunk": sealed[:-5],
        "header only": sealed[:header],
        "half a header": sealed[:10],
        "a byte changed": bytes(flipped),
        "chunks swapped": swapped,
        "a chunk repeated": sealed[: header + block] + sealed[header:],
        "bytes appended": sealed + sealed[header : header + block],
        "chunk size altered": bytes(bad_header),
    }


def test_truncated_or_tampered_file_is_refused_with_a_spanish_message_naming_it(tmp_path):
    sealed = _sealed(os.urandom(64 * 4 + 10), chunk=64)
    for what, damaged in _cases(sealed, 64).items():
        p = _write(tmp_path, "damaged.bin", damaged)
        with pytest.raises(UserError, match="«acta firmada.pdf» está dañado") as info:
            files.read_bytes(p, KEY, "acta firmada.pdf")
        assert "Traceback" not in str(info.value), what


def test_another_databases_key_is_refused(tmp_path):
    p = _write(tmp_path, "f.bin", _sealed(b"datos"))
    with pytest.raises(UserError, match="«f.bin»"):
        files.read_bytes(p, OTHER)
    with pytest.raises(UserError, match="cifrado y esta base de datos no está desbloqueada"):
        files.read_bytes(p, None)


def test_plain_files_read_as_they_are_with_or_without_key(tmp_path):
    p = _write(tmp_path, "plain.pdf", b"%PDF-1.4 plain")
    assert not files.is_encrypted(p)
    assert files.read_bytes(p, None) == files.read_bytes(p, KEY) == b"%PDF-1.4 plain"


def test_a_plain_file_that_starts_like_an_encrypted_one_is_told_apart_by_its_name(tmp_path):
    data = files.MAGIC + b" not really encrypted"
    sha = hashlib.sha256(data).hexdigest()
    p = _write(tmp_path, f"{sha}.bin", data)
    assert b"".join(files.evidence_chunks(p, KEY)) == data
    assert not files.encrypt_file_in_place(p, KEY)  # left as it is, still read back


def _store(tmp_path: Path, contents: list[bytes]) -> tuple[Path, dict[Path, bytes]]:
    store = tmp_path / "evidencias"
    made = {}
    for data in contents:
        sha = hashlib.sha256(data).hexdigest()
        (store / sha[:2]).mkdir(parents=True, exist_ok=True)
        made[_write(store / sha[:2], f"{sha}.pdf", data)] = data
    return store, made


def test_folder_conversion_encrypts_every_file_and_is_idempotent(tmp_path, monkeypatch):
    monkeypatch.setattr("rcdesk.security.vault.subkey", lambda key, purpose: KEY, raising=False)
    contents = [f"Acta {i}: Juan Pérez, cédula 17{i:08d}".encode() * 50 for i in range(5)]
    store, made = _store(tmp_path, contents)
    (store / ".incoming-old").write_bytes(b"a plain copy left by a crash")
    os.utime(store / ".incoming-old", (0, 0))
    seen = []
    assert files.encrypt_evidence_folder(store, b"data key", lambda d, t=None, text="": seen.append((d, t))) == 5
    assert seen[-1] == (5, 5)
    for p, data in made.items():
        raw = p.read_bytes()
        assert files.is_encrypted(p) and b"Juan" not in raw and b"cedula" not in raw
        assert files.read_bytes(p, KEY) == data
    assert not (store / ".incoming-old").exists()
    assert files.encrypt_evidence_folder(store, b"data key") == 0  # second run: nothing left to do
    assert sorted(f.name for f in store.rglob("*") if f.is_file()) == sorted(p.name for p in made)


def test_a_crash_midway_leaves_every_file_readable_and_a_rerun_finishes(tmp_path, monkeypatch):
    monkeypatch.setattr("rcdesk.security.vault.subkey", lambda key, purpose: KEY, raising=False)
    store, made = _store(tmp_path, [f"Evidencia {i} de Rosa Chela".encode() for i in range(6)])
    real_replace = os.replace
    calls = {"n": 0}

    def crash_on_third(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("power cut")  # the process dies between write and replace
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        files.encrypt_evidence_folder(store, b"data key")
    monkeypatch.setattr(files.os, "replace", real_replace)
    states = {p: files.is_encrypted(p) for p in made}
    assert sum(states.values()) == 2  # two converted, the rest still plain
    for p, data in made.items():
        assert b"".join(files.evidence_chunks(p, KEY)) == data  # both kinds read back
    assert files.encrypt_evidence_folder(store, b"data key") == 4
    assert all(files.is_encrypted(p) and files.read_bytes(p, KEY) == data for p, data in made.items())
    assert not [f for f in store.rglob(".*") if f.is_file()]  # no temporary file left behind


def test_view_copies_are_private_and_removed_at_exit_or_next_start(tmp_path):
    data_dir = tmp_path / "datos"
    p = _write(tmp_path, "f.bin", _sealed(b"contenido de la foto"))
    view = files.view_copy(files.read_chunks(p, KEY), data_dir, "foto: Ana/Cela.jpg")
    assert view.read_bytes() == b"contenido de la foto" and view.name == "foto_ Ana_Cela.jpg"
    if os.name == "posix":
        assert (view.parent.parent.stat().st_mode & 0o077) == 0
    assert files.remove_stale_views(data_dir) == 0  # this process's folder is in use
    stale = data_dir / files.VIEW_FOLDER / "1-dead"
    stale.mkdir()
    (stale / "acta.pdf").write_bytes(b"left by a crash")
    assert files.remove_stale_views(data_dir) == 1 and not stale.exists()
    files.remove_own_view()
    assert not view.exists()
