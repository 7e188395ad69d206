"""The package file format shared by field packages, base packages and receipts.

A package is a ZIP file:

- `manifest.json`: format name and version, schema version, kind (`field`, `base`,
  `receipt`), package id, author installation (id, name, role, public keys), target
  installation, sequence number, hash of the previous package of the same chain, record
  counts per kind, the columns of every table carried, and the SHA-256 and size of every
  other member;
- `records/<table>.jsonl`: one JSON array per record, values in the manifest's column
  order as SQLite stores them, followed by the version the change was based on;
- `personal/<table>.jsonl.enc`: the citizens' personal columns of those records, aligned
  line by line, encrypted for headquarters (X25519 + HKDF-SHA256 + AES-256-GCM, one
  ephemeral key per package, the member name as associated data). Since format 2 the lines
  are deflated and sealed in chunks as they are written (`rcdesk.sync.sealed`; the manifest's
  `encryption.scheme` and `encryption.chunk` say so); format 1 sealed the whole member at
  once, uncompressed, and is still read;
- `evidence/<sha256>`: evidence files referenced by the records; from a laptop whose database
  is encrypted (issue 16) they travel as `evidence-sealed/<sha256>` instead, sealed for
  headquarters in chunks like the personal members (format 3), so a package waiting to be
  sent shows no evidence file either;
- the ZIP comment holds a detached Ed25519 signature (`RCSIG1:` + 128 hex digits) over
  SHA-256 of every byte before it, so a change to any byte of the file, including ZIP
  headers, is detected. That digest is also the package's identity (`sha256`) and the link
  in the chain of packages (`prev_hash`).

Members are streamed in and out: an export never holds a table's rows, and a package's
format version is 2 only when it carries chunk-sealed members, so base packages and
receipts stay readable by laptops that have not upgraded yet.

Reading verifies before anything else: file size, signature trailer, ZIP structure, member
names (no absolute paths, no `..`, no duplicates, only the members the manifest lists),
member count and total uncompressed size (zip bombs), then the signature and each member's
hash as it is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rcdesk.errors import UserError
from rcdesk.ids import new_id, utcnow
from rcdesk.sync.keys import Sealer, verify
from rcdesk.sync.lines import encode_lines, parse_lines
from rcdesk.sync.sealed import CHUNK, SealedWriter
from rcdesk.sync.tables import ID_RE

__all__ = ["encode_lines", "parse_lines"]  # the records' line format, re-exported for its readers

FORMAT = "rcdesk-paquete"
FORMAT_VERSION = 3  # 2: personal members compressed and sealed in chunks (rcdesk.sync.sealed)
# 3: an encrypted laptop's evidence files sealed for headquarters as well (`SEALED_EVIDENCE`)
SEALED_EVIDENCE = "evidence-sealed/"
EXTENSION = ".rcpaq"
KINDS = {"field": "paquete de campo", "base": "paquete base", "receipt": "acuse de recibo"}

SIG_MAGIC = b"RCSIG1:"
SIG_LEN = len(SIG_MAGIC) + 128
_SIG_CONTEXT = b"rcdesk-paquete-v1\n"

# Limits (a package far beyond these is refused before anything is unpacked).
MAX_FILE_BYTES = 2 * 1024**3
MAX_MEMBERS = 50_000
MAX_TOTAL_UNCOMPRESSED = 4 * 1024**3
MAX_MEMBER_BYTES = 1024**3
MAX_MANIFEST_BYTES = 64 * 1024**2
MAX_RATIO = 200  # uncompressed/compressed, for members above 1 MB

_MEMBER_RE = re.compile(
    r"^(manifest\.json|records/[a-z0-9_]{1,64}\.jsonl|personal/[a-z0-9_]{1,64}\.jsonl\.enc"
    r"|evidence(-sealed)?/[0-9a-f]{64}(\.[a-z0-9]{1,8})?|acuse\.json)$"
)
_CHUNK = 1024 * 1024


# -- writing ---------------------------------------------------------------------------
class PackageWriter:
    """Builds a package in `<out>.parcial`; `finish()` signs it and moves it into place."""

    def __init__(self, out: Path, kind: str) -> None:
        self.out = Path(out)
        self.kind = kind
        self.package_id = new_id()
        self.tmp = self.out.with_name(self.out.name + ".parcial")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.zf = zipfile.ZipFile(self.tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5)
        self.members: dict[str, dict] = {}
        self.format_version = 1  # raised by the first chunk-sealed member

    def add_bytes(self, name: str, data: bytes, *, compress: bool = True) -> None:
        self.members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        self.zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED)

    def add_file(self, name: str, src: Path | IO[bytes], *, compress: bool = True) -> None:
        if isinstance(src, (str, Path)):
            with open(src, "rb") as fin:
                self.add_file(name, fin, compress=compress)
            return
        with self.member(name, compress=compress) as fout:
            while chunk := src.read(_CHUNK):
                fout.write(chunk)

    @contextmanager
    def member(self, name: str, *, compress: bool = True) -> Iterator[_MemberSink]:
        """A member written as a stream (its hash and size are taken on the way)."""
        if compress:
            info: str | zipfile.ZipInfo = name
        else:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_STORED
        with self.zf.open(info, "w", force_zip64=True) as fh:
            sink = _MemberSink(fh)
            yield sink
        self.members[name] = {"sha256": sink.sha.hexdigest(), "size": sink.size}

    chunk = CHUNK  # compressed bytes per sealed chunk (declared in the manifest; tests make it small)

    @contextmanager
    def sealed_member(self, name: str, sealer: Sealer) -> Iterator[SealedWriter]:
        """A personal member: what is written is deflated and sealed in chunks into a temporary
        file (the ZIP takes one member at a time, and the records member is being written
        alongside), then copied in stored (ciphertext does not compress)."""
        with tempfile.TemporaryFile(prefix="rcdesk-") as tmp:
            sw = sealer.writer(tmp, self.personal_aad(name), chunk=self.chunk)
            yield sw
            sw.close()
            tmp.seek(0)
            self.add_file(name, tmp, compress=False)
        self.format_version = max(self.format_version, 2)

    def personal_aad(self, name: str) -> bytes:
        return name.encode("ascii") + b"|" + self.package_id.encode()

    def finish(self, manifest: dict, ring) -> tuple[str, dict]:
        """Write the manifest, sign, rename. Returns (package sha256, manifest)."""
        manifest = {
            "format": FORMAT,
            "format_version": self.format_version,
            "kind": self.kind,
            "package_id": self.package_id,
            "created_at": utcnow().isoformat(timespec="seconds"),
            **manifest,
            "members": self.members,
        }
        data = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        self.zf.writestr("manifest.json", data)
        self.zf.comment = SIG_MAGIC + b"0" * 128
        self.zf.close()
        try:
            digest = _digest_file(self.tmp, os.path.getsize(self.tmp) - SIG_LEN)
            sig = ring.sign(_SIG_CONTEXT + bytes.fromhex(digest))
            with open(self.tmp, "r+b") as fh:
                fh.seek(-128, os.SEEK_END)
                fh.write(sig.hex().encode("ascii"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(self.tmp, self.out)
        except BaseException:
            self.tmp.unlink(missing_ok=True)
            raise
        return digest, manifest

    def abort(self) -> None:
        try:
            self.zf.close()
        finally:
            self.tmp.unlink(missing_ok=True)


class _MemberSink:
    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.size += len(data)
        self._fh.write(data)


def _digest_file(path: Path, length: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        left = length
        while left > 0:
            chunk = fh.read(min(_CHUNK, left))
            if not chunk:
                break
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


# -- reading ---------------------------------------------------------------------------
@dataclass
class OpenedPackage:
    path: Path
    sha256: str
    manifest: dict
    signature: bytes
    zf: zipfile.ZipFile
    warnings: list[str] = field(default_factory=list)
    display_name: str | None = None  # original file name of a package kept in quarantine

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def author(self) -> dict:
        return self.manifest["installation"]

    @property
    def file_name(self) -> str:
        return self.display_name or self.path.name

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> OpenedPackage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def has(self, name: str) -> bool:
        return name in self.manifest["members"]

    def read(self, name: str, *, limit: int = MAX_MEMBER_BYTES) -> bytes:
        """A member's bytes, checked against the manifest's size and SHA-256."""
        info = self.manifest["members"].get(name)
        if info is None:
            raise UserError(f"«{self.file_name}»: falta el componente «{name}» en el manifiesto.")
        expected = int(info["size"])
        if expected > limit:
            raise UserError(f"«{self.file_name}»: el componente «{name}» supera el tamaño permitido.")
        return b"".join(self.checked(name))

    def copy_to(self, name: str, dest: IO[bytes]) -> str:
        """Stream a member into `dest`; returns its SHA-256 after checking the manifest."""
        for chunk in self.checked(name):
            dest.write(chunk)
        return self.manifest["members"][name]["sha256"]

    def checked(self, name: str) -> Iterator[bytes]:
        """A member's bytes in pieces; the last step raises unless size and SHA-256 match the
        manifest, so a consumer that reads to the end never accepts an altered member."""
        info = self.manifest["members"][name]
        expected = int(info["size"])
        h = hashlib.sha256()
        got = 0
        for chunk in self._stream(name, expected):
            h.update(chunk)
            got += len(chunk)
            yield chunk
        if got != expected or h.hexdigest() != info["sha256"]:
            raise UserError(
                f"«{self.file_name}»: el componente «{name}» no coincide con su huella SHA-256 "
                "del manifiesto (archivo dañado o modificado)."
            )

    def _stream(self, name: str, expected: int) -> Iterator[bytes]:
        read = 0
        try:
            with self.zf.open(name) as fh:
                while chunk := fh.read(_CHUNK):
                    read += len(chunk)
                    if read > expected:  # never trust the declared size: stop a bomb early
                        raise UserError(f"«{self.file_name}»: el componente «{name}» es más grande de lo declarado.")
                    yield chunk
        except UserError:
            raise
        except Exception as exc:
            raise UserError(f"«{self.file_name}» está dañado: no se puede leer «{name}» ({exc}).") from exc

    def lines(self, name: str) -> list:
        data = self.read(name)
        try:
            return parse_lines(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UserError(f"«{self.file_name}»: «{name}» no contiene registros válidos ({exc}).") from exc

    def verify_signature(self, public_b64: str) -> bool:
        return verify(public_b64, self.signature, _SIG_CONTEXT + bytes.fromhex(self.sha256))


def open_package(path: Path, *, schema_version: int | None = None) -> OpenedPackage:
    """Open and check a package's structure and its author's signature.

    Raises `UserError` (Spanish, naming the file) for anything wrong. Whether the author
    is trusted is the caller's decision (it depends on the kind and on this database).
    """
    path = Path(path)
    fname = path.name
    if not path.is_file():
        raise UserError(f"No existe el archivo «{path}».")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UserError(
            f"«{fname}» es demasiado grande ({size / 1024**2:.0f} MB; el máximo es {MAX_FILE_BYTES // 1024**2} MB)."
        )
    if size < SIG_LEN + 22:
        raise UserError(f"«{fname}» no es un paquete de rcdesk o está incompleto (archivo truncado).")
    with open(path, "rb") as fh:
        fh.seek(size - SIG_LEN - 2)
        tail = fh.read(SIG_LEN + 2)
    if tail[2 : 2 + len(SIG_MAGIC)] != SIG_MAGIC or int.from_bytes(tail[:2], "little") != SIG_LEN:
        raise UserError(
            f"«{fname}» no es un paquete de rcdesk firmado, o está incompleto (archivo truncado o modificado)."
        )
    try:
        signature = bytes.fromhex(tail[2 + len(SIG_MAGIC) :].decode("ascii"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"«{fname}»: la firma del paquete está dañada.") from exc
    digest = _digest_file(path, size - SIG_LEN)
    try:
        zf = zipfile.ZipFile(path)
    except Exception as exc:
        raise UserError(f"«{fname}» está dañado o incompleto: no es un ZIP válido ({exc}).") from exc
    try:
        manifest = _check_structure(zf, fname, schema_version)
        pkg = OpenedPackage(path, digest, manifest, signature, zf)
        key = manifest["installation"].get("sign_public") or ""
        if not key or not pkg.verify_signature(key):
            raise UserError(
                f"«{fname}»: la firma no es válida; el archivo fue modificado o está dañado. No se importó nada."
            )
        return pkg
    except BaseException:
        zf.close()
        raise


def _check_structure(zf: zipfile.ZipFile, fname: str, schema_version: int | None) -> dict:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UserError(f"«{fname}» tiene demasiados componentes ({len(infos)}; máximo {MAX_MEMBERS}).")
    names = set()
    total = 0
    for info in infos:
        n = info.filename
        if (
            n.startswith(("/", "\\"))
            or re.match(r"^[A-Za-z]:", n)
            or "\\" in n
            or any(part in ("..", ".", "") for part in n.split("/"))
        ):
            raise UserError(
                f"«{fname}» contiene una ruta peligrosa («{n}»: ruta absoluta o con «..»). Se rechazó sin extraer nada."
            )
        if not _MEMBER_RE.match(n):
            raise UserError(f"«{fname}» contiene un componente desconocido («{n}»).")
        if n in names:
            raise UserError(f"«{fname}» contiene el componente «{n}» repetido.")
        names.add(n)
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise UserError(f"«{fname}»: el componente «{n}» es demasiado grande.")
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UserError(
                f"«{fname}» parece una «bomba ZIP» (el componente «{n}» se expande "
                f"{info.file_size // max(info.compress_size, 1)} veces). Se rechazó."
            )
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise UserError(
            f"«{fname}» ocupa demasiado al descomprimirse ({total / 1024**3:.1f} GB; máximo "
            f"{MAX_TOTAL_UNCOMPRESSED // 1024**3} GB). Se rechazó."
        )
    if "manifest.json" not in names:
        raise UserError(f"«{fname}» no es un paquete de rcdesk (no tiene manifiesto).")
    info = zf.getinfo("manifest.json")
    if info.file_size > MAX_MANIFEST_BYTES:
        raise UserError(f"«{fname}»: el manifiesto es demasiado grande.")
    try:
        with zf.open(info) as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
        manifest = json.loads(raw.decode("utf-8"))
    except Exception as exc:
        raise UserError(f"«{fname}» está dañado: el manifiesto no se puede leer ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UserError(f"«{fname}» no es un paquete de rcdesk.")
    fv = manifest.get("format_version")
    if not isinstance(fv, int) or fv > FORMAT_VERSION:
        raise UserError(
            f"«{fname}» fue creado por una versión más reciente de rcdesk (formato {fv}; esta versión "
            f"lee hasta el {FORMAT_VERSION}). Actualice rcdesk para importarlo."
        )
    sv = manifest.get("schema_version")
    if schema_version is not None and isinstance(sv, int) and sv > schema_version:
        raise UserError(
            f"«{fname}» viene de una base de datos más reciente (esquema {sv}; esta versión conoce "
            f"hasta el {schema_version}). Actualice rcdesk para importarlo."
        )
    if manifest.get("kind") not in KINDS:
        raise UserError(f"«{fname}»: tipo de paquete desconocido ({manifest.get('kind')!r}).")
    inst = manifest.get("installation")
    members = manifest.get("members")
    if not isinstance(inst, dict) or not isinstance(members, dict) or not isinstance(manifest.get("seq"), int):
        raise UserError(f"«{fname}»: el manifiesto está incompleto.")
    if not ID_RE.match(str(inst.get("id", ""))):
        raise UserError(f"«{fname}»: el manifiesto no identifica la instalación de origen.")
    if set(members) != names - {"manifest.json"}:
        extra = sorted((names - {"manifest.json"}) - set(members))
        missing = sorted(set(members) - names)
        raise UserError(
            f"«{fname}»: los componentes no coinciden con el manifiesto (sobran {extra[:3]}, faltan {missing[:3]})."
        )
    for n, m in members.items():
        if not isinstance(m, dict) or not isinstance(m.get("size"), int) or not isinstance(m.get("sha256"), str):
            raise UserError(f"«{fname}»: el manifiesto no declara tamaño y huella de «{n}».")
        if zf.getinfo(n).file_size != m["size"]:
            raise UserError(f"«{fname}»: el tamaño de «{n}» no coincide con el manifiesto.")
    return manifest
