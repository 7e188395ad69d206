"""Evidence files travelling in packages: finding them in the content store, storing them.

A record names its file by SHA-256 (`<store>/<sha[:2]>/<sha>[.ext]`); a file that comes in
a package is hashed while it is copied, so an altered file never enters the store. On an
encrypted database the store's files are encrypted (`rcdesk.security.files`): they are
decrypted into the package being written and encrypted as they come out of one.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rcdesk.errors import UserError
from rcdesk.jobs import CancelToken
from rcdesk.security import files
from rcdesk.sync.import_report import PackageReport
from rcdesk.sync.package import MAX_MEMBER_BYTES, SEALED_EVIDENCE, OpenedPackage, PackageWriter
from rcdesk.sync.scope import is_evidence_table
from rcdesk.sync.tables import EVIDENCE_HASH_COLUMN
from rcdesk.sync.verify import TableRows

_BLOB_RE = re.compile(r"[0-9a-f]{64}(\.[a-z0-9]{1,8})?")


def find_blob(db, sha: str) -> Path | None:
    """The stored evidence file `<store>/<sha[:2]>/<sha>[.ext]`, if present."""
    if db.paths is None:
        return None
    shard = db.paths.evidence / sha[:2]
    for cand in sorted(shard.glob(f"{sha}*")) if shard.is_dir() else ():
        if cand.is_file() and _BLOB_RE.fullmatch(cand.name.lower()):
            return cand
    from rcdesk.db import shared_blobs

    return shared_blobs.fetch(db, sha)  # a server's file stored at another operator's desktop


def store_evidence(db, pkg: OpenedPackage, referenced: set[str], report: PackageReport, *, opener=None) -> None:
    """Copy the package's evidence files into the content store, checking every hash; warn about
    the files its records name (`referenced`, see `evidence_hashes`) that neither came nor are here.
    `opener`: headquarters' opener of the package's sealed members (`SEALED_EVIDENCE` files)."""
    names = [n for n in pkg.manifest["members"] if n.startswith(("evidence/", SEALED_EVIDENCE))]
    store = db.paths.evidence if db.paths is not None else None
    for n in names:
        fname = n.split("/", 1)[1]
        sha = fname[:64]
        chunks = _member_chunks(pkg, n, opener)
        if store is None:
            got = _digest(chunks, None)
        else:
            got = _copy_into_store(db, chunks, store / sha[:2] / fname)
        if got != sha:
            raise UserError(
                f"«{pkg.file_name}»: el archivo de evidencia «{n}» no coincide con su huella SHA-256 "
                "(archivo alterado); no se importó nada."
            )
    carried = {n.split("/", 1)[1][:64] for n in names}
    missing = [s for s in referenced - carried if store is None or find_blob(db, s) is None]
    if missing:
        report.warnings.append(
            f"{len(missing)} archivo(s) de evidencia no vinieron en el paquete ni están en la "
            "sede (evidencia faltante)."
        )


def _member_chunks(pkg: OpenedPackage, name: str, opener) -> Iterator[bytes]:
    """The bytes of an evidence member as attached (a sealed one decrypted, every chunk checked)."""
    if not name.startswith(SEALED_EVIDENCE):
        yield from pkg.checked(name)
        return
    if opener is None:
        raise UserError(
            f"«{pkg.file_name}» trae archivos de evidencia cifrados para la sede central; solo la sede "
            "puede importarlos."
        )
    enc = pkg.manifest.get("encryption") or {}
    aad = name.encode("ascii") + b"|" + str(pkg.manifest.get("package_id")).encode()
    try:
        yield from opener.open_stream(
            pkg.checked(name), aad, chunk=enc.get("chunk"), limit=MAX_MEMBER_BYTES, what=f"«{pkg.file_name}»"
        )
    except UserError as exc:
        raise UserError(
            f"«{pkg.file_name}»: el archivo de evidencia «{name}» está dañado o fue alterado (no se puede "
            "descifrar ni comprobar su huella SHA-256); no se importó nada."
        ) from exc


def _digest(chunks: Iterable[bytes], out) -> str:
    """SHA-256 of `chunks`, written to `out` on the way when given."""
    h = hashlib.sha256()
    for data in chunks:
        h.update(data)
        if out is not None:
            out.write(data)
    return h.hexdigest()


def evidence_hashes(tables: Iterable[TableRows]) -> set[str]:
    """The evidence files (SHA-256) that the records of `tables` name."""
    referenced: set[str] = set()
    for tr in tables:
        if is_evidence_table(tr.table) and EVIDENCE_HASH_COLUMN in tr.columns:  # not an acta's fingerprint
            i = tr.columns.index(EVIDENCE_HASH_COLUMN)
            referenced.update(r[i] for r in tr.rows if isinstance(r[i], str) and len(r[i]) == 64)
    return referenced


def _copy_into_store(db, chunks: Iterable[bytes], dest: Path) -> str:
    """Stream `chunks` to `dest` through a partial file; returns the hash of what was read."""
    sha = dest.name[:64]
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.parcial")
    key = files.evidence_key(db)
    try:
        with open(tmp, "wb") as fh:
            if key is None:
                got = _digest(chunks, fh)
            else:  # an encrypted database's evidence is stored encrypted, as it comes
                sealed = files.EncryptingWriter(fh, key)
                got = _digest(chunks, sealed)
                sealed.close()
        if got == sha and find_blob(db, sha) is None:
            os.replace(tmp, dest)
            from rcdesk.db import shared_blobs

            shared_blobs.upload(db, dest)  # every operator of a server database sees it
    finally:
        tmp.unlink(missing_ok=True)
    return got


def carry_evidence(db, writer: PackageWriter, hashes: set[str], cancel: CancelToken, *, sealer=None) -> tuple[int, int]:
    """Add the stored files of `hashes` to a package being written: (carried, missing). With the
    `sealer` of a field package and an encrypted database, each file is sealed for headquarters
    (`SEALED_EVIDENCE`): what is encrypted on the laptop's disk stays so in the package."""
    carried = missing = 0
    key = files.evidence_key(db)
    for sha in sorted(hashes):
        cancel.check()
        src = find_blob(db, sha)
        if src is None:
            missing += 1
            continue
        name = src.name.lower()
        if sealer is not None and key is not None:
            with writer.sealed_member(f"{SEALED_EVIDENCE}{name}", sealer) as sw:
                for data in files.evidence_chunks(src, key):
                    sw.write(data)
            writer.format_version = max(writer.format_version, 3)
        else:
            # the package carries the file as attached: its member hash is the record's SHA-256
            with writer.member(f"evidence/{name}") as out:
                for data in files.evidence_chunks(src, key):
                    out.write(data)
        carried += 1
    return carried, missing
