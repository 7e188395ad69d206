"""A lost passphrase never means lost data: the data key sealed for headquarters (issue 16).

A field laptop's database key is wrapped under the technician's passphrase in the key file
(`<database>.llave`, see `vault`). Once the laptop knows headquarters' encryption public key
(pinned by the first base package) the same data key is also sealed for that key
(`vault.seal_for_headquarters`, X25519 + HKDF + AES-GCM, the construction of the packages'
personal members) and stored in the key file's `recuperacion` entry. Only headquarters'
private key opens it: nothing on the laptop can unwrap the data key without the passphrase.

The sealed copy travels to headquarters in every field package, as the signed manifest's
`recuperacion` entry (an entry older headquarters simply ignore, where an unknown ZIP member
would make them refuse the whole package). Headquarters keeps it with the package's log line
(`sync_package.report`, JSON) when it consolidates the package, so a laptop whose key file
is lost or damaged too can still be recovered, by installation id, from headquarters'
database.

Recovery (`recover_database`) opens the sealed copy with headquarters' encryption private key
(from an exported key file `claves.json`, or from this installation when it is that
headquarters), checks that the key really opens the technician's database, and writes a new
key file wrapped under a new passphrase (`vault.rewrap`): the database itself is not touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select

from rcdesk.errors import UserError
from rcdesk.models.core import ROLE_HQ
from rcdesk.security import unlocked, vault
from rcdesk.sync.keys import KEY_EXPORT_FORMAT, b64, fingerprint

ENTRY = "recuperacion"  # the manifest's entry and the key of the package log's report
# the key file's `recuperacion` entry (`vault.seal_for_headquarters`): what travels and is kept
SEALED_FIELDS = ("sede_cifrado_publica", "efimera", "sellada", "fecha")
_MAX_SEALED = 4096  # a sealed 32-byte key is well under 200 characters; refuse anything absurd


# -- the field laptop --------------------------------------------------------------------
def local_database(db) -> Path | None:
    """The database file of `db` (None for a server or an in-memory database)."""
    if db.paths is None or getattr(db, "is_server", False):
        return None
    return Path(db.paths.database)


def _hq_public(db) -> str | None:
    from rcdesk.sync.field_package import headquarters

    with db.connect(write=False) as conn:
        hq = headquarters(conn)
    return hq["enc_public"] if hq is not None and hq["enc_public"] else None


def seal_for_headquarters(db, hq_enc_public: str | None = None) -> bool:
    """Seal this database's data key for headquarters when it is encrypted, unlocked and
    headquarters is known, and the key file has no seal for that key yet. True if it changed."""
    path = local_database(db)
    if path is None or not vault.is_encrypted(path):
        return False
    data_key = unlocked.key_for(path)
    if data_key is None:
        return False
    public = hq_enc_public or _hq_public(db)
    if not public:
        return False
    if db.installation_id and vault.installation_of(path) is None:  # a database converted from plain
        vault.set_installation(path, db.installation_id)  # names it even if the key file is damaged later
    return vault.seal_for_headquarters(path, data_key, public)


def seal_after_base_package(db, warnings: list[str]) -> None:
    """After a base package went in (it may have pinned or changed headquarters' key). The import
    is committed by now: a key file that cannot be written is a warning, tried again at the next
    package export, not a refusal of what was imported."""
    try:
        seal_for_headquarters(db)
    except (OSError, UserError):
        warnings.append(
            "No se pudo preparar la copia de recuperación de la contraseña para la sede (archivo de llave "
            "no escribible); se intentará de nuevo al exportar el próximo paquete."
        )


def outgoing_entry(db, hq_enc_public: str) -> dict | None:
    """What the next field package carries (sealing first if needed): None for a plain database.
    A key file that cannot be written does not stop the package (its records matter more); the
    seal is tried again with the next one and the Claves tab keeps saying it is pending."""
    try:
        seal_for_headquarters(db, hq_enc_public)
    except (OSError, UserError):
        pass
    path = local_database(db)
    if path is None or not vault.is_encrypted(path):
        return None
    try:
        rec = vault.read_key_file(vault.key_file(path)).get(ENTRY)
    except UserError:
        return None
    if not isinstance(rec, dict) or rec.get("sede_cifrado_publica") != hq_enc_public:
        return None
    return {"instalacion": db.installation_id, **{k: rec.get(k) for k in SEALED_FIELDS}}


@dataclass(frozen=True)
class RecoveryStatus:
    """Whether this laptop's recovery copy is sealed and went to headquarters."""

    encrypted: bool
    hq_known: bool
    sealed_at: datetime | None
    sent_at: datetime | None

    @property
    def text(self) -> str:
        if not self.encrypted:
            return ""
        if self.sent_at is not None:
            # the day only: stored times are UTC, and the hour would read five hours off in Ecuador
            return f"Copia de recuperación: enviada a la sede el {self.sent_at:%d/%m/%Y}."
        if not self.hq_known:
            return (
                "Copia de recuperación: pendiente: se preparará al importar el paquete base de la sede "
                "y se enviará con el primer paquete."
            )
        return "Copia de recuperación: pendiente: se enviará con el próximo paquete."


def _naive_utc(text: object) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def status(db) -> RecoveryStatus:
    """This installation's recovery copy: sealed? sent (the first field package exported after
    it was sealed carried it: every package carries the current seal)?"""
    from rcdesk.models.sync import SyncPackage

    path = local_database(db)
    if path is None or db.role == ROLE_HQ or not vault.is_encrypted(path):  # headquarters seals for nobody
        return RecoveryStatus(False, False, None, None)
    public = _hq_public(db)
    sealed_at = None
    try:
        rec = vault.read_key_file(vault.key_file(path)).get(ENTRY)
    except UserError:
        rec = None
    if isinstance(rec, dict) and public and rec.get("sede_cifrado_publica") == public:
        sealed_at = _naive_utc(rec.get("fecha"))
    sent_at = None
    if sealed_at is not None:
        pk = SyncPackage.__table__
        with db.connect(write=False) as conn:
            sent_at = conn.execute(
                select(pk.c.processed_at)
                .where(pk.c.direction == "out", pk.c.kind == "field", pk.c.processed_at >= sealed_at)
                .order_by(pk.c.processed_at)
                .limit(1)
            ).scalar()
    return RecoveryStatus(True, public is not None, sealed_at, sent_at)


# -- headquarters: keeping what arrives ----------------------------------------------------
def incoming_entry(manifest: dict) -> dict:
    """`{"recuperacion": {...}}` for the package log's report when a field package carries a
    well-formed sealed copy of its author's key, else {} (a malformed entry is not stored, and
    refuses nothing: the records are what the package is for)."""
    rec = manifest.get(ENTRY)
    author = (manifest.get("installation") or {}).get("id")
    if not isinstance(rec, dict) or rec.get("instalacion") != author:
        return {}
    if not all(isinstance(rec.get(k), str) and 0 < len(rec[k]) <= _MAX_SEALED for k in SEALED_FIELDS):
        return {}
    return {ENTRY: {"instalacion": author, **{k: rec[k] for k in SEALED_FIELDS}}}


def stored_copy(db, installation_id: str, enc_public: str | None = None) -> dict | None:
    """The newest sealed copy headquarters received from `installation_id` (the newest sealed for
    `enc_public` when there is one: headquarters may have replaced its keys since)."""
    from rcdesk.models.sync import SyncPackage

    pk = SyncPackage.__table__
    newest = None
    with db.connect(write=False) as conn:
        rows = conn.execute(
            select(pk.c.report)
            .where(
                pk.c.direction == "in",
                pk.c.kind == "field",
                pk.c.installation_id == installation_id,
                pk.c.report.like(f'%"{ENTRY}"%'),
            )
            .order_by(pk.c.seq.desc(), pk.c.id.desc())
        )
        for (report,) in rows:
            try:
                rec = json.loads(report or "{}").get(ENTRY)
            except (ValueError, AttributeError):
                continue
            if not isinstance(rec, dict) or not rec.get("sellada"):
                continue
            if enc_public is None or rec.get("sede_cifrado_publica") == enc_public:
                return rec
            newest = newest or rec
    return newest


# -- headquarters: recovering ---------------------------------------------------------------
@dataclass(frozen=True)
class HeadquartersKey:
    """Headquarters' encryption private key, and whose it is (for messages)."""

    enc_key: X25519PrivateKey
    name: str

    @property
    def enc_public(self) -> str:
        raw = self.enc_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return b64(raw)


def key_from_export(path: Path, passphrase: str) -> HeadquartersKey:
    """Headquarters' encryption key from its exported key file (`rcdesk keys export`)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != KEY_EXPORT_FORMAT:
            raise ValueError
    except FileNotFoundError as exc:
        raise UserError(f"No existe el archivo de claves «{path}».") from exc
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"«{path.name}» no es una exportación de claves de rcdesk.") from exc
    if doc.get("role") not in (None, "hq"):
        raise UserError(
            f"«{path.name}» son las claves de una instalación de campo ({doc.get('installation_name')}); "
            "la recuperación necesita las claves exportadas de la sede central."
        )
    try:
        key = serialization.load_pem_private_key(
            str(doc["enc_private_pem"]).encode("ascii"), password=passphrase.encode("utf-8")
        )
    except (ValueError, TypeError, KeyError, UnicodeEncodeError) as exc:
        raise UserError(
            f"La frase de paso de «{path.name}» no es correcta o el archivo de claves está dañado. "
            "No se ha modificado nada."
        ) from exc
    if not isinstance(key, X25519PrivateKey):
        raise UserError(f"«{path.name}» no contiene una clave de cifrado de rcdesk.")
    return HeadquartersKey(key, str(doc.get("installation_name") or "la sede"))


def key_of_this_installation(db) -> HeadquartersKey:
    """This installation's own key, when it is headquarters."""
    from rcdesk.sync.keys import load_or_create

    if db.role != ROLE_HQ:
        raise UserError(
            "Esta instalación no es la sede central: la recuperación se hace en la sede, o aquí con el "
            "archivo de claves exportado por la sede."
        )
    return HeadquartersKey(load_or_create(db).enc_key, db.installation_name)


@dataclass(frozen=True)
class RecoveryResult:
    database: Path
    key_file: Path
    installation_id: str | None
    source: str  # "archivo de llave" | "base de la sede"
    sealed_at: str | None

    def as_json(self) -> dict:
        return {
            "database": str(self.database),
            "key_file": str(self.key_file),
            "installation_id": self.installation_id,
            "source": self.source,
            "sealed_at": self.sealed_at,
        }

    @property
    def text(self) -> str:
        origin = "su archivo de llave" if self.source == "archivo de llave" else "la copia guardada en la sede"
        return (
            f"Base recuperada: «{self.database.name}» se abre ahora con la nueva contraseña (clave tomada de "
            f"{origin}). Se escribió el archivo de llave «{self.key_file.name}»; entréguelo al técnico junto "
            "con la base. Los datos no se modificaron."
        )


def _clear_key_file(path: Path) -> dict | None:
    """The key file's JSON as far as it can be read (its `instalacion` is in clear), None if not."""
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return doc if isinstance(doc, dict) else None


def _open_sealed(hq: HeadquartersKey, rec: dict, file: Path) -> bytes:
    if rec.get("sede_cifrado_publica") != hq.enc_public:
        raise UserError(
            f"La copia de recuperación de «{file.name}» está sellada para otra sede central (huella "
            f"{fingerprint(rec.get('sede_cifrado_publica'))}); las claves indicadas son de «{hq.name}» "
            f"(huella {fingerprint(hq.enc_public)}). No se ha modificado nada."
        )
    try:
        return vault.open_sealed(rec, hq.enc_key)
    except UserError as exc:
        raise UserError(
            f"La copia de recuperación de «{file.name}» no se puede abrir con las claves de «{hq.name}» "
            "(copia dañada o sellada para otra sede). No se ha modificado nada."
        ) from exc


def _opens(file: Path, data_key: bytes) -> bool:
    """Whether `data_key` opens the encrypted database `file` (it only reads its schema)."""
    from rcdesk.db import driver

    try:
        conn = driver.connect(file, data_key=data_key)
    except driver.WrongDatabaseKey:
        return False
    except driver.errors():
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except driver.errors():
        return False
    finally:
        conn.close()


def check_file(file: Path) -> None:
    if not file.is_file():
        raise UserError(f"No existe la base de datos «{file}».")
    if not vault.is_encrypted(file):
        raise UserError(
            f"«{file.name}» no está cifrada: se abre sin contraseña y no hay nada que recuperar. "
            "No se ha modificado nada."
        )


def recover_database(
    file: Path,
    hq: HeadquartersKey,
    new_passphrase: str,
    *,
    hq_db: Callable[[], Any] | None = None,
    installation_id: str | None = None,
) -> RecoveryResult:
    """Give `file` (a technician's encrypted database) a new passphrase with headquarters' key.

    The sealed copy comes from the database's key file; when that file is lost or damaged, or
    sealed for a key headquarters no longer has, from the copy headquarters' database (`hq_db()`,
    opened only then) received in the installation's packages. Refused (UserError, nothing
    written) when no copy opens."""
    file = Path(file)
    check_file(file)
    weak = vault.check_passphrase_strength(new_passphrase)
    if weak:
        raise UserError(f"{weak} No se ha modificado nada.")
    doc = _clear_key_file(vault.key_file(file))
    iid = (installation_id or "").strip().lower() or _text((doc or {}).get("instalacion"))
    rec, source = _sealed_copy(file, doc, iid, hq, hq_db)
    data_key = _open_sealed(hq, rec, file)
    if not _opens(file, data_key):
        raise UserError(
            f"La clave recuperada (instalación {rec.get('instalacion') or iid or '?'}) no abre «{file.name}»: "
            "la base es de otra instalación o está dañada. No se ha modificado nada."
        )
    vault.rewrap(file, data_key, new_passphrase, installation_id=rec.get("instalacion") or iid)
    return RecoveryResult(file, vault.key_file(file), rec.get("instalacion") or iid, source, rec.get("fecha"))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _sealed_copy(
    file: Path, doc: dict | None, iid: str | None, hq: HeadquartersKey, hq_db: Callable[[], Any] | None
) -> tuple[dict, str]:
    """The sealed copy to open and where it came from: the key file's when it is sealed for `hq`,
    else the newest headquarters' database received for the installation."""
    rec = (doc or {}).get(ENTRY)
    if isinstance(rec, dict) and rec.get("sede_cifrado_publica") == hq.enc_public:
        return rec, "archivo de llave"
    if hq_db is not None and iid:
        try:
            db = hq_db()
        except UserError:
            if not isinstance(rec, dict):  # the database's problem is the one to tell
                raise
            db = None  # the key file's copy, sealed for another headquarters, is refused below
        if db is not None and db.role != ROLE_HQ:
            raise UserError(
                f"La base de datos «{db.installation_name}» no es la de la sede central: indique con --db la base "
                "de la sede que recibe los paquetes del técnico. No se ha modificado nada."
            )
        stored = stored_copy(db, iid, hq.enc_public) if db is not None else None
        if stored is not None:
            return stored, "base de la sede"
    if isinstance(rec, dict):
        return rec, "archivo de llave"
    raise UserError(_no_copy_message(file, iid, hq_db))


def _no_copy_message(file: Path, iid: str | None, hq_db) -> str:
    where = f"«{vault.key_file(file).name}»"
    if iid is None:
        return (
            f"No se sabe de qué instalación es «{file.name}»: su archivo de llave {where} falta o está dañado. "
            "Indique el identificador de la instalación del técnico (--instalacion; se ve en la lista de "
            "instalaciones de la sede). No se ha modificado nada."
        )
    if hq_db is None:
        return (
            f"El archivo de llave {where} no tiene copia de recuperación. Indique la base de datos de la sede "
            "(--db) para usar la copia que llegó con los paquetes del técnico. No se ha modificado nada."
        )
    return (
        f"No hay copia de recuperación de la instalación {iid}: ni en {where} ni en la base de la sede (llega "
        "con el primer paquete que el técnico envía después de cifrar su base). No se ha modificado nada."
    )
