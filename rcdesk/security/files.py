"""Files at rest encrypted with a purpose key (evidence files of an encrypted database).

A photo or a PDF can be hundreds of megabytes, so a file is sealed in chunks and memory is one
chunk whatever its size:

    file   = header || C_0 || C_1 || ... || C_n
    header = MAGIC (8) || version (1) || chunk size (uint32 BE) || salt (16 random bytes)
    C_i    = AES-256-GCM(file key, nonce = 0^4 || uint64_be(i), chunk_i, aad = header || final_i)
    file key = HKDF-SHA256(purpose key, salt, info = b"rcdesk-archivo-v1")

- every chunk but the last holds exactly `chunk size` bytes, so there is no length field to
  forge; the counter in the nonce refuses reordered, repeated or dropped chunks and the final
  flag refuses a file cut at a chunk boundary (its new last chunk was sealed as "not final");
- a fresh key per file (random salt) keeps counter nonces unique without a random-nonce budget
  across the thousands of files sealed under one database's key; the header is authenticated
  with every chunk, so its chunk size cannot be altered either;
- `rcdesk.sync.sealed` (package members) has the same chunk framing but deflates first and
  speaks of packages in its errors; evidence is mostly already-compressed photos and PDFs.

The header's MAGIC marks an encrypted file, so a folder converted halfway (a crash during
`encrypt_folder`) holds plain and encrypted files side by side and both are read.

Decrypted copies for the system viewer go to a private folder of the process
(`view_copy`), removed at exit and, when a crash left one behind, the next time the
application starts (`remove_stale_views`).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import secrets
import shutil
import struct
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from rcdesk.errors import UserError
from rcdesk.jobs import ProgressFn, no_progress

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"RCDESK\x1aC"
VERSION = 1
CHUNK = 1024 * 1024
MIN_CHUNK, MAX_CHUNK = 16, 16 * 1024 * 1024
_SALT = 16
_TAG = 16
_HEADER = struct.Struct(">8sBI16s")
HEADER_SIZE = _HEADER.size
_INFO = b"rcdesk-archivo-v1"
EVIDENCE_PURPOSE = "evidencias"
# A content-store file: <sha256>[.ext] (see rcdesk.services.evidence).
_BLOB_RE = re.compile(r"[0-9a-f]{64}(\.[a-z0-9]{1,10})?")
_ENCRYPTING = ".cifrando"
_STALE_SECONDS = 3600
VIEW_FOLDER = "vista-temporal"


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    # imported here: the GUI imports this module at start (stale view folders) on plain databases too
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO).derive(key)
    return AESGCM(raw)


def _nonce(i: int) -> bytes:
    return b"\0\0\0\0" + i.to_bytes(8, "big")


def _aad(header: bytes, final: bool) -> bytes:
    return header + (b"\x01" if final else b"\x00")


def is_encrypted(path: Path) -> bool:
    """The file starts with the header of an encrypted file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


class EncryptingWriter:
    """Seals what is written to it into `out`, chunk by chunk; `close()` writes the final chunk."""

    def __init__(self, out: IO[bytes], key: bytes, *, chunk: int = CHUNK) -> None:
        if not MIN_CHUNK <= chunk <= MAX_CHUNK:
            raise ValueError("chunk")
        salt = secrets.token_bytes(_SALT)
        self._header = _HEADER.pack(MAGIC, VERSION, chunk, salt)
        self._aead = _file_key(key, salt)
        self._out, self._chunk = out, chunk
        self._buf = bytearray()
        self._i = 0
        out.write(self._header)

    def write(self, data: bytes) -> None:
        self._buf += data
        # strictly more than one chunk: the last chunk is only known as last at close()
        while len(self._buf) > self._chunk:
            self._seal(bytes(self._buf[: self._chunk]), False)
            del self._buf[: self._chunk]

    def _seal(self, plain: bytes, final: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._i), plain, _aad(self._header, final)))
        self._i += 1

    def close(self) -> None:
        self._seal(bytes(self._buf), True)
        self._buf.clear()


def _damaged(what: str) -> UserError:
    return UserError(
        f"El archivo cifrado «{what}» está dañado, incompleto o fue modificado: no se puede descifrar "
        "con la clave de esta base de datos. Restáurelo desde una copia de seguridad o vuelva a adjuntarlo."
    )


def decrypt_stream(fh: IO[bytes], key: bytes, what: str) -> Iterator[bytes]:
    """The plaintext of an encrypted file open at its start, chunk by chunk; `UserError` naming
    `what` on a damaged, truncated, extended or tampered file (or another database's key)."""
    header = fh.read(HEADER_SIZE)
    if len(header) != HEADER_SIZE:
        raise _damaged(what)
    magic, version, chunk, salt = _HEADER.unpack(header)
    if magic != MAGIC or version != VERSION or not MIN_CHUNK <= chunk <= MAX_CHUNK:
        raise _damaged(what)
    from cryptography.exceptions import InvalidTag

    aead = _file_key(key, salt)
    block = chunk + _TAG
    i = 0
    current = fh.read(block)
    while True:
        following = fh.read(block) if len(current) == block else b""
        final = not following
        if len(current) < _TAG or (not final and len(current) != block):
            raise _damaged(what)
        try:
            plain = aead.decrypt(_nonce(i), current, _aad(header, final))
        except InvalidTag as exc:
            raise _damaged(what) from exc
        i += 1
        if plain:
            yield plain
        if final:
            return
        current = following


def read_chunks(path: Path, key: bytes | None, what: str | None = None, size: int = CHUNK) -> Iterator[bytes]:
    """The plaintext of `path`, encrypted or plain (the header decides); an encrypted file without
    a key is refused with a Spanish message naming it."""
    name = what or path.name
    with open(path, "rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            fh.seek(0)
            while data := fh.read(size):
                yield data
            return
        if key is None:
            raise UserError(
                f"El archivo «{name}» está cifrado y esta base de datos no está desbloqueada; ábrala con su contraseña."
            )
        fh.seek(0)
        yield from decrypt_stream(fh, key, name)


def read_bytes(path: Path, key: bytes | None, what: str | None = None) -> bytes:
    return b"".join(read_chunks(path, key, what))


def sha256_of(path: Path, key: bytes | None, what: str | None = None) -> str:
    """SHA-256 of the plaintext of `path`."""
    digest = hashlib.sha256()
    for data in read_chunks(path, key, what):
        digest.update(data)
    return digest.hexdigest()


def encrypt_to(src: Iterable[bytes], out: IO[bytes], key: bytes, *, chunk: int = CHUNK) -> None:
    w = EncryptingWriter(out, key, chunk=chunk)
    for data in src:
        w.write(data)
    w.close()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory; NTFS journals the rename itself
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _zero_fill(fh: IO[bytes], size: int) -> None:
    """Overwrite an (already replaced) plain file's bytes: best effort, not a guarantee on SSDs or
    copy-on-write file systems, but it keeps the old blocks from being read back trivially."""
    fh.seek(0)
    block = b"\0" * min(CHUNK, max(size, 1))
    left = size
    while left > 0:
        n = min(left, len(block))
        fh.write(block[:n])
        left -= n
    fh.flush()
    os.fsync(fh.fileno())


def encrypt_file_in_place(path: Path, key: bytes, *, chunk: int = CHUNK) -> bool:
    """Replace a plain file by its encrypted form (temp file, fsync, atomic replace): a crash
    leaves either the plain or the encrypted file under its name. False if already encrypted."""
    if is_encrypted(path):
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}{_ENCRYPTING}")
    try:
        with open(path, "rb") as src, open(tmp, "wb") as out:
            w = EncryptingWriter(out, key, chunk=chunk)
            size = 0
            while data := src.read(chunk):
                w.write(data)
                size += len(data)
            w.close()
            out.flush()
            os.fsync(out.fileno())
        if os.name == "posix":
            # keep the plain inode open across the replace to blank it afterwards
            with open(path, "r+b") as old:
                os.replace(tmp, path)
                _fsync_dir(path.parent)
                _zero_fill(old, size)
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return True


def _store_of(paths) -> Path:
    return Path(paths.evidence) if hasattr(paths, "evidence") else Path(paths)


def _store_files(store: Path) -> tuple[list[Path], list[Path]]:
    """(content-store files, leftovers of interrupted copies) of an evidence folder."""
    blobs: list[Path] = []
    leftovers: list[Path] = []
    for shard in sorted(store.iterdir()) if store.is_dir() else ():
        if shard.is_file() and shard.name.startswith(".incoming-"):
            leftovers.append(shard)  # stage_file's temporary copy (plain when the store was)
        if not shard.is_dir() or len(shard.name) != 2:
            continue
        for f in sorted(shard.iterdir()):
            if not f.is_file():
                continue
            if _BLOB_RE.fullmatch(f.name.lower()):
                blobs.append(f)
            elif f.name.endswith((".parcial", _ENCRYPTING)):
                leftovers.append(f)
    return blobs, leftovers


def encrypt_evidence_folder(paths, data_key: bytes, progress: ProgressFn | None = None) -> int:
    """Encrypt in place every plain file of an evidence folder (`paths`: AppPaths or the folder),
    with the database's "evidencias" key. Idempotent: encrypted files are skipped, so a conversion
    interrupted by a crash is finished by running it again. Returns how many files it encrypted."""
    from rcdesk.security import vault

    key = vault.subkey(data_key, EVIDENCE_PURPOSE)
    progress = progress or no_progress
    store = _store_of(paths)
    blobs, leftovers = _store_files(store)
    now = time.time()
    for f in leftovers:  # another process's copy in progress is newer than this
        try:
            if now - f.stat().st_mtime > _STALE_SECONDS or f.name.endswith(_ENCRYPTING):
                f.unlink()
        except OSError:
            pass
    done = 0
    for n, f in enumerate(blobs):
        progress(n, len(blobs), "Cifrando los archivos de evidencia…")
        try:
            if encrypt_file_in_place(f, key):
                done += 1
        except OSError as exc:
            raise UserError(
                f"No se pudo cifrar el archivo de evidencia «{f.name}»: {exc.strerror or exc}. "
                "Los demás archivos siguen legibles; vuelva a intentarlo."
            ) from exc
    progress(len(blobs), len(blobs), "Archivos de evidencia cifrados.")
    return done


# -- the key of a database's evidence ---------------------------------------------------------
def evidence_key(db) -> bytes | None:
    """The "evidencias" key of `db` when it is an encrypted database unlocked in this process."""
    paths = getattr(db, "paths", None)
    if paths is None or getattr(paths, "is_server", False):
        return None  # a server's evidence lives in the server database (rcdesk.db.shared_blobs)
    from rcdesk.security import unlocked, vault

    data_key = unlocked.key_for(paths.database)
    return vault.subkey(data_key, EVIDENCE_PURPOSE) if data_key is not None else None


# -- decrypted copies for the system viewer ---------------------------------------------------
_view: dict[str, object] = {}


def _lock(fh: IO[bytes]) -> bool:
    """Try to lock `fh` exclusively, without waiting (the owner of a view folder holds it)."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _views_root(data_dir: Path) -> Path:
    return Path(data_dir) / VIEW_FOLDER


def _own_view(data_dir: Path) -> Path:
    folder = _view.get("folder")
    if isinstance(folder, Path) and folder.is_dir():
        return folder
    remove_stale_views(data_dir)  # also done at start (ui/app.py); here for any other caller
    root = _views_root(data_dir)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / f"{os.getpid()}-{secrets.token_hex(4)}"
    folder.mkdir(mode=0o700)
    lock = open(folder / ".en-uso", "wb")  # held open for the life of the process
    _lock(lock)
    _view.update(folder=folder, lock=lock)
    atexit.register(remove_own_view)
    return folder


def remove_own_view() -> None:
    """Remove this process's decrypted copies (at exit)."""
    folder, lock = _view.pop("folder", None), _view.pop("lock", None)
    if lock is not None:
        lock.close()  # type: ignore[attr-defined]
    if isinstance(folder, Path):
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale_views(data_dir: Path) -> int:
    """Remove the decrypted copies a crashed process left in `data_dir` (not those of a running
    one: its lock file is held). Returns how many folders were removed."""
    root = _views_root(data_dir)
    removed = 0
    for folder in sorted(root.iterdir()) if root.is_dir() else ():
        if folder == _view.get("folder") or not folder.is_dir():
            continue
        try:
            with open(folder / ".en-uso", "r+b") as fh:
                if not _lock(fh):
                    continue
        except OSError:
            pass
        shutil.rmtree(folder, ignore_errors=True)
        removed += not folder.exists()
    return removed


def _safe_name(name: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return cleaned[:120] or "evidencia"


def view_copy(chunks: Iterable[bytes], data_dir: Path, filename: str) -> Path:
    """A file named `filename` holding `chunks` (a decrypted file), in this process's private
    view folder."""
    folder = _own_view(data_dir) / secrets.token_hex(4)
    folder.mkdir(mode=0o700)
    dest = folder / _safe_name(filename)
    try:
        with open(dest, "wb") as out:
            for data in chunks:
                out.write(data)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return dest


def _raw_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while data := fh.read(CHUNK):
            yield data


def evidence_chunks(path: Path, key: bytes | None, what: str | None = None) -> Iterator[bytes]:
    """The plaintext of a content-store file (named `<sha256>[.ext]` after its plaintext). A plain
    file that happens to start like an encrypted one is told apart by its name: its own bytes
    hash to it."""
    chunks = read_chunks(path, key, what)
    try:
        first = next(chunks, None)
    except UserError:
        if not is_encrypted(path) or _raw_sha(path) != path.name[:64].lower():
            raise
        yield from _raw_chunks(path)
        return
    if first is not None:
        yield first
        yield from chunks


def _raw_sha(path: Path) -> str:
    digest = hashlib.sha256()
    for data in _raw_chunks(path):
        digest.update(data)
    return digest.hexdigest()
