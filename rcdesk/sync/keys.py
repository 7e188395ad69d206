"""This installation's keys: Ed25519 to sign packages, X25519 to receive encrypted data.

Every installation gets both pairs when first needed (only headquarters' encryption key is
used, but a field laptop can later become headquarters). Private keys are stored twice:
as PEM files in `paths.keys` (what an administrator sees and backs up) and in the
`sync_key` table, so that every database backup carries them and a restored backup puts
the files back. A server database (headquarters on PostgreSQL) has no key files: its keys live
only in `sync_key`, sealed under headquarters' passphrase (`rcdesk.sync.hq_keys`). Export/import uses PKCS#8 with a passphrase (`BestAvailableEncryption`,
scrypt-based in current `cryptography`). All primitives come from `cryptography`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from rcdesk.errors import UserError
from rcdesk.sync.keyring import (  # also where callers of keys find them
    ENCRYPT,
    SIGN,
    KeyRing,
    _enc_key,
    _load_pem,
    _pem,
    _raw_public,
    _sign_key,
    b64,
    unb64,
)
from rcdesk.sync.sealed import CHUNK, SealedWriter, open_chunks

_FILES = {SIGN: "firma-privada.pem", ENCRYPT: "cifrado-privada.pem"}
_PUB_FILES = {SIGN: "firma-publica.txt", ENCRYPT: "cifrado-publica.txt"}
KEY_EXPORT_FORMAT = "rcdesk-claves"
_HKDF_INFO = b"rcdesk-paquete-v1 x25519-hkdf-sha256-aes256gcm"


def fingerprint(public_b64: str | None) -> str:
    """Short human-comparable fingerprint of a public key: 8 groups of 4 hex digits."""
    if not public_b64:
        return "—"
    h = hashlib.sha256(unb64(public_b64)).hexdigest()[:32].upper()
    return " ".join(h[i : i + 4] for i in range(0, 32, 4))


PrivateKey = TypeVar("PrivateKey", Ed25519PrivateKey, X25519PrivateKey)
_KEY_WORDS = {SIGN: "de firma (Ed25519)", ENCRYPT: "de cifrado (X25519)"}


def verify(public_b64: str, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public_b64)).verify(signature, data)
        return True
    except (InvalidSignature, ValueError):
        return False


# -- hybrid encryption for headquarters ------------------------------------------------
def _derive(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(shared)


class Sealer:
    """Encrypts members of one package for one recipient (one ephemeral X25519 key)."""

    def __init__(self, recipient_public_b64: str) -> None:
        eph = X25519PrivateKey.generate()
        self.ephemeral_public = b64(_raw_public(eph))
        shared = eph.exchange(X25519PublicKey.from_public_bytes(unb64(recipient_public_b64)))
        self._aead = AESGCM(_derive(shared))

    def seal(self, data: bytes, aad: bytes) -> bytes:
        import os

        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data, aad)

    def writer(self, out: IO[bytes], aad: bytes, *, chunk: int = CHUNK) -> SealedWriter:
        """A compressing, chunk-sealing writer into `out` (format 2, see `rcdesk.sync.sealed`)."""
        import os

        return SealedWriter(self._aead, aad, out, chunk=chunk, prefix=os.urandom(8))


class Opener:
    def __init__(self, enc_key: X25519PrivateKey, ephemeral_public_b64: str) -> None:
        shared = enc_key.exchange(X25519PublicKey.from_public_bytes(unb64(ephemeral_public_b64)))
        self._aead = AESGCM(_derive(shared))

    def open(self, blob: bytes, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            return self._aead.decrypt(blob[:12], blob[12:], aad)
        except (InvalidTag, ValueError) as exc:
            raise UserError(
                "Los datos personales cifrados del paquete no se pueden descifrar con la "
                "clave de esta sede central (paquete dañado o cifrado para otra sede)."
            ) from exc

    def open_stream(self, sealed: Iterable[bytes], aad: bytes, *, chunk: int, limit: int, what: str) -> Iterator[bytes]:
        """The plaintext of a format-2 member read as `sealed` pieces, every chunk authenticated."""
        return open_chunks(self._aead, aad, sealed, chunk=chunk, limit=limit, what=what)


# -- storage ---------------------------------------------------------------------------
def load_or_create(db, s=None) -> KeyRing:
    """This installation's keys; created on first use. Pass an open session `s` if any."""
    cached = getattr(db, "_sync_keyring", None)
    if cached is not None:
        return cached
    if getattr(db, "is_server", False):  # sealed under headquarters' passphrase (hq_keys.py)
        from rcdesk.sync.hq_keys import unlock

        ring = unlock(db)
    elif s is None:
        with db.begin(stamp="off") as s2:
            ring = _load_or_create(db, s2)
    else:
        ring = _load_or_create(db, s)
    db._sync_keyring = ring
    return ring


def public_keys(db) -> tuple[str | None, str | None]:
    """(signing, encryption) public keys, without opening the private ones: showing a fingerprint
    asks no passphrase on a server (None there while headquarters has no keys yet)."""
    cached = getattr(db, "_sync_keyring", None)
    if cached is None and not getattr(db, "is_server", False):
        cached = load_or_create(db)
    if cached is not None:
        return cached.sign_public, cached.enc_public
    from rcdesk.models.sync import SyncKey

    t = SyncKey.__table__
    with db.connect(write=False) as conn:
        rows = {kind: public for kind, public in conn.execute(select(t.c.kind, t.c.public_b64))}
    return rows.get(SIGN), rows.get(ENCRYPT)


def _load_or_create(db, s) -> KeyRing:
    from rcdesk.models.sync import SyncKey

    rows = {k.kind: k for k in s.scalars(select(SyncKey))}
    folder = key_folder(db)
    ring = KeyRing(
        _stored_key(rows, folder, SIGN, _sign_key) or Ed25519PrivateKey.generate(),
        _stored_key(rows, folder, ENCRYPT, _enc_key) or X25519PrivateKey.generate(),
    )
    for kind, key in ((SIGN, ring.sign_key), (ENCRYPT, ring.enc_key)):
        pub = b64(_raw_public(key))
        if kind not in rows:
            s.add(SyncKey(kind=kind, private_pem=_pem(key), public_b64=pub))
        elif rows[kind].public_b64 != pub:  # the files win (an administrator replaced them)
            rows[kind].private_pem = _pem(key)
            rows[kind].public_b64 = pub
    if folder is not None:
        _write_files(folder, ring)
    return ring


def key_folder(db) -> Path | None:
    """Where this installation's key files live, if anywhere. A server database has none: every
    operator's desktop reads the keys from the database, the one copy they share, so a stale file
    at one desktop (which would win, see `_stored_key`) can never replace headquarters' key."""
    if db.paths is None or getattr(db, "is_server", False):
        return None
    return Path(db.paths.keys)


def _stored_key(rows: dict, folder: Path | None, kind: str, check: Callable[[object], PrivateKey]) -> PrivateKey | None:
    """The key from its file (which wins), else from the database; None when there is none yet."""
    path = folder / _FILES[kind] if folder is not None else None
    if path is not None and path.is_file():
        try:
            return check(_load_pem(path.read_text("ascii")))
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise UserError(
                f"«{path}» no es la clave privada {_KEY_WORDS[kind]} de esta instalación (archivo dañado o "
                "intercambiado). No se ha modificado nada: devuelva a la carpeta de claves la copia correcta, "
                "o retire el archivo para usar la clave guardada en la base de datos."
            ) from exc
    if kind in rows:
        return check(_load_pem(rows[kind].private_pem))
    return None


def _write_files(folder: Path, ring: KeyRing) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for kind, key in ((SIGN, ring.sign_key), (ENCRYPT, ring.enc_key)):
        path = folder / _FILES[kind]
        pem = _pem(key)
        if not path.is_file() or path.read_text("ascii") != pem:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(pem, "ascii")
            try:
                tmp.chmod(0o600)
            except OSError:
                pass
            tmp.replace(path)
    (folder / _PUB_FILES[SIGN]).write_text(ring.sign_public + "\n", "ascii")
    (folder / _PUB_FILES[ENCRYPT]).write_text(ring.enc_public + "\n", "ascii")


def backup_keys(db, dest_dir: Path) -> bool:
    """Copy the key files next to a database backup (called by `rcdesk backup`)."""
    if key_folder(db) is None:
        return False
    load_or_create(db)
    src = Path(db.paths.keys)
    if not src.is_dir() or not any(src.iterdir()):
        return False
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file():
            shutil.copy2(f, dest / f.name)
    return True


def export_keys(db, passphrase: str) -> bytes:
    """A JSON file with both private keys encrypted with `passphrase` (PKCS#8)."""
    if len(passphrase) < 8:
        raise UserError("La frase de paso debe tener al menos 8 caracteres.")
    ring = load_or_create(db)
    pw = passphrase.encode("utf-8")
    doc = {
        "format": KEY_EXPORT_FORMAT,
        "format_version": 1,
        "installation_id": db.installation_id,
        "installation_name": db.installation_name,
        "role": db.role,
        "sign_private_pem": _pem(ring.sign_key, pw),
        "enc_private_pem": _pem(ring.enc_key, pw),
        "sign_public": ring.sign_public,
        "enc_public": ring.enc_public,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def import_keys(db, data: bytes, passphrase: str) -> KeyRing:
    """Replace this installation's keys with exported ones (same installation only)."""
    from rcdesk.models.sync import SyncKey

    try:
        doc = json.loads(data.decode("utf-8"))
        if doc.get("format") != KEY_EXPORT_FORMAT:
            raise ValueError
    except (ValueError, UnicodeDecodeError, AttributeError) as exc:
        raise UserError("El archivo no es una exportación de claves de rcdesk.") from exc
    if doc.get("installation_id") != db.installation_id:
        raise UserError(
            f"Las claves pertenecen a otra instalación ({doc.get('installation_name')}, "
            f"{doc.get('installation_id')}); esta es {db.installation_name} ({db.installation_id}). "
            "Para trasladar una instalación completa restaure su copia de seguridad."
        )
    pw = passphrase.encode("utf-8")
    try:
        sign_key = _sign_key(_load_pem(doc["sign_private_pem"], pw))
        enc_key = _enc_key(_load_pem(doc["enc_private_pem"], pw))
    except (ValueError, TypeError, KeyError) as exc:
        raise UserError("La frase de paso no es correcta o el archivo de claves está dañado.") from exc
    ring = KeyRing(sign_key, enc_key)
    if getattr(db, "is_server", False):
        from rcdesk.sync.hq_keys import replace

        replace(db, ring)
        db._sync_keyring = ring
        return ring
    with db.begin(stamp="off") as s:
        for kind, key in ((SIGN, sign_key), (ENCRYPT, enc_key)):
            row = s.get(SyncKey, kind)
            if row is None:
                s.add(SyncKey(kind=kind, private_pem=_pem(key), public_b64=b64(_raw_public(key))))
            else:
                row.private_pem = _pem(key)
                row.public_b64 = b64(_raw_public(key))
    folder = key_folder(db)
    if folder is not None:
        for kind in (SIGN, ENCRYPT):
            (folder / _FILES[kind]).unlink(missing_ok=True)
        _write_files(folder, ring)
    db._sync_keyring = ring
    return ring
