"""The key file of an encrypted database: its data key, wrapped by the passphrase.

A random 32-byte data key is made once per database and never changes; a passphrase change only
re-wraps it, so the database file is never rewritten and a crash in the middle leaves either the
old key file or the new one (the file is replaced atomically). The key file sits next to the
database as `<file name>.llave` (JSON):

    {"formato": "rcdesk-llave", "version": 1, "instalacion": id | null,
     "kdf": {"alg": "argon2id", "salt": b64, "memory_kib": n, "iterations": n, "lanes": n},
     "nonce": b64, "clave_envuelta": b64,        # AES-256-GCM(kek, nonce, data key, aad=_AAD)
     "recuperacion": null | {"sede_cifrado_publica": b64, "efimera": b64, "sellada": b64, "fecha": iso}}

`recuperacion` is the data key sealed for headquarters' X25519 public key (the same hybrid scheme
as the personal members of a field package), so headquarters can recover a lost passphrase and the
laptop holds no back door of its own. Purpose keys (`subkey`) keep the SQLCipher key, the evidence
key and any other file key independent of each other.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# `cryptography` is imported where a key is wrapped, unwrapped or derived: every start-up asks
# `is_encrypted`, and a plain database's start-up must not pay ~10 ms for it (issue 14)
from rcdesk.errors import UserError
from rcdesk.security import kdf

FORMAT = "rcdesk-llave"
VERSION = 1
SUFFIX = ".llave"
DATA_KEY_BYTES = 32
MIN_PASSPHRASE = 8
_AAD = b"rcdesk-llave-v1"
_RECOVERY_AAD = b"rcdesk-llave-recuperacion-v1"
_SUBKEY_INFO = b"rcdesk-reposo-v1 "
PURPOSES = ("base-de-datos", "evidencias", "archivos")


class WrongPassphrase(UserError):
    def __init__(self) -> None:
        super().__init__("La contraseña no es correcta.")


class KeyFileError(UserError):
    """The key file is missing or cannot be read; the message names it."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, path: Path, field: str) -> bytes:
    try:
        if not isinstance(text, str):
            raise ValueError(field)
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise _damaged(path, f"campo «{field}» ilegible") from exc


def _damaged(path: Path, why: str) -> KeyFileError:
    return KeyFileError(
        f"El archivo de llave «{path}» está dañado ({why}). Restáurelo desde una copia de seguridad "
        "(el archivo «.llave» junto a la copia) o pida a la sede central que recupere la base de datos."
    )


def key_file(db_path: Path) -> Path:
    """`<database file name>.llave`, next to the database."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


def is_encrypted(db_path: Path) -> bool:
    """The file is an SQLCipher database: not empty, no plain SQLite header (see rcdesk/db/driver.py)."""
    from rcdesk.db.driver import is_encrypted as encrypted

    return encrypted(Path(db_path))


def check_passphrase_strength(p: str) -> str | None:
    """A Spanish reason why `p` is too weak to protect a laptop's data, or None."""
    if len(p) < MIN_PASSPHRASE:
        return f"La contraseña debe tener al menos {MIN_PASSPHRASE} caracteres."
    if not p.strip():
        return "La contraseña no puede ser solo espacios."
    if len(set(p)) < 3:
        return "La contraseña repite casi siempre el mismo carácter; elija una más variada."
    if (p.isdigit() and p in "01234567890123456789") or p.lower() in _COMMON:
        return "Esa contraseña es demasiado común; elija otra."
    return None


_COMMON = {"contraseña", "password", "12345678", "123456789", "qwertyui", "rcdesk123", "abcdefgh", "abcd1234"}


# -- reading and writing the key file --------------------------------------------------------
def read_key_file(path: Path) -> dict[str, Any]:
    """The key file's JSON, checked; KeyFileError (Spanish, naming the file) when missing or damaged."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise KeyFileError(
            f"Falta el archivo de llave «{path}» de la base de datos cifrada. Sin él la base no se puede "
            "abrir: restáurelo desde una copia de seguridad (el archivo «.llave» junto a la copia) o pida "
            "a la sede central que recupere la base de datos."
        ) from exc
    except OSError as exc:
        raise KeyFileError(f"No se pudo leer el archivo de llave «{path}»: {exc.strerror or exc}.") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _damaged(path, "no es JSON válido") from exc
    if not isinstance(data, dict) or data.get("formato") != FORMAT:
        raise _damaged(path, "no es un archivo de llave de rcdesk")
    if data.get("version") != VERSION:
        raise KeyFileError(
            f"El archivo de llave «{path}» es de una versión más reciente de rcdesk "
            f"(versión {data.get('version')}). Actualice rcdesk para abrir la base de datos."
        )
    _params(data, path)
    if len(_unb64(data.get("nonce"), path, "nonce")) != 12:
        raise _damaged(path, "campo «nonce» con longitud incorrecta")
    _unb64(data.get("clave_envuelta"), path, "clave_envuelta")
    return data


def _params(data: dict[str, Any], path: Path) -> kdf.KdfParams:
    k = data.get("kdf")
    if not isinstance(k, dict) or k.get("alg") != kdf.ALG:
        raise _damaged(path, "derivación de clave desconocida")
    try:
        params = kdf.KdfParams(
            salt=_unb64(k.get("salt"), path, "kdf.salt"),
            memory_kib=k["memory_kib"],
            iterations=k["iterations"],
            lanes=k["lanes"],
        )
    except KeyError as exc:
        raise _damaged(path, f"falta «kdf.{exc.args[0]}»") from exc
    why = params.check()
    if why is not None:
        raise _damaged(path, f"parámetros de derivación no válidos: {why}")
    return params


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    """tmp + fsync + os.replace + fsync of the folder: a crash leaves the old file or the new one."""
    text = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"No se pudo escribir el archivo de llave «{path}»: {exc.strerror or exc}.") from exc
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _wrap(data_key: bytes, passphrase: str) -> dict[str, Any]:
    params = kdf.KdfParams.fresh()
    kek = kdf.derive(passphrase, params)
    nonce = os.urandom(12)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return {
        "kdf": {
            "alg": kdf.ALG,
            "salt": _b64(params.salt),
            "memory_kib": params.memory_kib,
            "iterations": params.iterations,
            "lanes": params.lanes,
        },
        "nonce": _b64(nonce),
        "clave_envuelta": _b64(AESGCM(kek).encrypt(nonce, data_key, _AAD)),
    }


# -- the API ------------------------------------------------------------------------------------
def create(db_path: Path, passphrase: str, installation_id: str | None = None) -> bytes:
    """A new data key for the database at `db_path`, wrapped by `passphrase` into its key file.

    Refused when the database already exists encrypted (its key would be lost). A key file left
    next to a database that is still plain (a conversion that crashed before the database was
    replaced) protects nothing yet and is replaced. The caller checks the passphrase's strength
    (`check_passphrase_strength`) where it can ask again."""
    db_path = Path(db_path)
    if is_encrypted(db_path):
        raise UserError(
            f"La base de datos «{db_path}» ya está cifrada. Para cambiar su contraseña use «rcdesk passphrase change»."
        )
    if not passphrase:
        raise UserError("Escriba una contraseña.")
    data_key = os.urandom(DATA_KEY_BYTES)
    doc: dict[str, Any] = {"formato": FORMAT, "version": VERSION, "instalacion": installation_id}
    doc.update(_wrap(data_key, passphrase))
    doc["recuperacion"] = None
    _write_atomic(key_file(db_path), doc)
    return data_key


def unwrap(doc: dict[str, Any], passphrase: str, path: Path) -> bytes:
    """The data key of an already-read key file `doc` (read from `path`), or WrongPassphrase."""
    kek = kdf.derive(passphrase, _params(doc, path))
    nonce = _unb64(doc["nonce"], path, "nonce")
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        data_key = AESGCM(kek).decrypt(nonce, _unb64(doc["clave_envuelta"], path, "clave_envuelta"), _AAD)
    except InvalidTag as exc:
        raise WrongPassphrase() from exc
    if len(data_key) != DATA_KEY_BYTES:
        raise _damaged(path, "clave de longitud incorrecta")
    return data_key


def unlock(db_path: Path, passphrase: str) -> bytes:
    """The data key of the database at `db_path`; WrongPassphrase, or KeyFileError for its key file."""
    path = key_file(Path(db_path))
    return unwrap(read_key_file(path), passphrase, path)


def change_passphrase(db_path: Path, old: str, new: str) -> None:
    """Re-wrap the data key with `new` (the database file is untouched); atomic. The caller checks
    `new` with `check_passphrase_strength` (it asks the user again)."""
    rewrap(db_path, unlock(db_path, old), new)


def rewrap(db_path: Path, data_key: bytes, new_passphrase: str, *, installation_id: str | None = None) -> None:
    """Write the key file of `db_path` with `data_key` wrapped by `new_passphrase`, keeping the
    installation id and the headquarters seal of the current key file; when that file is missing or
    damaged (recovery after its loss) a new one is written with `installation_id`."""
    if len(data_key) != DATA_KEY_BYTES:
        raise ValueError("data key must be 32 bytes")
    if not new_passphrase:
        raise UserError("Escriba una contraseña.")
    path = key_file(Path(db_path))
    try:
        doc = read_key_file(path)
    except KeyFileError:
        doc = {"formato": FORMAT, "version": VERSION, "instalacion": installation_id, "recuperacion": None}
    doc.update(_wrap(data_key, new_passphrase))
    _write_atomic(path, doc)


def installation_of(db_path: Path) -> str | None:
    """The installation id recorded in the key file of `db_path` (None if none or unreadable)."""
    try:
        value = read_key_file(key_file(Path(db_path))).get("instalacion")
    except KeyFileError:
        return None
    return value if isinstance(value, str) else None


def set_installation(db_path: Path, installation_id: str) -> bool:
    """Record the installation id in the key file (True if it changed)."""
    path = key_file(Path(db_path))
    doc = read_key_file(path)
    if doc.get("instalacion") == installation_id:
        return False
    doc["instalacion"] = installation_id
    _write_atomic(path, doc)
    return True


# -- recovery by headquarters ---------------------------------------------------------------
def seal_for_headquarters(db_path: Path, data_key: bytes, hq_encrypt_public_b64: str) -> bool:
    """Store `data_key` sealed for headquarters' X25519 public key in the key file; True if it changed
    (False when it is already sealed for that key)."""
    from rcdesk.sync.keys import Sealer

    path = key_file(Path(db_path))
    doc = read_key_file(path)
    current = doc.get("recuperacion")
    if isinstance(current, dict) and current.get("sede_cifrado_publica") == hq_encrypt_public_b64:
        return False
    sealer = Sealer(hq_encrypt_public_b64)
    doc["recuperacion"] = {
        "sede_cifrado_publica": hq_encrypt_public_b64,
        "efimera": sealer.ephemeral_public,
        "sellada": _b64(sealer.seal(data_key, _RECOVERY_AAD)),
        "fecha": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    _write_atomic(path, doc)
    return True


def open_sealed(recovery: dict[str, Any], enc_key: Any) -> bytes:
    """The data key inside a `recuperacion` entry, opened with headquarters' X25519 private key;
    UserError (Spanish) when it was sealed for another key or is damaged."""
    from rcdesk.sync.keys import Opener, unb64

    try:
        opener = Opener(enc_key, str(recovery["efimera"]))
        sealed = unb64(str(recovery["sellada"]))
    except (KeyError, ValueError, TypeError, binascii.Error) as exc:
        raise UserError("La copia sellada de la llave está incompleta o dañada.") from exc
    data_key = opener.open(sealed, _RECOVERY_AAD)
    if len(data_key) != DATA_KEY_BYTES:
        raise UserError("La copia sellada de la llave está dañada.")
    return data_key


def subkey(data_key: bytes, purpose: str) -> bytes:
    """The 32-byte key of one purpose ("base-de-datos", "evidencias", "archivos"), independent of the others."""
    if not purpose:
        raise ValueError("empty key purpose")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SUBKEY_INFO + purpose.encode("ascii"))
    return hkdf.derive(data_key)
