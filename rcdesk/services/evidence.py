"""One evidence store (medios de verificación) for the whole application.

Files are stored once by their SHA-256 under `db.paths.evidence/<aa>/<sha256><.ext>` (the
extension of the first copy, so the system viewer knows how to open it); the `evidence`
table links a file or an http(s) link to any owner through (`owner_type`, `owner_id`):
progress reports, POA executions, events, commitments…

Attaching is two steps so callers can keep "nothing half-saved":
`stage_file(path)` validates the file and copies it into the store (no DB; an orphan blob
is harmless because it is content-addressed), then `attach(s, staged, ...)` writes the row
inside the caller's transaction. `add_file()` / `add_link()` do both for simple cases.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

from sqlalchemy import select

from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.models.core import Setting
from rcdesk.models.followup import Evidence
from rcdesk.security import files
from rcdesk.text import clean

MAX_MB_KEY = "evidence.max_mb"
DEFAULT_MAX_MB = 25
# Files a double click would run instead of open: refused as evidence.
BLOCKED_EXTENSIONS = {
    ".exe",
    ".bat",
    ".cmd",
    ".com",
    ".msi",
    ".scr",
    ".vbs",
    ".vbe",
    ".js",
    ".jse",
    ".ps1",
    ".lnk",
    ".pif",
    ".cpl",
    ".hta",
    ".wsf",
    ".reg",
    ".jar",
    ".sh",
}
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StagedFile:
    """A file validated and copied into the store, not yet linked to anything."""

    sha256: str
    filename: str
    size: int
    mime: str
    blob: Path


@dataclass(frozen=True)
class EvidenceRow:
    evidence_id: str
    owner_type: str
    owner_id: str
    kind: str
    title: str
    filename: str | None
    size: int | None
    mime: str | None
    sha256: str | None
    url: str | None

    @property
    def label(self) -> str:
        if self.kind == "LINK":
            return self.title or self.url or ""
        return self.title or self.filename or ""

    @property
    def size_text(self) -> str:
        return human_size(self.size) if self.size is not None else ""

    def as_json(self) -> dict:
        return {
            "id": self.evidence_id,
            "kind": self.kind,
            "title": self.title,
            "filename": self.filename,
            "size": self.size,
            "mime": self.mime,
            "sha256": self.sha256,
            "url": self.url,
        }


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def check_url(url: str) -> str:
    """The trimmed URL, or UserError when it is not an http(s) address."""
    u = clean(url)
    parsed = urlparse(u)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc or " " in u:
        raise UserError(
            f"El enlace «{u}» no es válido: debe empezar por http:// o https:// (por ejemplo "
            "https://www.entidad.gov.co/transparencia/informe.pdf)."
        )
    return u


class EvidenceService:
    def __init__(self, db: Database, store: Path | None = None) -> None:
        self.db = db
        self._store = Path(store) if store is not None else (db.paths.evidence if db.paths else None)

    @property
    def store(self) -> Path:
        if self._store is None:
            raise UserError(
                "Esta base de datos (en memoria) no tiene carpeta de evidencias; "
                "indique una carpeta para guardar los archivos."
            )
        return self._store

    # -- settings ------------------------------------------------------------------------
    def max_bytes(self) -> int:
        return int(self.max_mb() * 1024 * 1024)

    def max_mb(self) -> float:
        with self.db.session() as s:
            row = s.get(Setting, MAX_MB_KEY)
            return float(json.loads(row.value)) if row else float(DEFAULT_MAX_MB)

    def set_max_mb(self, mb: float) -> None:
        if not 0 < float(mb) <= 2048:
            raise UserError("El tamaño máximo de una evidencia debe estar entre 1 y 2048 MB.")
        with self.db.begin() as s:
            row = s.get(Setting, MAX_MB_KEY)
            if row is None:
                s.add(Setting(key=MAX_MB_KEY, value=json.dumps(float(mb))))
            else:
                row.value = json.dumps(float(mb))

    # -- storing -------------------------------------------------------------------------
    def check_file(self, path: Path | str, *, max_bytes: int | None = None) -> list[str]:
        """Spanish problems with a file as evidence (empty list when it can be attached)."""
        p = Path(path)
        limit = self.max_bytes() if max_bytes is None else max_bytes
        if not p.exists():
            return [f"El archivo de evidencia «{p}» no existe."]
        if not p.is_file():
            return [f"«{p}» no es un archivo."]
        if p.suffix.lower() in BLOCKED_EXTENSIONS:
            return [
                f"«{p.name}»: no se admiten programas ni accesos directos como evidencia "
                "(adjunte PDF, imágenes, documentos de oficina o un enlace)."
            ]
        try:
            size = p.stat().st_size
            with p.open("rb") as fh:
                fh.read(1)
        except OSError as exc:
            return [f"No se puede leer el archivo de evidencia «{p}»: {exc.strerror or exc}."]
        if size > limit:
            return [
                f"«{p.name}» pesa {human_size(size)}; el máximo permitido para una evidencia es "
                f"{human_size(limit)}. Reduzca el archivo o publíquelo y adjunte el enlace."
            ]
        if size == 0:
            return [f"«{p.name}» está vacío (0 bytes)."]
        return []

    def stage_file(self, path: Path | str, *, max_bytes: int | None = None) -> StagedFile:
        """Validate `path` and copy it into the store (once per content); no DB write."""
        problems = self.check_file(path, max_bytes=max_bytes)
        if problems:
            raise UserError(problems[0], details=problems[1:])
        p = Path(path)
        store = self.store
        store.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=store)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, p.open("rb") as src:
                key = self.key
                sha, size = _copy_in(src, out, key)
                if key is not None:
                    out.flush()
                    os.fsync(out.fileno())  # the plain original may be deleted by the user next
            existing = self._blob(sha)
            if existing is not None:
                tmp.unlink()
                blob = existing
            else:
                shard = store / sha[:2]
                shard.mkdir(exist_ok=True)
                blob = shard / f"{sha}{_safe_ext(p.suffix)}"
                os.replace(tmp, blob)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UserError(f"No se pudo copiar «{p.name}» a la carpeta de evidencias: {exc.strerror or exc}.") from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if self._shared():
            from rcdesk.db import shared_blobs

            shared_blobs.upload(self.db, blob)  # other operators' desktops open it too
        mime = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
        return StagedFile(sha, p.name[:300], size, mime, blob)

    def attach(self, s, staged: StagedFile, owner_type: str, owner_id: str, title: str | None = None) -> Evidence:
        """Write the evidence row for a staged file inside the caller's session."""
        ev = Evidence(
            owner_type=owner_type,
            owner_id=owner_id,
            kind="FILE",
            sha256=staged.sha256,
            filename=staged.filename,
            size=staged.size,
            mime=staged.mime,
            url=None,
            title=(clean(title) or None) and clean(title)[:300],
        )
        s.add(ev)
        return ev

    def attach_link(self, s, url: str, owner_type: str, owner_id: str, title: str | None = None) -> Evidence:
        u = check_url(url)
        ev = Evidence(
            owner_type=owner_type,
            owner_id=owner_id,
            kind="LINK",
            url=u,
            title=(clean(title) or None) and clean(title)[:300],
        )
        s.add(ev)
        return ev

    @staticmethod
    def copy_in(s, evidence_ids: list[str], owner_type: str, owner_id: str) -> int:
        """Link existing evidence (same stored file or link) to another owner too, inside the caller's
        session; the original rows stay with their owner. Returns how many were copied."""
        n = 0
        for eid in evidence_ids:
            ev = s.get(Evidence, eid)
            if ev is None or ev.deleted:
                raise NotFound(f"No existe la evidencia «{eid}».")
            s.add(
                Evidence(
                    owner_type=owner_type,
                    owner_id=owner_id,
                    kind=ev.kind,
                    sha256=ev.sha256,
                    filename=ev.filename,
                    size=ev.size,
                    mime=ev.mime,
                    url=ev.url,
                    title=ev.title,
                )
            )
            n += 1
        return n

    def add_file(self, path: Path | str, owner_type: str, owner_id: str, title: str | None = None) -> EvidenceRow:
        _check_owner(owner_type, owner_id)
        staged = self.stage_file(path)
        with self.db.begin() as s:
            ev = self.attach(s, staged, owner_type, owner_id, title)
            s.flush()
            return _row(ev)

    def add_link(self, url: str, owner_type: str, owner_id: str, title: str | None = None) -> EvidenceRow:
        _check_owner(owner_type, owner_id)
        with self.db.begin() as s:
            ev = self.attach_link(s, url, owner_type, owner_id, title)
            s.flush()
            return _row(ev)

    # -- reading -------------------------------------------------------------------------
    def list_for(self, owner_type: str, owner_id: str) -> list[EvidenceRow]:
        with self.db.session() as s:
            return self.list_in(s, owner_type, [owner_id]).get(owner_id, [])

    @staticmethod
    def list_in(s, owner_type: str, owner_ids: list[str]) -> dict[str, list[EvidenceRow]]:
        """owner id -> its evidence, for many owners at once (inside an open session)."""
        out: dict[str, list[EvidenceRow]] = {}
        for i in range(0, len(owner_ids), 500):
            chunk = owner_ids[i : i + 500]
            for ev in s.scalars(
                select(Evidence)
                .where(Evidence.owner_type == owner_type, Evidence.owner_id.in_(chunk), Evidence.deleted.is_(False))
                .order_by(Evidence.created_at)
            ):
                out.setdefault(ev.owner_id, []).append(_row(ev))
        return out

    def get(self, evidence_id: str) -> EvidenceRow:
        with self.db.session() as s:
            ev = s.get(Evidence, evidence_id)
            if ev is None or ev.deleted:
                raise NotFound(f"No existe la evidencia «{evidence_id}».")
            return _row(ev)

    def file_path(self, evidence_id: str) -> Path:
        """Where the stored copy of a FILE evidence is (UserError if it is a link or missing)."""
        ev = self.get(evidence_id)
        if ev.kind != "FILE" or not ev.sha256:
            raise UserError(f"La evidencia «{ev.label}» es un enlace, no un archivo.")
        blob = self._blob(ev.sha256)
        if blob is None:
            raise UserError(
                f"Falta el archivo de la evidencia «{ev.label}» en la carpeta de evidencias "
                f"({self.store}). Restaure la copia de seguridad o vuelva a adjuntarlo."
            )
        return blob

    @property
    def key(self) -> bytes | None:
        """The key of this store's files when the database is encrypted (None: plain files). Not
        cached: a plain database converted while the GUI runs stores its next files encrypted."""
        return files.evidence_key(self.db)

    def chunks(self, evidence_id: str) -> Iterator[bytes]:
        """The bytes of a FILE evidence as attached (decrypted when the store is encrypted)."""
        ev = self.get(evidence_id)
        return files.evidence_chunks(self.file_path(evidence_id), self.key, ev.filename or ev.label)

    def read_bytes(self, evidence_id: str) -> bytes:
        return b"".join(self.chunks(evidence_id))

    def export_to(self, evidence_id: str, dest: Path) -> Path:
        """Write the evidence file, readable (decrypted), to `dest`."""
        from rcdesk.reports.output import write_file

        chunks = self.chunks(evidence_id)

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as out:
                for data in chunks:
                    out.write(data)

        return write_file(dest, write)

    def viewable_path(self, evidence_id: str) -> Path:
        """A path the system viewer can open: the stored file when it is plain, else a decrypted
        copy in this process's private view folder (removed at exit, see rcdesk.security.files)."""
        blob = self.file_path(evidence_id)
        key = self.key
        if key is None and not files.is_encrypted(blob):
            return blob
        ev = self.get(evidence_id)
        name = ev.filename or f"{blob.name[:64]}{blob.suffix}"
        chunks = files.evidence_chunks(blob, key, ev.filename or ev.label)
        return files.view_copy(chunks, self.db.paths.data if self.db.paths else self.store, name)

    def remove(self, evidence_id: str) -> None:
        """Tombstone the link; the stored file stays (other records may share it)."""
        with self.db.begin() as s:
            ev = s.get(Evidence, evidence_id)
            if ev is None or ev.deleted:
                raise NotFound(f"No existe la evidencia «{evidence_id}».")
            ev.deleted = True

    def verify(self, evidence_id: str) -> bool:
        """True when the stored file still has its recorded SHA-256 (links: always True)."""
        ev = self.get(evidence_id)
        if ev.kind != "FILE":
            return True
        blob = self._blob(ev.sha256 or "")
        if blob is None:
            return False
        digest = hashlib.sha256()
        try:
            for chunk in files.evidence_chunks(blob, self.key, ev.filename or ev.label):
                digest.update(chunk)
        except UserError:  # an encrypted file damaged or altered
            return False
        return digest.hexdigest() == ev.sha256

    def _blob(self, sha: str) -> Path | None:
        if len(sha) != 64:
            return None
        shard = self.store / sha[:2]
        for cand in shard.glob(f"{sha}*") if shard.is_dir() else ():
            if cand.is_file():
                return cand
        if self._shared():  # stored at another operator's desktop: from the server database
            from rcdesk.db import shared_blobs

            return shared_blobs.fetch(self.db, sha)
        return None

    def _shared(self) -> bool:
        """This store is a server database's (its files are kept in the database too)."""
        return self.db.is_server and self.db.paths is not None and self._store == self.db.paths.evidence


def _copy_in(src: IO[bytes], out: IO[bytes], key: bytes | None) -> tuple[str, int]:
    """Copy `src` into `out` (sealed when `key`): SHA-256 and size of the plaintext."""
    digest = hashlib.sha256()
    size = 0
    sink = files.EncryptingWriter(out, key) if key is not None else out
    while chunk := src.read(_CHUNK):
        digest.update(chunk)
        sink.write(chunk)
        size += len(chunk)
    if isinstance(sink, files.EncryptingWriter):
        sink.close()
    return digest.hexdigest(), size


def _safe_ext(suffix: str) -> str:
    ext = suffix.lower()
    if len(ext) > 10 or not ext[1:].isalnum():
        return ""
    return ext


def _check_owner(owner_type: str, owner_id: str) -> None:
    if not clean(owner_type) or not clean(owner_id):
        raise UserError("La evidencia necesita a qué registro pertenece.")


def _row(ev: Evidence) -> EvidenceRow:
    return EvidenceRow(
        ev.id, ev.owner_type, ev.owner_id, ev.kind, ev.title or "", ev.filename, ev.size, ev.mime, ev.sha256, ev.url
    )


__all__ = ["EvidenceRow", "EvidenceService", "StagedFile", "check_url", "human_size"]
